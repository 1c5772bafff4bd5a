"""Page speed benchmark (not a test): the cadre's pages against a bare Django view, in one server.

    .venv/bin/python bench/pages.py                         # builds the demo database, ≈ 3 min of wrk
    .venv/bin/python bench/pages.py --db /tmp/bench-pages.sqlite3 --reuse-db   # later runs: no rebuild

What it does:
1. builds the demo database (`migrate` + `load_demo`, dev settings) into a SQLite file — a temporary
   one unless `--db` names it (`--reuse-db` keeps a file built earlier) — and runs `collectstatic`
   (hashed, compressed files, as production serves them);
2. starts gunicorn with 2 sync workers under bench/settings.py: the production settings unchanged
   (DEBUG off, WhiteNoise manifest storage, the fail-soft Redis cache, persistent DB connections),
   with a bare view returning "ok" at /_bench/ok added by bench/urls.py;
3. logs the demo cadre in through the login form, and picks the first course the cadre is enrolled
   in (with lessons) and its first lesson;
4. counts each page's queries, warm (the second request of a Django test client logged in as the
   same cadre, captured with CaptureQueriesContext), including the session and user queries;
5. runs `wrk -t2 -c8 -d10s` in alternating rounds over: the bare view, the lesson page, the course
   page, My learning (/learn/), the home page anonymous; prints each page's median req/s over the
   rounds, the median p50/p99 latency and the ratio of its req/s to the bare view's, with the load
   average of the machine before and after.
"""

import argparse
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import unquote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEMO_USERNAME = "cadre"
DEMO_PASSWORD = "ktlearn-cadre-2026"  # noqa: S105 - the demo's published password (demo/steps/cms.py)


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--db", help="the SQLite file of the demo database (default: a temporary file)")
    p.add_argument("--reuse-db", action="store_true", help="use the --db file as it is if it exists (no rebuild)")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--duration", type=int, default=10, help="seconds of wrk per page and round")
    p.add_argument("--threads", type=int, default=2, help="wrk threads")
    p.add_argument("--connections", type=int, default=8, help="wrk connections")
    p.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    p.add_argument("--port", type=int, default=8766)
    p.add_argument("--redis", default="redis://127.0.0.1:6379/12", help="Redis for the cache and the broker")
    p.add_argument("--queries-only", action="store_true", help="count the queries and stop (no server, no wrk)")
    p.add_argument("--show-queries", action="store_true", help="print the SQL of each page's warm request")
    p.add_argument("--wrk", default=shutil.which("wrk") or "/usr/bin/wrk")
    return p.parse_args()


def run(cmd, env, **kwargs):
    subprocess.run(cmd, cwd=ROOT, env=env, check=True, **kwargs)


def build_database(db: Path, env_dev: dict):
    db.unlink(missing_ok=True)
    started = time.monotonic()
    print(f"building the demo database in {db} (migrate + load_demo)…", flush=True)
    run([sys.executable, "manage.py", "migrate", "-v0", "--noinput"], env_dev)
    run([sys.executable, "manage.py", "load_demo"], env_dev, stdout=subprocess.DEVNULL)
    print(f"  built in {time.monotonic() - started:.0f} s", flush=True)


def bench_env(args, db: Path, static_root: Path) -> dict:
    env = dict(os.environ)
    for name in ("DJANGO_DEBUG", "REDIS_CACHE_URL"):
        env.pop(name, None)
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        DATABASE_URL=f"sqlite:///{db}",
        CELERY_BROKER_URL=args.redis,
        CELERY_TASK_DEFAULT_QUEUE=f"ktlearn-bench-pages-{os.getpid()}",
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_LOG_LEVEL="WARNING",
        KTLEARN_BENCH_STATIC_ROOT=str(static_root),
        KTLEARN_BENCH_CACHE_PREFIX=f"bench-pages-{os.getpid()}",
    )
    return env


# ---------------------------------------------------------------------------------------------
# In-process: the pages to measure and their query counts (Django set up with the bench settings)


def pick_pages() -> dict:
    from courses.models import Enrollment, EnrollmentStatus, LessonPage

    enrollments = (Enrollment.objects.filter(cadre__user__username=DEMO_USERNAME, status=EnrollmentStatus.ACTIVE)
                   .select_related("course").order_by("course__path"))
    for enrollment in enrollments:
        lesson = LessonPage.objects.live().descendant_of(enrollment.course).order_by("path").first()
        if lesson is not None:
            return {"course": enrollment.course.url, "lesson": lesson.url, "course_title": enrollment.course.title,
                    "lesson_title": lesson.title}
    raise SystemExit(f"the demo cadre {DEMO_USERNAME!r} has no active enrolment in a course with lessons")


def count_queries(targets: list[tuple[str, str, bool]], show: bool = False) -> dict[str, int]:
    """{name: queries of the second GET} for (name, url, logged_in) targets."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    user = get_user_model().objects.get(username=DEMO_USERNAME)
    counts = {}
    for name, url, logged_in in targets:
        client = Client()
        if logged_in:
            client.force_login(user)
        for _attempt in range(2):
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(url)
            if response.status_code != 200:
                raise SystemExit(f"{name} {url}: HTTP {response.status_code} from the test client")
        counts[name] = len(ctx.captured_queries)
        if show:
            print(f"--- {name}: {counts[name]} queries")
            for query in ctx.captured_queries:
                print("   ", query["sql"][:300])
    return counts


# ---------------------------------------------------------------------------------------------
# Server and client


def start_gunicorn(args, env):
    import requests

    cmd = [str(Path(sys.executable).with_name("gunicorn")), "lms.wsgi:application", "-b", f"127.0.0.1:{args.port}",
           "-k", "sync", "-w", str(args.workers), "--timeout", "60", "--log-level", "warning"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True)
    base = f"http://127.0.0.1:{args.port}"
    for _ in range(150):
        try:
            if requests.get(f"{base}/healthz", timeout=2).status_code == 200:
                return proc, base
        except requests.RequestException:
            pass
        if proc.poll() is not None:
            raise SystemExit("gunicorn exited")
        time.sleep(0.2)
    stop(proc)
    raise SystemExit("gunicorn did not answer /healthz")


def stop(proc):
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def login(base: str) -> str:
    """Logs the demo cadre in through the login form; returns the Cookie header of the session.
    (The production cookies are Secure, so they are carried by hand over plain http.)"""
    import requests

    page = requests.get(f"{base}/accounts/login/", timeout=10)
    csrf_cookie = page.cookies["csrftoken"]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    response = requests.post(
        f"{base}/accounts/login/", timeout=10, allow_redirects=False,
        data={"username": DEMO_USERNAME, "password": DEMO_PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Cookie": f"csrftoken={csrf_cookie}", "Referer": f"{base}/accounts/login/"},
    )
    if response.status_code != 302 or "sessionid" not in response.cookies:
        raise SystemExit(f"login failed: HTTP {response.status_code}")
    csrf = response.cookies.get("csrftoken", csrf_cookie)
    return f"sessionid={unquote(response.cookies['sessionid'])}; csrftoken={csrf}"


def check_page(base, url, cookie):
    import requests

    response = requests.get(base + url, headers={"Cookie": cookie} if cookie else {}, timeout=30,
                            allow_redirects=False)
    if response.status_code != 200:
        raise SystemExit(f"{url}: HTTP {response.status_code} (expected 200)")


LATENCY_RE = re.compile(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", re.M)
UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(args, url, cookie) -> dict:
    cmd = [args.wrk, f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s", "--latency"]
    if cookie:
        cmd += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    latency = {p: float(v) * UNIT_MS[u] for p, v, u in LATENCY_RE.findall(out)}
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {"rps": rps, "p50": latency.get("50"), "p99": latency.get("99"),
            "non2xx": int(bad.group(1)) if bad else 0, "socket_errors": errors.group(1) if errors else ""}


def loadavg() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def cleanup_redis(args, env):
    try:
        import redis

        client = redis.Redis.from_url(args.redis)
        keys = list(client.scan_iter(match=f"*{env['KTLEARN_BENCH_CACHE_PREFIX']}:*", count=1000))
        keys.append(env["CELERY_TASK_DEFAULT_QUEUE"])
        client.delete(*keys)
    except Exception as exc:  # noqa: BLE001 - a leftover key is harmless; say so and go on
        print(f"(could not remove the bench's Redis keys: {exc!r})")


def main():
    args = parse_args()
    if not args.queries_only and not Path(args.wrk).exists():
        raise SystemExit("wrk not found: apt-get install -y wrk")
    tmp = Path(tempfile.mkdtemp(prefix="ktlearn-bench-pages-"))
    db = Path(args.db).resolve() if args.db else tmp / "demo.sqlite3"
    static_root = tmp / "static"
    env_dev = {**os.environ, "DJANGO_SETTINGS_MODULE": "lms.settings.dev", "DJANGO_DEBUG": "0",
               "DATABASE_URL": f"sqlite:///{db}"}
    proc = None
    env = bench_env(args, db, static_root)
    try:
        if not (args.reuse_db and db.exists()):
            build_database(db, env_dev)
        else:
            run([sys.executable, "manage.py", "migrate", "-v0", "--noinput"], env_dev)
        run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], env)

        os.environ.update(env)
        import django

        django.setup()
        picked = pick_pages()
        pages = [("bare view", "/_bench/ok", True), ("lesson page", picked["lesson"], True),
                 ("course page", picked["course"], True), ("My learning", "/learn/", True),
                 ("home, anonymous", "/", False)]
        print(f"course: {picked['course_title']} ({picked['course']})\nlesson: {picked['lesson_title']} "
              f"({picked['lesson']})", flush=True)
        queries = count_queries(pages, show=args.show_queries)
        print("queries (warm, test client): " + ", ".join(f"{name} {n}" for name, n in queries.items()), flush=True)
        if args.queries_only:
            return

        proc, base = start_gunicorn(args, env)
        cookie = login(base)
        for _name, url, logged_in in pages:
            check_page(base, url, cookie if logged_in else None)
        load_before = loadavg()
        print(f"load average before: {load_before}", flush=True)
        results = {name: [] for name, _url, _logged_in in pages}
        for round_no in range(1, args.rounds + 1):
            for name, url, logged_in in pages:
                result = wrk(args, base + url, cookie if logged_in else None)
                results[name].append(result)
                print(f"  round {round_no} {name:16} {result['rps']:8.1f} req/s  p50 {result['p50']:.1f} ms  "
                      f"p99 {result['p99']:.1f} ms" + (f"  non-2xx {result['non2xx']}" if result["non2xx"] else "")
                      + (f"  socket errors {result['socket_errors']}" if result["socket_errors"] else ""),
                      flush=True)
        load_after = loadavg()
    finally:
        if proc is not None:
            stop(proc)
        cleanup_redis(args, env)
        shutil.rmtree(tmp, ignore_errors=True)

    bare = statistics.median(r["rps"] for r in results["bare view"])
    print(f"\nwrk -t{args.threads} -c{args.connections}, {args.rounds} rounds of {args.duration} s, gunicorn "
          f"{args.workers} sync workers, production settings, SQLite; load average before {load_before}, "
          f"after {load_after} (1, 5, 15 min) on {os.cpu_count()} CPUs\n")
    print("| page | req/s | p50 ms | p99 ms | ratio to bare | queries |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name, _url, _logged_in in pages:
        rows = results[name]
        rps = statistics.median(r["rps"] for r in rows)
        p50 = statistics.median(r["p50"] for r in rows)
        p99 = statistics.median(r["p99"] for r in rows)
        bad = sum(r["non2xx"] for r in rows)
        print(f"| {name} | {rps:,.0f} | {p50:.1f} | {p99:.1f} | {rps / bare:.3f}× | {queries[name]} |"
              + (f" {bad} non-2xx!" if bad else ""))


if __name__ == "__main__":
    main()
