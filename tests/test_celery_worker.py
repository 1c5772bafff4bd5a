"""Celery tasks: in-process (as every other test runs them) and through a real worker and a real Redis."""

import datetime
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import translation

from lms.celery import app as celery_app
from organization.models import Cadre, CadreStatus, Unit, UnitKind
from organization.tasks import cadre_position_change_task, unit_merge_task
from tests.factories import CadreFactory, PositionFactory, add_unit, unit_tree_root

BASE_DIR = Path(settings.BASE_DIR)
WORKER_TIMEOUT = 60


def _two_bodies_with_a_commune_each():
    root = unit_tree_root()
    body_a = add_unit(root, "A")
    body_b = add_unit(root, "B")
    source = add_unit(body_a, "A-X1", kind=UnitKind.COMMUNE, name="Xã Hòa Bình")
    target = add_unit(body_b, "B-X1", kind=UnitKind.COMMUNE, name="Xã Tân Tiến")
    return source, target


# --- in-process (eager), as views queue them -----------------------------------------------------


def test_merge_task_moves_cadres_and_closes_the_source(db):
    source, target = _two_bodies_with_a_commune_each()
    cadre = CadreFactory(unit=source, full_name="Lê Thị Hoa")

    result = unit_merge_task.delay(source.pk, target.pk, "2025-07-01")

    assert result.get() == source.pk
    source.refresh_from_db()
    cadre.refresh_from_db()
    assert (source.is_active, source.closed_on, source.merged_into_id) == (False, datetime.date(2025, 7, 1), target.pk)
    assert cadre.unit_id == target.pk
    assert list(cadre.assignments.order_by("start_date").values_list("unit__code", "end_date")) == [
        ("A-X1", datetime.date(2025, 6, 30)),
        ("B-X1", None),
    ]


def test_merge_task_refuses_a_merge_into_itself_and_writes_nothing(db):
    source, _ = _two_bodies_with_a_commune_each()

    with translation.override("en"), pytest.raises(ValidationError, match="cannot be merged into itself"):
        unit_merge_task.delay(source.pk, source.pk, "2025-07-01")

    source.refresh_from_db()
    assert source.is_active and source.merged_into_id is None


def test_change_position_task_records_the_history(db):
    source, target = _two_bodies_with_a_commune_each()
    cadre = CadreFactory(unit=source, appointed_on=datetime.date(2021, 3, 1))
    deputy = PositionFactory(code="pho-chu-nhiem-chuyen-trach", name="Phó Chủ nhiệm chuyên trách")

    assignment_id = cadre_position_change_task.delay(
        cadre.pk, target.pk, deputy.pk, "2025-01-15", reason="Bầu bổ sung", appointed=True
    ).get()

    cadre.refresh_from_db()
    assert (cadre.unit_id, cadre.position_id, cadre.appointed_on) == (target.pk, deputy.pk, datetime.date(2025, 1, 15))
    assert cadre.assignments.get(pk=assignment_id).reason == "Bầu bổ sung"
    assert cadre.assignments.count() == 2


def test_change_position_task_queued_on_commit_does_not_run_if_rolled_back(db, django_capture_on_commit_callbacks):
    source, target = _two_bodies_with_a_commune_each()
    cadre = CadreFactory(unit=source)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        cadre_position_change_task.delay_on_commit(cadre.pk, target.pk, cadre.position_id, "2025-01-15")

    assert len(callbacks) == 1  # queued for after the commit, not sent yet
    assert Cadre.objects.get(pk=cadre.pk).unit_id == source.pk


# --- a real worker process against the Redis at 127.0.0.1:6379 -----------------------------------


def _database_url_for_worker() -> str:
    """The URL of the database this test is using (the test database, not the dev one)."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        name = str(db["NAME"])
        assert "memory" not in name, "the SQLite test database must be a file for another process to see it"
        return f"sqlite:///{name}"
    user = quote(db.get("USER") or "", safe="")
    password = quote(db.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = db.get("HOST") or "127.0.0.1"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{credentials}{host}{port}/{db['NAME']}"


@pytest.fixture
def celery_worker_process(tmp_path):
    """A `celery -A lms worker` on a queue of its own, stopped (terminate, wait) after the test.

    Yields (queue name, function returning the worker's log so far)."""
    queue = f"ktlearn-test-{uuid.uuid4().hex[:12]}"
    log_path = tmp_path / "celery-worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings.test",
        "KTLEARN_CELERY_EAGER": "0",
        "KTLEARN_CELERY_QUEUE": queue,
        "TEST_CELERY_BROKER_URL": celery_app.conf.broker_url,
        "DATABASE_URL": _database_url_for_worker(),
        "PYTHONUNBUFFERED": "1",
    }
    command = [
        sys.executable, "-m", "celery", "-A", "lms", "worker",
        "--loglevel", "INFO", "--pool", "solo", "--queues", queue,
        "--hostname", f"{queue}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat",
    ]
    with open(log_path, "w") as log:
        worker = subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        yield queue, worker, log_path.read_text
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=10)


@pytest.fixture
def real_broker():
    """Send tasks to the broker instead of running them in this process."""
    was_eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    yield
    celery_app.conf.task_always_eager = was_eager


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_merges_units_in_the_test_database(celery_worker_process, real_broker):
    queue, worker, worker_log = celery_worker_process
    source, target = _two_bodies_with_a_commune_each()
    cadres = [CadreFactory(unit=source, full_name=name) for name in ("Phạm Văn An", "Đỗ Thị Bình")]

    unit_merge_task.apply_async(args=[source.pk, target.pk, "2025-07-01"], queue=queue)

    deadline = time.monotonic() + WORKER_TIMEOUT
    while time.monotonic() < deadline:
        if not Unit.objects.get(pk=source.pk).is_active:
            break
        assert worker.poll() is None, f"the worker exited with {worker.returncode}:\n{worker_log()}"
        time.sleep(0.5)
    else:
        pytest.fail(f"the worker did not merge the unit within {WORKER_TIMEOUT}s. Worker log:\n{worker_log()}")

    source.refresh_from_db()
    assert source.merged_into_id == target.pk
    assert set(Cadre.objects.filter(pk__in=[c.pk for c in cadres]).values_list("unit_id", "status")) == {
        (target.pk, CadreStatus.ACTIVE)
    }
    assert "organization.unit_merge" in worker_log()
