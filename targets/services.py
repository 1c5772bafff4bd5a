"""Writes for the board: targets, roll-up snapshots, background jobs and report schedules."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lms import outbox
from organization import roles
from organization.models import Unit, UnitKind
from organization.selectors import units_visible_to

from . import jobs
from .models import BoardJob, Criterion, JobKind, PopulationAt, ReportSchedule, RollupSnapshot, Target
from .selectors import rollup_sql


def target_validate(
    *, period_start, period_end, positions, unit_kinds, criterion, min_hours, newly_elected_deadline_days,
    goal_percent=100, required_courses=None,
) -> dict[str, list[str]]:
    """The errors a target would have, by field ('' = the whole target). Empty dict = valid."""
    errors: dict[str, list[str]] = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    if period_start and period_end and period_end < period_start:
        add("period_end", _("The period ends before it starts."))
    if not positions:
        add("positions", _("The population is empty: choose at least one position."))
    unknown = [kind for kind in unit_kinds or [] if kind not in UnitKind.values]
    if unknown:
        add("unit_kinds", _("Unknown unit kind: %(kinds)s.") % {"kinds": ", ".join(map(str, unknown))})
    if criterion not in Criterion.values:
        add("criterion", _("Choose a criterion."))
    if criterion == Criterion.TRAINED and not min_hours and not required_courses:
        add("min_hours", _("A 'trained' target needs required courses or a minimum number of hours."))
    if newly_elected_deadline_days is not None and criterion != Criterion.TRAINED:
        add("newly_elected_deadline_days", _("A deadline for newly elected members applies to 'trained' targets."))
    if not 1 <= (goal_percent or 0) <= 100:
        add("goal_percent", _("The goal is a percentage between 1 and 100."))
    return errors


@transaction.atomic
def target_create(
    *, code: str, name: str, period_start: datetime.date, period_end: datetime.date, positions,
    criterion: str, unit_kinds: list[str] | None = None, population_at: str = PopulationAt.PERIOD_END,
    min_hours=None, goal_percent: int = 100, newly_elected_deadline_days: int | None = None,
    description: str = "", is_active: bool = True, order: int = 0, required_courses=None,
) -> Target:
    """Create a target. Guarantees: a non-empty population (at least one position), a period that
    ends on or after its start, a criterion it can be measured by; otherwise a ValidationError
    with every problem and nothing written."""
    positions = list(positions)
    required_courses = list(required_courses or [])
    errors = target_validate(
        period_start=period_start, period_end=period_end, positions=positions, unit_kinds=unit_kinds,
        criterion=criterion, min_hours=min_hours, newly_elected_deadline_days=newly_elected_deadline_days,
        goal_percent=goal_percent, required_courses=required_courses,
    )
    if errors:
        raise ValidationError(errors)
    target = Target.objects.create(
        code=code, name=name, description=description, period_start=period_start, period_end=period_end,
        unit_kinds=list(unit_kinds or []), population_at=population_at, criterion=criterion, min_hours=min_hours,
        goal_percent=goal_percent, newly_elected_deadline_days=newly_elected_deadline_days, is_active=is_active,
        order=order,
    )
    target.positions.set(positions)
    if required_courses:
        target.required_courses.set(required_courses)
    return target


FORECAST_WINDOW_DAYS = 365


FORECAST_MIN_POINTS = 3


@transaction.atomic
def rollup_snapshot_take(*, target: Target, root_unit, on: datetime.date) -> int:
    """Store the roll-up of `target` on `on` for every unit of `root_unit`'s subtree, with each unit's
    forecast for the period's end. Returns the number of rows written. Two statements (delete the
    day's rows, insert them straight from the roll-up SQL), whatever the tree's size.

    Idempotent and safe to retry: the day's rows for those units are replaced, and the forecast
    only reads snapshots taken before `on` plus the day's own figures, so a second run for the
    same date writes the same rows. The forecast is the straight line fitted (least squares)
    through the unit's percentages of the last FORECAST_WINDOW_DAYS days, today's included, read at
    the period's end and kept within 0–100; it needs FORECAST_MIN_POINTS snapshots. Once the period
    has ended, the forecast is the final percentage.
    """


    # One snapshot of a target at a time: two runs of the same day (the nightly job and "recompute
    # now") wait for each other instead of colliding on the one-row-per-day constraint.
    Target.objects.select_for_update().filter(pk=target.pk).first()
    if connection.vendor == "postgresql":
        # A dead worker's query must not hold the day's rows for minutes: the database gives up.
        timeout_ms = int(settings.KTLEARN_ROLLUP_STATEMENT_TIMEOUT.total_seconds() * 1000)
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL statement_timeout = {timeout_ms}")
    rollup, params = rollup_sql(target=target, root_unit=root_unit, on=on)
    snapshots = connection.ops.quote_name(RollupSnapshot._meta.db_table)
    units = connection.ops.quote_name(Unit._meta.db_table)
    x_now = (on - target.period_start).days
    x_end = (target.period_end - target.period_start).days
    real = "DOUBLE PRECISION"
    ended = "1 = 1" if on >= target.period_end else "1 = 0"
    sql = f"""{rollup},
    hist AS (
        SELECT s.unit_id, COUNT(*) AS n, SUM(CAST(s.day_index AS {real})) AS sx,
               SUM(CAST(s.met AS {real}) * 100 / s.population) AS sy,
               SUM(CAST(s.day_index AS {real}) * s.met * 100 / s.population) AS sxy,
               SUM(CAST(s.day_index AS {real}) * s.day_index) AS sxx
        FROM {snapshots} s
        WHERE s.target_id = %s AND s.taken_on < %s AND s.taken_on >= %s AND s.population > 0
          AND s.unit_id IN (SELECT u.id FROM {units} u WHERE u.path LIKE %s)
        GROUP BY s.unit_id
    ),
    pts AS (
        SELECT r.unit_id, r.population, r.met,
               CASE WHEN r.population > 0 THEN CAST(r.met AS {real}) * 100 / r.population END AS y,
               COALESCE(h.n, 0) + 1 AS n, COALESCE(h.sx, 0) + {x_now} AS sx,
               COALESCE(h.sxy, 0) + {x_now} * (CAST(r.met AS {real}) * 100 / CASE WHEN r.population > 0
                   THEN r.population ELSE 1 END) AS sxy,
               COALESCE(h.sy, 0) + CAST(r.met AS {real}) * 100 / CASE WHEN r.population > 0
                   THEN r.population ELSE 1 END AS sy,
               COALESCE(h.sxx, 0) + CAST({x_now} AS {real}) * {x_now} AS sxx
        FROM roll r LEFT JOIN hist h ON h.unit_id = r.unit_id
    ),
    line AS (
        SELECT unit_id, population, met, y, n, sx, sy,
               CASE WHEN population > 0 AND n >= {FORECAST_MIN_POINTS} AND n * sxx - sx * sx <> 0
                    THEN (n * sxy - sx * sy) / (n * sxx - sx * sx) END AS slope
        FROM pts
    ),
    fc AS (
        SELECT unit_id, population, met,
               CASE WHEN population = 0 THEN NULL
                    WHEN {ended} THEN y
                    WHEN slope IS NULL THEN NULL
                    ELSE (sy - slope * sx) / n + slope * {x_end} END AS f
        FROM line
    )
    INSERT INTO {snapshots} (target_id, unit_id, taken_on, population, met, day_index, forecast_percent)
    SELECT %s, unit_id, %s, population, met, {x_now},
           CASE WHEN f < 0 THEN 0 WHEN f > 100 THEN 100 ELSE f END
    FROM fc"""
    RollupSnapshot.objects.filter(target=target, taken_on=on, unit__path__startswith=root_unit.path).delete()
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, target.pk, on, on - datetime.timedelta(days=FORECAST_WINDOW_DAYS),
                             root_unit.path + "%", target.pk, on])
        written = cursor.rowcount
    if written < 0:  # SQLite does not count the rows of an INSERT that starts with a WITH clause
        written = RollupSnapshot.objects.filter(
            target=target, taken_on=on, unit__path__startswith=root_unit.path
        ).count()
    return written


def board_job_request(*, by, kind: str, target: Target, unit, on: datetime.date | None = None) -> BoardJob:
    """Queue a snapshot or a report for `unit`'s subtree. Guarantees: only the board, administrators
    and the managers of that subtree may ask; a unit outside the user's subtree, or a future date,
    is refused with a ValidationError and nothing is written or queued."""


    on = on or timezone.localdate()
    if kind not in JobKind.values:
        raise ValidationError(_("Unknown kind of job."))
    allowed = roles.is_board(by) or roles.is_administrator(by) or roles.is_unit_manager(by)
    if not allowed or not units_visible_to(by).filter(pk=unit.pk).exists():
        raise ValidationError(_("You may only ask for the numbers of units in your own subtree."))
    if on > timezone.localdate():
        raise ValidationError(_("A report cannot be dated in the future."))
    job = BoardJob.objects.create(kind=kind, target=target, unit=unit, on=on, requested_by=by)
    outbox.enqueue(jobs.TASK_NAME, job.pk)  # by name: the task module imports this one
    return job


def report_schedule_set(*, by, target: Target, unit, day_of_month: int, is_active: bool = True) -> ReportSchedule:
    """Set (or change) the monthly report of `target` for `unit`, generated on `day_of_month` (1–28).
    Same scope rule as board_job_request; a bad day is refused and nothing is written."""

    allowed = roles.is_board(by) or roles.is_administrator(by) or roles.is_unit_manager(by)
    if not allowed or not units_visible_to(by).filter(pk=unit.pk).exists():
        raise ValidationError(_("You may only ask for the numbers of units in your own subtree."))
    if not 1 <= day_of_month <= 28:
        raise ValidationError(_("Choose a day between 1 and 28."))
    schedule, _created = ReportSchedule.objects.update_or_create(
        target=target, unit=unit,
        defaults={"day_of_month": day_of_month, "is_active": is_active, "created_by": by},
    )
    return schedule

