"""Quiz load benchmark (not a test): gunicorn on PostgreSQL, hundreds of simulated cadres taking a quiz.

    .venv/bin/python bench/quiz_load.py                       # 300 cadres, 20 questions
    .venv/bin/python bench/quiz_load.py --cadres 500 --think 2 --workers 4 --threads 8

What it does:
1. (re)creates the PostgreSQL database `--db` (default ktlearn_bench) with createdb/dropdb and migrates it;
2. creates N cadres with logins (one password hash shared, computed once) and their sessions, a quiz of
   `--questions` questions (multiple choice and true/false, time limit 60 min);
3. starts gunicorn (gthread) on that database and waits for /healthz;
4. runs N threads at once, one per cadre, each with its own cookie jar (requests.Session): open a page
   (the first live LessonPage if there is one, else the home page), the quiz page, start, the question
   page, then every question with a think time (exponential, mean `--think` s) — answering via the same
   POST the page's script sends, changing about one answer in ten, re-opening the lesson page every 5
   answers — then submit and the result page;
5. compares every answer the server acknowledged with what the database holds ("answers lost" must be 0)
   and prints errors and p50/p95 per endpoint, and each endpoint's p50 as a ratio of the lesson page's.
"""

import argparse
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--cadres", type=int, default=300, help="simulated cadres, all at once (default 300)")
    p.add_argument("--questions", type=int, default=20)
    p.add_argument("--think", type=float, default=1.5, help="mean think time between answers, seconds")
    p.add_argument("--ramp", type=float, default=10.0, help="cadres start spread over this many seconds")
    p.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    p.add_argument("--threads", type=int, default=8, help="threads per gunicorn worker")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--db", default="ktlearn_bench")
    p.add_argument("--pg", default="postgres@127.0.0.1:5432", help="user@host:port of the PostgreSQL server")
    p.add_argument("--reuse-db", action="store_true", help="keep the database from a previous run (no re-create)")
    p.add_argument("--seed", type=int, default=2026)
    return p.parse_args()


# ---------------------------------------------------------------------------------------------
# Database and data


def prepare_database(args, env):
    user, _, hostport = args.pg.partition("@")
    host, _, port = hostport.partition(":")
    if not args.reuse_db:
        subprocess.run(["dropdb", "-h", host, "-p", port, "-U", user, "--if-exists", args.db], check=True)
        subprocess.run(["createdb", "-h", host, "-p", port, "-U", user, args.db], check=True)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)


def build_data(args):
    """Cadres with logins and sessions, and the quiz. Returns ([(username, session_key)], quiz_url, page_url)."""
    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore

    from assessments.models import Answer, Category, MCQuestion, Quiz, Sitting, TFQuestion
    from organization import roles
    from organization.models import Cadre, Position, Unit, UnitKind

    rng = random.Random(args.seed)
    groups = roles.ensure_groups()
    root = Unit.objects.filter(code="BENCH").first() or Unit.add_root(code="BENCH", name="Đảng bộ Bench",
                                                                       kind=UnitKind.PROVINCE)
    position, _ = Position.objects.get_or_create(code="bench-uv", defaults={"name": "Ủy viên UBKT"})
    User = get_user_model()
    password = make_password("bench-Secret-2026")
    existing = set(User.objects.filter(username__startswith="bench").values_list("username", flat=True))
    new_users = [User(username=f"bench{i:05d}", password=password, first_name="Cán bộ", last_name=f"{i}")
                 for i in range(args.cadres) if f"bench{i:05d}" not in existing]
    User.objects.bulk_create(new_users, batch_size=1000)
    users = list(User.objects.filter(username__startswith="bench").order_by("username")[: args.cadres])
    groups[roles.CADRE].user_set.add(*users)
    have_cadre = set(Cadre.objects.filter(user__in=users).values_list("user_id", flat=True))
    Cadre.objects.bulk_create([
        Cadre(user=u, code=f"BENCH-{u.username[5:]}", full_name=f"Nguyễn Văn Bench {u.username[5:]}",
              name_sort_key=u.username, unit=root, position=position)
        for u in users if u.pk not in have_cadre
    ], batch_size=1000)

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

    sessions = []
    for user in users:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        sessions.append((user.username, store.session_key))

    page_url = "/"
    try:
        from courses.models import LessonPage

        lesson = LessonPage.objects.live().first()
        if lesson is not None:
            page_url = lesson.url or "/"
    except ImportError:
        pass
    return sessions, quiz_url, page_url


# ---------------------------------------------------------------------------------------------
# Server


def start_gunicorn(args, env):
    cmd = [str(Path(sys.executable).with_name("gunicorn")), "lms.wsgi:application", "-b", f"127.0.0.1:{args.port}",
           "-k", "gthread", "-w", str(args.workers), "--threads", str(args.threads), "--timeout", "120",
           "--keep-alive", "75",
           "--log-level", "warning"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{args.port}"
    for _ in range(150):
        try:
            if requests.get(f"{base}/healthz", timeout=2).status_code == 200:
                return proc, base
        except requests.RequestException:
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
        self.lock = threading.Lock()
        self.times = defaultdict(list)
        self.errors = defaultdict(int)
        self.error_samples = []
        self.acknowledged = {}  # (username, question_id) -> ("choice", id) | ("tf", bool)
        self.sent = 0

    def timed(self, name, func, expect):
        started = time.perf_counter()
        try:
            response = func()
        except requests.RequestException as exc:
            self.error(name, repr(exc))
            return None
        elapsed = time.perf_counter() - started
        with self.lock:
            self.times[name].append(elapsed)
        if response.status_code not in expect:
            self.error(name, f"HTTP {response.status_code}: {response.text[:200]}")
            return None
        return response

    def error(self, name, detail):
        with self.lock:
            self.errors[name] += 1
            if len(self.error_samples) < 10:
                self.error_samples.append(f"{name}: {detail}")


def cadre_run(base, username, session_key, quiz_url, page_url, args, rec, start_at, seed):
    rng = random.Random(seed)
    time.sleep(max(0.0, start_at - time.monotonic()))
    s = requests.Session()
    s.cookies.set("sessionid", session_key, domain="127.0.0.1", path="/")
    rec.timed("lesson_page", lambda: s.get(base + page_url, timeout=60), {200})
    if rec.timed("quiz_page", lambda: s.get(f"{base}/quiz/{quiz_url}/", timeout=60), {200}) is None:
        return
    csrf = s.cookies.get("csrftoken", "")
    headers = {"X-CSRFToken": csrf, "Referer": base + "/"}
    r = rec.timed("start", lambda: s.post(f"{base}/quiz/{quiz_url}/start/", headers=headers, allow_redirects=False,
                                          timeout=60), {302})
    if r is None:
        return
    sitting_url = base + r.headers["Location"]
    page = rec.timed("question_page", lambda: s.get(sitting_url, timeout=60), {200})
    if page is None:
        return
    sitting_path = sitting_url.rstrip("/")
    forms = FORM_RE.findall(page.text)
    answer_headers = {**headers, "Accept": "application/json", "X-Requested-With": "fetch"}
    answered = 0
    for form in forms:
        qid = int(QUESTION_RE.search(form).group(1))
        choices = CHOICE_RE.findall(form)
        for _repeat in range(2 if rng.random() < 0.1 else 1):  # about one answer in ten is changed
            time.sleep(rng.expovariate(1 / args.think) if args.think > 0 else 0)
            if choices:
                given = ("choice", int(rng.choice(choices)))
                data = {"question": qid, "choice": given[1]}
            else:
                given = ("tf", rng.random() < 0.5)
                data = {"question": qid, "tf": "true" if given[1] else "false"}
            with rec.lock:
                rec.sent += 1
            resp = rec.timed("answer", lambda data=data: s.post(f"{sitting_path}/answer/", data=data,
                                                                headers=answer_headers, timeout=60), {200})
            if resp is not None and resp.headers.get("Content-Type", "").startswith("application/json") \
                    and resp.json().get("saved"):
                with rec.lock:
                    rec.acknowledged[(username, qid)] = given
        answered += 1
        if answered % 5 == 0:
            rec.timed("lesson_page", lambda: s.get(base + page_url, timeout=60), {200})
    rec.timed("submit", lambda: s.post(f"{sitting_path}/submit/", headers=headers, allow_redirects=False,
                                       timeout=60), {302})
    rec.timed("result_page", lambda: s.get(f"{sitting_path}/result/", timeout=60), {200})


def verify(rec, quiz_url):
    """Acknowledged answers that the database does not hold as acknowledged."""
    from assessments.models import Sitting, SittingAnswer

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
    complete = Sitting.objects.filter(quiz__url=quiz_url, complete=True).count()
    return lost, complete


def pct(values, q):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def main():
    args = parse_args()
    env = dict(os.environ)
    env["DATABASE_URL"] = f"postgres://{args.pg}/{args.db}"
    env["DJANGO_SETTINGS_MODULE"] = "lms.settings.base"
    env["DJANGO_DEBUG"] = "0"
    env["DJANGO_CONN_MAX_AGE"] = "60"
    env["AXES_FAILURE_LIMIT"] = "1000"
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_DEBUG")})

    t0 = time.monotonic()
    prepare_database(args, env)
    sessions, quiz_url, page_url = build_data(args)
    print(f"setup: database {args.db}, {len(sessions)} cadres, quiz /quiz/{quiz_url}/ ({args.questions} questions), "
          f"page {page_url} — {time.monotonic() - t0:.1f} s")
    proc, base = start_gunicorn(args, env)
    try:
        rec = Recorder()
        started = time.monotonic()
        threads = [
            threading.Thread(target=cadre_run, args=(base, username, key, quiz_url, page_url, args, rec,
                                                     started + args.ramp * i / max(1, len(sessions)), args.seed + i))
            for i, (username, key) in enumerate(sessions)
        ]
        for t in threads:
            t.start()
        peak = 0
        while any(t.is_alive() for t in threads):
            peak = max(peak, sum(t.is_alive() for t in threads))
            time.sleep(0.5)
        duration = time.monotonic() - started
    finally:
        proc.terminate()
        proc.wait(timeout=30)

    from django.db import connection

    connection.close()
    lost, complete = verify(rec, quiz_url)
    total_requests = sum(len(v) for v in rec.times.values())
    print(f"\nrun: {len(sessions)} cadres (peak {peak} at once), gunicorn {args.workers}×{args.threads} gthread, "
          f"think {args.think} s, {duration:.1f} s, {total_requests} requests ({total_requests / duration:.0f}/s)")
    print(f"errors: {sum(rec.errors.values())} {dict(rec.errors) if rec.errors else ''}")
    for sample in rec.error_samples:
        print(f"  {sample}")
    print(f"answers: sent {rec.sent}, acknowledged {len(rec.acknowledged)} (last per question), "
          f"lost {lost}; sittings submitted {complete}/{len(sessions)}")
    lesson_p50 = pct(rec.times.get("lesson_page", []), 0.5)
    print(f"\n{'endpoint':<15}{'n':>7}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}{'p50 / page':>12}")
    for name in ("lesson_page", "quiz_page", "start", "question_page", "answer", "submit", "result_page"):
        values = rec.times.get(name, [])
        if not values:
            continue
        p50 = pct(values, 0.5)
        print(f"{name:<15}{len(values):>7}{p50 * 1000:>10.1f}{pct(values, 0.95) * 1000:>10.1f}"
              f"{max(values) * 1000:>10.1f}{p50 / lesson_p50:>12.2f}")
    mean_ms = statistics.mean(v for vs in rec.times.values() for v in vs) * 1000
    print(f"(page = {page_url}; mean of all requests: {mean_ms:.1f} ms)")
    return 1 if lost or rec.errors else 0


if __name__ == "__main__":
    sys.exit(main())
