#!/usr/bin/env bash
# Backup and restore drill on PostgreSQL, as the README's "Backup and restore" section says to do it:
# a fresh database with a small demo province and its media files, `manage.py backup`, the database
# dropped and the media folder emptied, `manage.py restore` into a new database (which re-counts
# every table and re-checksums the learning records against the manifest and fails on a difference).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
PGURL=${PGURL:-postgres://postgres@127.0.0.1:5432}
db="ktlearn_drill_$$"
work=$(mktemp -d)
trap 'dropdb -h 127.0.0.1 -U postgres --if-exists "$db" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
export DJANGO_SETTINGS_MODULE=lms.settings.dev DATABASE_URL="$PGURL/$db" DJANGO_MEDIA_ROOT="$work/media" DJANGO_DEBUG=0

createdb -h 127.0.0.1 -U postgres "$db"
$PY manage.py migrate --noinput -v 0
start=$SECONDS
$PY manage.py load_demo --grassroots 25 --cadres 300 >/dev/null
echo "backup drill: demo loaded in $((SECONDS - start)) s"
mkdir -p "$work/media/drill" && echo "Quyết định số 01" > "$work/media/drill/quyet-dinh.txt"

start=$SECONDS
$PY manage.py backup --output "$work/backup"
echo "backup drill: backup took $((SECONDS - start)) s; $(du -sh "$work/backup" | cut -f1) on disk"

dropdb -h 127.0.0.1 -U postgres "$db"
rm -rf "$work/media"
createdb -h 127.0.0.1 -U postgres "$db"
start=$SECONDS
$PY manage.py restore "$work/backup"
echo "backup drill: restore and check took $((SECONDS - start)) s"

# The check is real: a backup whose manifest does not match what the dump holds is refused.
python3 - "$work/backup/manifest.json" <<'PYEOF'
import json, sys
path = sys.argv[1]
manifest = json.load(open(path))
manifest["tables"]["courses_enrollment"] += 1
json.dump(manifest, open(path, "w"))
PYEOF
dropdb -h 127.0.0.1 -U postgres "$db" && createdb -h 127.0.0.1 -U postgres "$db" && rm -rf "$work/media"
if $PY manage.py restore "$work/backup" 2>"$work/err"; then
  echo "backup drill: a tampered manifest was accepted" >&2; exit 1
fi
grep -q "Row counts differ" "$work/err" && echo "backup drill: a tampered manifest is refused (as it must be)"
