"""The board's figures: computed once per target and date into stored rows, read by every page.

One computation (`figures_compute`) answers "who of the target's population meets it on this date"
for the whole tree and stores, together and in one transaction:

- one RollupSnapshot row per unit that existed on the date (its place in the tree on that date, the
  population of its subtree, how many met, how many are still inside their own deadline, and the
  forecast for the period's end), and
- one FigureCadre row per cadre who has not met it (missing, or still in time), with their unit
  and position on the date.

The dashboard card, the chart, the table of units, the missing list (count and names), the reports
and the exports read those rows, so they cannot disagree; they all say which date and which
computation time they show. A write that can change a figure marks the sets of that date and later
stale (targets.freshness); a debounced task computes them again.

The computation runs in stages through temporary tables: the population first (on PostgreSQL it is
ANALYZEd, so the planner knows its size and hashes it against the completions and the evidence
instead of nesting loops over them), then the per-cadre flag, then the two inserts. The same SQL
runs on SQLite and PostgreSQL; the only dialect difference is adding days to a date.

Who counts where: each cadre holding one of the target's positions on the population date (the
period's end, or the date asked if earlier; the date asked for "today" targets) counts in the unit
of the position assignment they held that day, and that unit counts under the parent it had that
day (organization.UnitPlacement), so moves and merges do not rewrite the past. Trained: completed
every required course, or at least `min_hours` hours (courses and recognised external training),
between the period's start and the date (newly elected members, counted only in their first term:
between their election and their deadline; before the deadline they are "still in time", not
missing). Studied (acknowledged): confirmed studying every document of the target issued on or
before the date (courses.StudyAssignment, confirmed by the date). Committee (II.2(6)/II.3(6)): the
population is the grassroots inspection committees, one per grassroots unit
(organization.GRASSROOTS_KINDS, and the commune-level Party committees: bodies on
reference_data.COMMUNE_LEVEL; or the target's unit kinds when it names some) open on the population
date; its members are the holders of the target's positions there, flagged as for "trained"; a
committee meets it when it has members, all of them trained, and its chair (the holder of the
target's chair position) has completed every chair course on or before the date. The roll-up counts
committees; FigureCommittee names those not met and FigureCadre their untrained members. Competent:
evidence valid on the date reaches every level that the framework version in force on that date
requires for their position in their unit's kind.
"""

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from cms.models import Regulation
from competency.models import Competency, Evidence, Requirement
from competency.selectors import framework_on
from courses.models import Completion, CoursePage, ExternalTraining, StudyAssignment
from organization.models import (
    GRASSROOTS_KINDS,
    Cadre,
    CadreStatus,
    PositionAssignment,
    PositionGroup,
    Unit,
    UnitKind,
    UnitLevel,
    UnitPlacement,
)
from organization.reference_data import COMMUNE_LEVEL

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

logger = logging.getLogger(__name__)

FORECAST_WINDOW_DAYS = 365
FORECAST_MIN_POINTS = 3


def _t(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _add_days(column: str, days: int) -> str:
    days = int(days)
    if connection.vendor == "sqlite":
        return f"date({column}, '+{days} days')"
    return f"({column} + {days})"


def target_required_course_ids(target: Target) -> list[int]:
    return list(target.required_courses.values_list("pk", flat=True).order_by("pk"))


PLACE_STEP = 5  # characters per level of the paths a computation gives the tree of its date


def places_on(day: datetime.date) -> list[tuple[int, str]]:
    """Every unit that existed on `day` with a path of the tree as it was that day: each unit under
    the parent of its placement valid that day (units from before placements were recorded: under
    their current parent). The paths are this computation's own (PLACE_STEP characters per level,
    siblings by code); they are stored with the figures and compared only within one set."""
    units = list(Unit.objects.values_list("pk", "path", "code"))
    by_path = {path: pk for pk, path, _code in units}
    code = {pk: c for pk, _path, c in units}
    with_history = set(UnitPlacement.objects.values_list("unit_id", flat=True).distinct())
    parent: dict[int, int | None] = {
        pk: by_path.get(path[:-Unit.steplen]) for pk, path, _code in units if pk not in with_history
    }
    valid = UnitPlacement.objects.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day)).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=day))
    for unit_id, parent_id in valid.order_by("valid_from", "id").values_list("unit_id", "parent_id"):
        parent[unit_id] = parent_id
    children: dict[int | None, list[int]] = {}
    for unit_id, parent_id in parent.items():
        children.setdefault(parent_id if parent_id in parent else None, []).append(unit_id)
    places: list[tuple[int, str]] = []
    stack = [(unit_id, "") for unit_id in sorted(children.get(None, []), key=code.get, reverse=True)]
    counters: dict[str, int] = {}
    while stack:
        unit_id, parent_path = stack.pop()
        counters[parent_path] = counters.get(parent_path, 0) + 1
        path = f"{parent_path}{counters[parent_path]:0{PLACE_STEP}d}"
        places.append((unit_id, path))
        stack.extend((child, path) for child in sorted(children.get(unit_id, []), key=code.get, reverse=True))
    return places


def _place_table(cursor, day: datetime.date) -> int:
    """Fill the temporary table kt_place(unit_id, path) with the tree of `day`; returns its depth."""
    places = places_on(day)
    cursor.execute("DROP TABLE IF EXISTS kt_place")
    cursor.execute("CREATE TEMPORARY TABLE kt_place (unit_id BIGINT PRIMARY KEY, path VARCHAR(255) NOT NULL)")
    for start in range(0, len(places), 500):
        chunk = places[start:start + 500]
        cursor.execute("INSERT INTO kt_place (unit_id, path) VALUES " + ", ".join(["(%s, %s)"] * len(chunk)),
                       [value for row in chunk for value in row])
    if connection.vendor == "postgresql":
        cursor.execute("ANALYZE kt_place")
    return max((len(path) // PLACE_STEP for _unit, path in places), default=1)


def _target_positions_sql() -> str:
    """The ids of the positions a target counts (two parameters: the target's id twice): its own
    positions and those of its position groups (e.g. the key cadres)."""
    groups = PositionGroup.positions.through
    return (f"SELECT tp.position_id FROM {_t(Target.positions.through)} tp WHERE tp.target_id = %s "
            f"UNION SELECT gp.position_id FROM {_t(groups)} gp JOIN {_t(Target.position_groups.through)} tg "
            "ON tg.positiongroup_id = gp.positiongroup_id WHERE tg.target_id = %s")


def _population_sql(target: Target, on: datetime.date) -> tuple[str, list]:
    """SELECT of the population on the population date: cadre, unit, position, the unit's path that
    day, its kind, the election date and the sort key of the name."""
    pop_date = target.population_date(on)
    kinds_sql = ""
    if target.unit_kinds:
        kinds_sql = f"AND u.kind IN ({', '.join(['%s'] * len(target.unit_kinds))})"
    newly_sql = ("AND a.first_term = %s AND c.appointed_on >= %s AND c.appointed_on <= %s"
                 if target.is_newly_elected else "")
    sql = f"""
    WITH pa AS (
        SELECT a.cadre_id, a.unit_id, a.position_id, pl.path, u.kind, c.appointed_on, c.name_sort_key,
               ROW_NUMBER() OVER (PARTITION BY a.cadre_id ORDER BY a.id DESC) AS latest
        FROM {_t(PositionAssignment)} a
        JOIN {_t(Cadre)} c ON c.id = a.cadre_id
        JOIN {_t(Unit)} u ON u.id = a.unit_id
        JOIN kt_place pl ON pl.unit_id = a.unit_id
        WHERE a.start_date <= %s
          AND (a.end_date >= %s OR (a.end_date IS NULL AND c.status = %s))
          AND a.position_id IN ({_target_positions_sql()})
          {kinds_sql} {newly_sql}
    )
    SELECT cadre_id, unit_id, position_id, path, kind, appointed_on, name_sort_key FROM pa WHERE latest = 1"""
    params: list = [pop_date, pop_date, CadreStatus.ACTIVE, target.pk, target.pk, *(target.unit_kinds or [])]
    if target.is_newly_elected:
        params += [True, target.period_start, pop_date]
    return sql, params


@dataclass
class _FlagPart:
    """A piece of a flag statement over the population `p`: named CTEs (with their parameters), the
    LEFT JOINs onto them and the condition `met` (with its parameters) a cadre meets it by."""

    ctes: str
    params: list
    joins: str
    met: str
    met_params: list
    in_time: str = "0"
    in_time_params: list | None = None
    deadline: str = "CAST(NULL AS DATE)"


def _trained_part(target: Target, eval_date: datetime.date, pop: str) -> _FlagPart:
    """Trained: every required course, or `min_hours` hours (only professional courses' hours when the
    target says so; recognised external training always) in the window: the period, or for newly
    elected members their own election to their deadline."""
    course_ids = target_required_course_ids(target)
    # The training that counts: inside the period (read by date alone, aggregated per cadre in one
    # pass) or, for newly elected members, between their own election and deadline.
    if target.is_newly_elected:
        deadline = _add_days("p.appointed_on", target.newly_elected_deadline_days)
        window = (f"JOIN {pop} p ON p.cadre_id = {{alias}}.cadre_id WHERE {{col}} >= p.appointed_on "
                  f"AND {{col}} <= %s AND {{col}} <= {deadline}")
        window_params = [eval_date]
    else:
        deadline = "CAST(NULL AS DATE)"
        window = "WHERE {col} >= %s AND {col} <= %s"
        window_params = [target.period_start, eval_date]
    in_courses = ", ".join(["%s"] * len(course_ids)) or "NULL"
    hours, professional, professional_params = "co.hours", "", []
    if target.professional_only:
        hours = "CASE WHEN pc.course_id IS NOT NULL THEN co.hours ELSE 0 END"
        professional = (f"LEFT JOIN (SELECT cp.page_ptr_id AS course_id FROM {_t(CoursePage)} cp "
                        "WHERE cp.counts_as_professional = %s) pc ON pc.course_id = co.course_id")
        professional_params = [True]
    ctes = f"""per AS (
        SELECT co.cadre_id, SUM({hours}) AS hours,
               COUNT(DISTINCT CASE WHEN co.course_id IN ({in_courses}) THEN co.course_id END) AS required
        FROM {_t(Completion)} co {professional} {window.format(alias="co", col="co.completed_on")}
        GROUP BY co.cadre_id
    ),
    outside AS (
        SELECT x.cadre_id, SUM(x.hours) AS hours
        FROM {_t(ExternalTraining)} x {window.format(alias="x", col="x.end_on")}
        GROUP BY x.cadre_id
    )"""
    met = (f"({'per.required = %s' if course_ids else '1 = 0'}) OR "
           f"({'COALESCE(per.hours, 0) + COALESCE(o.hours, 0) >= %s' if target.min_hours else '1 = 0'})")
    met_params = ([len(course_ids)] if course_ids else []) + ([float(target.min_hours)] if target.min_hours else [])
    newly = target.is_newly_elected
    return _FlagPart(
        ctes=ctes, params=course_ids + professional_params + window_params + window_params,
        joins="LEFT JOIN per ON per.cadre_id = p.cadre_id LEFT JOIN outside o ON o.cadre_id = p.cadre_id",
        met=met, met_params=met_params, deadline=deadline,
        in_time=f"CASE WHEN {deadline} > %s THEN 1 ELSE 0 END" if newly else "0",
        in_time_params=[eval_date] if newly else [],
    )


def _competent_part(eval_date: datetime.date, pop: str) -> _FlagPart:
    """Competent: evidence valid on the date reaches every level the framework in force requires."""
    framework = framework_on(eval_date)
    ctes = f"""req AS (
        SELECT r.position_id, k.code AS competency, r.unit_kind, r.required_level
        FROM {_t(Requirement)} r JOIN {_t(Competency)} k ON k.id = r.competency_id WHERE r.framework_id = %s
    ),
    need AS (
        SELECT p.cadre_id, r.competency, r.required_level
        FROM {pop} p JOIN req r ON r.position_id = p.position_id
        WHERE r.unit_kind = p.kind
           OR (r.unit_kind = '' AND NOT EXISTS (
                SELECT 1 FROM req k WHERE k.position_id = r.position_id AND k.competency = r.competency
                                      AND k.unit_kind = p.kind))
    ),
    -- Evidence counts for the competency's code in whichever framework version it was recorded:
    -- a new version keeps what cadres have shown.
    has AS (
        SELECT e.cadre_id, k.code AS competency, MAX(e.level) AS level
        FROM {_t(Evidence)} e JOIN {pop} p ON p.cadre_id = e.cadre_id JOIN {_t(Competency)} k ON k.id = e.competency_id
        WHERE e.obtained_on <= %s AND (e.expires_on IS NULL OR e.expires_on >= %s)
        GROUP BY e.cadre_id, k.code
    ),
    failing AS (
        SELECT DISTINCT n.cadre_id FROM need n
        LEFT JOIN has h ON h.cadre_id = n.cadre_id AND h.competency = n.competency
        WHERE h.level IS NULL OR h.level < n.required_level
    )"""
    return _FlagPart(ctes=ctes, params=[framework.pk if framework else 0, eval_date, eval_date],
                     joins="LEFT JOIN failing f ON f.cadre_id = p.cadre_id",
                     met=f"f.cadre_id IS NULL AND {'1 = 1' if framework else '1 = 0'}", met_params=[])


def _acknowledged_part(target: Target, eval_date: datetime.date, pop: str) -> _FlagPart:
    """Studied: the target's documents issued by the date (a document without a date counts as issued),
    and per cadre how many of them they confirmed studying by the date; met when none is left."""
    ctes = f"""due AS (
        SELECT tr.regulation_id FROM {_t(Target.regulations.through)} tr
        JOIN {_t(Regulation)} r ON r.id = tr.regulation_id
        WHERE tr.target_id = %s AND (r.issued_on IS NULL OR r.issued_on <= %s)
    ),
    studied AS (
        SELECT s.cadre_id, COUNT(DISTINCT s.regulation_id) AS n
        FROM {_t(StudyAssignment)} s JOIN due d ON d.regulation_id = s.regulation_id
        WHERE s.acknowledged_on IS NOT NULL AND s.acknowledged_on <= %s
        GROUP BY s.cadre_id
    )"""
    return _FlagPart(ctes=ctes, params=[target.pk, eval_date, eval_date],
                     joins="LEFT JOIN studied st ON st.cadre_id = p.cadre_id",
                     met="COALESCE(st.n, 0) >= (SELECT COUNT(*) FROM due)", met_params=[])


def years_before(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` years earlier (29/02 → 28/02)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def rule_codes_at_least(ranks: dict, value: str) -> list[str]:
    """The codes whose rank is at least that of `value` (a minimum grade or theory level)."""
    need = ranks.get(value, len(ranks))
    return [str(code) for code, rank in ranks.items() if rank >= need]


def _rules_part(target: Target, eval_date: datetime.date, pop: str) -> _FlagPart:
    """The target's criteria and standards (StandardRule): rule_fail holds every cadre failing one.
    Grade and theory level are the cadre's current ones (no history is kept of them); a
    qualification is a completion of the course valid on the date; years of service count from
    the cadre's first position assignment."""
    selects, params = [], []
    for rule in target.standard_rules.all():
        if rule.kind in (RuleKind.MIN_GRADE, RuleKind.MIN_THEORY_LEVEL):
            column = "grade" if rule.kind == RuleKind.MIN_GRADE else "theory_level"
            codes = rule_codes_at_least(GRADE_RANKS if rule.kind == RuleKind.MIN_GRADE else THEORY_RANKS,
                                        rule.value)
            selects.append(f"SELECT p.cadre_id FROM {pop} p JOIN {_t(Cadre)} c ON c.id = p.cadre_id "
                           f"WHERE c.{column} NOT IN ({', '.join(['%s'] * len(codes)) or 'NULL'})")
            params += codes
        elif rule.kind == RuleKind.QUALIFICATION:
            selects.append(f"""SELECT p.cadre_id FROM {pop} p WHERE NOT EXISTS (
                SELECT 1 FROM {_t(Completion)} q JOIN {_t(CoursePage)} qc ON qc.page_ptr_id = q.course_id
                WHERE q.cadre_id = p.cadre_id AND qc.code = %s AND q.completed_on <= %s
                  AND (q.expires_on IS NULL OR q.expires_on >= %s))""")
            params += [rule.value, eval_date, eval_date]
        elif rule.kind == RuleKind.MIN_YEARS_OF_SERVICE:
            selects.append(f"""SELECT p.cadre_id FROM {pop} p WHERE NOT EXISTS (
                SELECT 1 FROM {_t(PositionAssignment)} s WHERE s.cadre_id = p.cadre_id AND s.start_date <= %s)""")
            params.append(years_before(eval_date, int(rule.value)))
    union = " UNION ".join(selects) or f"SELECT p.cadre_id FROM {pop} p WHERE 1 = 0"
    return _FlagPart(ctes=f"rule_fail AS ({union})", params=params,
                     joins="LEFT JOIN rule_fail rf ON rf.cadre_id = p.cadre_id", met="rf.cadre_id IS NULL",
                     met_params=[])


def _flag_from_parts(parts: list[_FlagPart], pop: str, *, timed: _FlagPart | None = None) -> tuple[str, list]:
    """The flag SELECT meeting every part; `timed` (a newly elected trained part) gives in_time and deadline."""
    met = " AND ".join(f"({part.met})" for part in parts)
    in_time, deadline = (timed.in_time, timed.deadline) if timed else ("0", "CAST(NULL AS DATE)")
    sql = f"""
    WITH {", ".join(part.ctes for part in parts)},
    flagged AS (
        SELECT p.cadre_id, p.unit_id, p.position_id, p.path, p.name_sort_key,
               CASE WHEN {met} THEN 1 ELSE 0 END AS met, {in_time} AS in_time, {deadline} AS deadline
        FROM {pop} p {" ".join(part.joins for part in parts)}
    )
    SELECT cadre_id, unit_id, position_id, path, name_sort_key, met,
           CASE WHEN met = 1 THEN 0 ELSE in_time END AS in_time, deadline
    FROM flagged"""
    params = [value for part in parts for value in part.params]
    params += [value for part in parts for value in part.met_params]
    params += (timed.in_time_params or []) if timed else []
    return sql, params


def _flag_sql(target: Target, on: datetime.date, pop: str) -> tuple[str, list]:
    """SELECT over the population table `pop` of (cadre_id, unit_id, position_id, path, name_sort_key,
    met, in_time, deadline): met 0/1; in_time 1 for a newly elected member not trained yet whose
    deadline is after the date."""
    eval_date = min(on, target.period_end)
    if target.criterion == Criterion.COMPETENT:
        return _flag_from_parts([_competent_part(eval_date, pop)], pop)
    if target.criterion == Criterion.ACKNOWLEDGED:
        return _flag_from_parts([_acknowledged_part(target, eval_date, pop)], pop)
    if target.criterion == Criterion.STANDARD:
        return _flag_from_parts([_trained_part(target, eval_date, pop), _rules_part(target, eval_date, pop),
                                 _competent_part(eval_date, pop)], pop)
    trained = _trained_part(target, eval_date, pop)
    return _flag_from_parts([trained], pop, timed=trained if target.is_newly_elected else None)


def _temp(cursor, name: str, select: str, params: list, *, analyze: bool = True) -> None:
    cursor.execute(f"DROP TABLE IF EXISTS {name}")
    cursor.execute(f"CREATE TEMPORARY TABLE {name} AS {select}", params)
    if analyze and connection.vendor == "postgresql":
        # Without statistics PostgreSQL takes a temporary table for a few rows and nests loops over it.
        cursor.execute(f"ANALYZE {name}")


def _insert_rows(cursor, *, target: Target, on: datetime.date, figure_set: FigureSet, flag: str,
                 levels: int, counted: str | None = None) -> None:
    """Insert the day's roll-up (with forecasts) and the named cadres who did not meet the target.
    The roll-up counts the rows of `counted` (path, met, in_time; default: the cadres of `flag`)."""
    steplen = PLACE_STEP
    depths = ", ".join(f"({k * steplen})" for k in range(1, levels + 1))
    snapshots = _t(RollupSnapshot)
    x_now = (on - target.period_start).days
    x_end = (target.period_end - target.period_start).days
    real = "DOUBLE PRECISION"
    ended = "1 = 1" if target.has_ended(on) else "1 = 0"
    sql = f"""
    WITH leaf AS (
        SELECT path, COUNT(*) AS population, SUM(met) AS met, SUM(in_time) AS in_time FROM {counted or flag}
        GROUP BY path
    ),
    lengths(n) AS (VALUES {depths}),
    agg AS (
        SELECT substr(leaf.path, 1, lengths.n) AS prefix, SUM(leaf.population) AS population, SUM(leaf.met) AS met,
               SUM(leaf.in_time) AS in_time
        FROM leaf JOIN lengths ON length(leaf.path) >= lengths.n
        GROUP BY substr(leaf.path, 1, lengths.n)
    ),
    roll AS (
        SELECT pl.unit_id, pl.path, COALESCE(agg.population, 0) AS population, COALESCE(agg.met, 0) AS met,
               COALESCE(agg.in_time, 0) AS in_time
        FROM kt_place pl LEFT JOIN agg ON agg.prefix = pl.path
    ),
    hist AS (
        SELECT s.unit_id, COUNT(*) AS n, SUM(CAST(s.day_index AS {real})) AS sx,
               SUM(CAST(s.met AS {real}) * 100 / s.population) AS sy,
               SUM(CAST(s.day_index AS {real}) * s.met * 100 / s.population) AS sxy,
               SUM(CAST(s.day_index AS {real}) * s.day_index) AS sxx
        FROM {snapshots} s
        WHERE s.target_id = %s AND s.taken_on < %s AND s.taken_on >= %s AND s.population > 0
        GROUP BY s.unit_id
    ),
    pts AS (
        SELECT r.unit_id, r.path, r.population, r.met, r.in_time,
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
        SELECT unit_id, path, population, met, in_time, y, n, sx, sy,
               CASE WHEN population > 0 AND n >= {FORECAST_MIN_POINTS} AND n * sxx - sx * sx <> 0
                    THEN (n * sxy - sx * sy) / (n * sxx - sx * sx) END AS slope
        FROM pts
    ),
    fc AS (
        SELECT unit_id, path, population, met, in_time,
               CASE WHEN population = 0 THEN NULL
                    WHEN {ended} THEN y
                    WHEN slope IS NULL THEN NULL
                    ELSE (sy - slope * sx) / n + slope * {x_end} END AS f
        FROM line
    )
    INSERT INTO {snapshots} (target_id, unit_id, taken_on, population, met, in_time, path, depth, day_index,
                             forecast_percent)
    SELECT %s, unit_id, %s, population, met, in_time, path, LENGTH(path) / {steplen}, {x_now},
           CASE WHEN f < 0 THEN 0 WHEN f > 100 THEN 100 ELSE f END
    FROM fc"""
    cursor.execute(sql, [target.pk, on, on - datetime.timedelta(days=FORECAST_WINDOW_DAYS),
                         target.pk, on])
    cursor.execute(f"""
    INSERT INTO {_t(FigureCadre)} (figure_set_id, cadre_id, unit_id, position_id, path, state, deadline, name_sort_key)
    SELECT %s, cadre_id, unit_id, position_id, path,
           CASE WHEN in_time = 1 THEN %s ELSE %s END, deadline, COALESCE(name_sort_key, '')
    FROM {flag} WHERE met = 0""", [figure_set.pk, CadreState.IN_TIME, CadreState.NOT_MET])


def _committee_stage(cursor, *, target: Target, day: datetime.date) -> str:
    """The committee pass, after the per-cadre flags (kt_flag): keep only the members of the
    population's committees, then one row per committee in kt_cflag (unit_id, path, members,
    members_met, chair_id, chair_done, met, in_time). Returns the table the roll-up counts."""
    pop_date = target.population_date(day)
    eval_date = min(day, target.period_end)
    if target.unit_kinds:
        kinds = ", ".join(["%s"] * len(target.unit_kinds))
        which, which_params = f"u.kind IN ({kinds})", list(target.unit_kinds)
    else:
        kinds = ", ".join(["%s"] * len(GRASSROOTS_KINDS))
        which = (f"(u.kind IN ({kinds}) OR (u.kind = %s AND u.level_id IN "
                 f"(SELECT lv.id FROM {_t(UnitLevel)} lv WHERE lv.code = %s)))")
        which_params = [str(kind) for kind in GRASSROOTS_KINDS] + [UnitKind.BODY, COMMUNE_LEVEL]
    _temp(cursor, "kt_committee", f"""
    SELECT pl.unit_id, pl.path FROM kt_place pl JOIN {_t(Unit)} u ON u.id = pl.unit_id
    WHERE {which} AND (u.closed_on IS NULL OR u.closed_on > %s)""", [*which_params, pop_date])
    cursor.execute("DELETE FROM kt_flag WHERE unit_id NOT IN (SELECT unit_id FROM kt_committee)")
    chair_courses = list(target.chair_courses.values_list("pk", flat=True).order_by("pk"))
    in_courses = ", ".join(["%s"] * len(chair_courses)) or "NULL"
    _temp(cursor, "kt_cflag", f"""
    WITH members AS (
        SELECT unit_id, COUNT(*) AS members, SUM(met) AS members_met FROM kt_flag GROUP BY unit_id
    ),
    chairs AS (
        SELECT unit_id, MIN(cadre_id) AS chair_id FROM kt_flag WHERE position_id = %s GROUP BY unit_id
    ),
    done AS (
        SELECT co.cadre_id FROM {_t(Completion)} co JOIN chairs ch ON ch.chair_id = co.cadre_id
        WHERE co.course_id IN ({in_courses}) AND co.completed_on <= %s
        GROUP BY co.cadre_id HAVING COUNT(DISTINCT co.course_id) = %s
    )
    SELECT c.unit_id, c.path, COALESCE(m.members, 0) AS members, COALESCE(m.members_met, 0) AS members_met,
           ch.chair_id, CASE WHEN d.cadre_id IS NULL THEN 0 ELSE 1 END AS chair_done,
           CASE WHEN m.members > 0 AND m.members_met = m.members AND d.cadre_id IS NOT NULL THEN 1 ELSE 0 END AS met,
           0 AS in_time
    FROM kt_committee c
    LEFT JOIN members m ON m.unit_id = c.unit_id
    LEFT JOIN chairs ch ON ch.unit_id = c.unit_id
    LEFT JOIN done d ON d.cadre_id = ch.chair_id""",
          [target.chair_position_id or 0, *chair_courses, eval_date, len(chair_courses)], analyze=False)
    return "kt_cflag"


def _committee_rows_insert(cursor, *, figure_set: FigureSet) -> None:
    """Name the committees not met (their untrained members are the FigureCadre rows of their unit)."""
    cursor.execute(f"""
    INSERT INTO {_t(FigureCommittee)} (figure_set_id, unit_id, path, members, members_met, chair_id, chair_done)
    SELECT %s, unit_id, path, members, members_met, chair_id, CASE WHEN chair_done = 1 THEN %s ELSE %s END
    FROM kt_cflag WHERE met = 0""", [figure_set.pk, True, False])


def _set_for(target: Target, day: datetime.date) -> FigureSet:
    try:
        with transaction.atomic():
            return FigureSet.objects.get_or_create(target=target, on=day)[0]
    except IntegrityError:  # created by a parallel request in between: use that one
        return FigureSet.objects.get(target=target, on=day)


def figures_compute(*, target: Target, on: datetime.date, force: bool = True) -> FigureSet:
    """Compute and store the figures of `target` for `on` (the period's end once it has ended), for
    the whole tree. Idempotent; two computations of one set wait for each other (row lock), and with
    `force=False` the second does nothing when the first left the set fresh. Returns the set."""
    day = target.figures_date(on)
    figure_set = _set_for(target, day)
    with transaction.atomic():
        figure_set = FigureSet.objects.select_for_update().get(pk=figure_set.pk)
        if not force and figure_set.computed_at is not None and not figure_set.is_stale:
            return figure_set
        seen_version = figure_set.version
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # A dead worker's query must not hold the rows for minutes: the database gives up.
                timeout_ms = int(settings.KTLEARN_ROLLUP_STATEMENT_TIMEOUT.total_seconds() * 1000)
                cursor.execute(f"SET LOCAL statement_timeout = {timeout_ms}")
                # A batch computation over the province: sorts and hashes of 200,000 cadres in memory,
                # not spilled to disk (the default 4 MB is sized for many small queries).
                cursor.execute("SELECT set_config('work_mem', %s, true)", [settings.KTLEARN_ROLLUP_WORK_MEM])
            levels = _place_table(cursor, target.population_date(day))
            pop_sql, pop_params = _population_sql(target, day)
            flag_sql, flag_params = _flag_sql(target, day, "kt_pop")
            staged = ["kt_flag", "kt_place"]
            if target.criterion in (Criterion.COMPETENT, Criterion.STANDARD):
                # Its flags join the population three ways: a table with statistics gives hash joins.
                _temp(cursor, "kt_pop", pop_sql, pop_params)
                staged.append("kt_pop")
            else:
                # The training flags read the population once per cadre: one statement, nothing staged.
                flag_sql = f"WITH kt_pop AS ({pop_sql}), {flag_sql.strip().removeprefix('WITH')}"
                flag_params = pop_params + flag_params
            # kt_flag is only read whole (grouped, filtered): no plan depends on its statistics.
            _temp(cursor, "kt_flag", flag_sql, flag_params, analyze=False)
            counted = None
            if target.counts_committees:
                counted = _committee_stage(cursor, target=target, day=day)
                staged += ["kt_cflag", "kt_committee"]
            RollupSnapshot.objects.filter(target=target, taken_on=day).delete()
            FigureCadre.objects.filter(figure_set=figure_set).delete()
            if target.counts_committees:  # only read for such a target (its rows are replaced here)
                FigureCommittee.objects.filter(figure_set=figure_set).delete()
            _insert_rows(cursor, target=target, on=day, figure_set=figure_set, flag="kt_flag", levels=levels,
                         counted=counted)
            if target.counts_committees:
                _committee_rows_insert(cursor, figure_set=figure_set)
            for table in staged:
                cursor.execute(f"DROP TABLE {table}")
        figure_set.computed_version = seen_version
        figure_set.computed_at = timezone.now()
        figure_set.save(update_fields=["computed_version", "computed_at"])
    return figure_set


def figures_current(*, target: Target, on: datetime.date) -> FigureSet:
    """The stored figures for a page: computed now if the date has none yet, otherwise as stored (a
    stale set is shown with its time while the refresh task computes it again; see freshness)."""
    day = target.figures_date(on)
    figure_set = FigureSet.objects.filter(target=target, on=day).first()
    if figure_set is None or figure_set.computed_at is None:
        figure_set = figures_compute(target=target, on=day, force=False)
    return figure_set


def figures_fresh(*, target: Target, on: datetime.date) -> FigureSet:
    """The figures up to date with every write so far (computed again here if stale): for reports."""
    day = target.figures_date(on)
    figure_set = FigureSet.objects.filter(target=target, on=day).first()
    if figure_set is None or figure_set.computed_at is None or figure_set.is_stale:
        figure_set = figures_compute(target=target, on=day, force=False)
    return figure_set


@dataclass
class RollupRow:
    unit_id: int
    path: str
    depth: int
    population: int
    met: int
    in_time: int = 0

    @property
    def percent(self) -> float | None:
        return round(100 * self.met / self.population, 1) if self.population else None

    @property
    def not_met(self) -> int:
        return self.population - self.met - self.in_time


def unit_row(figure_set: FigureSet, unit) -> RollupSnapshot | None:
    """The unit's row in the set (None: the unit did not exist on that date)."""
    return RollupSnapshot.objects.filter(target_id=figure_set.target_id, taken_on=figure_set.on, unit=unit).first()


def subtree_rows(figure_set: FigureSet, unit) -> list[RollupRow]:
    """Every unit of `unit`'s subtree as it was on the set's date, the unit first, in tree order."""
    top = unit_row(figure_set, unit)
    if top is None:
        return []
    rows = (RollupSnapshot.objects.filter(target_id=figure_set.target_id, taken_on=figure_set.on,
                                          path__startswith=top.path)
            .order_by("path").values_list("unit_id", "path", "depth", "population", "met", "in_time"))
    return [RollupRow(*row) for row in rows]
