"""Writes for the competency framework. Other apps record evidence through `evidence_record` only."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from organization.models import Cadre, Position, UnitKind

from .models import (
    Area,
    BoardJob,
    Competency,
    Criterion,
    Evidence,
    EvidenceSource,
    Framework,
    JobKind,
    PopulationAt,
    ProficiencyLevel,
    ReportSchedule,
    Requirement,
    Target,
)


def evidence_record(
    *,
    cadre: Cadre,
    competency: Competency,
    level: int,
    source: str,
    obtained_on: datetime.date,
    expires_on: datetime.date | None = None,
    source_ref: str = "",
    note: str = "",
    assessor=None,
    file=None,
) -> Evidence:
    """Record that `cadre` reached `level` of `competency`.

    Guarantees: the level lies on the framework's scale; with a `source_ref` (e.g. "quiz-sitting:42")
    the same fact recorded twice, even concurrently, yields one row (the existing one is returned,
    updated to the higher level if the new record is higher); manual assessments need an assessor
    and a note, prior learning needs a file.
    """
    if source not in EvidenceSource.values:
        raise ValidationError(_("Unknown evidence source."))
    max_level = competency.framework.levels.order_by("-level").values_list("level", flat=True).first()
    if max_level is not None and not 1 <= level <= max_level:
        raise ValidationError(
            _("Level %(level)s is outside the scale (1–%(max)s).") % {"level": level, "max": max_level}
        )
    if expires_on and expires_on < obtained_on:
        raise ValidationError(_("The expiry date is before the date obtained."))
    if source == EvidenceSource.MANUAL and (assessor is None or not note.strip()):
        raise ValidationError(_("A manual assessment needs an assessor and a note."))
    if source == EvidenceSource.PRIOR and not file:
        raise ValidationError(_("Recognised prior learning needs a supporting file."))

    fields = {"level": level, "obtained_on": obtained_on, "expires_on": expires_on, "note": note,
              "assessor": assessor}
    if source_ref:
        existing = Evidence.objects.filter(
            cadre=cadre, competency=competency, source=source, source_ref=source_ref
        ).first()
        if existing:
            if level > existing.level:
                existing.level = level
                existing.save(update_fields=["level"])
            return existing
        try:
            with transaction.atomic():
                return Evidence.objects.create(
                    cadre=cadre, competency=competency, source=source, source_ref=source_ref, file=file or "",
                    **fields,
                )
        except IntegrityError:
            return Evidence.objects.get(cadre=cadre, competency=competency, source=source, source_ref=source_ref)
    return Evidence.objects.create(cadre=cadre, competency=competency, source=source, file=file or "", **fields)


@transaction.atomic
def framework_activate(*, framework: Framework) -> Framework:
    """Make `framework` the one active version; every other version is deactivated in the same
    transaction, so there is never a moment with two (or, once one exists, zero) active versions.

    Refused (nothing changes) when the framework has no proficiency scale or no competencies.
    """
    framework = Framework.objects.select_for_update().get(pk=framework.pk)
    if not framework.levels.exists():
        raise ValidationError(_("A framework without a proficiency scale cannot be activated."))
    if not framework.competencies.exists():
        raise ValidationError(_("A framework without competencies cannot be activated."))
    Framework.objects.select_for_update().filter(is_active=True).exclude(pk=framework.pk).update(is_active=False)
    if not framework.is_active:
        framework.is_active = True
        framework.save(update_fields=["is_active"])
    return framework


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


@transaction.atomic
def framework_import(
    *, file, name: str, version: str, effective_from: datetime.date | None = None, notes: str = ""
) -> Framework:
    """Create a new, inactive framework version from a workbook (see competency.imports).

    All or nothing: if the workbook has any error, or the version already exists, a ValidationError
    lists the problems and nothing is written.
    """
    from .imports import framework_workbook_parse

    if Framework.objects.filter(version=version).exists():
        raise ValidationError(_("Version %(version)s already exists.") % {"version": version})
    parsed = framework_workbook_parse(file)
    if not parsed.is_valid:
        raise ValidationError([str(error) for error in parsed.errors])
    framework = Framework.objects.create(name=name, version=version, effective_from=effective_from, notes=notes)
    ProficiencyLevel.objects.bulk_create(ProficiencyLevel(framework=framework, **row) for row in parsed.levels)
    areas = {
        row["code"]: Area.objects.create(framework=framework, **row) for row in parsed.areas
    }
    competencies = {}
    for row in parsed.competencies:
        competencies[row["code"]] = Competency.objects.create(
            framework=framework, area=areas[row["area"]], code=row["code"], name=row["name"],
            description=row["description"], order=row["order"],
        )
    positions = {p.code: p for p in Position.objects.filter(code__in={r["position"] for r in parsed.requirements})}
    Requirement.objects.bulk_create(
        Requirement(
            framework=framework, competency=competencies[row["competency"]], position=positions[row["position"]],
            unit_kind=row["unit_kind"], required_level=row["required_level"],
        )
        for row in parsed.requirements
    )
    return framework


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
    from organization.models import Unit

    from .models import RollupSnapshot
    from .selectors import rollup_sql

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
        return cursor.rowcount


def board_job_request(*, user, kind: str, target: Target, unit, on: datetime.date | None = None) -> BoardJob:
    """Queue a snapshot or a report for `unit`'s subtree. Guarantees: only the board, administrators
    and the managers of that subtree may ask; a unit outside the user's subtree, or a future date,
    is refused with a ValidationError and nothing is written or queued."""
    from organization import roles
    from organization.selectors import units_visible_to

    from .tasks import board_job_run

    on = on or timezone.localdate()
    if kind not in JobKind.values:
        raise ValidationError(_("Unknown kind of job."))
    allowed = roles.is_board(user) or roles.is_administrator(user) or roles.is_unit_manager(user)
    if not allowed or not units_visible_to(user).filter(pk=unit.pk).exists():
        raise ValidationError(_("You may only ask for the numbers of units in your own subtree."))
    if on > timezone.localdate():
        raise ValidationError(_("A report cannot be dated in the future."))
    job = BoardJob.objects.create(kind=kind, target=target, unit=unit, on=on, requested_by=user)
    board_job_run.delay_on_commit(job.pk)
    return job


def report_schedule_set(*, user, target: Target, unit, day_of_month: int, is_active: bool = True) -> ReportSchedule:
    """Set (or change) the monthly report of `target` for `unit`, generated on `day_of_month` (1–28).
    Same scope rule as board_job_request; a bad day is refused and nothing is written."""
    from organization import roles
    from organization.selectors import units_visible_to

    allowed = roles.is_board(user) or roles.is_administrator(user) or roles.is_unit_manager(user)
    if not allowed or not units_visible_to(user).filter(pk=unit.pk).exists():
        raise ValidationError(_("You may only ask for the numbers of units in your own subtree."))
    if not 1 <= day_of_month <= 28:
        raise ValidationError(_("Choose a day between 1 and 28."))
    schedule, _created = ReportSchedule.objects.update_or_create(
        target=target, unit=unit,
        defaults={"day_of_month": day_of_month, "is_active": is_active, "created_by": user},
    )
    return schedule


def notices_mark_read(*, user) -> int:
    """Mark the user's unread in-site notices as read; returns how many."""
    from .models import Notice

    return Notice.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
