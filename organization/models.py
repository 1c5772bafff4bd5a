"""Units (a tree of Party organisations), cadres doing inspection work, and their positions."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from treebeard.mp_tree import MP_Node

from .vnsort import name_sort_key


class UnitKind(models.TextChoices):
    PROVINCE = "province", _("Province")
    BODY = "body", _("Body under the province")
    COMMUNE = "commune", _("Commune (grassroots)")
    WARD = "ward", _("Ward (grassroots)")
    AGENCY = "agency", _("Agency (grassroots)")
    ENTERPRISE = "enterprise", _("Enterprise (grassroots)")
    CELL = "cell", _("Party cell")


GRASSROOTS_KINDS = (UnitKind.COMMUNE, UnitKind.WARD, UnitKind.AGENCY, UnitKind.ENTERPRISE)
# QĐ 22-QĐ/TW: a grassroots committee with this many members needs a full-time deputy chair.
FULLTIME_DEPUTY_THRESHOLD = 300


class UnitLevel(models.Model):
    """A level of the unit tree as data: levels change (the district level ended in 2025)."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=120)
    rank = models.PositiveSmallIntegerField(_("rank"), help_text=_("0 = province, larger = lower"))
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta:
        ordering = ["rank", "valid_from"]
        verbose_name = _("unit level")
        verbose_name_plural = _("unit levels")

    def __str__(self):
        return self.name

    def is_valid_on(self, day) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


class Unit(MP_Node):
    """A Party organisation. Closed or merged units stay in the tree so history keeps pointing at them."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=16, choices=UnitKind.choices)
    level = models.ForeignKey(
        UnitLevel, verbose_name=_("level"), on_delete=models.PROTECT, related_name="units", null=True, blank=True
    )
    party_member_count = models.PositiveIntegerField(_("party members"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_units",
    )

    node_order_by = ["code"]

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        indexes = [models.Index(fields=["kind", "is_active"])]

    def __str__(self):
        return f"{self.name} ({self.code})"

    @property
    def is_grassroots(self) -> bool:
        return self.kind in GRASSROOTS_KINDS

    @property
    def needs_fulltime_deputy_threshold(self) -> bool:
        return self.is_grassroots and self.party_member_count >= FULLTIME_DEPUTY_THRESHOLD


class Position(models.Model):
    """A position in an inspection committee or its office, kept as data."""

    code = models.SlugField(_("code"), max_length=48, unique=True)
    name = models.CharField(_("name"), max_length=120)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_committee_member = models.BooleanField(_("member of the inspection committee"), default=True)
    is_fulltime = models.BooleanField(_("full-time"), default=False)
    is_deputy_chair = models.BooleanField(_("deputy chair"), default=False)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("position")
        verbose_name_plural = _("positions")

    def __str__(self):
        return self.name


class Grade(models.TextChoices):
    NONE = "", _("No grade")
    INSPECTOR = "ktv", _("Inspector")
    PRINCIPAL = "ktvc", _("Principal inspector")
    SENIOR = "ktvcc", _("Senior inspector")


class TheoryLevel(models.TextChoices):
    NONE = "", _("None")
    ELEMENTARY = "elementary", _("Elementary")
    INTERMEDIATE = "intermediate", _("Intermediate")
    ADVANCED = "advanced", _("Advanced")
    BACHELOR = "bachelor", _("Bachelor")


class Gender(models.TextChoices):
    MALE = "m", _("Male")
    FEMALE = "f", _("Female")


class CadreStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    ROTATED = "rotated", _("Rotated")
    RETIRED = "retired", _("Retired")
    LEFT = "left", _("Left")


class Cadre(models.Model):
    """A person doing inspection work. `unit` and `position` are current; history is in PositionAssignment."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cadre",
    )
    code = models.CharField(_("code"), max_length=32, unique=True)
    full_name = models.CharField(_("full name"), max_length=120)
    name_sort_key = models.CharField(max_length=255, editable=False, db_index=True, default="")
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="cadres")
    position = models.ForeignKey(
        Position, verbose_name=_("position"), on_delete=models.PROTECT, related_name="cadres"
    )
    grade = models.CharField(_("grade"), max_length=8, choices=Grade.choices, blank=True)
    theory_level = models.CharField(
        _("political theory level"), max_length=16, choices=TheoryLevel.choices, blank=True
    )
    appointed_on = models.DateField(_("elected or appointed on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=CadreStatus.choices, default=CadreStatus.ACTIVE)
    email = models.EmailField(_("email"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name_sort_key", "code"]
        verbose_name = _("cadre")
        verbose_name_plural = _("cadres")
        indexes = [models.Index(fields=["unit", "status"]), models.Index(fields=["position", "status"])]

    def __str__(self):
        return f"{self.full_name} ({self.code})"

    def save(self, *args, **kwargs):
        self.name_sort_key = name_sort_key(self.full_name)
        if kwargs.get("update_fields") is not None and "full_name" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "name_sort_key"}
        super().save(*args, **kwargs)


class PositionAssignment(models.Model):
    """One dated holding of a position in a unit. Never overwritten: a change closes one and opens the next."""

    cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("cadre"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("unit"))
    position = models.ForeignKey(
        Position, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("position")
    )
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["cadre", "start_date", "id"]
        verbose_name = _("position assignment")
        verbose_name_plural = _("position history")
        indexes = [models.Index(fields=["unit", "start_date", "end_date"])]

    def __str__(self):
        return f"{self.cadre} — {self.position} @ {self.unit.code} ({self.start_date}–{self.end_date or ''})"


class UserProfile(models.Model):
    """Which unit a staff user works for: a unit manager sees and edits that unit's subtree only."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ktlearn_profile", verbose_name=_("user")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="staff", verbose_name=_("unit")
    )

    class Meta:
        verbose_name = _("user profile")
        verbose_name_plural = _("user profiles")

    def __str__(self):
        return f"{self.user} @ {self.unit or '-'}"


class CadreImportUpload(models.Model):
    """An uploaded cadre file kept between the preview and the confirmation.

    The file itself is stored (not the parsed rows) so the confirmation parses and validates it
    again against the database as it is then. Deleted once confirmed; stale ones are pruned.
    """

    token = models.CharField(max_length=64, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    filename = models.CharField(_("file name"), max_length=255)
    content = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("cadre import upload")
        verbose_name_plural = _("cadre import uploads")

    def __str__(self):
        return self.filename


# ---------------------------------------------------------------------------------------------
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
    at most DECISION_FILE_MAX_BYTES. Files already stored were checked when uploaded."""
    import filetype
    from django.core.exceptions import ValidationError
    from django.template.defaultfilters import filesizeformat

    if not value or getattr(value, "_committed", True):
        return
    limit = getattr(settings, "KTLEARN_DECISION_FILE_MAX_BYTES", DECISION_FILE_MAX_BYTES)
    if value.size > limit:
        raise ValidationError(
            _("This file is %(size)s; a decision file may be at most %(limit)s.")
            % {"size": filesizeformat(value.size), "limit": filesizeformat(limit)}
        )
    name = value.name or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    allowed = ", ".join(sorted({f".{ext}" for ext in DECISION_FILE_TYPES}))
    if extension not in DECISION_FILE_TYPES:
        raise ValidationError(_("Upload the decision as one of %(types)s.") % {"types": allowed})
    upload = value.file
    upload.seek(0)
    kind = filetype.guess(upload.read(8192))
    upload.seek(0)
    if kind is None or kind.mime not in DECISION_FILE_TYPES[extension]:
        raise ValidationError(
            _("“%(name)s” is not a real .%(ext)s file. Upload the decision as one of %(types)s.")
            % {"name": name.rsplit("/", 1)[-1], "ext": extension, "types": allowed}
        )


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
    decision_file = models.FileField(
        _("decision file"), upload_to="rotations/%Y/", blank=True, validators=[validate_decision_file],
        help_text=_("The signed decision: PDF, Word or a scan (JPEG, PNG), at most 10 MB."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
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
        verbose_name = _("rotation alert sent")
        verbose_name_plural = _("rotation alerts sent")

    def __str__(self):
        return self.key
