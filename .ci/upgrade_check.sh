#!/usr/bin/env bash
# Upgrade check: a database created at an older commit (OLD, default 3600122) with the demo loaded
# must take this working tree's migrations without losing rows. Migrates and loads the demo in an
# export of that commit, counts the rows of every table, migrates the same SQLite file with this
# tree, counts again and compares. Tables are found in the file itself, never from a list of apps,
# so models that move between apps keeping their db_table are compared like any other.
#
#   PY=.venv/bin/python OLD=3600122 [KEEP=1] bash .ci/upgrade_check.sh
#
# Exit 1 when a table of the old database is gone or has fewer rows, beyond ALLOWED_LOSSES below.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
OLD=${OLD:-3600122}
PY=${PY:-.venv/bin/python}
# Absolute: the old tree's commands run from inside the export.
case "$PY" in /*) ;; *) PY="$root/$PY" ;; esac
test -x "$PY" || { echo "upgrade check: no Python at $PY (set PY)" >&2; exit 2; }
git cat-file -e "$OLD^{commit}" 2>/dev/null || { echo "upgrade check: commit $OLD is not in this clone (a shallow one?)" >&2; exit 2; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ktlearn-upgrade.XXXXXX")
# KEEP=1 leaves the database and the dumps for a look after a failure.
trap 'if [ -n "${KEEP:-}" ]; then echo "upgrade check: kept $tmp"; else rm -rf "$tmp"; fi' EXIT
mkdir "$tmp/old"
git archive "$OLD" | tar -x -C "$tmp/old"

export DJANGO_SETTINGS_MODULE=lms.settings.dev
export DATABASE_URL="sqlite:///$tmp/db.sqlite3"
export DJANGO_MEDIA_ROOT="$tmp/media"
# Tasks the demo queues run in-process, as under `make run`, whatever broker the caller has.
unset CELERY_BROKER_URL

cat >"$tmp/rows.py" <<'PYTHON'
"""dump DB NEW_KEYS OUT: row counts of every table. compare BEFORE AFTER: report and judge differences."""

import json
import sqlite3
import sys

# Rows a migration of this tree replaces on purpose: table -> (key column, keys it deletes, why).
# Such a table must end with no fewer rows than it had, minus the rows with those keys, plus one row
# for each replacing key it lacked (NEW_KEYS, from this tree's settings). Other tables lose nothing.
ALLOWED_LOSSES = {
    "django_celery_beat_periodictask": (
        "name",
        [
            "Courses: assign required courses (nightly)",
            "Courses: re-assign expired completions (nightly)",
            "Ảnh chụp số liệu chỉ tiêu hằng đêm",
            "Báo cáo định kỳ hằng tháng",
            "Nhắc hạn bồi dưỡng hằng ngày",
            "Cảnh báo luân chuyển sắp hết hạn và quá hạn hằng ngày",
            "Close expired quiz sittings",
        ],
        "courses 0006_beat_schedule_from_settings replaces the rows of the old beat-schedule migrations "
        "and of the assessments hook with the entries of settings.CELERY_BEAT_SCHEDULE",
    ),
}
# organization 0011_map_default_wagtail_groups deletes Wagtail's default Editors and Moderators groups
# (their members move to the Trainer role), and with them their permissions; keys given as a query.
_DEFAULT_GROUPS = "SELECT id FROM auth_group WHERE name IN ('Editors', 'Moderators')"
_WHY_GROUPS = ("organization 0011_map_default_wagtail_groups removes Wagtail's unused Editors and Moderators "
               "groups beside the five roles (members mapped to Trainer)")
ALLOWED_LOSSES["auth_group"] = ("name", ["Editors", "Moderators"], _WHY_GROUPS)
for _table in ("auth_group_permissions", "wagtailcore_groupapprovaltask_groups",
               "wagtailcore_groupcollectionpermission", "wagtailcore_grouppagepermission"):
    ALLOWED_LOSSES[_table] = ("group_id", _DEFAULT_GROUPS, _WHY_GROUPS)


def _count_in(con, table, column, keys):
    if isinstance(keys, str):  # a query giving the keys
        return con.execute(f'SELECT COUNT(*) FROM "{table}" WHERE "{column}" IN ({keys})').fetchone()[0]
    if not keys:
        return 0
    marks = ",".join("?" * len(keys))
    return con.execute(f'SELECT COUNT(*) FROM "{table}" WHERE "{column}" IN ({marks})', keys).fetchone()[0]


def dump(db, new_keys_path, out):
    new_keys = json.load(open(new_keys_path))
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    # sqlite_sequence and sqlite_stat* are SQLite's bookkeeping, not data.
    tables = [name for (name,) in con.execute(
        r"SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\' ORDER BY name")]
    counts = {t: con.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}
    replaced = {}
    for table, (column, keys, _why) in ALLOWED_LOSSES.items():
        if table in counts:
            new = new_keys.get(table, [])
            replaced[table] = {"old": _count_in(con, table, column, keys),
                               "new_missing": len(new) - _count_in(con, table, column, new)}
    with open(out, "w") as f:
        json.dump({"counts": counts, "replaced": replaced}, f, indent=1, ensure_ascii=False)


def compare(before_path, after_path):
    before, after = (json.load(open(p)) for p in (before_path, after_path))
    was, now = before["counts"], after["counts"]
    rows, failed = [], False
    for table, n in was.items():
        m = now.get(table)
        if m is None:
            verdict, failed = "TABLE GONE", True
        elif table in before["replaced"]:
            expected = n - before["replaced"][table]["old"] + before["replaced"][table]["new_missing"]
            if m < expected:
                verdict, failed = f"LOST {expected - m} (expected at least {expected})", True
            elif m == n:
                continue
            else:
                verdict = f"allowed, expected at least {expected}: {ALLOWED_LOSSES[table][2]}"
        elif m < n:
            verdict, failed = f"LOST {n - m}", True
        elif m == n:
            continue
        else:
            verdict = f"+{m - n}"
        rows.append((table, n, "-" if m is None else m, verdict))
    if rows:
        width = max(len(r[0]) for r in rows)
        print(f"{'table':<{width}}  {'before':>8}  {'after':>8}  verdict")
        for table, n, m, verdict in rows:
            print(f"{table:<{width}}  {n:>8}  {m:>8}  {verdict}")
    new = sorted(set(now) - set(was))
    if new:
        print(f"new tables ({len(new)}): {', '.join(new)}")
    total = sum(was.values())
    if failed:
        print(f"upgrade check: FAILED, {len(was)} tables, {total} rows, rows lost (LOST, TABLE GONE above)")
        return 1
    print(f"upgrade check: {len(was)} tables, {total} rows, all kept")
    return 0


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    if command == "dump":
        dump(*args)
    else:
        sys.exit(compare(*args))
PYTHON

# The keys that replace ALLOWED_LOSSES' rows, as this tree's settings define them (no database access).
"$PY" manage.py shell -v 0 -c 'import json; from django.conf import settings
print(json.dumps({"django_celery_beat_periodictask": sorted(settings.CELERY_BEAT_SCHEDULE)}))' >"$tmp/new_keys.json"

echo "--- $OLD: migrate and load the demo"
(cd "$tmp/old" && "$PY" manage.py migrate --noinput -v 0 && "$PY" manage.py load_demo)
"$PY" "$tmp/rows.py" dump "$tmp/db.sqlite3" "$tmp/new_keys.json" "$tmp/before.json"

echo "--- working tree: migrate"
"$PY" manage.py migrate --noinput
"$PY" "$tmp/rows.py" dump "$tmp/db.sqlite3" "$tmp/new_keys.json" "$tmp/after.json"

echo "--- row counts, $OLD -> working tree"
"$PY" "$tmp/rows.py" compare "$tmp/before.json" "$tmp/after.json"
