"""xAPI 1.0.3 statements to a real Learning Record Store (Ralph, started here on a free port from
.venv-lrs, requirements-lrs.txt): quiz results, course completions and certificates reach it through
the outbox, and an LRS that is down when they are recorded loses nothing (docs/xapi.md)."""

import datetime
import json
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests

from assessments import services as quiz_services
from assessments.tests import builders as qb
from courses import services as course_services
from courses.tests import builders as cb
from lms import outbox, xapi
from lms.models import OutboxMessage

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
LRS_VENV = ROOT / ".venv-lrs"
KEY, SECRET = "ktlearn", "lrs-secret-2026"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _lrs_python() -> Path:
    """Ralph's own virtualenv (its command line pins click below the runtime set): made here when
    `make setup-dev` has not made it yet."""
    python = LRS_VENV / "bin" / "python"
    stamp = LRS_VENV / ".installed"
    if not stamp.exists():
        subprocess.run(["python3.11", "-m", "venv", str(LRS_VENV)],
                       check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "-r", str(ROOT / "requirements-lrs.txt")],
                       check=True)
        stamp.touch()
    return python


class RalphLRS:
    def __init__(self, tmp_path: Path):
        self.port = _free_port()  # nothing listens there until start(): the LRS is down
        self.endpoint = f"http://127.0.0.1:{self.port}/xAPI"
        self.dir = tmp_path
        self.proc = None
        self.env = {
            "PATH": "/usr/bin:/bin", "HOME": str(tmp_path),
            "RALPH_APP_DIR": str(tmp_path / "app"), "RALPH_AUTH_FILE": str(tmp_path / "auth.json"),
            "RALPH_RUNSERVER_BACKEND": "fs",
            "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(tmp_path / "statements"),
        }
        ralph = _lrs_python().with_name("ralph")
        subprocess.run([str(ralph), "auth", "-u", KEY, "-p", SECRET, "-s", "all", "-M", "mailto:lrs@example.org",
                        "-w"], env=self.env, check=True, capture_output=True)

    def start(self):
        self.proc = subprocess.Popen(
            [str(_lrs_python()), str(Path(__file__).with_name("ralph_lrs.py")), str(self.port)],
            env=self.env, stdout=subprocess.DEVNULL, stderr=open(self.dir / "ralph.log", "w"),  # noqa: SIM115
        )
        for _ in range(200):
            try:
                if requests.get(f"http://127.0.0.1:{self.port}/__heartbeat__", timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise AssertionError("Ralph did not start: " + (self.dir / "ralph.log").read_text()[-2000:])

    def stop(self):
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=10)

    def statements(self) -> list[dict]:
        response = requests.get(f"{self.endpoint}/statements", auth=(KEY, SECRET),
                                headers={"X-Experience-API-Version": "1.0.3"}, timeout=5)
        assert response.status_code == 200, response.text
        return response.json()["statements"]


@pytest.fixture
def lrs(tmp_path, settings):
    server = RalphLRS(tmp_path)
    settings.KTLEARN_XAPI_ENDPOINT = server.endpoint
    settings.KTLEARN_XAPI_KEY, settings.KTLEARN_XAPI_SECRET = KEY, SECRET
    settings.KTLEARN_XAPI_HOMEPAGE = "https://ktlearn.example.vn"
    settings.KTLEARN_XAPI_TIMEOUT_SECONDS = 2
    yield server
    server.stop()


def _pass_quiz_and_complete_course(django_capture_on_commit_callbacks):
    quiz, qs = qb.quiz_with_mc(2, pass_mark=50, title="Kiểm tra cuối khóa")
    user, cadre = qb.cadre_user()
    course = cb.course(title="Nghiệp vụ kiểm tra đảng viên")
    with django_capture_on_commit_callbacks(execute=True):
        sitting = quiz_services.sitting_start(by=user, quiz=quiz)
        quiz_services.sitting_answer(sitting_id=sitting.pk, by=user, question_id=qs[0].pk,
                                     choice_ids=[qb.right_answer(qs[0]).pk])
        sitting = quiz_services.sitting_submit(sitting_id=sitting.pk, by=user)
    with django_capture_on_commit_callbacks(execute=True):
        completion = course_services.completion_record(cadre=cadre, course=course,
                                                       completed_on=datetime.date(2026, 12, 3))
    return sitting, cadre, completion


def _pending_statements():
    return OutboxMessage.objects.filter(task_name=xapi.SEND_TASK, dispatched_at__isnull=True)


def test_nothing_is_queued_when_no_lrs_is_configured(settings, django_capture_on_commit_callbacks):
    settings.KTLEARN_XAPI_ENDPOINT = ""
    _pass_quiz_and_complete_course(django_capture_on_commit_callbacks)
    assert not OutboxMessage.objects.filter(task_name=xapi.SEND_TASK).exists()


def test_statements_wait_while_the_lrs_is_down_and_arrive_once_when_it_is_back(
        lrs, django_capture_on_commit_callbacks):
    sitting, cadre, completion = _pass_quiz_and_complete_course(django_capture_on_commit_callbacks)
    # The LRS is down: the actions succeeded, and their three statements wait in the outbox.
    assert sitting.passed is True and completion.certificate.code
    pending = list(_pending_statements())
    assert len(pending) == 3 and all(m.task_name == xapi.SEND_TASK for m in pending)
    ids = {m.args[0]["id"] for m in pending}

    lrs.start()
    outbox.dispatch_pending(older_than_seconds=0)
    assert not _pending_statements().exists()
    stored = {s["id"]: s for s in lrs.statements()}
    assert set(stored) == ids  # Ralph validated and stored each (it refuses invalid xAPI with 400)

    by_verb = {s["verb"]["id"]: s for s in stored.values()}
    passed = by_verb["http://adlnet.gov/expapi/verbs/passed"]
    assert passed["actor"]["account"] == {"homePage": "https://ktlearn.example.vn", "name": cadre.code}
    assert passed["object"]["id"] == f"https://ktlearn.example.vn/quiz/{sitting.quiz.url}/"
    assert passed["result"]["score"] == {"raw": 1, "min": 0, "max": 2, "scaled": 0.5}
    assert passed["result"]["success"] is True
    completed = by_verb["http://adlnet.gov/expapi/verbs/completed"]
    assert completed["object"]["definition"]["name"]["vi-VN"] == "Nghiệp vụ kiểm tra đảng viên"
    earned = by_verb["http://id.tincanapi.com/verb/earned"]
    assert earned["object"]["id"].endswith(f"/verify/{completion.certificate.code}/")

    # The same statement delivered again (a redelivered task) is kept once.
    from lms.tasks import xapi_send_task

    assert xapi_send_task.apply(args=[pending[0].args[0]]).get() in (204, 409)
    assert len(lrs.statements()) == 3


def test_a_statement_the_lrs_refuses_is_not_retried_forever(lrs, settings):
    from lms.tasks import xapi_send_task

    lrs.start()
    broken = {"id": xapi.statement_id("test", 1), "actor": {"objectType": "Agent"},
              "verb": {"id": "not an iri"}, "object": {"id": "x"}}
    assert xapi_send_task.apply(args=[broken]).get() is None
    assert not _pending_statements().exists() and lrs.statements() == []


def test_statements_are_json_of_xapi_version_1_0_3(settings):
    settings.KTLEARN_XAPI_HOMEPAGE = "https://ktlearn.example.vn"
    data = xapi.statement(kind="completion", pk=7, actor=xapi.agent(account_name="C007", name="Lê Văn Bảy"),
                          verb_def=xapi.VERB_COMPLETED,
                          obj=xapi.activity(path="/khoa-hoc/", type_iri=xapi.TYPE_COURSE, name="Khóa học"),
                          timestamp=datetime.date(2026, 12, 3))
    assert json.loads(json.dumps(data)) == data
    assert data["version"] == "1.0.3" and data["timestamp"] == "2026-12-03T00:00:00Z"
    assert data["id"] == xapi.statement_id("completion", 7)  # the same event, the same id
