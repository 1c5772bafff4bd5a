"""Never 500 after commit: work queued by a user action survives a broker that refuses or never answers.

The action writes its data and an outbox row in one transaction; after the commit one attempt is
made to publish, with short timeouts; what could not be published is delivered by the dispatcher
once the broker is back (here: a real Redis and a real worker).
"""

import socket
import threading
import time

import pytest
from django.conf import settings
from django.db import transaction
from django.test import override_settings

from lms import outbox
from lms.celery import app as celery_app
from lms.models import OutboxMessage
from organization import roles
from organization.models import Unit
from targets.models import BoardJob, JobKind, JobStatus
from targets.tests.builders import build_world
from tests.factories import UserFactory

from .test_celery_worker import WORKER_TIMEOUT, celery_worker_process  # noqa: F401 -- fixture

BOARD_JOB = "competency.board_job_run"  # the task's registered name


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens once the socket is closed


@pytest.fixture
def silent_port():
    """A TCP port that accepts connections and never answers a byte (a hung Redis)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    held, stop = [], threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except TimeoutError:
                continue
            except OSError:
                return

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join(timeout=2)
    for conn in held:
        conn.close()
    server.close()


def _use_broker(url: str | None, queue: str = "ktlearn-test"):
    """Point this process's Celery app at `url` (None: run tasks in-process again)."""
    celery_app.conf.task_always_eager = url is None
    if url:
        celery_app.conf.broker_url = url
        celery_app.conf.task_default_queue = queue
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    outbox._broker_down_until = 0.0


@pytest.fixture
def broker(settings):
    original = (celery_app.conf.broker_url, celery_app.conf.task_default_queue, celery_app.conf.task_always_eager)
    settings.CELERY_TASK_ALWAYS_EAGER = False

    def switch(url, queue="ktlearn-test"):
        _use_broker(url, queue)

    yield switch
    celery_app.conf.broker_url, celery_app.conf.task_default_queue, _ = original
    _use_broker(None)
    celery_app.conf.task_always_eager = original[2]


@pytest.fixture
def board_world(db):
    world = build_world()
    world["p"] = Unit.objects.get(code="P")
    world["board"] = UserFactory(username="bantochuc", role=roles.BOARD)
    return world


def _request_snapshot(client, world):
    client.force_login(world["board"])
    started = time.monotonic()
    response = client.post("/board/jobs/", {"kind": JobKind.SNAPSHOT, "target": world["target"].pk,
                                            "unit": world["p"].pk})
    return response, time.monotonic() - started


@pytest.mark.django_db(transaction=True)
def test_a_refused_broker_still_answers_success_and_keeps_the_work(client, board_world, broker):
    broker(f"redis://127.0.0.1:{_closed_port()}/0")

    response, _elapsed = _request_snapshot(client, board_world)

    assert response.status_code == 302
    job = BoardJob.objects.get()
    assert job.status == JobStatus.PENDING
    message = OutboxMessage.objects.get(task_name=BOARD_JOB)
    assert (message.args, message.dispatched_at) == ([job.pk], None)
    assert message.attempts == 1 and message.last_error


@pytest.mark.django_db(transaction=True)
def test_a_silent_broker_costs_a_request_seconds_not_a_hang(client, board_world, broker, silent_port):
    broker(f"redis://127.0.0.1:{silent_port}/0")

    response, elapsed = _request_snapshot(client, board_world)

    assert response.status_code == 302
    assert elapsed < 15, f"the request waited {elapsed:.1f}s on a broker that never answers"
    assert OutboxMessage.objects.get(task_name=BOARD_JOB).dispatched_at is None
    # Within the back-off, the next action does not wait on the broker at all.
    started = time.monotonic()
    client.post("/board/jobs/", {"kind": JobKind.SNAPSHOT, "target": board_world["target"].pk,
                                 "unit": board_world["p"].pk})
    assert time.monotonic() - started < elapsed
    assert OutboxMessage.objects.filter(task_name=BOARD_JOB, dispatched_at__isnull=True).count() == 2


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_work_queued_while_the_broker_was_down_is_done_once_it_is_back(
    client, board_world, broker, celery_worker_process  # noqa: F811 -- the fixture
):
    queue, worker, worker_log = celery_worker_process
    broker(f"redis://127.0.0.1:{_closed_port()}/0")
    response, _ = _request_snapshot(client, board_world)
    assert response.status_code == 302
    job = BoardJob.objects.get()

    broker(settings.CELERY_BROKER_URL, queue)  # the real Redis the worker listens to
    assert outbox.dispatch_pending(older_than_seconds=0) == {"sent": 1, "pending": 0}

    deadline = time.monotonic() + WORKER_TIMEOUT
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status in (JobStatus.DONE, JobStatus.FAILED):
            break
        assert worker.poll() is None, worker_log()
        time.sleep(0.5)
    assert job.status == JobStatus.DONE, worker_log()
    assert OutboxMessage.objects.get(task_name=BOARD_JOB).dispatched_at is not None


@override_settings(CELERY_TASK_ALWAYS_EAGER=True)
def test_in_process_mode_runs_the_task_after_the_commit(db, django_capture_on_commit_callbacks):
    calls = []
    task_name = "tests.outbox_probe"

    @celery_app.task(name=task_name)
    def probe(value):
        calls.append(value)

    with django_capture_on_commit_callbacks(execute=True):
        outbox.enqueue(task_name, 7)
        assert calls == []  # not before the commit
    assert calls == [7]
    assert OutboxMessage.objects.get(task_name=task_name).dispatched_at is not None


@override_settings(CELERY_TASK_ALWAYS_EAGER=True)
def test_a_rolled_back_action_queues_nothing(db, django_capture_on_commit_callbacks):
    calls = []

    @celery_app.task(name="tests.outbox_rollback_probe")
    def probe(value):
        calls.append(value)

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        with transaction.atomic():
            outbox.enqueue("tests.outbox_rollback_probe", 1)
            raise RuntimeError("the action failed after queueing")
    assert calls == [] and not OutboxMessage.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_cadre_import_confirmed_while_the_broker_refuses_is_saved_and_its_work_kept(client, broker):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from organization.models import Cadre
    from organization.tests.builders import row, xlsx_bytes
    from tests.factories import PositionFactory, add_unit, make_manager, unit_tree_root

    body = add_unit(unit_tree_root(), "A")
    add_unit(body, "A1")
    PositionFactory(code="uv-kiem-nhiem", name="Ủy viên kiêm nhiệm")
    client.force_login(make_manager(body, username="ql-a"))
    data = xlsx_bytes([row(code=f"CB-{i}", full_name=f"Lê Văn {i}", unit_code="A1") for i in range(3)])
    preview = client.post(reverse("organization_cadre_import"), {"file": SimpleUploadedFile("f.xlsx", data)})
    broker(f"redis://127.0.0.1:{_closed_port()}/0")

    response = client.post(preview["Location"])

    assert response.status_code == 302
    assert Cadre.objects.filter(code__startswith="CB-").count() == 3
    pending = OutboxMessage.objects.filter(task_name="courses.required_courses_for_assignments",
                                           dispatched_at__isnull=True)
    # The required-course assignment of the new cadres, kept for later: one message for the file.
    assert [len(m.args[0]) for m in pending] == [3]


@pytest.mark.django_db(transaction=True)
def test_finishing_a_course_while_the_broker_refuses_keeps_the_certificate_and_its_rendering(client, broker):
    from django.urls import reverse

    from courses import services as course_services
    from courses.models import Certificate, Completion
    from courses.tests.builders import course_with_lessons
    from tests.factories import CadreFactory, add_unit, unit_tree_root

    user = UserFactory(username="hoc-vien", role=roles.CADRE)
    cadre = CadreFactory(unit=add_unit(unit_tree_root(), "A"), user=user)
    course, lessons = course_with_lessons(n_modules=1, n_lessons=1)
    course_services.enrollment_self_create(cadre=cadre, course=course)
    client.force_login(user)
    broker(f"redis://127.0.0.1:{_closed_port()}/0")

    response = client.post(reverse("courses:lesson_done", args=[lessons[0].pk]))

    assert response.status_code in (200, 302)
    assert Completion.objects.filter(cadre=cadre, course=course).count() == 1
    certificate = Certificate.objects.get(completion__cadre=cadre)
    assert not certificate.file  # rendered later, by the worker
    assert OutboxMessage.objects.filter(task_name="courses.certificate_render", args=[certificate.pk],
                                        dispatched_at__isnull=True).count() == 1
