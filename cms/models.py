"""Home and standard pages of the public site, and the regulations library."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from organization.selectors import cadre_for_user


class HomePage(Page):
    intro = models.CharField(_("intro"), max_length=255, blank=True)
    body = RichTextField(_("body"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]
    max_count = 1
    parent_page_types = ["wagtailcore.Page"]

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):

        context = super().get_context(request, *args, **kwargs)
        context["cadre"] = cadre_for_user(request.user)
        return context


class StandardPage(Page):
    intro = models.CharField(_("intro"), max_length=255, blank=True)
    body = RichTextField(_("body"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("body")]
    parent_page_types = ["cms.HomePage", "cms.StandardPage"]
    subpage_types = ["cms.StandardPage"]

    class Meta:
        verbose_name = _("standard page")


class RegulationKind(models.TextChoices):
    REGULATION = "regulation", _("Regulation (Quy định)")
    RESOLUTION = "resolution", _("Resolution (Nghị quyết)")
    CONCLUSION = "conclusion", _("Conclusion (Kết luận)")
    DIRECTIVE = "directive", _("Directive (Chỉ thị)")
    INSTRUCTION = "instruction", _("Instruction (Hướng dẫn)")
    LAW = "law", _("Law or decree")
    OTHER = "other", _("Other document")


class RegulationStatus(models.TextChoices):
    IN_FORCE = "in_force", _("In force")
    AMENDED = "amended", _("Amended")
    SUPERSEDED = "superseded", _("Superseded")


class Regulation(index.Indexed, models.Model):
    """A document the curriculum teaches. Lessons cite it through the regulation citation block;
    when it is superseded or amended, the lessons citing it are listed for their authors."""

    number = models.CharField(_("number"), max_length=40, unique=True, help_text=_("For example 296-QĐ/TW"))
    kind = models.CharField(_("kind"), max_length=16, choices=RegulationKind.choices, default=RegulationKind.REGULATION)
    title = models.CharField(_("title"), max_length=255)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    issuer = models.CharField(_("issuing body"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=RegulationStatus.choices, default=RegulationStatus.IN_FORCE
    )
    superseded_by = models.ForeignKey(
        "self",
        verbose_name=_("superseded or amended by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replaces",
    )
    summary = models.TextField(_("summary"), blank=True)
    document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("file"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    source_url = models.URLField(_("official source"), blank=True)

    panels = [
        FieldPanel("number"),
        FieldPanel("kind"),
        FieldPanel("title"),
        FieldPanel("issued_on"),
        FieldPanel("issuer"),
        FieldPanel("status"),
        FieldPanel("superseded_by"),
        FieldPanel("summary"),
        FieldPanel("document"),
        FieldPanel("source_url"),
    ]
    search_fields = [
        index.SearchField("number"),
        index.SearchField("title"),
        index.AutocompleteField("number"),
        index.AutocompleteField("title"),
        index.FilterField("status"),
    ]

    class Meta:
        ordering = ["-issued_on", "number"]
        verbose_name = _("regulation")
        verbose_name_plural = _("regulations")

    def __str__(self):
        return f"{self.number} — {self.title}"

    @property
    def is_outdated(self) -> bool:
        return self.status != RegulationStatus.IN_FORCE

    def clean(self):
        errors = {}
        if self.superseded_by_id and self.superseded_by_id == self.pk:
            errors["superseded_by"] = _("A regulation cannot replace itself.")
        elif self.superseded_by_id and self.status == RegulationStatus.IN_FORCE:
            errors["status"] = _(
                "A regulation replaced or amended by another is not simply in force: choose superseded or amended."
            )
        if errors:
            raise ValidationError(errors)
