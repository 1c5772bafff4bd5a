"""Writes for the board: targets, roll-up snapshots, background jobs and report schedules."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lms import outbox
from organization import roles
from organization.models import UnitKind
from organization.selectors import units_visible_to

from . import jobs
from .figures import figures_compute, unit_row
from .models import (
    THRESHOLD_SOURCE_FIELDS,
    BoardJob,
    Criterion,
    DocumentCounter,
    JobKind,
    PopulationAt,
    ReportPeriod,
    ReportSchedule,
    RollupSnapshot,
    StandardRule,
    Target,
)


def target_validate(
    *, period_start, period_end, positions, unit_kinds, criterion, min_hours, newly_elected_deadline_days,
    goal_percent=100, required_courses=None, regulations=None, chair_position=None, chair_courses=None,
    position_groups=None,
) -> dict[str, list[str]]:
    """The errors a target would have, by field ('' = the whole target). Empty dict = valid."""
    errors: dict[str, list[str]] = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    if period_start and period_end and period_end < period_start:
        add("period_end", _("The period ends before it starts."))
    if not positions and not position_groups:
        add("positions", _("The population is empty: choose at least one position."))
    unknown = [kind for kind in unit_kinds or [] if kind not in UnitKind.values]
    if unknown:
        add("unit_kinds", _("Unknown unit kind: %(kinds)s.") % {"kinds": ", ".join(map(str, unknown))})
    if criterion not in Criterion.values:
        add("criterion", _("Choose a criterion."))
    if criterion == Criterion.TRAINED and not min_hours and not required_courses:
        add("min_hours", _("A 'trained' target needs required courses or a minimum number of hours."))
    if criterion == Criterion.ACKNOWLEDGED and not regulations:
        add("regulations", _("A 'studied' target needs the documents to study."))
    if criterion == Criterion.COMMITTEE:
        errors.update(_committee_errors(positions=positions, min_hours=min_hours, required_courses=required_courses,
                                        chair_position=chair_position, chair_courses=chair_courses))
    if criterion == Criterion.STANDARD and not min_hours and not required_courses:
        add("min_hours", _("A 'standard' target needs required courses or a minimum number of hours for its "
                           "training part."))
    if newly_elected_deadline_days is not None and criterion != Criterion.TRAINED:
        add("newly_elected_deadline_days", _("A deadline for newly elected members applies to 'trained' targets."))
    if not 1 <= (goal_percent or 0) <= 100:
        add("goal_percent", _("The goal is a percentage between 1 and 100."))
    return errors


def _committee_errors(*, positions, min_hours, required_courses, chair_position, chair_courses) -> dict:
    """A committee-level target: the members' training requirement, a chair among the members, and
    the course(s) the chair must complete."""
    errors: dict[str, list[str]] = {}
    if not min_hours and not required_courses:
        errors["min_hours"] = [_("A committee target needs the members' required courses or minimum hours.")]
    if chair_position is None:
        errors["chair_position"] = [_("A committee target needs the chair's position.")]
    elif positions and chair_position not in list(positions):
        errors["chair_position"] = [_("The chair's position must be one of the target's positions.")]
    if not chair_courses:
        errors["chair_courses"] = [_("A committee target needs the course the chair must complete.")]
    return errors


@transaction.atomic
def target_create(
    *, code: str, name: str, period_start: datetime.date, period_end: datetime.date, positions,
    criterion: str, unit_kinds: list[str] | None = None, population_at: str = PopulationAt.PERIOD_END,
    min_hours=None, goal_percent: int = 100, newly_elected_deadline_days: int | None = None,
    description: str = "", is_active: bool = True, order: int = 0, required_courses=None, regulations=None,
    chair_position=None, chair_courses=None, position_groups=None, professional_only: bool = False,
    sources: dict | None = None, standard_rules: list[dict] | None = None,
) -> Target:
    """Create a target. Guarantees: a non-empty population (at least one position), a period that
    ends on or after its start, a criterion it can be measured by; otherwise a ValidationError
    with every problem and nothing written.

    `sources`: the thresholds' sources (hours_source, hours_local_choice, deadline_source, …);
    `standard_rules`: the criteria and standards of a 'standard' target, dicts of kind, value,
    source and local_choice (each checked by StandardRule.clean)."""
    positions = list(positions)
    position_groups = list(position_groups or [])
    required_courses = list(required_courses or [])
    regulations = list(regulations or [])
    chair_courses = list(chair_courses or [])
    errors = target_validate(
        period_start=period_start, period_end=period_end, positions=positions, unit_kinds=unit_kinds,
        criterion=criterion, min_hours=min_hours, newly_elected_deadline_days=newly_elected_deadline_days,
        goal_percent=goal_percent, required_courses=required_courses, regulations=regulations,
        chair_position=chair_position, chair_courses=chair_courses,
        position_groups=position_groups,
    )
    rules = [StandardRule(sort_order=i, **rule) for i, rule in enumerate(standard_rules or [])]
    for rule in rules:
        try:
            rule.clean()
        except ValidationError as error:
            errors.setdefault("standard_rules", []).extend(error.messages)
    unknown_sources = set(sources or {}) - set(THRESHOLD_SOURCE_FIELDS)
    if unknown_sources:
        errors.setdefault("", []).append(f"Unknown source fields: {', '.join(sorted(unknown_sources))}")
    if errors:
        raise ValidationError(errors)
    target = Target.objects.create(
        code=code, name=name, description=description, period_start=period_start, period_end=period_end,
        unit_kinds=list(unit_kinds or []), population_at=population_at, criterion=criterion, min_hours=min_hours,
        goal_percent=goal_percent, newly_elected_deadline_days=newly_elected_deadline_days, is_active=is_active,
        order=order, chair_position=chair_position, professional_only=professional_only, **(sources or {}),
    )
    target.positions.set(positions)
    if position_groups:
        target.position_groups.set(position_groups)
    for rule in rules:
        rule.target = target
    StandardRule.objects.bulk_create(rules)
    if required_courses:
        target.required_courses.set(required_courses)
    if regulations:
        target.regulations.set(regulations)
    if chair_courses:
        target.chair_courses.set(chair_courses)
    return target


def rollup_snapshot_take(*, target: Target, root_unit, on: datetime.date) -> int:
    """Compute and store the figures of `target` on `on` (the day's snapshot; see targets.figures) and
    return the number of rows of `root_unit`'s subtree written. Idempotent and safe to retry: the
    day's rows are replaced. The forecast is the straight line fitted (least squares) through the
    unit's percentages of the last FORECAST_WINDOW_DAYS days, the day's included, read at the
    period's end and kept within 0–100; it needs FORECAST_MIN_POINTS snapshots. Once the period has
    ended, the figures are those of its last day and the forecast is the final percentage."""
    figure_set = figures_compute(target=target, on=on)
    top = unit_row(figure_set, root_unit)
    if top is None:
        return 0
    return RollupSnapshot.objects.filter(target=target, taken_on=figure_set.on, path__startswith=top.path).count()


def board_job_request(*, by, kind: str, target: Target, unit, on: datetime.date | None = None,
                      period: str = ReportPeriod.CUSTOM) -> BoardJob:
    """Queue a snapshot or a report for `unit`'s subtree (a report answers the cut-off `period`).
    Guarantees: only the board, administrators and the managers of that subtree may ask; a unit
    outside the user's subtree, a future date or an unknown cut-off is refused with a
    ValidationError and nothing is written or queued."""
    on = on or timezone.localdate()
    if kind not in JobKind.values:
        raise ValidationError(_("Unknown kind of job."))
    if period not in ReportPeriod.values:
        raise ValidationError(_("Choose monthly, 6-monthly, annual or a chosen date."))
    _require_subtree(by, unit)
    if on > timezone.localdate():
        raise ValidationError(_("A report cannot be dated in the future."))
    job = BoardJob.objects.create(kind=kind, target=target, unit=unit, on=on, requested_by=by, period=period)
    outbox.enqueue(jobs.TASK_NAME, job.pk)  # by name: the task module imports this one
    return job


def _require_subtree(by, unit) -> None:
    allowed = roles.is_board(by) or roles.is_administrator(by) or roles.is_unit_manager(by)
    if not allowed or not units_visible_to(by).filter(pk=unit.pk).exists():
        raise ValidationError(_("You may only ask for the numbers of units in your own subtree."))


def report_schedule_set(*, by, target: Target, unit, frequency: str = ReportPeriod.MONTHLY, day_of_month: int = 1,
                        custom_on: datetime.date | None = None, is_active: bool = True) -> ReportSchedule:
    """Set (or change) a periodic report of `target` for `unit`: monthly on `day_of_month` (1–28),
    6-monthly (30/06 and 31/12), annual (31/12), or once on `custom_on` (today or later). One
    schedule per target, unit and frequency (per date for chosen dates). Same scope rule as
    board_job_request; a bad day, a missing or past date is refused and nothing is written."""
    _require_subtree(by, unit)
    if frequency not in ReportPeriod.values:
        raise ValidationError(_("Choose monthly, 6-monthly, annual or a chosen date."))
    if frequency == ReportPeriod.MONTHLY and not 1 <= (day_of_month or 0) <= 28:
        raise ValidationError(_("Choose a day between 1 and 28."))
    if frequency == ReportPeriod.CUSTOM:
        if custom_on is None:
            raise ValidationError(_("Choose the date of the report."))
        if custom_on < timezone.localdate():
            raise ValidationError(_("A scheduled report cannot be dated in the past: prepare it now instead."))
    else:
        custom_on = None
    defaults = {"is_active": is_active, "created_by": by}
    if frequency == ReportPeriod.MONTHLY:
        defaults["day_of_month"] = day_of_month
    schedule, _created = ReportSchedule.objects.update_or_create(
        target=target, unit=unit, frequency=frequency, custom_on=custom_on, defaults=defaults,
    )
    return schedule


def report_number_assign(*, job: BoardJob, issuer_abbreviation: str, issued_on: datetime.date) -> BoardJob:
    """Give the report `job` the next number of `issuer_abbreviation` in `issued_on`'s year (Số N-BC/UBKT)
    and its date. Guarantees: numbers run 1, 2, 3… per issuing body and year and restart every
    year; two reports numbered at the same time never get the same number (the counter row is
    locked, and a unique constraint backs it); a job already numbered keeps its number and date, so
    building a report again does not use up a number."""
    year = issued_on.year
    with transaction.atomic():
        locked = BoardJob.objects.select_for_update().get(pk=job.pk)
        if locked.document_number is None:
            try:
                with transaction.atomic():
                    DocumentCounter.objects.get_or_create(issuer_abbreviation=issuer_abbreviation, year=year)
            except IntegrityError:  # created by a parallel numbering in the meantime: it exists now
                pass
            counter = DocumentCounter.objects.select_for_update().get(issuer_abbreviation=issuer_abbreviation,
                                                                       year=year)
            counter.last_number += 1
            counter.save(update_fields=["last_number"])
            BoardJob.objects.filter(pk=job.pk).update(
                issuer_abbreviation=issuer_abbreviation, document_year=year,
                document_number=counter.last_number, issued_on=issued_on,
            )
    job.refresh_from_db(fields=["issuer_abbreviation", "document_year", "document_number", "issued_on"])
    return job
