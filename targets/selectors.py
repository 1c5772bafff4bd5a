"""Reads for the board: the roll-up of a target over the unit tree, the missing cadres, the dashboard
(from the stored snapshots) and the newly elected members' training."""

import datetime
from dataclasses import dataclass

from django.db.models import Case, Count, F, FloatField, IntegerField, Max, Min, Q, When
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from competency.models import Evidence, Requirement
from competency.selectors import framework_on
from courses.models import Completion, CoursePage, ExternalTraining, StudyAssignment
from organization.models import Cadre, Grade, Position, PositionAssignment, TheoryLevel, Unit
from organization.selectors import units_visible_to

from .figures import (
    RollupRow,
    figures_current,
    figures_fresh,
    rule_codes_at_least,
    subtree_rows,
    target_required_course_ids,
    unit_row,
    years_before,
)
from .models import (
    GRADE_RANKS,
    THEORY_RANKS,
    CadreState,
    Criterion,
    FigureCadre,
    FigureCommittee,
    FigureSet,
    RollupSnapshot,
    RuleKind,
    Target,
)

# The figures themselves are computed and stored by targets.figures; everything here reads them.


def target_rollup(*, target: Target, root_unit, on: datetime.date | None = None) -> list[RollupRow]:
    """For every unit in `root_unit`'s subtree as it was on `on` (itself first), the target's
    population, how many meet it and how many are still in time, over the unit's whole subtree, up
    to date with every write (see targets.figures for who counts where)."""
    figure_set = figures_fresh(target=target, on=on or timezone.localdate())
    return subtree_rows(figure_set, root_unit)


@dataclass
class MissingCadre:
    cadre: Cadre
    unit: object
    position: object
    reasons: list[str]
    deadline: datetime.date | None = None


class _DetailedRows:
    """Rows read from a stored figure set, sized without further queries, whose details are read
    only for a slice (a page: a fixed number of queries), as Django's Paginator asks for them."""

    _rows: list[tuple]

    def count(self) -> int:
        return len(self._rows)

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, key):
        if isinstance(key, int):
            return self[key:key + 1][0]
        return self._details(self._rows[key])

    def _details(self, rows: list[tuple]) -> list:
        raise NotImplementedError


class MissingList(_DetailedRows):
    """The named cadres of a target's population under a unit who do not meet it (or, with
    state=in_time, who are still inside their deadline), in Vietnamese name order, from a stored
    figure set."""

    def __init__(self, *, target: Target, unit, on: datetime.date, rows: list[tuple], figure_set=None):
        self.target, self.unit, self.on, self.figure_set = target, unit, on, figure_set
        self._rows = rows  # (cadre_id, unit_id, position_id, deadline)

    def _details(self, rows):
        return _missing_details(target=self.target, on=self.on, rows=rows)

    def __iter__(self):
        return iter(self[:])


def missing_in_set(*, figure_set: FigureSet, unit, state: str = CadreState.NOT_MET) -> MissingList:
    """The named cadres of the set under `unit`'s subtree (as it was on the set's date) in `state`."""
    top = unit_row(figure_set, unit)
    rows = [] if top is None else [
        tuple(row) for row in FigureCadre.objects.filter(figure_set=figure_set, state=state, path__startswith=top.path)
        .order_by("name_sort_key", "cadre__code").values_list("cadre_id", "unit_id", "position_id", "deadline")
    ]
    return MissingList(target=figure_set.target, unit=unit, on=figure_set.on, rows=rows, figure_set=figure_set)


def target_missing(*, target: Target, unit, on: datetime.date | None = None,
                   state: str = CadreState.NOT_MET) -> MissingList:
    """Who in `unit`'s subtree is counted by the target but does not meet it, and why (which course,
    how many hours, which competency at which level), up to date with every write. Same figures as
    target_rollup: the count is the unit's population − met − still in time."""
    figure_set = figures_fresh(target=target, on=on or timezone.localdate())
    return missing_in_set(figure_set=figure_set, unit=unit, state=state)


def _missing_details(*, target: Target, on: datetime.date, rows: list[tuple]) -> list[MissingCadre]:
    if not rows:
        return []
    eval_date = min(on, target.period_end)
    stored_deadlines = {r[0]: r[3] for r in rows if len(r) > 3 and r[3]}
    cadres = Cadre.objects.in_bulk([r[0] for r in rows])
    units = Unit.objects.in_bulk({r[1] for r in rows})
    positions = Position.objects.in_bulk({r[2] for r in rows})
    result = []
    reasons: dict[int, list[str]] = {r[0]: [] for r in rows}
    deadlines: dict[int, datetime.date] = {}
    if target.criterion == Criterion.COMPETENT:
        _competent_reasons(eval_date=eval_date, rows=rows, units=units, positions=positions, reasons=reasons)
    elif target.criterion == Criterion.STANDARD:
        _standard_reasons(target=target, eval_date=eval_date, rows=rows, cadres=cadres, units=units,
                          positions=positions, reasons=reasons)
    elif target.criterion == Criterion.ACKNOWLEDGED:
        due = list(target.regulations.filter(Q(issued_on__isnull=True) | Q(issued_on__lte=eval_date))
                   .order_by("issued_on", "number").values_list("pk", "number"))
        studied: dict[int, set[int]] = {}
        for cadre_id, regulation_id in StudyAssignment.objects.filter(
            cadre_id__in=reasons, regulation_id__in=[pk for pk, _number in due], acknowledged_on__lte=eval_date,
        ).values_list("cadre_id", "regulation_id"):
            studied.setdefault(cadre_id, set()).add(regulation_id)
        for cadre_id in reasons:
            left = [number for pk, number in due if pk not in studied.get(cadre_id, set())]
            if left:
                reasons[cadre_id].append(_("Not yet studied: %(documents)s") % {"documents": ", ".join(left)})
    else:
        _trained_reasons(target=target, eval_date=eval_date, cadres=cadres, reasons=reasons, deadlines=deadlines)
    for cadre_id, unit_id, position_id, *_rest in rows:
        deadline = stored_deadlines.get(cadre_id) or deadlines.get(cadre_id)
        if isinstance(deadline, str):  # SQLite hands a computed date back as text
            deadline = datetime.date.fromisoformat(deadline)
        result.append(MissingCadre(cadre=cadres[cadre_id], unit=units[unit_id], position=positions[position_id],
                                   reasons=reasons[cadre_id], deadline=deadline))
    return result


def _competent_reasons(*, eval_date, rows, units, positions, reasons: dict[int, list[str]]) -> None:
    """Each required competency a cadre falls short of, appended to their reasons."""
    framework = framework_on(eval_date)
    if framework is None:
        for cadre_id in reasons:
            reasons[cadre_id].append(_("No competency framework is in force on that date."))
    else:
        requirements: dict[tuple[int, int], dict] = {}
        for req in Requirement.objects.filter(framework=framework, position_id__in=positions).select_related(
            "competency"
        ):
            requirements.setdefault((req.position_id, req.competency_id), {})[req.unit_kind] = req
        levels: dict[tuple[int, str], int] = {}
        valid = (
            Evidence.objects.filter(cadre_id__in=reasons, obtained_on__lte=eval_date)
            .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=eval_date))
            .values("cadre_id", "competency__code").annotate(level=Max("level"))
        )
        for row in valid:  # by the competency's code, whichever version the evidence was recorded in
            levels[(row["cadre_id"], row["competency__code"])] = row["level"]
        for cadre_id, unit_id, position_id, *_rest in rows:
            kind = units[unit_id].kind
            for (pos_id, _competency_id), by_kind in requirements.items():
                if pos_id != position_id:
                    continue
                req = by_kind.get(kind) or by_kind.get("")
                if req is None:
                    continue
                have = levels.get((cadre_id, req.competency.code), 0)
                if have < req.required_level:
                    reasons[cadre_id].append(
                        _("%(code)s %(name)s: level %(have)s of %(need)s")
                        % {"code": req.competency.code, "name": req.competency.name, "have": have,
                           "need": req.required_level}
                    )


def _trained_reasons(*, target: Target, eval_date, cadres, reasons: dict[int, list[str]],
                     deadlines: dict[int, datetime.date]) -> set[int]:
    """The training a cadre lacks (courses not completed, hours done of the minimum), appended to their
    reasons; returns who is trained."""
    course_ids = target_required_course_ids(target)
    courses = CoursePage.objects.in_bulk(course_ids)
    # Only professional courses' hours count when the target says so (required courses always do).
    counted = set(CoursePage.objects.filter(counts_as_professional=True).values_list("pk", flat=True)) if (
        target.professional_only) else None
    windows = {}
    for cadre_id in reasons:
        cadre = cadres[cadre_id]
        if target.is_newly_elected and cadre.appointed_on:
            deadline = cadre.appointed_on + datetime.timedelta(days=target.newly_elected_deadline_days)
            deadlines[cadre_id] = deadline
            windows[cadre_id] = (cadre.appointed_on, min(eval_date, deadline))
        else:
            windows[cadre_id] = (target.period_start, eval_date)
    earliest = min(w[0] for w in windows.values())
    done: dict[int, set[int]] = {}
    hours: dict[int, float] = {}
    for cadre_id, course_id, completed_on, h in Completion.objects.filter(
        cadre_id__in=reasons, completed_on__gte=earliest, completed_on__lte=eval_date
    ).values_list("cadre_id", "course_id", "completed_on", "hours"):
        start, end = windows[cadre_id]
        if start <= completed_on <= end:
            done.setdefault(cadre_id, set()).add(course_id)
            if counted is None or course_id in counted:
                hours[cadre_id] = hours.get(cadre_id, 0) + float(h)
    for cadre_id, end_on, h in ExternalTraining.objects.filter(
        cadre_id__in=reasons, end_on__gte=earliest, end_on__lte=eval_date
    ).values_list("cadre_id", "end_on", "hours"):
        start, end = windows[cadre_id]
        if start <= end_on <= end:
            hours[cadre_id] = hours.get(cadre_id, 0) + float(h)
    trained = set()
    for cadre_id in reasons:
        if (course_ids and done.get(cadre_id, set()) >= set(course_ids)) or (
                target.min_hours and hours.get(cadre_id, 0) >= float(target.min_hours)):
            trained.add(cadre_id)
        for course_id in course_ids:
            if course_id not in done.get(cadre_id, set()):
                title = courses[course_id].title
                reasons[cadre_id].append(_("Course not completed: %(course)s") % {"course": title})
        if target.min_hours:
            reasons[cadre_id].append(
                _("%(hours)s of %(min)s hours of training")
                % {"hours": f"{hours.get(cadre_id, 0):g}", "min": f"{float(target.min_hours):g}"}
            )
    return trained


def _standard_reasons(*, target: Target, eval_date, rows, cadres, units, positions,
                      reasons: dict[int, list[str]]) -> None:
    """Which part of a 'standard' target each cadre fails: the training, each rule, the framework."""
    training: dict[int, list[str]] = {cadre_id: [] for cadre_id in reasons}
    trained = _trained_reasons(target=target, eval_date=eval_date, cadres=cadres, reasons=training, deadlines={})
    framework: dict[int, list[str]] = {cadre_id: [] for cadre_id in reasons}
    _competent_reasons(eval_date=eval_date, rows=rows, units=units, positions=positions, reasons=framework)
    failing = standard_rule_failures(target=target, eval_date=eval_date, cadre_ids=list(reasons))
    for cadre_id in reasons:
        if cadre_id not in trained:
            reasons[cadre_id] += [_("Training: %(reason)s") % {"reason": r} for r in training[cadre_id]]
        reasons[cadre_id] += failing.get(cadre_id, [])
        reasons[cadre_id] += [_("Framework: %(reason)s") % {"reason": r} for r in framework[cadre_id]]


def standard_rule_failures(*, target: Target, eval_date, cadre_ids: list[int]) -> dict[int, list[str]]:
    """For each cadre, the criteria and standards of the target they fail on `eval_date` (the same
    rules as targets.figures._rules_part, read per cadre for the missing list's reasons)."""
    rules = list(target.standard_rules.all())
    if not rules or not cadre_ids:
        return {}
    cadres = Cadre.objects.in_bulk(cadre_ids)
    first = dict(PositionAssignment.objects.filter(cadre_id__in=cadre_ids).values("cadre_id")
                 .annotate(first=Min("start_date")).values_list("cadre_id", "first"))
    codes = [rule.value for rule in rules if rule.kind == RuleKind.QUALIFICATION]
    qualified = set(Completion.objects.filter(cadre_id__in=cadre_ids, course__code__in=codes,
                                              completed_on__lte=eval_date)
                    .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=eval_date))
                    .values_list("cadre_id", "course__code")) if codes else set()
    grades, theories = dict(Grade.choices), dict(TheoryLevel.choices)
    failures: dict[int, list[str]] = {}
    for cadre_id, cadre in cadres.items():
        for rule in rules:
            message = None
            if rule.kind == RuleKind.MIN_GRADE and cadre.grade not in rule_codes_at_least(GRADE_RANKS, rule.value):
                message = _("Grade: %(have)s, at least %(need)s required") % {
                    "have": grades.get(cadre.grade, cadre.grade), "need": rule.value_display()}
            elif rule.kind == RuleKind.MIN_THEORY_LEVEL and cadre.theory_level not in rule_codes_at_least(
                    THEORY_RANKS, rule.value):
                message = _("Political theory: %(have)s, at least %(need)s required") % {
                    "have": theories.get(cadre.theory_level, cadre.theory_level), "need": rule.value_display()}
            elif rule.kind == RuleKind.QUALIFICATION and (cadre_id, rule.value) not in qualified:
                message = _("Qualification missing: course %(code)s") % {"code": rule.value}
            elif rule.kind == RuleKind.MIN_YEARS_OF_SERVICE and not (
                    first.get(cadre_id) and first[cadre_id] <= years_before(eval_date, int(rule.value))):
                since = first.get(cadre_id)
                message = _("Years of service: since %(since)s, at least %(need)s required") % {
                    "since": since.strftime("%d/%m/%Y") if since else "—", "need": rule.value}
            if message:
                failures.setdefault(cadre_id, []).append(message)
    return failures


@dataclass
class MissingCommittee:
    """A grassroots inspection committee that does not meet a committee-level target, and why."""

    unit: object
    members: int
    members_met: int
    chair: Cadre | None
    chair_done: bool
    untrained: list[MissingCadre]
    reasons: list[str]


class CommitteeList(_DetailedRows):
    """The committees of a committee-level target under a unit that do not meet it, in tree order,
    from a stored figure set."""

    def __init__(self, *, figure_set: FigureSet, rows: list[tuple]):
        self.figure_set, self.target, self.on = figure_set, figure_set.target, figure_set.on
        self._rows = rows  # (unit_id, members, members_met, chair_id, chair_done)

    def _details(self, rows):
        return _committee_details(figure_set=self.figure_set, rows=rows)

    def __iter__(self):
        return iter(self[:])


def committees_missing_in_set(*, figure_set: FigureSet, unit) -> CommitteeList:
    """The committees of the set under `unit`'s subtree (as it was on the set's date) not met."""
    top = unit_row(figure_set, unit)
    rows = [] if top is None else [
        tuple(row) for row in FigureCommittee.objects.filter(figure_set=figure_set, path__startswith=top.path)
        .order_by("path").values_list("unit_id", "members", "members_met", "chair_id", "chair_done")
    ]
    return CommitteeList(figure_set=figure_set, rows=rows)


def _committee_details(*, figure_set: FigureSet, rows: list[tuple]) -> list[MissingCommittee]:
    """The reasons of each committee: no members in post, which members are not trained (with their
    own reasons, as the missing list gives them), no chair in post, which chair course is not done."""
    if not rows:
        return []
    target = figure_set.target
    eval_date = min(figure_set.on, target.period_end)
    unit_ids = [row[0] for row in rows]
    units = Unit.objects.in_bulk(unit_ids)
    chairs = Cadre.objects.in_bulk([row[3] for row in rows if row[3]])
    member_rows = list(FigureCadre.objects.filter(figure_set=figure_set, state=CadreState.NOT_MET, unit_id__in=unit_ids)
                       .order_by("name_sort_key", "cadre__code").values_list("cadre_id", "unit_id", "position_id",
                                                                             "deadline"))
    untrained: dict[int, list[MissingCadre]] = {}
    for member in _missing_details(target=target, on=figure_set.on, rows=member_rows):
        untrained.setdefault(member.unit.pk, []).append(member)
    chair_courses = list(target.chair_courses.order_by("title"))
    done: dict[int, set[int]] = {}
    for cadre_id, course_id in Completion.objects.filter(
        cadre_id__in=chairs, course__in=chair_courses, completed_on__lte=eval_date
    ).values_list("cadre_id", "course_id"):
        done.setdefault(cadre_id, set()).add(course_id)
    result = []
    for unit_id, members, members_met, chair_id, chair_done in rows:
        reasons: list[str] = []
        if not members:
            reasons.append(_("No members in post"))
        for member in untrained.get(unit_id, []):
            reasons.append(_("Member not trained: %(name)s (%(why)s)")
                           % {"name": member.cadre.full_name, "why": "; ".join(str(r) for r in member.reasons)})
        chair = chairs.get(chair_id)
        if members and chair is None:
            reasons.append(_("No chair in post"))
        elif chair is not None and not chair_done:
            for course in chair_courses:
                if course.pk not in done.get(chair_id, set()):
                    reasons.append(_("The chair %(name)s has not completed: %(course)s")
                                   % {"name": chair.full_name, "course": course.title})
        result.append(MissingCommittee(unit=units[unit_id], members=members, members_met=members_met, chair=chair,
                                       chair_done=bool(chair_done), untrained=untrained.get(unit_id, []),
                                       reasons=reasons))
    return result


@dataclass
class DashboardData:
    target: Target
    unit: object
    taken_on: datetime.date | None
    total: object | None  # the unit's RollupSnapshot in the set (None: the unit did not exist that day)
    units: list  # RollupSnapshot rows of the units listed (children, or descendants of one kind)
    units_count: int
    trend: list[dict]
    will_miss: int
    figure_set: FigureSet | None = None
    final: bool = False  # the period has ended: the figures are its result, there is no forecast

    @property
    def missing_count(self) -> int:
        return self.total.not_met if self.total else 0

    @property
    def is_leaf(self) -> bool:
        return self.units_count == 0


def dashboard_top_unit(user):
    """The highest unit the user may see (the province for the board, the manager's own unit)."""

    return units_visible_to(user).order_by("depth", "path").first()


def dashboard_data(*, target: Target, unit, on: datetime.date | None = None, kind: str = "",
                   limit: int | None = None, offset: int = 0, figure_set: FigureSet | None = None) -> DashboardData:
    """The dashboard's numbers for `unit` from the stored figures of `on` (the period's end once it
    has ended): the unit's own row, its direct children on that date (or, with `kind`, every unit of
    that kind below it), units forecast to miss the goal first, and the unit's trend over the period.
    A fixed number of queries however many units are listed."""

    on = on or timezone.localdate()
    figure_set = figure_set or figures_current(target=target, on=on)
    taken_on = figure_set.on
    final = target.has_ended(taken_on)
    total = unit_row(figure_set, unit)
    if total is None:
        return DashboardData(target=target, unit=unit, taken_on=taken_on, total=None, units=[], units_count=0,
                             trend=[], will_miss=0, figure_set=figure_set, final=final)
    rows = RollupSnapshot.objects.filter(target=target, taken_on=taken_on, path__startswith=total.path)
    rows = rows.filter(unit__kind=kind, depth__gt=total.depth) if kind else rows.filter(depth=total.depth + 1)
    rows = rows.filter(Q(population__gt=0) | Q(unit__is_active=True))
    goal = target.goal_percent
    rows = rows.select_related("unit").annotate(
        misses=Case(When(forecast_percent__lt=goal, then=0), default=1, output_field=IntegerField()),
        ratio=Case(When(population=0, then=None),
                   default=Cast(F("met"), FloatField()) / Cast(F("population"), FloatField()),
                   output_field=FloatField()),
    )
    rows = rows.order_by(F("ratio").asc(nulls_last=True), "path") if final else rows.order_by(
        "misses", F("ratio").asc(nulls_last=True), "path")
    stop = None if limit is None else offset + limit
    units = list(rows[offset:stop])
    trend = list(
        RollupSnapshot.objects.filter(target=target, unit=unit, taken_on__gte=target.period_start,
                                      taken_on__lte=taken_on)
        .order_by("taken_on").values("taken_on", "population", "met")
    )
    counts = rows.order_by().aggregate(
        n=Count("id"), miss=Count("id", filter=Q(forecast_percent__lt=goal) if not final else Q(ratio__lt=goal / 100)))
    return DashboardData(target=target, unit=unit, taken_on=taken_on, total=total, units=units,
                         units_count=counts["n"], trend=trend, will_miss=counts["miss"], figure_set=figure_set,
                         final=final)


NEWLY_ELECTED_WARNING_DAYS = 30


def newly_elected_due(*, target: Target, unit, on: datetime.date | None = None,
                      within_days: int = NEWLY_ELECTED_WARNING_DAYS,
                      figure_set: FigureSet | None = None) -> list[MissingCadre]:
    """Newly elected members (first term) under `unit` not yet trained whose deadline is past or
    within `within_days`, the earliest deadline first."""
    on = on or timezone.localdate()
    if not target.is_newly_elected:
        return []
    figure_set = figure_set or figures_current(target=target, on=on)
    horizon = on + datetime.timedelta(days=within_days)
    rows = [row for state in (CadreState.NOT_MET, CadreState.IN_TIME)
            for row in missing_in_set(figure_set=figure_set, unit=unit, state=state)
            if row.deadline and row.deadline <= horizon]
    return sorted(rows, key=lambda row: (row.deadline, row.cadre.name_sort_key))
