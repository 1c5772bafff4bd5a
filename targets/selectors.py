"""Reads for the board: the roll-up of a target over the unit tree, the missing cadres, the dashboard
(from the stored snapshots) and the newly elected members' training."""

import datetime
from dataclasses import dataclass

from django.db import connection
from django.db.models import Case, Count, F, FloatField, IntegerField, Max, Q, When
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from competency.models import Evidence, Requirement
from competency.selectors import framework_active
from courses.models import Completion, CoursePage, ExternalTraining
from organization.models import Cadre, CadreStatus, Position, PositionAssignment, Unit
from organization.selectors import units_visible_to

from .models import Criterion, RollupSnapshot, Target

# --- Targets: population, criterion and the roll-up over the unit tree -------------------------------------------
#
# Everything below is set-based: one SQL statement computes, for every cadre of a target's population,
# the unit they held on the population date and whether they meet the criterion; the roll-up then sums
# those per unit path and expands each path into its ancestors' prefixes (treebeard paths are STEPLEN
# characters per level), so a unit's numbers cover its whole subtree. The same SQL runs on SQLite and
# PostgreSQL; the only dialect difference is adding days to a date.


@dataclass
class RollupRow:
    unit_id: int
    path: str
    depth: int
    population: int
    met: int

    @property
    def percent(self) -> float | None:
        return round(100 * self.met / self.population, 1) if self.population else None


def _t(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _add_days(column: str, days: int) -> str:
    days = int(days)
    if connection.vendor == "sqlite":
        return f"date({column}, '+{days} days')"
    return f"({column} + {days})"


def target_required_course_ids(target: Target) -> list[int]:
    return list(target.required_courses.values_list("pk", flat=True).order_by("pk"))


def _criterion_sql(*, target: Target, root_path: str, on: datetime.date) -> tuple[str, list]:
    """SQL (CTEs, ending with `flag(cadre_id, unit_id, position_id, path, kind, appointed_on, met)`) and its
    parameters: the target's population under `root_path` on the population date, with a 0/1 `met`."""

    pop_date = target.population_date(on)
    eval_date = min(on, target.period_end)
    params: list = []
    kinds_sql = ""
    if target.unit_kinds:
        kinds_sql = f"AND u.kind IN ({', '.join(['%s'] * len(target.unit_kinds))})"
    newly_sql = "AND c.appointed_on >= %s AND c.appointed_on <= %s" if target.is_newly_elected else ""
    sql = f"""
    WITH pa AS (
        SELECT a.id, a.cadre_id, a.unit_id, a.position_id, u.path, u.kind, c.appointed_on,
               ROW_NUMBER() OVER (PARTITION BY a.cadre_id ORDER BY a.id DESC) AS latest
        FROM {_t(PositionAssignment)} a
        JOIN {_t(Cadre)} c ON c.id = a.cadre_id
        JOIN {_t(Unit)} u ON u.id = a.unit_id
        WHERE a.start_date <= %s
          AND (a.end_date >= %s OR (a.end_date IS NULL AND c.status = %s))
          AND a.position_id IN (SELECT tp.position_id FROM {_t(Target.positions.through)} tp WHERE tp.target_id = %s)
          AND u.path LIKE %s
          {kinds_sql} {newly_sql}
    ),
    -- One assignment per cadre (the latest, should two overlap on the day).
    pop AS (SELECT id, cadre_id, unit_id, position_id, path, kind, appointed_on FROM pa WHERE latest = 1)"""
    params += [pop_date, pop_date, CadreStatus.ACTIVE, target.pk, root_path + "%"]
    params += list(target.unit_kinds or [])
    if target.is_newly_elected:
        params += [target.period_start, pop_date]

    if target.criterion == Criterion.COMPETENT:
        framework = framework_active()
        sql += f""",
    req AS (
        SELECT r.position_id, r.competency_id, r.unit_kind, r.required_level
        FROM {_t(Requirement)} r WHERE r.framework_id = %s
    ),
    need AS (
        SELECT p.cadre_id, r.competency_id, r.required_level
        FROM pop p JOIN req r ON r.position_id = p.position_id
        WHERE r.unit_kind = p.kind
           OR (r.unit_kind = '' AND NOT EXISTS (
                SELECT 1 FROM req k WHERE k.position_id = r.position_id AND k.competency_id = r.competency_id
                                      AND k.unit_kind = p.kind))
    ),
    has AS (
        SELECT e.cadre_id, e.competency_id, MAX(e.level) AS level
        FROM {_t(Evidence)} e
        WHERE e.obtained_on <= %s AND (e.expires_on IS NULL OR e.expires_on >= %s)
          AND e.cadre_id IN (SELECT cadre_id FROM pop)
        GROUP BY e.cadre_id, e.competency_id
    ),
    failing AS (
        SELECT DISTINCT n.cadre_id FROM need n
        LEFT JOIN has h ON h.cadre_id = n.cadre_id AND h.competency_id = n.competency_id
        WHERE h.level IS NULL OR h.level < n.required_level
    ),
    flag AS (
        SELECT p.cadre_id, p.unit_id, p.position_id, p.path, p.kind, p.appointed_on,
               CASE WHEN f.cadre_id IS NULL AND {"1 = 1" if framework else "1 = 0"} THEN 1 ELSE 0 END AS met
        FROM pop p LEFT JOIN failing f ON f.cadre_id = p.cadre_id
    )"""
        params += [framework.pk if framework else 0, eval_date, eval_date]
        return sql, params


    course_ids = target_required_course_ids(target)
    # The window of training that counts: the period (so the completions are read by date alone and
    # aggregated per cadre in one pass), or, for newly elected members, their own election-to-deadline span.
    if target.is_newly_elected:
        deadline = _add_days("p.appointed_on", target.newly_elected_deadline_days)
        window = "JOIN pop p ON p.cadre_id = {alias}.cadre_id WHERE {col} >= p.appointed_on AND {col} <= %s " \
                 "AND {col} <= " + deadline
        window_params = [eval_date]
    else:
        window = "WHERE {col} >= %s AND {col} <= %s"
        window_params = [target.period_start, eval_date]
    in_courses = ", ".join(["%s"] * len(course_ids)) or "NULL"
    sql += f""",
    per AS (
        SELECT co.cadre_id, SUM(co.hours) AS hours,
               COUNT(DISTINCT CASE WHEN co.course_id IN ({in_courses}) THEN co.course_id END) AS required
        FROM {_t(Completion)} co {window.format(alias="co", col="co.completed_on")}
        GROUP BY co.cadre_id
    ),
    outside AS (
        SELECT x.cadre_id, SUM(x.hours) AS hours
        FROM {_t(ExternalTraining)} x {window.format(alias="x", col="x.end_on")}
        GROUP BY x.cadre_id
    ),
    flag AS (
        SELECT p.cadre_id, p.unit_id, p.position_id, p.path, p.kind, p.appointed_on,
               CASE WHEN ({"per.required = %s" if course_ids else "1 = 0"})
                      OR ({"COALESCE(per.hours, 0) + COALESCE(o.hours, 0) >= %s" if target.min_hours else "1 = 0"})
                    THEN 1 ELSE 0 END AS met
        FROM pop p
        LEFT JOIN per ON per.cadre_id = p.cadre_id
        LEFT JOIN outside o ON o.cadre_id = p.cadre_id
    )"""
    params += course_ids + window_params + window_params
    if course_ids:
        params.append(len(course_ids))
    if target.min_hours:
        params.append(float(target.min_hours))
    return sql, params


def rollup_sql(*, target: Target, root_unit, on: datetime.date) -> tuple[str, list]:
    """The roll-up as SQL: CTEs ending with `roll(unit_id, path, depth, population, met)`, one row per
    unit of `root_unit`'s subtree (see target_rollup). Snapshots insert straight from it."""

    root_path = root_unit.path
    max_depth = Unit.objects.filter(path__startswith=root_path).aggregate(d=Max("depth"))["d"] or root_unit.depth
    steplen = Unit.steplen
    depths = ", ".join(f"({k * steplen})" for k in range(root_unit.depth, max_depth + 1))
    criterion_sql, params = _criterion_sql(target=target, root_path=root_path, on=on)
    sql = f"""{criterion_sql},
    leaf AS (SELECT path, COUNT(*) AS population, SUM(met) AS met FROM flag GROUP BY path),
    lengths(n) AS (VALUES {depths}),
    agg AS (
        SELECT substr(leaf.path, 1, lengths.n) AS prefix, SUM(leaf.population) AS population, SUM(leaf.met) AS met
        FROM leaf JOIN lengths ON length(leaf.path) >= lengths.n
        GROUP BY substr(leaf.path, 1, lengths.n)
    ),
    roll AS (
        SELECT u.id AS unit_id, u.path AS path, u.depth AS depth,
               COALESCE(agg.population, 0) AS population, COALESCE(agg.met, 0) AS met
        FROM {_t(Unit)} u LEFT JOIN agg ON agg.prefix = u.path
        WHERE u.path LIKE %s
    )"""
    return sql, [*params, root_path + "%"]


def target_rollup(*, target: Target, root_unit, on: datetime.date | None = None) -> list[RollupRow]:
    """For every unit in `root_unit`'s subtree (itself included), the target's population, how many
    meet the criterion, and the percentage, each over the unit's whole subtree, as of `on` (default today).

    Who counts where: each cadre holding one of the target's positions on the population date (the
    period's end, or `on` if earlier; or `on` for "today" targets) counts in the unit of the position
    assignment they held that day, so a cadre who moved counts where they were on that date, and the
    cadres of a merged unit count in the old unit before the merge and in the receiving unit after.
    Trained: completed every required course, or at least `min_hours` hours (courses and recognised
    external training), between the period's start and `on` (newly elected: between their election
    and their deadline). Competent: evidence valid on that date reaches every level the active
    framework requires for their position in their unit's kind. Two statements, whatever the tree's size.
    """
    sql, params = rollup_sql(target=target, root_unit=root_unit, on=on or timezone.localdate())
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} SELECT unit_id, path, depth, population, met FROM roll ORDER BY path", params)
        return [RollupRow(unit_id=r[0], path=r[1], depth=r[2], population=int(r[3]), met=int(r[4]))
                for r in cursor.fetchall()]


@dataclass
class MissingCadre:
    cadre: Cadre
    unit: object
    position: object
    reasons: list[str]
    deadline: datetime.date | None = None


class MissingList:
    """The named cadres of a target's population under a unit who do not meet it, in Vietnamese name
    order. Sized by one query; a slice (a page) costs a fixed number of queries for names and reasons."""

    def __init__(self, *, target: Target, unit, on: datetime.date, rows: list[tuple]):
        self.target, self.unit, self.on = target, unit, on
        self._rows = rows  # (cadre_id, unit_id, position_id)

    def count(self) -> int:
        return len(self._rows)

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, key):
        if isinstance(key, int):
            return self[key:key + 1][0]
        return _missing_details(target=self.target, on=self.on, rows=self._rows[key])

    def __iter__(self):
        return iter(self[:])


def target_missing(*, target: Target, unit, on: datetime.date | None = None) -> MissingList:
    """Who in `unit`'s subtree is counted by the target but does not meet it, and why (which course,
    how many hours, which competency at which level). Same population and criterion as target_rollup."""

    on = on or timezone.localdate()
    criterion_sql, params = _criterion_sql(target=target, root_path=unit.path, on=on)
    sql = f"""{criterion_sql}
    SELECT f.cadre_id, f.unit_id, f.position_id FROM flag f JOIN {_t(Cadre)} c ON c.id = f.cadre_id
    WHERE f.met = 0 ORDER BY c.name_sort_key, c.code"""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = [tuple(r) for r in cursor.fetchall()]
    return MissingList(target=target, unit=unit, on=on, rows=rows)


def _missing_details(*, target: Target, on: datetime.date, rows: list[tuple]) -> list[MissingCadre]:


    if not rows:
        return []
    eval_date = min(on, target.period_end)
    cadres = Cadre.objects.in_bulk([r[0] for r in rows])
    units = Unit.objects.in_bulk({r[1] for r in rows})
    positions = Position.objects.in_bulk({r[2] for r in rows})
    result = []
    reasons: dict[int, list[str]] = {r[0]: [] for r in rows}
    deadlines: dict[int, datetime.date] = {}
    if target.criterion == Criterion.COMPETENT:
        framework = framework_active()
        if framework is None:
            for cadre_id in reasons:
                reasons[cadre_id].append(_("No competency framework is active."))
        else:
            requirements: dict[tuple[int, int], dict] = {}
            for req in Requirement.objects.filter(framework=framework, position_id__in=positions).select_related(
                "competency"
            ):
                requirements.setdefault((req.position_id, req.competency_id), {})[req.unit_kind] = req
            levels: dict[tuple[int, int], int] = {}
            valid = (
                Evidence.objects.filter(cadre_id__in=reasons, obtained_on__lte=eval_date)
                .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=eval_date))
                .values("cadre_id", "competency_id").annotate(level=Max("level"))
            )
            for row in valid:
                levels[(row["cadre_id"], row["competency_id"])] = row["level"]
            for cadre_id, unit_id, position_id in rows:
                kind = units[unit_id].kind
                for (pos_id, competency_id), by_kind in requirements.items():
                    if pos_id != position_id:
                        continue
                    req = by_kind.get(kind) or by_kind.get("")
                    if req is None:
                        continue
                    have = levels.get((cadre_id, competency_id), 0)
                    if have < req.required_level:
                        reasons[cadre_id].append(
                            _("%(code)s %(name)s: level %(have)s of %(need)s")
                            % {"code": req.competency.code, "name": req.competency.name, "have": have,
                               "need": req.required_level}
                        )
    else:

        course_ids = target_required_course_ids(target)
        courses = CoursePage.objects.in_bulk(course_ids)
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
                hours[cadre_id] = hours.get(cadre_id, 0) + float(h)
        for cadre_id, end_on, h in ExternalTraining.objects.filter(
            cadre_id__in=reasons, end_on__gte=earliest, end_on__lte=eval_date
        ).values_list("cadre_id", "end_on", "hours"):
            start, end = windows[cadre_id]
            if start <= end_on <= end:
                hours[cadre_id] = hours.get(cadre_id, 0) + float(h)
        for cadre_id in reasons:
            for course_id in course_ids:
                if course_id not in done.get(cadre_id, set()):
                    title = courses[course_id].title
                    reasons[cadre_id].append(_("Course not completed: %(course)s") % {"course": title})
            if target.min_hours:
                reasons[cadre_id].append(
                    _("%(hours)s of %(min)s hours of training")
                    % {"hours": f"{hours.get(cadre_id, 0):g}", "min": f"{float(target.min_hours):g}"}
                )
    for cadre_id, unit_id, position_id in rows:
        result.append(MissingCadre(cadre=cadres[cadre_id], unit=units[unit_id], position=positions[position_id],
                                   reasons=reasons[cadre_id], deadline=deadlines.get(cadre_id)))
    return result


@dataclass
class DashboardData:
    target: Target
    unit: object
    taken_on: datetime.date | None
    total: object | None  # the unit's RollupSnapshot on `taken_on`
    units: list  # RollupSnapshot rows of the units listed (children, or descendants of one kind)
    units_count: int
    trend: list[dict]
    will_miss: int


def dashboard_top_unit(user):
    """The highest unit the user may see (the province for the board, the manager's own unit)."""

    return units_visible_to(user).order_by("depth", "path").first()


def dashboard_data(*, target: Target, unit, on: datetime.date | None = None, kind: str = "",
                   limit: int | None = None, offset: int = 0) -> DashboardData:
    """The dashboard's numbers for `unit` from the latest snapshot on or before `on`: the unit's own
    figures, its direct children (or, with `kind`, every unit of that kind below it), units forecast to
    miss the goal first, and the unit's trend over the period. A fixed number of queries however many
    units are listed."""

    on = on or timezone.localdate()
    taken_on = (
        RollupSnapshot.objects.filter(target=target, unit=unit, taken_on__lte=on)
        .order_by("-taken_on").values_list("taken_on", flat=True).first()
    )
    if taken_on is None:
        return DashboardData(target=target, unit=unit, taken_on=None, total=None, units=[], units_count=0,
                             trend=[], will_miss=0)
    rows = RollupSnapshot.objects.filter(target=target, taken_on=taken_on, unit__path__startswith=unit.path)
    rows = rows.filter(unit__kind=kind, unit__depth__gt=unit.depth) if kind else rows.filter(
        unit__depth=unit.depth + 1)
    rows = rows.filter(Q(population__gt=0) | Q(unit__is_active=True))
    goal = target.goal_percent
    rows = rows.select_related("unit").annotate(
        misses=Case(When(forecast_percent__lt=goal, then=0), default=1, output_field=IntegerField()),
        ratio=Case(When(population=0, then=None),
                   default=Cast(F("met"), FloatField()) / Cast(F("population"), FloatField()),
                   output_field=FloatField()),
    ).order_by("misses", F("ratio").asc(nulls_last=True), "unit__path")
    stop = None if limit is None else offset + limit
    units = list(rows[offset:stop])
    total = RollupSnapshot.objects.filter(target=target, unit=unit, taken_on=taken_on).first()
    trend = list(
        RollupSnapshot.objects.filter(target=target, unit=unit, taken_on__gte=target.period_start,
                                      taken_on__lte=taken_on)
        .order_by("taken_on").values("taken_on", "population", "met")
    )
    counts = rows.order_by().aggregate(n=Count("id"), miss=Count("id", filter=Q(forecast_percent__lt=goal)))
    return DashboardData(target=target, unit=unit, taken_on=taken_on, total=total, units=units,
                         units_count=counts["n"], trend=trend, will_miss=counts["miss"])


NEWLY_ELECTED_WARNING_DAYS = 30


def newly_elected_due(*, target: Target, unit, on: datetime.date | None = None,
                      within_days: int = NEWLY_ELECTED_WARNING_DAYS) -> list[MissingCadre]:
    """Newly elected members under `unit` not yet trained whose deadline is past or within
    `within_days`, the earliest deadline first."""
    on = on or timezone.localdate()
    if not target.is_newly_elected:
        return []
    horizon = on + datetime.timedelta(days=within_days)
    rows = [row for row in target_missing(target=target, unit=unit, on=on) if row.deadline and row.deadline <= horizon]
    return sorted(rows, key=lambda row: (row.deadline, row.cadre.name_sort_key))

