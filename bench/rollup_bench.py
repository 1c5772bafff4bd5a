"""Roll-up benchmark (not a test): a training target rolled up over 10,000 units and 200,000 cadres
with 2,000,000 course completions, on PostgreSQL.

    .venv/bin/python bench/rollup_bench.py                      # builds the data once, then measures
    .venv/bin/python bench/rollup_bench.py --rounds 5
    .venv/bin/python bench/rollup_bench.py --units 2000 --cadres 20000 --completions 200000 --prefix RBS

What it does:
1. creates the PostgreSQL database `--db` (default ktlearn_bench) if it does not exist, and migrates it;
2. unless the unit `--prefix` exists: runs `manage.py generate_scale` (the scale generator: a tree of
   `--units` units and `--cadres` cadres with position histories), then adds 20 courses, `--completions`
   completions spread over the cadres and the years 2022–2026 (one INSERT … SELECT), a body with 10
   sub-units and one with 500 (for the query counts), and a 'trained' target for 2025–2030 (3 required
   courses, or 20 hours);
3. measures, each the median of `--rounds` warm runs:
   - raw SQL: one hand-written PostgreSQL statement (DISTINCT ON, FILTER, generate_series) that gives
     every unit's population and met over its subtree; the selector's numbers are checked against it;
   - target_rollup (the selector) and rollup_snapshot_take (the full recompute that stores the
     snapshots, as the nightly task does), each as a ratio of the raw SQL;
   - the dashboard page (GET /board/ as the board, served from the snapshots) and its ratio;
   - the dashboard's query count for a unit with 10 children and one with 500 (must be equal).
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


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--units", type=int, default=10_000)
    p.add_argument("--cadres", type=int, default=200_000)
    p.add_argument("--completions", type=int, default=2_000_000)
    p.add_argument("--prefix", default="RB", help="root unit code of the benchmark tree")
    p.add_argument("--db", default="ktlearn_bench")
    p.add_argument("--pg", default="postgres@127.0.0.1:5432", help="user@host:port of the PostgreSQL server")
    p.add_argument("--rounds", type=int, default=3)
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
                INSERT INTO {completion_table} (cadre_id, course_id, completed_on, hours, source, created_at)
                SELECT c.id, (ARRAY[{ids}])[1 + ((c.id * 7 + k * 3) %% {COURSES})],
                       DATE '2022-01-01' + CAST((c.id * 37 + k * 101) %% 1600 AS integer),
                       4 + ((c.id + k) %% 5), 'online', now()
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
    # Fresh planner statistics after the bulk load, as autovacuum would gather them on a live database.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return Unit.objects.get(pk=root.pk), target, wide


RAW_SQL = """
WITH pop AS (
    SELECT DISTINCT ON (a.cadre_id) a.cadre_id, u.path
    FROM organization_positionassignment a
    JOIN organization_cadre c ON c.id = a.cadre_id
    JOIN organization_unit u ON u.id = a.unit_id
    WHERE a.start_date <= %(day)s AND (a.end_date >= %(day)s OR (a.end_date IS NULL AND c.status = 'active'))
      AND a.position_id IN (SELECT position_id FROM competency_target_positions WHERE target_id = %(target)s)
      AND u.path LIKE %(root)s
    ORDER BY a.cadre_id, a.id DESC
),
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
),
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


def timed(fn, rounds: int) -> tuple[float, object]:
    fn()  # warm: caches, plans, the buffer pool
    times, result = [], None
    for _ in range(rounds):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def measure(args, root, target, wide) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from organization import roles
    from targets.models import RollupSnapshot
    from targets.selectors import target_required_course_ids, target_rollup
    from targets.services import rollup_snapshot_take

    on = timezone.localdate()
    params = {"day": on, "start": target.period_start, "target": target.pk, "root": root.path + "%",
              "required": target_required_course_ids(target), "n_required": REQUIRED, "min_hours": MIN_HOURS}

    def raw():
        with connection.cursor() as cursor:
            cursor.execute(RAW_SQL, params)
            return {row[0]: (int(row[1]), int(row[2])) for row in cursor.fetchall()}

    print("  measuring…", flush=True)
    t_raw, raw_numbers = timed(raw, args.rounds)
    t_selector, rows = timed(lambda: target_rollup(target=target, root_unit=root, on=on), args.rounds)
    selector_numbers = {r.unit_id: (r.population, r.met) for r in rows}
    same = selector_numbers == raw_numbers
    t_recompute, written = timed(lambda: rollup_snapshot_take(target=target, root_unit=root, on=on), args.rounds)

    board, _ = get_user_model().objects.get_or_create(username="bench-board")
    board.groups.add(roles.ensure_groups()[roles.BOARD])
    client = Client()
    client.force_login(board)

    def page(unit):
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
    snapshots = RollupSnapshot.objects.filter(target=target, taken_on=on).count()
    print()
    print(f"Data: {len(raw_numbers):,} units, {total[0]:,} cadres counted ({total[1]:,} met, "
          f"{100 * total[1] / max(1, total[0]):.1f}%), {args.completions:,} completions; PostgreSQL "
          f"{connection.pg_version // 10000}; median of {args.rounds} warm runs.")
    print(f"{'measure':<48}{'seconds':>10}{'× raw SQL':>12}")
    print(f"{'raw SQL aggregate (one hand-written statement)':<48}{t_raw:>10.3f}{1:>12.2f}")
    print(f"{'target_rollup (selector)':<48}{t_selector:>10.3f}{t_selector / t_raw:>12.2f}")
    print(f"{'full recompute (rollup_snapshot_take, stores)':<48}{t_recompute:>10.3f}{t_recompute / t_raw:>12.2f}")
    print(f"{'dashboard page from snapshots (GET /board/)':<48}{t_page:>10.3f}{t_page / t_raw:>12.2f}")
    print(f"selector numbers equal to the raw SQL for every unit: {same}; snapshot rows written: {written:,} "
          f"(stored for the day: {snapshots:,})")
    print(f"dashboard queries: unit with 10 children = {counts[10]}, with 500 children = {counts[500]} "
          f"({'equal' if counts[10] == counts[500] else 'DIFFERENT'})")


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
    root, target, wide = build_data(args)
    measure(args, root, target, wide)


if __name__ == "__main__":
    main()
