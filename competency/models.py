"""The sector's competency framework (versioned), required levels per position, and evidence."""


from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lms import private_files
from lms.private_files import PrivateFileField
from lms.uploads import validate_evidence
from organization.models import Cadre, Position, UnitKind


class Framework(models.Model):
    """One version of the framework. Only one is active at a time; old versions stay for history."""

    name = models.CharField(_("name"), max_length=200)
    version = models.CharField(_("version"), max_length=20)
    is_active = models.BooleanField(_("active"), default=False)
    effective_from = models.DateField(_("effective from"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-effective_from", "-id"]
        verbose_name = _("competency framework")
        verbose_name_plural = _("competency frameworks")
        constraints = [
            models.UniqueConstraint(fields=["version"], name="framework_version_unique"),
            models.UniqueConstraint(fields=["is_active"], condition=Q(is_active=True), name="one_active_framework"),
        ]

    def __str__(self):
        return f"{self.name} ({self.version})"


class ProficiencyLevel(models.Model):
    """A step of the framework's proficiency scale, with its descriptor (1 = lowest)."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="levels")
    level = models.PositiveSmallIntegerField(_("level"))
    name = models.CharField(_("name"), max_length=80)
    descriptor = models.TextField(_("descriptor"), blank=True)

    class Meta:
        ordering = ["framework", "level"]
        verbose_name = _("proficiency level")
        verbose_name_plural = _("proficiency levels")
        constraints = [models.UniqueConstraint(fields=["framework", "level"], name="level_unique_per_framework")]

    def __str__(self):
        return f"{self.level}. {self.name}"


class Area(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="areas")
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["framework", "order", "code"]
        verbose_name = _("competency area")
        verbose_name_plural = _("competency areas")
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="area_code_unique_per_framework")]

    def __str__(self):
        return f"{self.code} {self.name}"


class Competency(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="competencies")
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="competencies")
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["framework", "area__order", "order", "code"]
        verbose_name = _("competency")
        verbose_name_plural = _("competencies")
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="competency_code_unique_per_framework")
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    def clean(self):
        if self.area_id and self.framework_id and self.area.framework_id != self.framework_id:
            raise ValidationError(_("The area belongs to another framework version."))


class Requirement(models.Model):
    """Required level of a competency for a position, optionally only in units of one kind."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="requirements")
    competency = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="requirements")
    position = models.ForeignKey(Position, on_delete=models.CASCADE, related_name="competency_requirements")
    unit_kind = models.CharField(
        _("unit kind"), max_length=16, choices=UnitKind.choices, blank=True, help_text=_("Empty = every kind")
    )
    required_level = models.PositiveSmallIntegerField(_("required level"))

    class Meta:
        ordering = ["framework", "position", "competency"]
        verbose_name = _("requirement")
        verbose_name_plural = _("requirements")
        constraints = [
            models.UniqueConstraint(
                fields=["competency", "position", "unit_kind"], name="requirement_unique_per_position_kind"
            )
        ]

    def __str__(self):
        return f"{self.position} · {self.competency.code} ≥ {self.required_level}"


class EvidenceSource(models.TextChoices):
    COURSE = "course", _("Course completion")
    QUIZ = "quiz", _("Quiz passed")
    CLASS = "class", _("In-person class")
    MANUAL = "manual", _("Assessment by an assessor")
    PRIOR = "prior", _("Recognised prior learning")


class Evidence(models.Model):
    """A dated proof that a cadre reached a level of a competency. Expired evidence no longer counts."""

    cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE, related_name="competency_evidence")
    competency = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="evidence")
    level = models.PositiveSmallIntegerField(_("level"))
    source = models.CharField(_("source"), max_length=8, choices=EvidenceSource.choices)
    # Identifies what produced it ("quiz-sitting:42"), so recording the same fact twice is a no-op.
    source_ref = models.CharField(_("source reference"), max_length=100, blank=True)
    obtained_on = models.DateField(_("obtained on"))
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    file = PrivateFileField(_("file"), folder="evidence", blank=True,
                            validators=[validate_evidence])
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cadre", "competency", "-obtained_on"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        indexes = [models.Index(fields=["cadre", "competency", "expires_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["cadre", "competency", "source", "source_ref"],
                condition=~Q(source_ref=""),
                name="evidence_unique_per_source_ref",
            )
        ]

    def __str__(self):
        return f"{self.cadre} · {self.competency.code} = {self.level}"


def _cadre_file_readable(user, instance) -> bool:
    from organization.selectors import cadres_visible_to

    return cadres_visible_to(user).filter(pk=instance.cadre_id).exists()


private_files.register("competency.evidence", _cadre_file_readable)
