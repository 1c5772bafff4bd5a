"""The HTTP half of .ci/production_smoke.sh: run by the deployed venv's Python (requests and psycopg come
from requirements.txt) in the deployed checkout, with the env file's variables in the environment and
SMOKE_BASE_URL pointing at gunicorn. Minimal data is made with `manage.py shell -c`; everything else
goes through the site as a browser would. Exits non-zero, saying what failed, on the first failure."""

import json
import os
import re
import subprocess
import sys
import time

import psycopg
import requests

BASE = os.environ["SMOKE_BASE_URL"]
DATABASE_URL = os.environ["DATABASE_URL"]
ADMIN = (os.environ["DJANGO_SUPERUSER_USERNAME"], os.environ["DJANGO_SUPERUSER_PASSWORD"])
CADRE_PASSWORD = "Smoke-cadre-" + os.environ["DJANGO_SECRET_KEY"][:12]
REPORT_TIMEOUT_S = 120

# Run inside `manage.py shell -c`: a unit tree root, a cadre (user, position, history) enrolled in a
# published course whose lesson points to a quiz of one question, and a target for the report.
SETUP = """
import datetime, json
from decimal import Decimal
from django.contrib.auth import get_user_model
from django.utils import timezone
from assessments.models import Answer, MCQuestion, Quiz
from cms.models import HomePage
from courses.models import CoursePage, CurriculumPage, LessonPage, ModulePage
from courses.services import enrollment_self_create
from organization import roles
from organization.models import Cadre, Position, PositionAssignment, Unit, UnitKind
from targets.models import Criterion, Target

def publish(parent, page):
    parent = parent.__class__.objects.get(pk=parent.pk)
    parent.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page

groups = roles.ensure_groups()
root = Unit.add_root(code="SMOKE", name="Tỉnh ủy (smoke)", kind=UnitKind.PROVINCE)
position = Position.objects.create(code="smoke-uvkt", name="Ủy viên Ủy ban Kiểm tra")
user = get_user_model().objects.create_user("smoke-cadre", password=PASSWORD)
user.groups.add(groups[roles.CADRE])
cadre = Cadre.objects.create(code="SMOKE000001", full_name="Nguyễn Văn Thử", unit=root, position=position, user=user)
PositionAssignment.objects.create(cadre=cadre, unit=root, position=position, start_date=datetime.date(2020, 1, 1))

quiz = Quiz.objects.create(title="Kiểm tra nhanh (smoke)", url="smoke-quiz", pass_mark=50, open_to_all=True)
question = MCQuestion.objects.create(content="Ủy ban Kiểm tra do cấp ủy nào bầu?")
right = Answer.objects.create(question=question, content="Cấp ủy cùng cấp", correct=True)
Answer.objects.create(question=question, content="Đại hội đảng viên", correct=False)
question.quiz.add(quiz)

curriculum = publish(HomePage.objects.first(), CurriculumPage(title="Chương trình (smoke)"))
course = publish(curriculum, CoursePage(title="Khóa học (smoke)", code="KH-SMOKE", hours=Decimal("4")))
module = publish(course, ModulePage(title="Chuyên đề 1"))
lesson = publish(module, LessonPage(title="Bài 1", body=[("quiz", {"quiz": quiz, "intro": "", "final_test": False})]))
enrollment_self_create(cadre=cadre, course=course)

today = timezone.localdate()
target = Target.objects.create(code="smoke", name="Chỉ tiêu (smoke)", criterion=Criterion.TRAINED,
                               period_start=today.replace(month=1, day=1), period_end=today.replace(month=12, day=31))
target.positions.add(position)
target.required_courses.add(course)
print("SMOKE-DATA " + json.dumps({"lesson_url": lesson.get_url(), "quiz_url": quiz.url, "question": question.pk,
                                  "right": right.pk, "target": target.pk, "unit": root.pk}))
"""


class Client(requests.Session):
    """Production marks the session and CSRF cookies Secure; this client talks plain http to 127.0.0.1
    (no TLS proxy in front), so it sends them back anyway, as the browser behind the proxy would."""

    def request(self, *args, **kwargs):
        for cookie in self.cookies:
            cookie.secure = False
        return super().request(*args, **kwargs)


def fail(message: str):
    print(f"smoke: FAILED: {message}", file=sys.stderr)
    sys.exit(1)


def expect(response: requests.Response, status: int, what: str) -> requests.Response:
    if response.status_code != status:
        fail(f"{what}: {response.request.method} {response.url} gave {response.status_code}, "
             f"expected {status}: {response.text[:300]!r}")
    return response


def step(message: str):
    print(f"smoke:   {message}", flush=True)


def session() -> Client:
    s = Client()
    s.headers["User-Agent"] = "ktlearn-production-smoke"
    return s


def csrf_token(html: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if not found:
        fail("no CSRF token in the form")
    return found.group(1)


def log_in(username: str, password: str) -> requests.Session:
    s = session()
    page = expect(s.get(f"{BASE}/accounts/login/"), 200, "login page")
    response = s.post(f"{BASE}/accounts/login/", allow_redirects=False, data={
        "csrfmiddlewaretoken": csrf_token(page.text), "username": username, "password": password})
    expect(response, 302, f"login as {username}")
    if "sessionid" not in s.cookies:
        fail(f"login as {username} set no session cookie")
    return s


def pass_second_factor(s: requests.Session) -> None:
    """Staff: enrol an authenticator as a person would (the key typed from the enrolment page, a code
    computed from it), which verifies the session (organization.two_factor)."""
    import base64

    from django_otp.oath import TOTP

    page = expect(s.get(f"{BASE}/accounts/2fa/enrol/"), 200, "two-factor enrolment page")
    found = re.search(r'<code class="user-select-all">([A-Z2-7 ]+)</code>', page.text)
    if not found:
        fail("the enrolment page shows no key to type")
    key = found.group(1).replace(" ", "")
    totp = TOTP(base64.b32decode(key + "=" * (-len(key) % 8)))
    response = s.post(f"{BASE}/accounts/2fa/enrol/", allow_redirects=False, data={
        "csrfmiddlewaretoken": csrf_token(page.text), "token": f"{totp.token():06d}", "next": "/admin/"})
    expect(response, 200, "two-factor enrolment")
    if "font-monospace" not in response.text:
        fail("enrolment showed no recovery codes")


def post(s: requests.Session, path: str, data: dict, csrf_page: str, **kwargs) -> requests.Response:
    """POST with the CSRF token of `csrf_page` (a page carrying a form), as the browser would."""
    html = expect(s.get(f"{BASE}{csrf_page}"), 200, f"page with the form for {path}").text
    return s.post(f"{BASE}{path}", data={"csrfmiddlewaretoken": csrf_token(html), **data}, **kwargs)


def main():
    # --- health and readiness -------------------------------------------------------------------------
    anonymous = session()
    health = expect(anonymous.get(f"{BASE}/healthz"), 200, "healthz")
    if health.text != "ok":
        fail(f"healthz said {health.text!r}")
    ready = expect(anonymous.get(f"{BASE}/readyz"), 200, "readyz").json()
    if not ready["ready"] or ready["checks"]["database"]["state"] != "ok" or ready["checks"]["broker"]["state"] != "ok":
        fail(f"readyz: {ready}")
    step(f"/healthz ok; /readyz ready (database ok, broker ok, cache {ready['checks']['cache']['state']})")

    # --- the login page and its hashed, compressed static files -----------------------------------------
    login_page = expect(anonymous.get(f"{BASE}/accounts/login/"), 200, "login page").text
    css = re.findall(r'<link rel="stylesheet" href="(/static/[^"]+\.css)"', login_page)
    if not css or not all(re.search(r"\.[0-9a-f]{12}\.css$", url) for url in css):
        fail(f"the login page's stylesheets are not the manifest's hashed names: {css}")
    for url in css:
        response = expect(anonymous.get(f"{BASE}{url}", headers={"Accept-Encoding": "gzip"}), 200, "stylesheet")
        if "max-age" not in response.headers.get("Cache-Control", ""):
            fail(f"{url} is served without a long cache lifetime: {response.headers}")
    step(f"login page renders with {len(css)} hashed stylesheets, each 200")

    # --- data, through manage.py shell -------------------------------------------------------------------
    command = [".venv/bin/python", "manage.py", "shell", "-c", f"PASSWORD = {CADRE_PASSWORD!r}\n{SETUP}"]
    out = subprocess.run(command, capture_output=True, text=True, timeout=120)  # noqa: S603 (our own command)
    if out.returncode != 0:
        fail(f"manage.py shell (data): {out.stderr[-2000:]}")
    data = json.loads(next(line for line in out.stdout.splitlines() if line.startswith("SMOKE-DATA "))[11:])
    step("unit root, cadre, published course with a lesson, quiz of one question, target: made")

    # --- the superuser logs in -----------------------------------------------------------------------
    admin = log_in(*ADMIN)
    gate = expect(admin.get(f"{BASE}/admin/", allow_redirects=False), 302, "the admin before the second factor")
    if not gate.headers["Location"].startswith("/accounts/2fa/"):
        fail(f"the admin before the second factor sent to {gate.headers['Location']}")
    pass_second_factor(admin)
    expect(admin.get(f"{BASE}/admin/"), 200, "Wagtail admin as the superuser")
    step("superuser logged in at /accounts/login/, enrolled a second factor; /admin/ 200")

    # --- the cadre: lesson, then the quiz through the sitting endpoints -----------------------------------
    cadre = log_in("smoke-cadre", CADRE_PASSWORD)
    lesson = expect(cadre.get(f"{BASE}{data['lesson_url']}"), 200, "lesson page")
    if f"/quiz/{data['quiz_url']}/" not in lesson.text:
        fail("the lesson page does not link its quiz")
    quiz_page = f"/quiz/{data['quiz_url']}/"
    started = expect(post(cadre, f"{quiz_page}start/", {}, quiz_page, allow_redirects=False), 302, "quiz start")
    sitting = re.search(r"/quiz/sitting/(\d+)/$", started.headers["Location"])
    if not sitting:
        fail(f"quiz start redirected to {started.headers['Location']}")
    sitting_page = f"/quiz/sitting/{sitting.group(1)}/"
    answered = post(cadre, f"{sitting_page}answer/", {"question": data["question"], "choice": data["right"]},
                    sitting_page, headers={"Accept": "application/json"})
    if expect(answered, 200, "answer").json().get("saved") is not True:
        fail(f"answer not saved: {answered.text[:300]}")
    submitted = expect(post(cadre, f"{sitting_page}submit/", {}, sitting_page, allow_redirects=False), 302, "submit")
    expect(cadre.get(f"{BASE}{submitted.headers['Location']}"), 200, "sitting result")
    with psycopg.connect(DATABASE_URL) as conn:
        row = conn.execute("SELECT complete, passed FROM assessments_sitting WHERE id = %s",
                           [int(sitting.group(1))]).fetchone()
    if row != (True, True):
        fail(f"the sitting is not complete and passed: (complete, passed) = {row}")
    step(f"cadre: lesson 200, quiz sitting {sitting.group(1)} answered, submitted, passed")

    # --- the superuser asks for a report; the worker makes it ----------------------------------------------
    requested = post(admin, "/board/jobs/", {"kind": "report", "target": data["target"], "unit": data["unit"]},
                     "/board/reports/", allow_redirects=False)
    expect(requested, 302, "report request")
    t0 = time.monotonic()
    with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
        job = conn.execute("SELECT id FROM competency_boardjob WHERE kind = 'report' ORDER BY id DESC").fetchone()
        if job is None:
            fail("no board job was recorded")
        while True:
            status, message, xlsx = conn.execute(
                "SELECT status, message, xlsx FROM competency_boardjob WHERE id = %s", job).fetchone()
            if status in ("done", "failed") or time.monotonic() - t0 > REPORT_TIMEOUT_S:
                break
            time.sleep(1)
    if status != "done":
        fail(f"report job {job[0]} is {status!r} after {time.monotonic() - t0:.0f}s: {message}")
    download = expect(admin.get(f"{BASE}/board/reports/{job[0]}/xlsx/"), 200, "report download")
    if not download.content.startswith(b"PK") or "attachment" not in download.headers.get("Content-Disposition", ""):
        fail(f"the report download is not an xlsx attachment: {download.headers}")
    step(f"report job {job[0]} done by the worker in {time.monotonic() - t0:.1f}s; {xlsx} downloaded "
         f"({len(download.content)} bytes)")

if __name__ == "__main__":
    main()
