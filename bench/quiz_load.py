"""Quiz load benchmark (not a test): a province's cadres taking one quiz at once (issue 14, goal 2).

    .venv/bin/python bench/quiz_load.py                         # 2,000 cadres, 20 questions, think 30 s
    .venv/bin/python bench/quiz_load.py --cadres 200 --think 3  # a quick look (about a minute)

One command does everything:
1. (re)creates the PostgreSQL database `--db` (default ktlearn_bench) and migrates it, collects the
   static files (the production settings serve hashed names from the manifest);
2. creates the cadres with logins (one password hash) and their sessions (the production session
   engine, cached in Redis), a course with a module and a lesson of about 300 words that ends with
   the quiz (every cadre enrolled), and the quiz: `--questions` questions, ¾ multiple choice with 4
   options, ¼ true/false, shuffled per sitting, 60 minutes;
3. starts gunicorn with `lms.settings.production` (DEBUG off, PostgreSQL, Redis as cache, session
   cache and Celery broker — a queue of its own, `--redis`) and waits for /healthz;
4. drives the load from one asyncio client (aiohttp), one task per cadre, all alive at once: open the
   lesson page, the quiz page, start, the question page, then each question after a think time
   (exponential, mean `--think` s) with the same POST the page's script sends, changing about one
   answer in ten, re-opening the lesson page every 5 answers; then submit — a `--double-submit` share
   of the cadres double-click (two submissions at once) — and open the result;
5. checks: every answer the server acknowledged is the one stored ("lost" must be 0), every sitting
   is complete and was submitted exactly once (one audit entry `ktlearn.sitting.submit` each), no
   error; prints p50/p95/p99 per endpoint, the machine's load average during the run, and whether the
   goals hold (answer p95 ≤ 300 ms, submit p95 ≤ 3 × lesson p95). Exit status 1 when one does not.
"""

import argparse
import asyncio
import os
import random
import re
import secrets
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

try:
    import aiohttp
except ImportError:  # pragma: no cover - the dev requirements install it
    raise SystemExit("bench/quiz_load.py needs aiohttp: .venv/bin/pip install -r requirements-dev.txt") from None


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--cadres", type=int, default=2000, help="simulated cadres, all at once (default 2000)")
    p.add_argument("--questions", type=int, default=20)
    p.add_argument("--think", type=float, default=30.0, help="mean think time before each answer, seconds")
    p.add_argument("--ramp", type=float, default=120.0, help="the cadres arrive spread over this many seconds")
    p.add_argument("--double-submit", type=float, default=0.1, help="share of cadres who double-click submit")
    p.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    p.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker (gthread)")
    p.add_argument("--pool", type=int, default=200, help="client connections kept open (keep-alive) at most")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--db", default="ktlearn_bench")
    p.add_argument("--pg", default="postgres@127.0.0.1:5432", help="user@host:port of the PostgreSQL server")
    p.add_argument("--redis", default="redis://127.0.0.1:6379/13", help="cache, sessions and broker of the server")
    p.add_argument("--reuse-db", action="store_true", help="keep the database from a previous run (no re-create)")
    p.add_argument("--seed", type=int, default=2026)
    return p.parse_args()


def server_env(args) -> dict:
    env = dict(os.environ)
    env.update({
        "DJANGO_SETTINGS_MODULE": "lms.settings.production",
        "DJANGO_SECRET_KEY": "bench-" + "k" * 60,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": f"postgres://{args.pg}/{args.db}",
        "CELERY_BROKER_URL": args.redis,
        "CELERY_TASK_DEFAULT_QUEUE": "quiz-bench",
        "DJANGO_SECURE_SSL_REDIRECT": "false",  # plain http to 127.0.0.1, as CI's smoke test
        "DJANGO_CONN_MAX_AGE": "60",
        "DJANGO_LOG_LEVEL": "WARNING",
        "AXES_FAILURE_LIMIT": "100000",
        "PYTHONUNBUFFERED": "1",
    })
    env.pop("DJANGO_DEBUG", None)
    return env


# ---------------------------------------------------------------------------------------------
# Database and data


def prepare_database(args, env):
    user, _, hostport = args.pg.partition("@")
    host, _, port = hostport.partition(":")
    if not args.reuse_db:
        subprocess.run(["dropdb", "-h", host, "-p", port, "-U", user, "--if-exists", args.db], check=True)
        subprocess.run(["createdb", "-h", host, "-p", port, "-U", user, args.db], check=True)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)


LESSON_TEXT = (
    "Công tác kiểm tra, giám sát là chức năng lãnh đạo của Đảng, là bộ phận quan trọng của toàn bộ "
    "công tác xây dựng Đảng. Cán bộ kiểm tra phải nắm vững nguyên tắc, phương pháp, quy trình tiến hành "
    "kiểm tra khi có dấu hiệu vi phạm, giám sát chuyên đề và xem xét thi hành kỷ luật đảng viên. "
)


def build_data(args):
    """Cadres with logins, sessions and an enrolment, the lesson and the quiz.
    Returns ([(username, session_key)], quiz_url, lesson_url)."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils.module_loading import import_string
    from wagtail.models import Page

    from assessments.models import Answer, Category, MCQuestion, Quiz, Sitting, TFQuestion
    from cms.models import HomePage
    from courses.models import CoursePage, CurriculumPage, Enrollment, EnrollmentSource, LessonPage, ModulePage
    from organization import roles
    from organization.models import Cadre, Position, Unit, UnitKind
    from organization.two_factor import TWO_FACTOR_REQUIRED

    rng = random.Random(args.seed)
    groups = roles.ensure_groups()
    root = Unit.objects.filter(code="BENCH").first() or Unit.add_root(code="BENCH", name="Đảng bộ Bench",
                                                                       kind=UnitKind.PROVINCE)
    position, _ = Position.objects.get_or_create(code="bench-uv", defaults={"name": "Ủy viên UBKT"})
    User = get_user_model()
    password = make_password("bench-Secret-2026")
    existing = set(User.objects.filter(username__startswith="bench").values_list("username", flat=True))
    User.objects.bulk_create([User(username=f"bench{i:05d}", password=password, first_name="Cán bộ", last_name=f"{i}")
                              for i in range(args.cadres) if f"bench{i:05d}" not in existing], batch_size=1000)
    users = list(User.objects.filter(username__startswith="bench").order_by("username")[: args.cadres])
    groups[roles.CADRE].user_set.add(*users)
    have_cadre = set(Cadre.objects.filter(user__in=users).values_list("user_id", flat=True))
    Cadre.objects.bulk_create([
        Cadre(user=u, code=f"BENCH-{u.username[5:]}", full_name=f"Nguyễn Văn Bench {u.username[5:]}",
              name_sort_key=u.username, unit=root, position=position)
        for u in users if u.pk not in have_cadre
    ], batch_size=1000)
    cadres = list(Cadre.objects.filter(user__in=users))

    quiz_url = f"bench-{args.questions}q"
    quiz = Quiz.objects.filter(url=quiz_url).first()
    if quiz is None:
        quiz = Quiz.objects.create(title=f"Bench quiz ({args.questions} câu)", url=quiz_url, pass_mark=60,
                                   time_limit_minutes=60, random_order=True, open_to_all=True)
        category, _ = Category.objects.get_or_create(category="Bench")
        for i in range(args.questions):
            if i % 4 == 3:
                q = TFQuestion.objects.create(category=category, content=f"Nhận định số {i + 1}.",
                                              correct=rng.random() < 0.5)
            else:
                q = MCQuestion.objects.create(category=category, content=f"Câu hỏi trắc nghiệm số {i + 1}?")
                right = rng.randrange(4)
                Answer.objects.bulk_create([Answer(question=q, content=f"Phương án {chr(65 + k)}",
                                                   correct=k == right, sort_order=k) for k in range(4)])
            q.quiz.add(quiz)
    Sitting.objects.filter(quiz=quiz).delete()  # a fresh attempt for everyone on every run

    lesson = LessonPage.objects.filter(slug="bench-lesson").first()
    if lesson is None:
        def publish(parent, page):
            parent = Page.objects.get(pk=parent.pk)
            parent.add_child(instance=page)
            page.save_revision().publish()
            page.refresh_from_db()
            return page

        home = HomePage.objects.first()
        curriculum = publish(home, CurriculumPage(title="Bench: chương trình", slug="bench-curriculum"))
        course = publish(curriculum, CoursePage(title="Bench: nghiệp vụ kiểm tra", slug="bench-course",
                                                code="BENCH-KH", hours=8))
        module = publish(course, ModulePage(title="Chuyên đề 1", slug="bench-module"))
        body = [("paragraph", f"<p>{LESSON_TEXT * 3}</p>") for _ in range(3)] + [("quiz", {"quiz": quiz})]
        lesson = publish(module, LessonPage(title="Bài 1: quy trình kiểm tra", slug="bench-lesson", body=body))
    course = CoursePage.objects.get(slug="bench-course")
    enrolled = set(Enrollment.objects.filter(course=course).values_list("cadre_id", flat=True))
    Enrollment.objects.bulk_create([Enrollment(cadre=c, course=course, source=EnrollmentSource.ASSIGNED)
                                    for c in cadres if c.pk not in enrolled], batch_size=1000)

    store_class = import_string(settings.SESSION_ENGINE + ".SessionStore")
    sessions = []
    with transaction.atomic():
        for user in users:
            store = store_class()
            store[SESSION_KEY] = str(user.pk)
            store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
            store[HASH_SESSION_KEY] = user.get_session_auth_hash()
            store[TWO_FACTOR_REQUIRED] = False  # what the login marks for a cadre
            store.create()
            sessions.append((user.username, store.session_key))
    return sessions, quiz_url, lesson.url


# ---------------------------------------------------------------------------------------------
# Server


def start_gunicorn(args, env):
    cmd = [str(Path(sys.executable).with_name("gunicorn")), "lms.wsgi:application", "-b", f"127.0.0.1:{args.port}",
           "-k", "gthread", "-w", str(args.workers), "--threads", str(args.threads), "--timeout", "120",
           "--keep-alive", "75", "--worker-connections", "1000", "--backlog", "4096", "--log-level", "warning"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env)
    import urllib.request

    base = f"http://127.0.0.1:{args.port}"
    for _ in range(300):
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as r:  # noqa: S310 (our own http URL)
                if r.status == 200:
                    return proc, base
        except OSError:
            pass
        time.sleep(0.2)
    proc.terminate()
    raise SystemExit("gunicorn did not answer /healthz")


# ---------------------------------------------------------------------------------------------
# Simulated cadres

FORM_RE = re.compile(r'<form class="card-body kt-answer-form".*?</form>', re.S)
QUESTION_RE = re.compile(r'name="question" value="(\d+)"')
CHOICE_RE = re.compile(r'name="choice"\s+value="(\d+)"')


class Recorder:
    def __init__(self):
        self.times = defaultdict(list)
        self.errors = defaultdict(int)
        self.error_samples = []
        self.acknowledged = {}  # (username, question_id) -> ("choice", id) | ("tf", bool)
        self.sent = 0
        self.done = 0

    async def timed(self, name, coro_factory, expect):
        started = time.perf_counter()
        try:
            async with coro_factory() as response:
                body = await response.read()
                status, headers = response.status, response.headers
        except (aiohttp.ClientError, TimeoutError) as exc:
            self.error(name, repr(exc))
            return None
        self.times[name].append(time.perf_counter() - started)
        if status not in expect:
            self.error(name, f"HTTP {status}: {body[:200]!r}")
            return None
        return status, headers, body

    def error(self, name, detail):
        self.errors[name] += 1
        if len(self.error_samples) < 10:
            self.error_samples.append(f"{name}: {detail}")


async def cadre_run(http, base, username, session_key, quiz_url, lesson_url, args, rec, delay, seed):
    rng = random.Random(seed)
    await asyncio.sleep(delay)
    csrf = secrets.token_hex(16)  # 32 characters: Django accepts the unmasked secret in cookie and header
    cookies = f"sessionid={session_key}; csrftoken={csrf}; django_language=vi"
    get_headers = {"Cookie": cookies}
    post_headers = {"Cookie": cookies, "X-CSRFToken": csrf, "Referer": base + "/"}
    try:
        await _cadre_flow(http, base, username, quiz_url, lesson_url, args, rec, rng, get_headers, post_headers)
    finally:
        rec.done += 1


async def _cadre_flow(http, base, username, quiz_url, lesson_url, args, rec, rng, get_headers, post_headers):
    await rec.timed("lesson_page", lambda: http.get(base + lesson_url, headers=get_headers), {200})
    if await rec.timed("quiz_page", lambda: http.get(f"{base}/quiz/{quiz_url}/", headers=get_headers), {200}) is None:
        return
    r = await rec.timed("start", lambda: http.post(f"{base}/quiz/{quiz_url}/start/", headers=post_headers,
                                                   allow_redirects=False), {302})
    if r is None:
        return
    sitting_path = base + r[1]["Location"].rstrip("/")
    page = await rec.timed("question_page", lambda: http.get(sitting_path + "/", headers=get_headers), {200})
    if page is None:
        return
    forms = FORM_RE.findall(page[2].decode())
    answer_headers = {**post_headers, "Accept": "application/json", "X-Requested-With": "fetch"}
    for answered, form in enumerate(forms, start=1):
        qid = int(QUESTION_RE.search(form).group(1))
        choices = CHOICE_RE.findall(form)
        for _repeat in range(2 if rng.random() < 0.1 else 1):  # about one answer in ten is changed
            await asyncio.sleep(rng.expovariate(1 / args.think) if args.think > 0 else 0)
            if choices:
                given = ("choice", int(rng.choice(choices)))
                data = {"question": str(qid), "choice": str(given[1])}
            else:
                given = ("tf", rng.random() < 0.5)
                data = {"question": str(qid), "tf": "true" if given[1] else "false"}
            # The page's script numbers its answers (its clock in ms): a request given up on (client timeout)
            # that reaches the server after a later answer of the question does not replace it.
            data["seq"] = str(time.time_ns() // 1_000_000)
            rec.sent += 1
            resp = await rec.timed("answer", lambda data=data: http.post(f"{sitting_path}/answer/", data=data,
                                                                        headers=answer_headers), {200})
            if resp is not None and b'"saved": true' in resp[2]:
                if b'"superseded": true' not in resp[2]:
                    rec.acknowledged[(username, qid)] = given
            elif resp is not None:
                rec.error("answer", f"not saved: {resp[2][:200]!r}")
        if answered % 5 == 0:
            await rec.timed("lesson_page", lambda: http.get(base + lesson_url, headers=get_headers), {200})
    await asyncio.sleep(rng.expovariate(1 / args.think) if args.think > 0 else 0)  # reads the paper over

    def submit():
        return rec.timed("submit", lambda: http.post(f"{sitting_path}/submit/", headers=post_headers,
                                                     allow_redirects=False), {302})

    if rng.random() < args.double_submit:
        await asyncio.gather(submit(), submit())  # a double click: two submissions at the same moment
    else:
        await submit()
    await rec.timed("result_page", lambda: http.get(f"{sitting_path}/result/", headers=get_headers), {200})


def verify(rec, quiz_url, n_cadres):
    """(answers lost, sittings complete, sittings not submitted exactly once)."""
    from django.db import connection
    from django.db.models import Count
    from wagtail.models import ModelLogEntry

    from assessments.models import Sitting, SittingAnswer

    connection.close()
    stored = {}
    rows = SittingAnswer.objects.filter(sitting__quiz__url=quiz_url).values_list(
        "sitting__user__username", "question_id", "choice_ids", "tf_answer")
    for username, qid, choice_ids, tf_answer in rows:
        stored[(username, qid)] = (choice_ids, tf_answer)
    lost = 0
    for key, (kind, value) in rec.acknowledged.items():
        choice_ids, tf_answer = stored.get(key, ([], None))
        if (kind == "choice" and choice_ids != [value]) or (kind == "tf" and tf_answer is not value):
            lost += 1
    sittings = list(Sitting.objects.filter(quiz__url=quiz_url).values_list("pk", "complete"))
    complete = sum(1 for _pk, done in sittings if done)
    submits = dict(
        ModelLogEntry.objects.filter(action="ktlearn.sitting.submit", object_id__in=[str(pk) for pk, _ in sittings])
        .values("object_id").annotate(n=Count("id")).values_list("object_id", "n")
    )
    not_once = sum(1 for pk, _ in sittings if submits.get(str(pk), 0) != 1) + max(0, n_cadres - len(sittings))
    return lost, complete, not_once


def pct(values, q):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


async def drive(args, base, sessions, quiz_url, lesson_url, rec, loads):
    connector = aiohttp.TCPConnector(limit=args.pool, keepalive_timeout=30)  # below the server's 75 s
    timeout = aiohttp.ClientTimeout(total=90)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout,
                                     cookie_jar=aiohttp.DummyCookieJar()) as http:
        tasks = [
            asyncio.create_task(cadre_run(http, base, username, key, quiz_url, lesson_url, args, rec,
                                          args.ramp * i / max(1, len(sessions)), args.seed + i))
            for i, (username, key) in enumerate(sessions)
        ]
        started = time.monotonic()
        last_print = started
        while not all(t.done() for t in tasks):
            await asyncio.sleep(1)
            loads.append(os.getloadavg()[0])
            if time.monotonic() - last_print >= 30:
                last_print = time.monotonic()
                alive = len(sessions) - rec.done
                print(f"  {time.monotonic() - started:5.0f} s: {alive} cadres in their sitting, "
                      f"{sum(len(v) for v in rec.times.values())} requests, {rec.sent} answers, "
                      f"{sum(rec.errors.values())} errors, load {os.getloadavg()[0]:.2f}", flush=True)
        for t in tasks:
            t.result()  # a bug in the client is a bug, not a quiet gap in the figures


def main():
    args = parse_args()
    env = server_env(args)
    os.environ.update({k: v for k, v in env.items() if k.startswith(("DJANGO", "DATABASE", "CELERY", "AXES"))})

    t0 = time.monotonic()
    prepare_database(args, env)
    sessions, quiz_url, lesson_url = build_data(args)
    print(f"setup: database {args.db}, {len(sessions)} cadres, quiz /quiz/{quiz_url}/ ({args.questions} questions), "
          f"lesson {lesson_url} — {time.monotonic() - t0:.1f} s", flush=True)
    proc, base = start_gunicorn(args, env)
    rec, loads = Recorder(), []
    load_before = os.getloadavg()
    started = time.monotonic()
    try:
        asyncio.run(drive(args, base, sessions, quiz_url, lesson_url, rec, loads))
    finally:
        duration = time.monotonic() - started
        proc.terminate()
        proc.wait(timeout=30)

    lost, complete, not_once = verify(rec, quiz_url, len(sessions))
    total = sum(len(v) for v in rec.times.values())
    n_errors = sum(rec.errors.values())
    print(f"\nrun: {len(sessions)} cadres, {args.questions} questions, think {args.think} s, ramp {args.ramp} s, "
          f"gunicorn {args.workers}×{args.threads} gthread; {duration:.0f} s, {total} requests "
          f"({total / duration:.0f}/s)")
    print(f"machine: {os.cpu_count()} CPUs, load average (1 min) before {load_before[0]:.2f}, during the run "
          f"min {min(loads, default=0):.2f} / mean {sum(loads) / max(1, len(loads)):.2f} / "
          f"max {max(loads, default=0):.2f} — other work on the machine counts in it")
    print(f"errors: {n_errors} {dict(rec.errors) if rec.errors else ''}")
    for sample in rec.error_samples:
        print(f"  {sample}")
    print(f"answers: sent {rec.sent}, acknowledged {len(rec.acknowledged)} (last per question), lost {lost}")
    print(f"sittings: {complete}/{len(sessions)} complete, {not_once} not submitted exactly once")
    print(f"\n{'endpoint':<15}{'n':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    for name in ("lesson_page", "quiz_page", "start", "question_page", "answer", "submit", "result_page"):
        values = rec.times.get(name, [])
        if values:
            print(f"{name:<15}{len(values):>7}{pct(values, .5) * 1000:>9.0f}{pct(values, .95) * 1000:>9.0f}"
                  f"{pct(values, .99) * 1000:>9.0f}{max(values) * 1000:>9.0f}")
    answer_p95 = pct(rec.times.get("answer", []), .95)
    submit_p95, lesson_p95 = pct(rec.times.get("submit", []), .95), pct(rec.times.get("lesson_page", []), .95)
    goals = {
        "0 errors": n_errors == 0,
        "0 answers lost": lost == 0,
        "every sitting submitted once": complete == len(sessions) and not_once == 0,
        f"answer p95 {answer_p95 * 1000:.0f} ms ≤ 300 ms": answer_p95 <= 0.3,
        f"submit p95 {submit_p95 * 1000:.0f} ms ≤ 3 × lesson p95 {lesson_p95 * 1000:.0f} ms "
        f"({submit_p95 / lesson_p95:.2f}×)": submit_p95 <= 3 * lesson_p95,
    }
    print()
    for goal, ok in goals.items():
        print(f"{'PASS' if ok else 'FAIL'}  {goal}")
    return 0 if all(goals.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
