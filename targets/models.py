"""The board's training targets (chỉ tiêu), their dated roll-up snapshots, background jobs and report
schedules. The tables were created by the competency app and keep their names (db_table)."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from lms import private_files
from lms.private_files import PrivateFileField
from organization.models import Position


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
        db_table = "competency_target"  # the table the competency app created
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
        db_table = "competency_rollupsnapshot"  # the table the competency app created
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
    xlsx = PrivateFileField(_("Excel file"), folder="reports", blank=True)
    pdf = PrivateFileField(_("PDF file"), folder="reports", blank=True)
    schedule = models.ForeignKey(
        "ReportSchedule", on_delete=models.SET_NULL, null=True, blank=True, related_name="jobs"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when a worker picks the job up and refreshed as it makes progress: a running job whose
    # heartbeat is older than targets.jobs.STALE_AFTER has lost its worker (see board_jobs_sweep).
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "competency_boardjob"  # the table the competency app created
        ordering = ["-created_at", "-id"]
        verbose_name = _("board job")
        verbose_name_plural = _("board jobs")

    def __str__(self):
        return f"{self.get_kind_display()} · {self.target_id} · {self.unit_id} · {self.on}"

    def private_download_name(self, field: str) -> str:
        return f"bao-cao-{self.target.code}-{self.unit.code}-{self.on:%Y%m%d}.{field}".lower()


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
        db_table = "competency_reportschedule"  # the table the competency app created
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



def _board_job_readable(user, job) -> bool:
    """The board, administrators and the managers whose subtree holds the job's unit."""
    from organization import roles
    from organization.selectors import units_visible_to

    if not (roles.is_board(user) or roles.is_administrator(user) or roles.is_unit_manager(user)):
        return False
    return units_visible_to(user).filter(pk=job.unit_id).exists()


private_files.register("targets.boardjob", _board_job_readable)
