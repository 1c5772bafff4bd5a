"""Roll-up benchmark (not a test): the board's two kinds of target — "trained" (course completions and
external training) and "competent" (evidence against the competency framework) — rolled up over
10,000 units and 200,000 cadres with 2,000,000 course completions and 2,000,000 evidence rows, on
PostgreSQL.

    .venv/bin/python bench/rollup_bench.py                      # builds the data once, then measures
    .venv/bin/python bench/rollup_bench.py --rounds 5
    .venv/bin/python bench/rollup_bench.py --units 2000 --cadres 20000 --completions 200000 \
        --evidence 200000 --prefix RBS

What it does:
1. creates the PostgreSQL database `--db` (default ktlearn_bench) if it does not exist, and migrates it;
2. unless they exist: runs `manage.py generate_scale` (the scale generator: a tree of `--units` units
   and `--cadres` cadres with position histories), adds 20 courses, `--completions` completions spread
   over the cadres and the years 2022–2026 (one INSERT … SELECT), a framework of 10 competencies with
   four requirements per position, `--evidence` evidence rows (levels 1–4, mostly 2 and up, from
   2020 on, one in five with an expiry), a body with 10 sub-units and one with 500 (for the query counts), a 'trained'
   target for 2025–2030 (3 required courses, or 20 hours) and a 'competent' target;
3. for each target, measures the median of `--rounds` warm runs:
   - raw SQL: one hand-written PostgreSQL statement (DISTINCT ON, FILTER, generate_series) that gives
     every unit's population and met over its subtree; the stored figures are checked against it;
   - the full recompute (targets.figures.figures_compute: the tree of the day, the population, the
     flags, the roll-up and the named cadres, stored) as a ratio of the raw SQL;
   - reading the roll-up (target_rollup, from the stored figures) and the dashboard page (GET /board/
     as the board) as ratios of the raw SQL;
   - the dashboard's query count for a unit with 10 children and one with 500 (must be equal);
   - EXPLAIN ANALYZE of the two heavy statements of the recompute (the population and the flags).
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

COURSES = 20
REQUIRED = 3
MIN_HOURS = 20
TARGET_CODE = "bench-dao-tao"
COMPETENT_CODE = "bench-khung-nang-luc"
COMPETENCIES = 10
EVIDENCE_PER_CADRE_MAX = 10


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--units", type=int, default=10_000)
    p.add_argument("--cadres", type=int, default=200_000)
    p.add_argument("--completions", type=int, default=2_000_000)
    p.add_argument("--evidence", type=int, default=2_000_000)
    p.add_argument("--prefix", default="RB", help="root unit code of the benchmark tree")
    p.add_argument("--db", default="ktlearn_bench")
    p.add_argument("--pg", default="postgres@127.0.0.1:5432", help="user@host:port of the PostgreSQL server")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--plans", action=argparse.BooleanOptionalAction, default=True,
                   help="print EXPLAIN ANALYZE of the recompute's heavy statements (default on)")
    return p.parse_args()


def prepare_database(args) -> None:
    user, _, hostport = args.pg.partition("@")
    host, _, port = hostport.partition(":")
    exists = subprocess.run(
        ["psql", "-h", host, "-p", port, "-U", user, "-tAc", f"SELECT 1 FROM pg_database WHERE datname = '{args.db}'"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()
    if not exists:
        subprocess.run(["createdb", "-h", host, "-p", port, "-U", user, args.db], check=True)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, check=True)


def step(label: str):
    print(f"  {label}…", flush=True)
    return time.monotonic()


def build_data(args):
    """The tree, cadres, courses, completions, the two wide bodies and the target (once)."""
    import datetime as dt
    from decimal import Decimal

    from django.core.management import call_command
    from django.db import connection, transaction
    from wagtail.models import Page

    from courses.models import Completion, CoursePage
    from organization.models import Position, Unit, UnitKind
    from targets.models import Criterion, PopulationAt, Target
    from targets.services import target_create

    if not Unit.objects.filter(code=args.prefix).exists():
        started = step(f"generate_scale --units {args.units} --cadres {args.cadres}")
        call_command("generate_scale", units=args.units, cadres=args.cadres, prefix=args.prefix)
        print(f"    {time.monotonic() - started:.0f} s")
    root = Unit.objects.get(code=args.prefix)

    courses = list(CoursePage.objects.filter(code__startswith=f"{args.prefix}-KH").order_by("code"))
    if len(courses) < COURSES:
        parent = Page.get_first_root_node()
        for i in range(len(courses), COURSES):
            parent = Page.objects.get(pk=parent.pk)
            parent.add_child(instance=CoursePage(
                title=f"Khóa bồi dưỡng nghiệp vụ {i + 1}", code=f"{args.prefix}-KH{i:02d}",
                slug=f"{args.prefix.lower()}-kh{i:02d}", hours=Decimal(4 + i % 5),
            ))
        courses = list(CoursePage.objects.filter(code__startswith=f"{args.prefix}-KH").order_by("code"))

    completion_table = connection.ops.quote_name(Completion._meta.db_table)
    have = Completion.objects.filter(course__in=courses).count()
    if have < args.completions:
        started = step(f"{args.completions:,} completions")
        ids = ", ".join(str(c.pk) for c in courses)
        per_cadre = max(1, args.completions // max(1, args.cadres))
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {completion_table} WHERE course_id IN ({ids})")
            # Course k of cadre c: one of the 20 courses; the date spreads over 2022-01-01 .. 2026-05-19.
            cursor.execute(f"""
                INSERT INTO {completion_table} (cadre_id, course_id, completed_on, hours, source, created_at,
                                                updated_at)
                SELECT c.id, (ARRAY[{ids}])[1 + ((c.id * 7 + k * 3) %% {COURSES})],
                       DATE '2022-01-01' + CAST((c.id * 37 + k * 101) %% 1600 AS integer),
                       4 + ((c.id + k) %% 5), 'online', now(), now()
                FROM (SELECT id FROM organization_cadre WHERE code LIKE %s ORDER BY id LIMIT %s) c
                CROSS JOIN generate_series(1, %s) k
                LIMIT %s""", [f"{args.prefix}-CB%", args.cadres, per_cadre, args.completions])
            cursor.execute(f"ANALYZE {completion_table}")
        print(f"    {time.monotonic() - started:.0f} s")

    wide = {}
    for count in (10, 500):
        code = f"{args.prefix}W{count}"
        unit = Unit.objects.filter(code=code).first()
        if unit is None:
            started = step(f"a body with {count} sub-units")
            unit = Unit.objects.get(pk=root.pk).add_child(code=code, name=f"Đảng bộ {count} đơn vị", kind=UnitKind.BODY)
            for i in range(count):
                unit = Unit.objects.get(pk=unit.pk)
                unit.add_child(code=f"{code}-{i:03d}", name=f"Chi bộ {i + 1}", kind=UnitKind.CELL)
            print(f"    {time.monotonic() - started:.0f} s")
        wide[count] = Unit.objects.get(code=code)

    target = Target.objects.filter(code=TARGET_CODE).first()
    if target is not None and target.min_hours != MIN_HOURS:
        target.min_hours = Decimal(MIN_HOURS)
        target.save(update_fields=["min_hours"])
    if target is None:
        target = target_create(
            code=TARGET_CODE, name="Bench: 100% cán bộ kiểm tra được bồi dưỡng nghiệp vụ",
            period_start=dt.date(2025, 1, 1), period_end=dt.date(2030, 12, 31), positions=Position.objects.all(),
            criterion=Criterion.TRAINED, population_at=PopulationAt.TODAY, min_hours=Decimal(MIN_HOURS),
            required_courses=courses[:REQUIRED], order=0,
        )
    competent = build_competency(args, prefix_like=f"{args.prefix}-CB%")
    # Fresh planner statistics after the bulk load, as autovacuum would gather them on a live database.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return Unit.objects.get(pk=root.pk), {"trained": target, "competent": competent}, wide


def build_competency(args, *, prefix_like: str):
    """A framework in force since 2020 (10 competencies, 4 levels, four requirements per position at
    levels 2–3), `--evidence` evidence rows and the 'competent' target (once)."""
    import datetime as dt

    from django.db import connection, transaction

    from competency.models import Area, Competency, Evidence, Framework, ProficiencyLevel, Requirement
    from organization.models import Position
    from targets.models import Criterion, PopulationAt, Target
    from targets.services import target_create

    framework = Framework.objects.filter(version="bench").first()
    if framework is None:
        started = step("a framework of 10 competencies")
        framework = Framework.objects.create(name="Khung năng lực (bench)", version="bench", is_active=True,
                                             effective_from=dt.date(2020, 1, 1))
        for level in range(1, 5):
            ProficiencyLevel.objects.create(framework=framework, level=level, name=f"Mức {level}")
        area = Area.objects.create(framework=framework, code="BK", name="Nghiệp vụ kiểm tra, giám sát", order=1)
        competencies = [
            Competency.objects.create(framework=framework, area=area, code=f"BK{i:02d}", name=f"Năng lực {i}",
                                      order=i)
            for i in range(1, COMPETENCIES + 1)
        ]
        for n, position in enumerate(Position.objects.order_by("order", "pk")):
            for k in range(4):
                Requirement.objects.create(framework=framework, competency=competencies[(n * 3 + k) % COMPETENCIES],
                                           position=position, unit_kind="", required_level=2 + (n + k) % 2)
        print(f"    {time.monotonic() - started:.0f} s")
    evidence_table = connection.ops.quote_name(Evidence._meta.db_table)
    have = Evidence.objects.filter(competency__framework=framework).count()
    if have < args.evidence:
        started = step(f"{args.evidence:,} evidence rows")
        ids = ", ".join(str(pk) for pk in framework.competencies.order_by("code").values_list("pk", flat=True))
        per_cadre = max(1, min(EVIDENCE_PER_CADRE_MAX, args.evidence // max(1, args.cadres)))
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {evidence_table} WHERE competency_id IN ({ids})")
            # Evidence k of cadre c: competency (3c + k) mod 10 (ten rows cover the ten), level 1–4
            # (mostly 2 and up), from 2020-01-01 over six years; one in five expires three years after
            # it was obtained.
            cursor.execute(f"""
                INSERT INTO {evidence_table} (cadre_id, competency_id, level, source, source_ref, obtained_on,
                                              expires_on, note, file, assessor_id, created_at)
                SELECT c.id, (ARRAY[{ids}])[1 + ((c.id * 3 + k) %% {COMPETENCIES})],
                       LEAST(4, 1 + ((c.id + k * 7) %% 4) + CASE WHEN (c.id * 7 + k) %% 10 < 8 THEN 1 ELSE 0 END),
                       'quiz', '', DATE '2020-01-01' + CAST((c.id * 53 + k * 211) %% 2190 AS integer),
                       CASE WHEN (c.id + k) %% 5 = 0
                            THEN DATE '2023-01-01' + CAST((c.id * 53 + k * 211) %% 2190 AS integer) END,
                       '', '', NULL, now()
                FROM (SELECT id FROM organization_cadre WHERE code LIKE %s ORDER BY id LIMIT %s) c
                CROSS JOIN generate_series(1, %s) k
                LIMIT %s""", [prefix_like, args.cadres, per_cadre, args.evidence])
            cursor.execute(f"ANALYZE {evidence_table}")
        print(f"    {time.monotonic() - started:.0f} s")
    target = Target.objects.filter(code=COMPETENT_CODE).first()
    if target is None:
        target = target_create(
            code=COMPETENT_CODE, name="Bench: 100% cán bộ kiểm tra đạt khung năng lực",
            period_start=dt.date(2025, 1, 1), period_end=dt.date(2030, 12, 31), positions=Position.objects.all(),
            criterion=Criterion.COMPETENT, population_at=PopulationAt.TODAY, order=1,
        )
    return target


POPULATION_CTE = """
pop AS (
    SELECT DISTINCT ON (a.cadre_id) a.cadre_id, a.position_id, u.path
    FROM organization_positionassignment a
    JOIN organization_cadre c ON c.id = a.cadre_id
    JOIN organization_unit u ON u.id = a.unit_id
    WHERE a.start_date <= %(day)s AND (a.end_date >= %(day)s OR (a.end_date IS NULL AND c.status = 'active'))
      AND a.position_id IN (SELECT position_id FROM competency_target_positions WHERE target_id = %(target)s)
      AND u.path LIKE %(root)s
    ORDER BY a.cadre_id, a.id DESC
)"""

ROLLUP_TAIL = """
agg AS (
    SELECT left(leaf.path, 4 * k) AS prefix, SUM(population) AS population, SUM(met) AS met
    FROM leaf CROSS JOIN generate_series(1, 16) AS k
    WHERE length(leaf.path) >= 4 * k
    GROUP BY 1
)
SELECT u.id, COALESCE(agg.population, 0), COALESCE(agg.met, 0)
FROM organization_unit u LEFT JOIN agg ON agg.prefix = u.path
WHERE u.path LIKE %(root)s
"""

RAW_SQL = {
    "trained": "WITH " + POPULATION_CTE + """,
per AS (
    SELECT co.cadre_id, SUM(co.hours) AS hours,
           COUNT(DISTINCT co.course_id) FILTER (WHERE co.course_id = ANY(%(required)s)) AS required
    FROM courses_completion co
    WHERE co.completed_on BETWEEN %(start)s AND %(day)s
    GROUP BY co.cadre_id
),
ext AS (
    SELECT x.cadre_id, SUM(x.hours) AS hours FROM courses_externaltraining x
    WHERE x.end_on BETWEEN %(start)s AND %(day)s GROUP BY x.cadre_id
),
leaf AS (
    SELECT p.path, COUNT(*) AS population,
           SUM(CASE WHEN COALESCE(per.required, 0) = %(n_required)s
                      OR COALESCE(per.hours, 0) + COALESCE(ext.hours, 0) >= %(min_hours)s THEN 1 ELSE 0 END) AS met
    FROM pop p LEFT JOIN per ON per.cadre_id = p.cadre_id LEFT JOIN ext ON ext.cadre_id = p.cadre_id
    GROUP BY p.path
),""" + ROLLUP_TAIL,
    # Met: every requirement of the cadre's position reached by evidence valid on the day (the bench's
    # requirements hold for every kind of unit).
    "competent": "WITH " + POPULATION_CTE + """,
req AS (
    SELECT r.position_id, r.competency_id, r.required_level FROM competency_requirement r
    WHERE r.framework_id = %(framework)s
),
has AS (
    SELECT e.cadre_id, e.competency_id, MAX(e.level) AS level FROM competency_evidence e
    WHERE e.obtained_on <= %(day)s AND (e.expires_on IS NULL OR e.expires_on >= %(day)s)
    GROUP BY e.cadre_id, e.competency_id
),
failing AS (
    SELECT DISTINCT p.cadre_id FROM pop p JOIN req r ON r.position_id = p.position_id
    LEFT JOIN has h ON h.cadre_id = p.cadre_id AND h.competency_id = r.competency_id
    WHERE h.level IS NULL OR h.level < r.required_level
),
leaf AS (
    SELECT p.path, COUNT(*) AS population, COUNT(*) - COUNT(f.cadre_id) AS met
    FROM pop p LEFT JOIN failing f ON f.cadre_id = p.cadre_id
    GROUP BY p.path
),""" + ROLLUP_TAIL,
}


def timed(fn, rounds: int) -> tuple[float, object]:
    fn()  # warm: caches, plans, the buffer pool
    times, result = [], None
    for _ in range(rounds):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def explain_recompute(target, on) -> list[tuple[str, list[str]]]:
    """EXPLAIN ANALYZE of the heavy statements of figures_compute, staged as it stages them (the
    competent criterion: population table, then flags; trained: one statement), in a transaction
    rolled back afterwards (the temporary tables they create go with it)."""
    from django.conf import settings
    from django.db import connection, transaction

    from targets.figures import _flag_sql, _place_table, _population_sql
    from targets.models import Criterion

    day = target.figures_date(on)
    plans = []
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('work_mem', %s, true)", [settings.KTLEARN_ROLLUP_WORK_MEM])
            _place_table(cursor, target.population_date(day))
            pop_sql, pop_params = _population_sql(target, day)
            flag_sql, flag_params = _flag_sql(target, day, "kt_pop")
            if target.criterion == Criterion.COMPETENT:
                statements = [("population (kt_pop)", "kt_pop", pop_sql, pop_params),
                              ("flags (kt_flag)", "kt_flag", flag_sql, flag_params)]
            else:
                combined = f"WITH kt_pop AS ({pop_sql}), {flag_sql.strip().removeprefix('WITH')}"
                statements = [("population and flags (kt_flag)", "kt_flag", combined, pop_params + flag_params)]
            for name, table, sql, params in statements:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS OFF) CREATE TEMPORARY TABLE {table} AS {sql}", params)
                plans.append((name, [row[0] for row in cursor.fetchall()]))
                cursor.execute(f"ANALYZE {table}")
        transaction.set_rollback(True)
    return plans


def measure(args, root, targets, wide) -> list[tuple]:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from competency.selectors import framework_on
    from organization import roles
    from targets.figures import figures_compute, subtree_rows
    from targets.selectors import target_required_course_ids, target_rollup

    on = timezone.localdate()
    board, _ = get_user_model().objects.get_or_create(username="bench-board")
    board.groups.add(roles.ensure_groups()[roles.BOARD])
    client = Client()
    client.force_login(board)
    # Board members pass a second factor after the password (organization.two_factor): the bench
    # stands in for the code as django-otp records one, a confirmed device's id in the session.
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_static.models import StaticDevice

    device, _ = StaticDevice.objects.get_or_create(user=board, name="bench", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    results = []
    for kind, target in targets.items():
        params = {"day": on, "start": target.period_start, "target": target.pk, "root": root.path + "%",
                  "required": target_required_course_ids(target), "n_required": REQUIRED, "min_hours": MIN_HOURS}
        framework = framework_on(on)
        params["framework"] = framework.pk if framework else 0

        def raw(sql=RAW_SQL[kind], params=params):
            # With the work_mem the computation gets (KTLEARN_ROLLUP_WORK_MEM), so the two are alike.
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT set_config('work_mem', %s, true)", [settings.KTLEARN_ROLLUP_WORK_MEM])
                cursor.execute(sql, params)
                return {row[0]: (int(row[1]), int(row[2])) for row in cursor.fetchall()}

        print(f"  measuring {kind}…", flush=True)
        t_raw, raw_numbers = timed(raw, args.rounds)
        t_recompute, figure_set = timed(lambda target=target: figures_compute(target=target, on=on), args.rounds)
        stored = {r.unit_id: (r.population, r.met) for r in subtree_rows(figure_set, root)}
        same = stored == raw_numbers
        t_read, _rows = timed(lambda target=target: target_rollup(target=target, root_unit=root, on=on), args.rounds)

        def page(unit, target=target):
            response = client.get("/board/", {"target": target.pk, "unit": unit.pk})
            assert response.status_code == 200, response.status_code
            return response

        t_page, _ = timed(lambda: page(root), max(5, args.rounds))
        counts = {}
        for n, unit in wide.items():
            page(unit)
            with CaptureQueriesContext(connection) as ctx:
                page(unit)
            counts[n] = len(ctx.captured_queries)
        total = raw_numbers[root.pk]
        plans = explain_recompute(target, on) if args.plans else []
        results.append((kind, t_raw, t_recompute, t_read, t_page, same, total, len(raw_numbers), counts, plans))
    return results


def report(args, results) -> None:
    from django.conf import settings
    from django.db import connection

    print()
    print(f"PostgreSQL {connection.pg_version // 10000}; {args.completions:,} completions, {args.evidence:,} "
          f"evidence rows; median of {args.rounds} warm runs; work_mem {settings.KTLEARN_ROLLUP_WORK_MEM} for "
          f"the computation and the raw SQL; load average {os.getloadavg()[0]:.2f}.")
    for kind, t_raw, t_recompute, t_read, t_page, same, total, units, counts, plans in results:
        print()
        print(f"[{kind}] {units:,} units, {total[0]:,} cadres counted ({total[1]:,} met, "
              f"{100 * total[1] / max(1, total[0]):.1f}%)")
        print(f"{'measure':<52}{'seconds':>10}{'× raw SQL':>12}")
        print(f"{'raw SQL aggregate (one hand-written statement)':<52}{t_raw:>10.3f}{1:>12.2f}")
        print(f"{'full recompute (figures_compute, stored)':<52}{t_recompute:>10.3f}{t_recompute / t_raw:>12.2f}")
        print(f"{'roll-up read (target_rollup, stored figures)':<52}{t_read:>10.3f}{t_read / t_raw:>12.2f}")
        print(f"{'dashboard page (GET /board/)':<52}{t_page:>10.3f}{t_page / t_raw:>12.2f}")
        print(f"stored figures equal to the raw SQL for every unit: {same}")
        print(f"dashboard queries: unit with 10 children = {counts[10]}, with 500 children = {counts[500]} "
              f"({'equal' if counts[10] == counts[500] else 'DIFFERENT'})")
        for name, lines in plans:
            print(f"EXPLAIN ANALYZE, {name}:")
            for line in lines:
                print(f"    {line}")


def main():
    args = parse_args()
    os.environ["DATABASE_URL"] = f"postgres://{args.pg}/{args.db}"
    # The dev settings install the bench app (generate_scale); DEBUG off so queries are not recorded.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.dev")
    os.environ.setdefault("DJANGO_DEBUG", "0")
    os.chdir(ROOT)
    print(f"Roll-up benchmark on {args.db}")
    prepare_database(args)
    import django

    django.setup()
    root, targets, wide = build_data(args)
    report(args, measure(args, root, targets, wide))


if __name__ == "__main__":
    main()
