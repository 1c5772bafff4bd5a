"""Home and standard pages of the public site, and the regulations library."""

import posixpath

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from lms import private_files
from lms.private_files import PrivateFileField
from lms.uploads import UploadKind, validate_upload
from organization.selectors import cadre_for_user

from .blocks import PracticeBodyBlock
from .page_forms import PracticePageForm
from .routing import CachedViewRestrictionsMixin


class HomePage(CachedViewRestrictionsMixin, Page):
    intro = models.CharField(_("intro"), max_length=255, blank=True)
    body = RichTextField(_("body"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]
    max_count = 1
    parent_page_types = ["wagtailcore.Page"]

    class Meta:
        verbose_name = _("home page")

    def serve(self, request, *args, **kwargs):
        """An anonymous visitor gets the page rendered once (cms.routing.serve_anonymous_cached)."""
        from .routing import anonymous_page_cacheable, serve_anonymous_cached

        if not anonymous_page_cacheable(request, self):
            return super().serve(request, *args, **kwargs)

        def render_response(extra_context):
            from django.template.response import TemplateResponse

            context = self.get_context(request, *args, **kwargs)
            context.update(extra_context)
            return TemplateResponse(request, self.get_template(request, *args, **kwargs), context)

        return serve_anonymous_cached(request, self, render_response)

    def get_context(self, request, *args, **kwargs):

        from .routing import rendered_richtext

        context = super().get_context(request, *args, **kwargs)
        context["cadre"] = cadre_for_user(request.user) if request.user.is_authenticated else None
        context["body_html"] = rendered_richtext(request, self)
        return context


class StandardPage(CachedViewRestrictionsMixin, Page):
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


SEAL_IMAGE = UploadKind("seal", ("png", "jpg", "jpeg"))


def validate_seal_image(value):
    validate_upload(value, SEAL_IMAGE)


@register_setting(icon="doc-full")
class OfficialDocumentSettings(BaseSiteSetting):
    """What the official documents print: the header of a report in the Party's layout (Hướng dẫn
    36-HD/VPTW), its number's symbol, place, recipients and signer, and the certificates' signer.
    The defaults are the demo province's; cms.api.official_documents() reads them for the other apps.
    The seal image is a private file (outside MEDIA_ROOT, no public URL): only administrators open it."""

    province_name = models.CharField(_("province name"), max_length=100, default="Quảng Ninh",
                                     help_text=_("For example Quảng Ninh."))
    superior_body = models.CharField(_("superior body"), max_length=150, default="Tỉnh ủy Quảng Ninh", help_text=_(
        "Printed in capitals at the top left, for example Tỉnh ủy Quảng Ninh."))
    issuing_body = models.CharField(_("issuing body"), max_length=150, default="Ủy ban Kiểm tra",
                                    help_text=_("Printed in capitals under the superior body."))
    issuing_body_abbreviation = models.CharField(
        _("abbreviation of the issuing body"), max_length=20, default="UBKT",
        help_text=_("The symbol after the number: Số 12-BC/UBKT. Numbers restart every year for each abbreviation."))
    place_name = models.CharField(_("place in the date line"), max_length=100, default="Quảng Ninh",
                                  help_text=_("Quảng Ninh, ngày 05 tháng 01 năm 2026"))
    on_behalf_line = models.CharField(_("“on behalf of” line"), max_length=150, default="T/M Ủy ban Kiểm tra",
                                      help_text=_("Printed in capitals above the signer's title."))
    signer_title = models.CharField(_("signer's title"), max_length=100, default="Chủ nhiệm")
    signer_name = models.CharField(_("signer's name"), max_length=120, blank=True,
                                   help_text=_("Empty: the space is left for a handwritten name."))
    recipients = models.TextField(
        _("recipients (Nơi nhận)"), default="- Thường trực Tỉnh ủy,\n- Ban Tổ chức Tỉnh ủy,\n- Lưu UBKT.",
        help_text=_("One recipient a line, as printed."))
    certificate_signer_title = models.CharField(_("certificate signer's title"), max_length=100,
                                                default="Chủ nhiệm Ủy ban Kiểm tra")
    certificate_signer_name = models.CharField(_("certificate signer's name"), max_length=120, blank=True)
    seal_image = PrivateFileField(
        _("seal or signature image"), folder="official", blank=True, validators=[validate_seal_image],
        help_text=_("Optional PNG or JPEG printed over the signature on reports and certificates. "
                    "Kept private: it is never served publicly."))

    panels = [
        MultiFieldPanel([FieldPanel("province_name"), FieldPanel("superior_body"), FieldPanel("issuing_body"),
                         FieldPanel("issuing_body_abbreviation"), FieldPanel("place_name")],
                        heading=_("Issuing body")),
        MultiFieldPanel([FieldPanel("on_behalf_line"), FieldPanel("signer_title"), FieldPanel("signer_name"),
                         FieldPanel("recipients")], heading=_("Reports")),
        MultiFieldPanel([FieldPanel("certificate_signer_title"), FieldPanel("certificate_signer_name")],
                        heading=_("Certificates")),
        FieldPanel("seal_image"),
    ]

    class Meta:
        verbose_name = _("official documents")

    def private_download_name(self, field: str) -> str:
        return f"con-dau{posixpath.splitext(self.seal_image.name)[1]}"


def _seal_readable(user, settings_row) -> bool:
    from organization import roles

    return roles.is_administrator(user)


private_files.register("cms.officialdocumentsettings", _seal_readable)


# --- Shared practice and model documents (Chương trình hành động III.1.2(3), III.3(4), III.4.3(4)) --------------


PRACTICE_PAGE_SIZE = 10
MODEL_DOCUMENT_PAGE_SIZE = 20


class PracticeTag(TaggedItemBase):
    content_object = ParentalKey("cms.PracticePage", on_delete=models.CASCADE, related_name="tagged_items")


class PracticeLibraryPage(CachedViewRestrictionsMixin, Page):
    """The library of good-practice write-ups: lists its live write-ups, newest first, filtered by
    topic (tag), unit and a search, paginated."""

    intro = models.TextField(_("intro"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.PracticePage"]
    max_count = 1

    class Meta:
        verbose_name = _("good-practice library")

    def get_context(self, request, *args, **kwargs):
        from .selectors import practice_library

        context = super().get_context(request, *args, **kwargs)
        context.update(practice_library(library=self, params=request.GET))
        return context


class PracticePage(CachedViewRestrictionsMixin, Page):
    """A unit's write-up of a way of working that others can reuse, approved through the workflow
    before it is published."""

    unit = models.ForeignKey("organization.Unit", verbose_name=_("unit"), on_delete=models.PROTECT,
                             related_name="practice_pages", help_text=_("The unit whose practice this is"))
    summary = models.TextField(_("summary"), max_length=600,
                               help_text=_("Two or three sentences shown in the library's list"))
    body = StreamField(PracticeBodyBlock(), verbose_name=_("content"))
    tags = ClusterTaggableManager(through=PracticeTag, blank=True, verbose_name=_("topics"),
                                  help_text=_("Topics such as giám sát thường xuyên, tài chính đảng"))

    content_panels = Page.content_panels + [
        FieldPanel("unit"),
        FieldPanel("summary"),
        FieldPanel("tags"),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [index.SearchField("summary"), index.SearchField("body")]
    parent_page_types = ["cms.PracticeLibraryPage"]
    subpage_types = []
    base_form_class = PracticePageForm

    class Meta:
        verbose_name = _("good-practice write-up")
        verbose_name_plural = _("good-practice write-ups")


class ModelDocumentCategory(models.TextChoices):
    PLAN = "plan", _("Plan")
    DECISION = "decision", _("Decision")
    OUTLINE = "outline", _("Reporting outline")
    MINUTES = "minutes", _("Minutes")
    REPORT = "report", _("Report")
    NOTICE = "notice", _("Notice or conclusion")
    SUBMISSION = "submission", _("Submission (tờ trình)")
    FORM = "form", _("Form or register")


class ModelDocument(index.Indexed, models.Model):
    """A model document or template (mẫu văn bản) that units download and fill in. Templates carry
    no personal data, so the file lives in Wagtail's public documents library."""

    title = models.CharField(_("title"), max_length=255)
    category = models.CharField(_("document type"), max_length=16, choices=ModelDocumentCategory.choices)
    description = models.TextField(_("description"), blank=True, help_text=_("When to use it, what to fill in"))
    document = models.ForeignKey("wagtaildocs.Document", verbose_name=_("file"), on_delete=models.PROTECT,
                                 related_name="+")
    regulation = models.ForeignKey(Regulation, verbose_name=_("legal basis"), on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="model_documents")
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    panels = [
        FieldPanel("title"),
        FieldPanel("category"),
        FieldPanel("description"),
        FieldPanel("document"),
        FieldPanel("regulation"),
    ]
    search_fields = [
        index.SearchField("title"),
        index.SearchField("description"),
        index.AutocompleteField("title"),
        index.FilterField("category"),
    ]

    class Meta:
        ordering = ["category", "title"]
        verbose_name = _("model document")
        verbose_name_plural = _("model documents")

    def __str__(self):
        return self.title


class ModelDocumentLibraryPage(CachedViewRestrictionsMixin, Page):
    """The library of model documents and templates: every ModelDocument, filtered by category and
    a search, paginated, each with its download link."""

    intro = models.TextField(_("intro"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = []
    max_count = 1

    class Meta:
        verbose_name = _("model documents library")

    def get_context(self, request, *args, **kwargs):
        from .selectors import model_document_library

        context = super().get_context(request, *args, **kwargs)
        context.update(model_document_library(params=request.GET))
        return context
