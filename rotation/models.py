"""Rotations of cadres into, out of and within inspection work, and the yearly rotation plans."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel

from lms import private_files
from lms.private_files import PrivateFileField
from organization.models import Cadre, Position, Unit

# Rotation (luân chuyển) under KL 23-KL/TW, QĐ 65-QĐ/TW and KL 35-KL/TW (replaced by QĐ 368-QĐ/TW)


class RotationDirection(models.TextChoices):
    INTO = "into", _("Into inspection work")
    OUT = "out", _("Out of inspection work")
    WITHIN = "within", _("Within the inspection sector")


class RotationStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


# The only moves the services allow. A started rotation has changed the cadre's position history,
# so it can only be completed (its return recorded), never cancelled.
ROTATION_TRANSITIONS = {
    RotationStatus.PLANNED: (RotationStatus.IN_PROGRESS, RotationStatus.CANCELLED),
    RotationStatus.IN_PROGRESS: (RotationStatus.COMPLETED,),
    RotationStatus.COMPLETED: (),
    RotationStatus.CANCELLED: (),
}


class RotationBasis(models.TextChoices):
    KL23 = "kl23", _("Conclusion 23-KL/TW (2021)")
    QD65 = "qd65", _("Regulation 65-QĐ/TW (2022)")
    KL35 = "kl35", _("Conclusion 35-KL/TW (2022)")
    QD368 = "qd368", _("Regulation 368-QĐ/TW (2025)")


ROTATION_DEFAULT_MONTHS = 36
# QĐ 65-QĐ/TW: a cadre rotated should have at least this many years of service left (a warning).
ROTATION_MIN_SERVICE_YEARS = 10
ROTATION_ALERT_DAYS = 90
DECISION_FILE_MAX_BYTES = 10 * 1024 * 1024
# Extension -> what the file's first bytes must say it is.
DECISION_FILE_TYPES = {
    "pdf": {"application/pdf"},
    "doc": {"application/msword"},
    "docx": {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", "application/zip"},
    "odt": {"application/vnd.oasis.opendocument.text", "application/zip"},
    "jpg": {"image/jpeg"},
    "jpeg": {"image/jpeg"},
    "png": {"image/png"},
}


def rotation_default_end(start):
    """The planned end when the decision does not say: 36 months after the start."""
    from dateutil.relativedelta import relativedelta

    return start + relativedelta(months=ROTATION_DEFAULT_MONTHS) if start else None


def validate_decision_file(value):
    """A scanned or typed decision: PDF, Word, ODT, JPEG or PNG, whose content matches its name,
    at most KTLEARN_DECISION_FILE_MAX_BYTES (the shared check of lms.uploads)."""
    from lms.uploads import DECISION, validate_upload

    validate_upload(value, DECISION)


class Rotation(models.Model):
    """One rotation of a cadre, on one decision. Written only through the services
    (rotation_create / rotation_start / rotation_complete / rotation_cancel), which keep the
    cadre's position history and status in step with it.

    Inspection posts are a unit and a Position; a post outside inspection work (where a cadre
    comes from, or goes to) is free text (`from_post_title`, `to_post_title`), optionally with the
    unit it belongs to.
    """

    cadre = models.ForeignKey(Cadre, on_delete=models.PROTECT, related_name="rotations", verbose_name=_("cadre"))
    direction = models.CharField(_("direction"), max_length=8, choices=RotationDirection.choices)
    from_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="rotations_out", verbose_name=_("from unit")
    )
    from_position = models.ForeignKey(
        Position, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("from position")
    )
    from_post_title = models.CharField(
        _("from post outside inspection"), max_length=255, blank=True,
        help_text=_("For a rotation into inspection work: the post held before, e.g. Phó Bí thư Đảng ủy xã."),
    )
    to_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="rotations_in", verbose_name=_("to unit")
    )
    to_position = models.ForeignKey(
        Position, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("to position")
    )
    to_post_title = models.CharField(
        _("to post outside inspection"), max_length=255, blank=True,
        help_text=_("For a rotation out of inspection work: the post taken up, e.g. Phó Chủ tịch UBND phường."),
    )
    decision_number = models.CharField(_("decision number"), max_length=64)
    decision_date = models.DateField(_("decision date"))
    decision_issuer = models.CharField(_("issued by"), max_length=255)
    legal_basis = models.CharField(
        _("legal basis"), max_length=8, choices=RotationBasis.choices, default=RotationBasis.QD65
    )
    start_date = models.DateField(_("start date"))
    planned_end = models.DateField(
        _("planned end"), blank=True, help_text=_("Leave empty for the usual 36 months after the start.")
    )
    actual_end = models.DateField(_("actual end"), null=True, blank=True, editable=False)
    status = models.CharField(
        _("status"), max_length=12, choices=RotationStatus.choices, default=RotationStatus.PLANNED, editable=False
    )
    in_succession_plan = models.BooleanField(_("in the succession plan"), default=False)
    years_of_service_left = models.PositiveSmallIntegerField(
        _("years of service left"), null=True, blank=True,
        help_text=_("QĐ 65-QĐ/TW expects at least 10 years; fewer is allowed but flagged."),
    )
    equivalent_position = models.BooleanField(_("to an equivalent position"), default=False)
    notes = models.TextField(_("notes"), blank=True)
    decision_file = PrivateFileField(
        _("decision file"), folder="rotations", blank=True,
        validators=[validate_decision_file],
        help_text=_("The signed decision: PDF, Word or a scan (JPEG, PNG), at most 10 MB."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "organization_rotation"  # the table the organization app created
        ordering = ["-start_date", "-id"]
        verbose_name = _("rotation")
        verbose_name_plural = _("rotations")
        indexes = [
            models.Index(fields=["cadre", "start_date"]),
            models.Index(fields=["status", "planned_end"]),
            models.Index(fields=["direction", "start_date"]),
            models.Index(fields=["decision_number"]),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(planned_end__gte=models.F("start_date")),
                                   name="rotation_planned_end_after_start"),
            models.CheckConstraint(
                condition=models.Q(actual_end__isnull=True) | models.Q(actual_end__gte=models.F("start_date")),
                name="rotation_actual_end_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.cadre.full_name} — {self.get_direction_display()} ({self.start_date:%d/%m/%Y})"

    @property
    def end_date(self):
        """The last day the rotation covers: the actual end once known, else the planned end."""
        return self.actual_end or self.planned_end

    @property
    def from_label(self) -> str:
        return _post_label(self.from_position, self.from_unit, self.from_post_title)

    @property
    def to_label(self) -> str:
        return _post_label(self.to_position, self.to_unit, self.to_post_title)

    @property
    def short_service_left(self) -> bool:
        return self.years_of_service_left is not None and self.years_of_service_left < ROTATION_MIN_SERVICE_YEARS

    def is_overdue(self, on) -> bool:
        return self.status == RotationStatus.IN_PROGRESS and self.planned_end is not None and self.planned_end < on

    def clean(self):
        """The rules a rotation obeys on its own (no database reads): which posts each direction
        needs, and dates in order. Overlaps, closed units and scope are checked by the services."""
        from django.core.exceptions import ValidationError

        errors: dict[str, list] = {}

        def need(field, message):
            errors.setdefault(field, []).append(message)

        if self.start_date and not self.planned_end:
            self.planned_end = rotation_default_end(self.start_date)
        inspection_from = self.direction in (RotationDirection.OUT, RotationDirection.WITHIN)
        inspection_to = self.direction in (RotationDirection.INTO, RotationDirection.WITHIN)
        if inspection_from:
            if not self.from_unit_id:
                need("from_unit", _("Give the inspection unit the cadre leaves."))
            if not self.from_position_id:
                need("from_position", _("Give the inspection position the cadre leaves."))
        elif self.direction == RotationDirection.INTO:
            if self.from_position_id:
                need("from_position", _("A rotation into inspection work comes from a post outside it: "
                                        "write that post in “from post outside inspection”."))
            if not self.from_post_title.strip():
                need("from_post_title", _("Give the post the cadre held outside inspection work."))
        if inspection_to:
            if not self.to_unit_id:
                need("to_unit", _("Give the inspection unit the cadre goes to."))
            if not self.to_position_id:
                need("to_position", _("Give the inspection position the cadre takes up."))
        elif self.direction == RotationDirection.OUT:
            if self.to_position_id:
                need("to_position", _("A rotation out of inspection work goes to a post outside it: "
                                      "write that post in “to post outside inspection”."))
            if not self.to_post_title.strip():
                need("to_post_title", _("Give the post the cadre takes up outside inspection work."))
        if (
            self.direction == RotationDirection.WITHIN
            and self.from_unit_id and self.from_unit_id == self.to_unit_id
            and self.from_position_id == self.to_position_id
        ):
            need("to_unit", _("A rotation within the sector moves the cadre to another unit or position."))
        if self.start_date and self.planned_end and self.planned_end < self.start_date:
            need("planned_end", _("The planned end cannot be before the start date."))
        if self.start_date and self.actual_end and self.actual_end < self.start_date:
            need("actual_end", _("The actual end cannot be before the start date."))
        if self.start_date and self.decision_date and self.decision_date > self.start_date:
            need("decision_date", _("The decision must be dated on or before the start date."))
        if errors:
            raise ValidationError(errors)


def _post_label(position, unit, title) -> str:
    if position is not None and unit is not None:
        return f"{position.name}, {unit.name}"
    parts = [part for part in (title, unit.name if unit is not None else "") if part]
    return ", ".join(parts) or "—"


class RotationPlan(ClusterableModel):
    """A unit's rotation plan for a year: planned numbers by direction and position (the lines).
    What has been done is computed from the rotations (selectors.rotation_plan_progress)."""

    year = models.PositiveSmallIntegerField(_("year"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="rotation_plans", verbose_name=_("unit"))
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        db_table = "organization_rotationplan"  # the table the organization app created
        ordering = ["-year", "unit__path"]
        verbose_name = _("rotation plan")
        verbose_name_plural = _("rotation plans")
        constraints = [models.UniqueConstraint(fields=["year", "unit"], name="rotation_plan_unique_year_unit")]

    def __str__(self):
        return f"{self.unit.name} — {self.year}"


class RotationPlanLine(models.Model):
    """A planned number of rotations in one direction, for one position (or any position)."""

    plan = ParentalKey(RotationPlan, on_delete=models.CASCADE, related_name="lines")
    direction = models.CharField(_("direction"), max_length=8, choices=RotationDirection.choices)
    position = models.ForeignKey(
        Position, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("position"),
        help_text=_("Empty: any position."),
    )
    planned_count = models.PositiveSmallIntegerField(_("planned number"))

    class Meta:
        db_table = "organization_rotationplanline"  # the table the organization app created
        ordering = ["plan", "direction", "position__order", "id"]
        verbose_name = _("rotation plan line")
        verbose_name_plural = _("rotation plan lines")

    def __str__(self):
        return f"{self.get_direction_display()} — {self.position or '*'}: {self.planned_count}"


class RotationAlertLog(models.Model):
    """A rotation alert digest sent to one user on one day: never sent twice."""

    key = models.CharField(max_length=120, unique=True)
    sent_on = models.DateField()
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        db_table = "organization_rotationalertlog"  # the table the organization app created
        verbose_name = _("rotation alert sent")
        verbose_name_plural = _("rotation alerts sent")

    def __str__(self):
        return self.key


def _rotation_file_readable(user, rotation) -> bool:
    from organization.selectors import cadres_visible_to

    return cadres_visible_to(user).filter(pk=rotation.cadre_id).exists()


private_files.register("rotation.rotation", _rotation_file_readable)
