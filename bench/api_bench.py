"""REST API benchmark (not a test): page through every cadre of the scale data set (generate_scale:
10,000 units, 200,000 cadres) with their current unit and position through GET /api/v1/cadres, on
PostgreSQL, and compare with a raw SQL dump of the same rows; then time 1,000-row bulk upserts.

    .venv/bin/python bench/api_bench.py                        # ktlearn_apibench, builds the data once
    .venv/bin/python bench/api_bench.py --db mydb --limit 500

What it does:
1. creates the PostgreSQL database `--db` if needed, migrates it, and runs generate_scale (root `--prefix`)
   unless that tree exists; removes an earlier run's bulk rows, runs ANALYZE, prints the load average;
2. creates an API client (read and write) for the root of the tree;
3. pages through GET /api/v1/cadres?limit=N with the cursor, through the whole Django stack (the test
   client: authentication, scoping, validation against the schema, ETag), counting the queries of every
   page (they must all be equal) and the total time;
4. dumps the same rows (the cadre's fields, unit code, position code and name, the same subtree, id order)
   with one raw SQL COPY … TO STDOUT (CSV), and prints the ratio;
5. POST /api/v1/cadres/bulk with 1,000 new cadres (created), the same payload again (unchanged: the
   idempotent path), and 1,000 changed names (updated); and POST /api/v1/position-assignments/bulk
   moving those 1,000 cadres to another unit.
"""

import argparse
import datetime
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--units", type=int, default=10_000)
    p.add_argument("--cadres", type=int, default=200_000)
    p.add_argument("--prefix", default="S", help="root unit code of the scale tree")
    p.add_argument("--db", default="ktlearn_apibench")
    p.add_argument("--pg", default="postgres@127.0.0.1:5432", help="user@host:port of the PostgreSQL server")
    p.add_argument("--limit", type=int, default=1000, help="page size (≤ 1,000)")
    return p.parse_args()


def main():
    args = parse_args()
    user, _, hostport = args.pg.partition("@")
    host, _, port = hostport.partition(":")
    os.environ["DATABASE_URL"] = f"postgres://{user}@{host}:{port}/{args.db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.test")
    os.environ["KTLEARN_API_RATE"] = "100000000/min"
    exists = subprocess.run(["psql", "-h", host, "-p", port, "-U", user, "-tAc",
                             f"SELECT 1 FROM pg_database WHERE datname = '{args.db}'"],
                            capture_output=True, text=True, check=True).stdout.strip()
    if not exists:
        subprocess.run(["createdb", "-h", host, "-p", port, "-U", user, args.db], check=True)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, check=True, env=os.environ)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from organization import roles
    from organization.models import ApiAccess, Cadre, Position, Unit
    from organization.services import api_client_create

    settings.ALLOWED_HOSTS = ["*"]
    roles.ensure_groups()
    if not Unit.objects.filter(code=args.prefix).exists():
        started = time.monotonic()
        call_command("generate_scale", units=args.units, cadres=args.cadres, prefix=args.prefix)
        print(f"generate_scale: {time.monotonic() - started:.0f} s")
    root = Unit.objects.get(code=args.prefix)
    Cadre.objects.filter(code__startswith="APIB-").delete()  # an earlier run's bulk rows
    with connection.cursor() as cursor:  # the planner's statistics, as autovacuum keeps them (generate_scale too)
        cursor.execute("ANALYZE")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    _client, token = api_client_create(name=f"bench {datetime.datetime.now():%H%M%S}", unit=root,
                                       access=ApiAccess.READ_WRITE)
    http = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    in_tree = Cadre.objects.filter(unit__path__startswith=root.path).count()
    print(f"PostgreSQL {connection.pg_version // 10000}; {in_tree:,} cadres under {root.code}; page size {args.limit}")

    # --- paging -----------------------------------------------------------------------------------
    cursor, pages, rows, counts = None, 0, 0, set()
    started = time.monotonic()
    while True:
        params = {"limit": args.limit, **({"cursor": cursor} if cursor else {})}
        with CaptureQueriesContext(connection) as queries:
            response = http.get("/api/v1/cadres", params)
        assert response.status_code == 200, response.content[:300]
        body = json.loads(response.content)
        counts.add(len(queries))
        pages += 1
        rows += len(body["items"])
        cursor = body["next_cursor"]
        if cursor is None:
            break
    api_seconds = time.monotonic() - started
    print(f"API: {rows:,} cadres in {pages} pages, {api_seconds:.1f} s "
          f"({1000 * api_seconds / pages:.0f} ms a page); queries per page: {sorted(counts)}")
    assert len(counts) == 1, "the queries per page must not depend on the page"

    # --- raw SQL dump of the same rows -------------------------------------------------------------
    sql = """COPY (SELECT c.id, c.code, c.full_name, c.gender, c.date_of_birth, c.grade, c.theory_level,
                     c.appointed_on, c.status, c.email, c.updated_at, u.code, p.code, p.name
              FROM organization_cadre c JOIN organization_unit u ON u.id = c.unit_id
              JOIN organization_position p ON p.id = c.position_id
              WHERE u.path LIKE %s ORDER BY c.id) TO STDOUT (FORMAT csv)"""
    started = time.monotonic()
    size = 0
    with connection.cursor() as raw, raw.cursor.copy(sql, [root.path + "%"]) as copy:
        for chunk in copy:
            size += len(chunk)
    sql_seconds = time.monotonic() - started
    print(f"raw SQL COPY of the same rows: {sql_seconds:.2f} s ({size / 1e6:.0f} MB CSV); "
          f"API / SQL = {api_seconds / sql_seconds:.1f}")

    # --- bulk upserts ------------------------------------------------------------------------------
    bodies = list(Unit.objects.filter(path__startswith=root.path, depth=2, is_active=True).order_by("path")[:2])
    position = Position.objects.order_by("order").first()
    rows = [{"code": f"APIB-{i:04d}", "full_name": f"Nguyễn Văn Thử {i}", "unit_code": bodies[0].code,
             "position_code": position.code, "gender": "m", "date_of_birth": "1980-01-01"} for i in range(1000)]

    def post(path, payload, expect):
        started = time.monotonic()
        response = http.post(path, json.dumps(payload), content_type="application/json")
        seconds = time.monotonic() - started
        assert response.status_code == 200, response.content[:500]
        result = json.loads(response.content)
        assert result[expect] == 1000, result
        return seconds

    print(f"POST /cadres/bulk, 1,000 new: {post('/api/v1/cadres/bulk', {'rows': rows}, 'created'):.2f} s")
    print(f"the same again (unchanged): {post('/api/v1/cadres/bulk', {'rows': rows}, 'unchanged'):.2f} s")
    renamed = [{**row, "full_name": row["full_name"] + " Mới"} for row in rows]
    print(f"1,000 changed names (updated): {post('/api/v1/cadres/bulk', {'rows': renamed}, 'updated'):.2f} s")
    moves = [{"cadre_code": row["code"], "unit_code": bodies[1].code, "position_code": position.code,
              "start_date": (datetime.date.today() + datetime.timedelta(days=1)).isoformat()} for row in rows]
    print(f"POST /position-assignments/bulk, 1,000 moves: "
          f"{post('/api/v1/position-assignments/bulk', {'rows': moves}, 'created'):.2f} s")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
