"""The board's training targets (chỉ tiêu), their dated roll-up snapshots, background jobs and report
schedules. The tables were created by the competency app and keep their names (db_table)."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel

from lms import private_files
from lms.private_files import PrivateFileField
from organization.models import Grade, Position, PositionGroup, TheoryLevel


class PopulationAt(models.TextChoices):
    PERIOD_END = "period_end", _("Active at the period's end")
    TODAY = "today", _("Active today")


class Criterion(models.TextChoices):
    TRAINED = "trained", _("Trained: completed the required courses or hours in the period")
    COMPETENT = "competent", _("Competent: meets every required level of the active framework")
    ACKNOWLEDGED = "acknowledged", _("Studied: confirmed studying every listed document issued by the date")
    # II.2(6)/II.3(6): counts grassroots inspection committees, not people (see targets.figures).
    COMMITTEE = "committee", _("Committee: every member trained and the chair through the supervision course")
    STANDARD = "standard", _("Trained, meets the criteria and standards (the target's rules) and the framework")


class Target(ClusterableModel):
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
    position_groups = models.ManyToManyField(
        PositionGroup, verbose_name=_("position groups"), related_name="targets", blank=True,
        help_text=_("The holders of every position of these groups count too (e.g. the key cadres)."),
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
    regulations = models.ManyToManyField(
        "cms.Regulation", verbose_name=_("documents to study"), related_name="targets", blank=True,
        help_text=_("Studied criterion: the documents each cadre must confirm studying (once issued)."),
    )
    min_hours = models.DecimalField(
        _("minimum hours"), max_digits=6, decimal_places=1, null=True, blank=True,
        help_text=_("Trained criterion: hours of training in the period that count as trained."),
    )
    chair_position = models.ForeignKey(
        Position, verbose_name=_("chair's position"), on_delete=models.PROTECT, related_name="+", null=True,
        blank=True, help_text=_("Committee criterion: the position of the committee's chair."),
    )
    chair_courses = models.ManyToManyField(
        "courses.CoursePage", verbose_name=_("courses the chair must complete"), related_name="chair_targets",
        blank=True, help_text=_("Committee criterion: the supervision course(s) the chair must have completed."),
    )
    professional_only = models.BooleanField(
        _("professional training only"), default=False,
        help_text=_("Only completions of courses that count as professional training count towards the minimum "
                    "hours (external training keeps counting)."),
    )
    goal_percent = models.PositiveSmallIntegerField(_("goal (%)"), default=100)
    newly_elected_deadline_days = models.PositiveSmallIntegerField(
        _("deadline for newly elected members (days)"), null=True, blank=True
    )
    # Where each threshold comes from: the legal basis, or a choice of the province (local choice).
    hours_source = models.CharField(_("source of the minimum hours"), max_length=300, blank=True)
    hours_local_choice = models.BooleanField(_("minimum hours: local choice"), default=False)
    deadline_source = models.CharField(_("source of the deadline"), max_length=300, blank=True)
    deadline_local_choice = models.BooleanField(_("deadline: local choice"), default=False)
    courses_source = models.CharField(_("source of the courses that count"), max_length=300, blank=True)
    courses_local_choice = models.BooleanField(_("courses that count: local choice"), default=False)
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

    @property
    def counts_committees(self) -> bool:
        """The population is grassroots inspection committees (FigureCommittee), not cadres."""
        return self.criterion == Criterion.COMMITTEE

    def thresholds(self) -> list[dict]:
        """The target's thresholds with their sources, for the board and the editor: label, value, source
        ('' = not given) and whether the province chose it (local choice)."""
        rows = []
        if self.min_hours:
            rows.append({"label": _("Minimum hours"), "value": f"{float(self.min_hours):g}",
                         "source": self.hours_source, "local_choice": self.hours_local_choice})
        if self.newly_elected_deadline_days is not None:
            rows.append({"label": _("Deadline for newly elected members (days)"),
                         "value": str(self.newly_elected_deadline_days),
                         "source": self.deadline_source, "local_choice": self.deadline_local_choice})
        if self.criterion != Criterion.COMPETENT:
            courses = _("Courses that count as professional training, and external training") if (
                self.professional_only) else _("Every course and external training")
            rows.append({"label": _("Training that counts"), "value": courses,
                         "source": self.courses_source, "local_choice": self.courses_local_choice})
        if self.criterion == Criterion.STANDARD:
            for rule in self.standard_rules.all():
                rows.append({"label": rule.get_kind_display(), "value": rule.value_display(),
                             "source": rule.source, "local_choice": rule.local_choice})
        return rows

    def figures_date(self, on: datetime.date) -> datetime.date:
        """The date whose figures answer a question asked for `on`: `on` itself while the period runs,
        the period's end once it has ended (the final result)."""
        return min(on, self.period_end)

    def has_ended(self, on: datetime.date) -> bool:
        return on >= self.period_end

    def population_date(self, on: datetime.date) -> datetime.date:
        """The day whose holders form the population when computing on `on`."""
        if self.population_at == PopulationAt.PERIOD_END:
            return min(on, self.period_end)
        return on


THRESHOLD_SOURCE_FIELDS = ("hours_source", "hours_local_choice", "deadline_source", "deadline_local_choice",
                           "courses_source", "courses_local_choice")


class RuleKind(models.TextChoices):
    MIN_GRADE = "min_grade", _("Minimum grade")
    MIN_THEORY_LEVEL = "min_theory_level", _("Minimum political theory level")
    QUALIFICATION = "qualification", _("Qualification (a completed course)")
    MIN_YEARS_OF_SERVICE = "min_years_of_service", _("Minimum years of service")


# The ranks the minimum-grade and minimum-theory-level rules compare (no grade / none = 0).
GRADE_RANKS = {Grade.NONE: 0, Grade.INSPECTOR: 1, Grade.PRINCIPAL: 2, Grade.SENIOR: 3}
THEORY_RANKS = {TheoryLevel.NONE: 0, TheoryLevel.ELEMENTARY: 1, TheoryLevel.INTERMEDIATE: 2,
                TheoryLevel.ADVANCED: 3, TheoryLevel.BACHELOR: 4}


def standard_rule_error(kind: str, value: str) -> str:
    """Why `value` is not a valid value for a rule of `kind` ('' = it is)."""
    from courses.models import CoursePage

    value = (value or "").strip()
    if kind == RuleKind.MIN_GRADE and value not in {str(code) for code in GRADE_RANKS if code}:
        return _("Enter a grade code: ktv (inspector), ktvc (principal) or ktvcc (senior).")
    if kind == RuleKind.MIN_THEORY_LEVEL and value not in {str(code) for code in THEORY_RANKS if code}:
        return _("Enter a theory level: elementary, intermediate, advanced or bachelor.")
    if kind == RuleKind.QUALIFICATION and not CoursePage.objects.filter(code=value).exists():
        return _("No course has the code %(code)s.") % {"code": value}
    if kind == RuleKind.MIN_YEARS_OF_SERVICE and not (value.isdigit() and 1 <= int(value) <= 50):
        return _("Enter a whole number of years between 1 and 50.")
    if kind not in RuleKind.values:
        return _("Choose a kind of rule.")
    return ""


class StandardRule(models.Model):
    """One criterion or standard of a 'standard' target (II.2(3)/II.3(3)): a minimum grade, a minimum
    political theory level, a qualification (a course completed by the evaluation date) or a minimum
    number of years of service (since the cadre's first position assignment), with its source.

    `value`: a grade code (ktv, ktvc, ktvcc), a theory level code (elementary … bachelor), a course
    code, or a whole number of years (see targets.services.standard_rule_validate)."""

    target = ParentalKey(Target, on_delete=models.CASCADE, related_name="standard_rules")
    kind = models.CharField(_("rule"), max_length=24, choices=RuleKind.choices)
    value = models.CharField(_("value"), max_length=64,
                             help_text=_("Grade: ktv, ktvc or ktvcc. Theory level: elementary, intermediate, "
                                         "advanced or bachelor. Qualification: a course code. Years: a number."))
    source = models.CharField(_("source"), max_length=300, blank=True)
    local_choice = models.BooleanField(_("local choice"), default=False)
    sort_order = models.IntegerField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("criterion or standard")
        verbose_name_plural = _("criteria and standards")

    def __str__(self):
        return f"{self.get_kind_display()}: {self.value}"

    def clean(self):
        message = standard_rule_error(self.kind, self.value)
        if message:
            raise ValidationError({"value": message})

    def value_display(self) -> str:
        if self.kind == RuleKind.MIN_GRADE:
            return str(dict(Grade.choices).get(self.value, self.value))
        if self.kind == RuleKind.MIN_THEORY_LEVEL:
            return str(dict(TheoryLevel.choices).get(self.value, self.value))
        return self.value


class RollupSnapshot(models.Model):
    """The roll-up of one target for one unit's subtree on one day; the trend and forecast read these."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="snapshots")
    unit = models.ForeignKey("organization.Unit", on_delete=models.CASCADE, related_name="rollup_snapshots")
    taken_on = models.DateField(_("taken on"))
    population = models.PositiveIntegerField(_("population"))
    met = models.PositiveIntegerField(_("met"))
    # Not met yet but still inside their own deadline (newly elected members): neither met nor missing.
    in_time = models.PositiveIntegerField(_("still in time"), default=0)
    # The unit's place in the tree on `taken_on` (units move and merge; the tree shows today's place).
    path = models.CharField(max_length=255, default="", db_index=True)
    depth = models.PositiveIntegerField(default=0)
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

    @property
    def not_met(self) -> int:
        return self.population - self.met - self.in_time


class FigureSet(models.Model):
    """The board's figures of one target on one date: the roll-up rows (RollupSnapshot, taken_on = `on`)
    and the named cadres who do not meet it (FigureCadre), computed together by one statement.

    Every page, report and export reads these stored rows, so they agree. A write that can change a
    figure of `on` or earlier raises `version` (targets.freshness); the set is stale while
    `computed_version` lags behind, and a debounced task computes it again."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="figure_sets")
    on = models.DateField(_("as of"))
    version = models.PositiveIntegerField(default=1)
    computed_version = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    changed_at = models.DateTimeField(null=True, blank=True)  # last write that made it stale (debounce)
    # Asked for by a page or a report lately: kept fresh by the refresh task even if not today's.
    wanted_at = models.DateTimeField(null=True, blank=True)
    refresh_queued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("figure set")
        verbose_name_plural = _("figure sets")
        constraints = [models.UniqueConstraint(fields=["target", "on"], name="figure_set_unique_per_day")]
        indexes = [models.Index(fields=["on"])]

    def __str__(self):
        return f"{self.target_id} {self.on} v{self.computed_version}/{self.version}"

    @property
    def is_stale(self) -> bool:
        return self.computed_version < self.version


class CadreState(models.TextChoices):
    NOT_MET = "not_met", _("Not met")
    IN_TIME = "in_time", _("Still in time")


class FigureCadre(models.Model):
    """A cadre of a figure set's population who has not met the target: missing, or still in time.

    Derived rows, rewritten in bulk by every computation (up to the whole province's cadres): no
    database constraints on the foreign keys (deferred checks of 200,000 rows took longer than
    writing them) and only the index the missing list reads by; deletes still cascade through the
    ORM, and a set computed again replaces its rows."""

    figure_set = models.ForeignKey(FigureSet, on_delete=models.CASCADE, related_name="cadres", db_constraint=False,
                                   db_index=False)  # the (figure_set, state, path) index serves
    cadre = models.ForeignKey("organization.Cadre", on_delete=models.CASCADE, related_name="+", db_constraint=False)
    unit = models.ForeignKey("organization.Unit", on_delete=models.CASCADE, related_name="+", db_constraint=False,
                             db_index=False)
    position = models.ForeignKey("organization.Position", on_delete=models.CASCADE, related_name="+",
                                 db_constraint=False, db_index=False)
    path = models.CharField(max_length=255)  # the unit's path on the set's date
    state = models.CharField(max_length=8, choices=CadreState.choices)
    deadline = models.DateField(null=True, blank=True)
    name_sort_key = models.CharField(max_length=255, default="")

    class Meta:
        verbose_name = _("cadre not meeting a target")
        verbose_name_plural = _("cadres not meeting a target")
        indexes = [models.Index(fields=["figure_set", "state", "path"])]

    def __str__(self):
        return f"{self.figure_set_id}: {self.cadre_id} {self.state}"


class FigureCommittee(models.Model):
    """A grassroots inspection committee of a committee-level target's population that does not meet
    it on the set's date: how many of its members were in post and trained, and whether its chair
    (if any was in post) had completed the chair's courses. Its untrained members are the set's
    FigureCadre rows of the same unit. Rewritten with the set, like FigureCadre."""

    figure_set = models.ForeignKey(FigureSet, on_delete=models.CASCADE, related_name="committees")
    unit = models.ForeignKey("organization.Unit", on_delete=models.CASCADE, related_name="+")
    path = models.CharField(max_length=255)  # the unit's path on the set's date
    members = models.PositiveIntegerField(_("members in post"))
    members_met = models.PositiveIntegerField(_("members trained"))
    chair = models.ForeignKey("organization.Cadre", on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+")
    chair_done = models.BooleanField(_("chair completed the courses"), default=False)

    class Meta:
        verbose_name = _("committee not meeting a target")
        verbose_name_plural = _("committees not meeting a target")
        indexes = [models.Index(fields=["figure_set", "path"])]

    def __str__(self):
        return f"{self.figure_set_id}: {self.unit_id} {self.members_met}/{self.members}"


class ReportPeriod(models.TextChoices):
    """The cut-off a report answers: the end of a month, of a half-year (30/06, 31/12), of a year
    (31/12), or a date chosen by the board."""

    MONTHLY = "monthly", _("Monthly")
    HALF_YEARLY = "half_yearly", _("6-monthly (30/06 and 31/12)")
    ANNUAL = "annual", _("Annual (31/12)")
    CUSTOM = "custom", _("A chosen date")


def latest_cutoff(period: str, today: datetime.date) -> datetime.date:
    """The most recent cut-off of `period` on or before `today`: the last day of the month (this
    month's if today is its last day), 30/06 or 31/12, 31/12. A chosen date has none: `today`."""
    if period == ReportPeriod.MONTHLY:
        next_day = today + datetime.timedelta(days=1)
        return today if next_day.month != today.month else today.replace(day=1) - datetime.timedelta(days=1)
    if period == ReportPeriod.HALF_YEARLY:
        mid = datetime.date(today.year, 6, 30)
        return datetime.date(today.year, 12, 31) if today == datetime.date(today.year, 12, 31) else (
            mid if today >= mid else datetime.date(today.year - 1, 12, 31))
    if period == ReportPeriod.ANNUAL:
        end = datetime.date(today.year, 12, 31)
        return end if today == end else datetime.date(today.year - 1, 12, 31)
    return today


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
    # A report is an official document: the cut-off it answers, and its number (Số 12-BC/UBKT) and
    # date, given once (targets.services.report_number_assign) and kept when the report is rebuilt.
    period = models.CharField(_("cut-off"), max_length=12, choices=ReportPeriod.choices, default=ReportPeriod.CUSTOM)
    issuer_abbreviation = models.CharField(_("issuing body"), max_length=20, blank=True)
    document_year = models.PositiveSmallIntegerField(_("year of the number"), null=True, blank=True)
    document_number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)

    class Meta:
        db_table = "competency_boardjob"  # the table the competency app created
        ordering = ["-created_at", "-id"]
        verbose_name = _("board job")
        verbose_name_plural = _("board jobs")
        constraints = [
            models.UniqueConstraint(fields=["issuer_abbreviation", "document_year", "document_number"],
                                    condition=models.Q(document_number__isnull=False),
                                    name="report_number_unique_per_issuer_year"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.target_id} · {self.unit_id} · {self.on}"

    @property
    def document_symbol(self) -> str:
        """'12-BC/UBKT' once numbered, else ''."""
        if self.document_number is None:
            return ""
        return f"{self.document_number}-BC/{self.issuer_abbreviation}"

    def private_download_name(self, field: str) -> str:
        return f"bao-cao-{self.target.code}-{self.unit.code}-{self.on:%Y%m%d}.{field}".lower()


class ReportSchedule(models.Model):
    """A periodic report of the unit's subtree, made by the daily task on each cut-off date:
    monthly on `day_of_month`, 6-monthly on 30/06 and 31/12, annually on 31/12, or once on `custom_on`."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="schedules", verbose_name=_("target"))
    unit = models.ForeignKey("organization.Unit", on_delete=models.CASCADE, related_name="+", verbose_name=_("unit"))
    frequency = models.CharField(_("frequency"), max_length=12, choices=ReportPeriod.choices,
                                 default=ReportPeriod.MONTHLY)
    day_of_month = models.PositiveSmallIntegerField(
        _("day of the month"), default=1, help_text=_("1–28, so that every month has that day.")
    )
    custom_on = models.DateField(_("date"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    is_active = models.BooleanField(_("active"), default=True)
    # Cut-offs before this are not made: a new schedule does not catch up on past months.
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        db_table = "competency_reportschedule"  # the table the competency app created
        verbose_name = _("report schedule")
        verbose_name_plural = _("report schedules")
        constraints = [
            models.UniqueConstraint(fields=["target", "unit", "frequency"], condition=~models.Q(frequency="custom"),
                                    name="one_schedule_per_target_unit_frequency"),
            models.UniqueConstraint(fields=["target", "unit", "custom_on"], condition=models.Q(frequency="custom"),
                                    name="one_custom_schedule_per_target_unit_date"),
        ]

    def __str__(self):
        return f"{self.target} · {self.unit} · {self.get_frequency_display()}"

    def cutoffs_between(self, start: datetime.date, end: datetime.date) -> list[datetime.date]:
        """The schedule's cut-off dates from `start` to `end`, both included, in order."""
        if self.frequency == ReportPeriod.CUSTOM:
            return [self.custom_on] if self.custom_on and start <= self.custom_on <= end else []
        found = []
        for year in range(start.year, end.year + 1):
            if self.frequency == ReportPeriod.MONTHLY:
                days = [datetime.date(year, month, self.day_of_month) for month in range(1, 13)]
            elif self.frequency == ReportPeriod.HALF_YEARLY:
                days = [datetime.date(year, 6, 30), datetime.date(year, 12, 31)]
            else:
                days = [datetime.date(year, 12, 31)]
            found += [day for day in days if start <= day <= end]
        return found

    def clean(self):
        if self.frequency == ReportPeriod.MONTHLY and not 1 <= self.day_of_month <= 28:
            raise ValidationError({"day_of_month": _("Choose a day between 1 and 28.")})
        if self.frequency == ReportPeriod.CUSTOM and self.custom_on is None:
            raise ValidationError({"custom_on": _("Choose the date of the report.")})


class DocumentCounter(models.Model):
    """The last number given to a report of one issuing body in one year (Số 12-BC/UBKT): numbers
    restart at 1 every year. Read and raised under a row lock (targets.services.report_number_assign)."""

    issuer_abbreviation = models.CharField(max_length=20)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("report number counter")
        verbose_name_plural = _("report number counters")
        constraints = [
            models.UniqueConstraint(fields=["issuer_abbreviation", "year"], name="one_counter_per_issuer_year")
        ]

    def __str__(self):
        return f"{self.issuer_abbreviation} {self.year}: {self.last_number}"



def _board_job_readable(user, job) -> bool:
    """The board, administrators and the managers whose subtree holds the job's unit."""
    from organization import roles
    from organization.selectors import units_visible_to

    if not (roles.is_board(user) or roles.is_administrator(user) or roles.is_unit_manager(user)):
        return False
    return units_visible_to(user).filter(pk=job.unit_id).exists()


private_files.register("targets.boardjob", _board_job_readable)
