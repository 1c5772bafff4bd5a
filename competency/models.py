"""The sector's competency framework (versioned), required levels per position, and evidence."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

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
    file = models.FileField(_("file"), upload_to="evidence/%Y/", blank=True)
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


class PopulationAt(models.TextChoices):
    PERIOD_END = "period_end", _("Active at the period's end")
    TODAY = "today", _("Active today")


class Criterion(models.TextChoices):
    TRAINED = "trained", _("Trained: completed the required courses or hours in the period")
    COMPETENT = "competent", _("Competent: meets every required level of the active framework")


class Target(models.Model):
    """A training target (chỉ tiêu): who must be trained or competent by when, and the goal.

    With `newly_elected_deadline_days` set, the population is the cadres elected or appointed
    within the period, and each must be trained within that many days of their election.
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    positions = models.ManyToManyField(
        Position, verbose_name=_("positions"), related_name="targets", blank=True,
        help_text=_("The positions whose holders the target counts."),
    )
    unit_kinds = models.JSONField(
        _("unit kinds"), default=list, blank=True, help_text=_("Empty = every kind of unit")
    )
    population_at = models.CharField(
        _("population counted"), max_length=12, choices=PopulationAt.choices, default=PopulationAt.PERIOD_END
    )
    criterion = models.CharField(_("criterion"), max_length=12, choices=Criterion.choices)
    required_courses = models.ManyToManyField(
        "courses.CoursePage", verbose_name=_("required courses"), related_name="targets", blank=True,
        help_text=_("Trained criterion: completing all of these in the period counts as trained."),
    )
    min_hours = models.DecimalField(
        _("minimum hours"), max_digits=6, decimal_places=1, null=True, blank=True,
        help_text=_("Trained criterion: hours of training in the period that count as trained."),
    )
    goal_percent = models.PositiveSmallIntegerField(_("goal (%)"), default=100)
    newly_elected_deadline_days = models.PositiveSmallIntegerField(
        _("deadline for newly elected members (days)"), null=True, blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "period_start", "id"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")

    def __str__(self):
        return f"{self.name} ({self.period_start:%Y}–{self.period_end:%Y})"

    @property
    def is_newly_elected(self) -> bool:
        return self.newly_elected_deadline_days is not None

    def population_date(self, on: datetime.date) -> datetime.date:
        """The day whose holders form the population when computing on `on`."""
        if self.population_at == PopulationAt.PERIOD_END:
            return min(on, self.period_end)
        return on


class RollupSnapshot(models.Model):
    """The roll-up of one target for one unit's subtree on one day; the trend and forecast read these."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="snapshots")
    unit = models.ForeignKey("organization.Unit", on_delete=models.CASCADE, related_name="rollup_snapshots")
    taken_on = models.DateField(_("taken on"))
    population = models.PositiveIntegerField(_("population"))
    met = models.PositiveIntegerField(_("met"))
    # Days since the period's start: lets the forecast's regression run as plain SQL aggregates.
    day_index = models.IntegerField()
    forecast_percent = models.FloatField(_("forecast at the period's end (%)"), null=True, blank=True)

    class Meta:
        ordering = ["target", "unit", "taken_on"]
        verbose_name = _("roll-up snapshot")
        verbose_name_plural = _("roll-up snapshots")
        constraints = [
            models.UniqueConstraint(fields=["target", "unit", "taken_on"], name="snapshot_unique_per_day")
        ]
        indexes = [models.Index(fields=["target", "taken_on"])]

    def __str__(self):
        return f"{self.target_id}/{self.unit_id} {self.taken_on}: {self.met}/{self.population}"

    @property
    def percent(self) -> float | None:
        return round(100 * self.met / self.population, 1) if self.population else None


class JobKind(models.TextChoices):
    SNAPSHOT = "snapshot", _("Roll-up snapshot")
    REPORT = "report", _("Periodic report")


class JobStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class BoardJob(models.Model):
    """Background work asked for from the dashboard (a snapshot or a report), with its progress and files."""

    kind = models.CharField(_("kind"), max_length=10, choices=JobKind.choices)
    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="jobs", verbose_name=_("target"))
    unit = models.ForeignKey(
        "organization.Unit", on_delete=models.CASCADE, related_name="+", verbose_name=_("unit")
    )
    on = models.DateField(_("as of"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(_("status"), max_length=8, choices=JobStatus.choices, default=JobStatus.PENDING)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    message = models.CharField(_("message"), max_length=300, blank=True)
    xlsx = models.FileField(_("Excel file"), upload_to="reports/%Y/%m/", blank=True)
    pdf = models.FileField(_("PDF file"), upload_to="reports/%Y/%m/", blank=True)
    schedule = models.ForeignKey(
        "ReportSchedule", on_delete=models.SET_NULL, null=True, blank=True, related_name="jobs"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("board job")
        verbose_name_plural = _("board jobs")

    def __str__(self):
        return f"{self.get_kind_display()} · {self.target_id} · {self.unit_id} · {self.on}"


class ReportSchedule(models.Model):
    """A monthly periodic report: generated on `day_of_month` for the unit's subtree."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="schedules", verbose_name=_("target"))
    unit = models.ForeignKey("organization.Unit", on_delete=models.CASCADE, related_name="+", verbose_name=_("unit"))
    day_of_month = models.PositiveSmallIntegerField(
        _("day of the month"), default=1, help_text=_("1–28, so that every month has that day.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("report schedule")
        verbose_name_plural = _("report schedules")
        constraints = [
            models.UniqueConstraint(fields=["target", "unit"], name="one_schedule_per_target_unit")
        ]

    def __str__(self):
        return f"{self.target} · {self.unit} · {self.day_of_month}"

    def clean(self):
        if not 1 <= self.day_of_month <= 28:
            raise ValidationError({"day_of_month": _("Choose a day between 1 and 28.")})


class Notice(models.Model):
    """A message shown to a user inside the site (reminders); the same key is never sent twice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ktlearn_notices")
    key = models.CharField(max_length=120)
    text = models.TextField(_("text"))
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notice_unique_key")]

    def __str__(self):
        return self.text[:60]


class ReminderLog(models.Model):
    """One reminder sent (to a cadre, or a digest to a manager) on one day: never sent twice."""

    key = models.CharField(max_length=120, unique=True)
    sent_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")

    def __str__(self):
        return self.key
