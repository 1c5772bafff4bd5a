#!/usr/bin/env bash
# Production deploy smoke test: the README's "Production deployment" section, run as it is written.
#
# A copy of the checkout (tracked and untracked files, no .venv, no staticfiles) stands in for
# /srv/ktlearn, an env file in a temporary folder for /etc/ktlearn.env, and a new PostgreSQL database
# for the production one. The ```sh block under the README's "production-steps" marker is executed
# line by line (a fresh venv from requirements.txt only, migrate, collectstatic, check --deploy,
# createsuperuser), then the ExecStart= lines of the three systemd units (gunicorn, celery worker,
# celery beat) are started as written; the only substitutions are /etc/ktlearn.env, /srv/ktlearn and
# port 8000. .ci/production_smoke_client.py then checks the site over HTTP. Everything started is
# stopped, and the database dropped, on any exit. KEEP=1 keeps the temporary folder (logs).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
started=$SECONDS
PGHOST_ARGS=(-h 127.0.0.1 -U postgres)
REDIS_BROKER_DB=${REDIS_BROKER_DB:-11}
REDIS_CACHE_DB=${REDIS_CACHE_DB:-12}

db="ktlearn_smoke_$$"
queue="ktlearn-smoke-$$"
work=$(mktemp -d /tmp/ktlearn-smoke.XXXXXX)
app="$work/srv/ktlearn"
envfile="$work/ktlearn.env"
pids=()

log() { echo "smoke [$((SECONDS - started))s] $*"; }

show_logs() {
  for f in "$work"/*.log; do
    [ -s "$f" ] || continue
    echo "----- last lines of $(basename "$f") -----" >&2
    tail -n 40 "$f" >&2
  done
}

stop_all() {
  local pid
  for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  done
  pids=()
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  [ "$rc" = 0 ] || { show_logs; echo "smoke: FAILED (exit $rc) after $((SECONDS - started))s" >&2; }
  stop_all
  dropdb "${PGHOST_ARGS[@]}" --if-exists --force "$db" >/dev/null 2>&1 || true
  redis-cli -n "$REDIS_BROKER_DB" DEL "$queue" "_kombu.binding.$queue" "_kombu.binding_permanent.$queue" >/dev/null 2>&1 || true
  if [ "${KEEP:-0}" = 1 ]; then echo "smoke: kept $work" >&2; else rm -rf "$work"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- the README's steps -------------------------------------------------------------------------------
# The ```sh block that follows the marker comment; and the three units' ExecStart= lines, in order.
readme_block() {
  awk '/<!-- production-steps:/ {m = 1; next} m && /^```sh$/ {b = 1; next} b && /^```$/ {exit} b {print}' README.md
}
steps=$(readme_block)
mapfile -t units < <(grep '^ExecStart=/srv/ktlearn/' README.md | sed 's/^ExecStart=//')
for expected in "pip install -r requirements.txt" "migrate --noinput" "collectstatic --noinput" \
                "check --deploy" "createsuperuser --noinput"; do
  grep -qF -- "$expected" <<<"$steps" || { echo "smoke: the README's steps lack '$expected'" >&2; exit 1; }
done
[ "${#units[@]}" = 3 ] && grep -q "gunicorn lms.wsgi" <<<"${units[0]}" && grep -q "celery -A lms worker" <<<"${units[1]}" \
  && grep -q "celery -A lms beat" <<<"${units[2]}" \
  || { echo "smoke: expected the web, worker and beat units' ExecStart= lines in the README" >&2; exit 1; }

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
localize() { sed -e "s|/etc/ktlearn.env|$envfile|g" -e "s|/srv/ktlearn|$app|g" -e "s|127.0.0.1:8000|127.0.0.1:$port|g"; }

# --- a fresh database, an env file, a copy of the checkout ---------------------------------------------
createdb "${PGHOST_ARGS[@]}" "$db"
mkdir -p "$app" "$work/media"
git ls-files -z --cached --others --exclude-standard \
  | tar --null --ignore-failed-read -T - -cf - 2>/dev/null | tar -xf - -C "$app"
secret=$(python3 -c 'import secrets, string; a = string.ascii_letters + string.digits; print("".join(secrets.choice(a) for _ in range(60)))')
admin_password=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
cat >"$envfile" <<EOF
DJANGO_SETTINGS_MODULE=lms.settings.production
DJANGO_SECRET_KEY=$secret
DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost
DATABASE_URL=postgres://postgres@127.0.0.1:5432/$db
CELERY_BROKER_URL=redis://127.0.0.1:6379/$REDIS_BROKER_DB
REDIS_CACHE_URL=redis://127.0.0.1:6379/$REDIS_CACHE_DB
CELERY_TASK_DEFAULT_QUEUE=$queue
DJANGO_MEDIA_ROOT=$work/media
DJANGO_PRIVATE_MEDIA_ROOT=$work/private
DJANGO_SECURE_SSL_REDIRECT=false
WAGTAILADMIN_BASE_URL=http://127.0.0.1:$port
WEB_CONCURRENCY=2
DJANGO_SUPERUSER_USERNAME=smoke-admin
DJANGO_SUPERUSER_EMAIL=smoke-admin@ktlearn.invalid
DJANGO_SUPERUSER_PASSWORD=$admin_password
EOF
log "database $db, checkout copy and env file in $work"

# --- deploy: the README block, line by line -------------------------------------------------------------
deploy_start=$SECONDS
{
  echo 'set -euo pipefail'
  echo 'run() { echo "+ $1" >&2; local t=$SECONDS; eval "$1"; echo "  ($((SECONDS - t))s)" >&2; }'
  while IFS= read -r line; do
    [ -n "${line// /}" ] || continue
    printf 'run %q\n' "$line"
  done < <(localize <<<"$steps")
} >"$work/deploy.sh"
if ! (cd "$app" && bash "$work/deploy.sh") >"$work/deploy.log" 2>&1; then
  echo "smoke: the README's deploy steps failed:" >&2; tail -n 60 "$work/deploy.log" >&2; exit 1
fi
grep -E '^\+ |^  \([0-9]+s\)$' "$work/deploy.log" | paste -d ' ' - - | sed 's/^/smoke:   /'
deploy_s=$((SECONDS - deploy_start))
log "deployed in ${deploy_s}s"

# --- the three services, as the systemd units start them ------------------------------------------------
start_unit() {  # name, ExecStart command line; EnvironmentFile + WorkingDirectory, in a process group
  local name=$1 cmd
  read -ra cmd <<<"$(localize <<<"$2")"
  (set -a && . "$envfile" && set +a && cd "$app" && exec setsid "${cmd[@]}") >"$work/$name.log" 2>&1 &
  pids+=("$!")
}
services_start=$SECONDS
start_unit web "${units[0]}"
start_unit worker "${units[1]}"
start_unit beat "${units[2]}"
for _ in $(seq 60); do
  curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null && break
  for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null || { echo "smoke: a service exited at start" >&2; exit 1; }; done
  sleep 0.5
done
curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" || { echo "smoke: gunicorn did not answer in 30 s" >&2; exit 1; }
for _ in $(seq 60); do grep -q "ready\." "$work/worker.log" && break; sleep 0.5; done
grep -q "ready\." "$work/worker.log" || { echo "smoke: the worker was not ready in 30 s" >&2; exit 1; }
log "gunicorn on 127.0.0.1:$port, worker and beat up in $((SECONDS - services_start))s"

# --- the checks over HTTP -----------------------------------------------------------------------------
checks_start=$SECONDS
(set -a && . "$envfile" && set +a && cd "$app" \
  && SMOKE_BASE_URL="http://127.0.0.1:$port" \
     timeout 300 .venv/bin/python "$repo/.ci/production_smoke_client.py")
checks_s=$((SECONDS - checks_start))

# Beat: its first periodic task (lms.outbox_dispatch, every minute) sent, and the worker ran it. The
# log, not /readyz: DatabaseScheduler writes last_run_at to the database only every few minutes.
for _ in $(seq 100); do
  grep -q "Sending due task" "$work/beat.log" && grep -q "Task lms.outbox_dispatch\[.*\] succeeded" "$work/worker.log" && break
  sleep 1
done
grep -q "Task lms.outbox_dispatch\[.*\] succeeded" "$work/worker.log" \
  || { echo "smoke: beat sent no periodic task that the worker ran within 100 s" >&2; exit 1; }
log "beat sent lms.outbox_dispatch and the worker ran it ($((SECONDS - services_start))s after the start)"
for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null || { echo "smoke: a service died during the checks" >&2; exit 1; }; done

stop_all
echo "production smoke: passed in $((SECONDS - started))s (deploy ${deploy_s}s incl. venv, checks ${checks_s}s) — healthz, readyz, hashed static, login, lesson, quiz sitting, report by the worker, beat"
