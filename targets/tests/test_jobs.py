"""Board jobs always end: a job whose worker died is started again (three tries) or failed with a reason,
the nightly loop survives one target's failure, and two snapshots of one day never collide."""

import datetime
import threading
from unittest import mock

import pytest
from django.db import connection
from django.utils import timezone

from lms.models import OutboxMessage
from organization import roles
from organization.models import Unit
from targets import jobs
from targets.figures import figures_compute
from targets.models import BoardJob, JobKind, JobStatus, RollupSnapshot, Target
from targets.services import board_job_request, rollup_snapshot_take
from targets.tasks import board_job_run_task, rollup_snapshots_nightly_task
from tests.factories import UserFactory

from .builders import build_world

D = datetime.date
ON = D(2025, 7, 1)


@pytest.fixture
def world(db):
    w = build_world()
    w["p"] = Unit.objects.get(code="P")
    w["board"] = UserFactory(username="bantochuc", role=roles.BOARD)
    return w


def _dead_job(world, *, attempts=1, minutes_ago=60):
    """A snapshot job a worker picked up and then died on (no heartbeat since)."""
    job = BoardJob.objects.create(kind=JobKind.SNAPSHOT, target=world["target"], unit=world["p"], on=ON)
    then = timezone.now() - datetime.timedelta(minutes=minutes_ago)
    BoardJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, progress=5, started_at=then,
                                              heartbeat_at=then, attempts=attempts)
    return job


def test_a_job_whose_worker_died_is_run_again_and_finishes(world, django_capture_on_commit_callbacks):
    job = _dead_job(world)
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.board_jobs_sweep() == {"requeued": 1, "failed": 0}
    job.refresh_from_db()
    assert (job.status, job.progress, job.attempts) == (JobStatus.DONE, 100, 2)
    assert RollupSnapshot.objects.filter(target=world["target"], taken_on=ON).exists()


def test_after_three_dead_workers_the_job_fails_with_a_reason(world, client):
    job = _dead_job(world, attempts=jobs.MAX_ATTEMPTS)
    assert jobs.board_jobs_sweep() == {"requeued": 0, "failed": 1}
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "stopped 3 times" in job.message
    client.force_login(world["board"])
    assert "stopped 3 times" in client.get(f"/board/jobs/{job.pk}/").content.decode()


def test_a_job_that_is_alive_or_still_queued_is_left_alone(world):
    alive = _dead_job(world, minutes_ago=1)
    queued = BoardJob.objects.create(kind=JobKind.SNAPSHOT, target=world["target"], unit=world["p"], on=ON)
    BoardJob.objects.filter(pk=queued.pk).update(created_at=timezone.now() - datetime.timedelta(hours=2))
    OutboxMessage.objects.create(task_name=jobs.TASK_NAME, args=[queued.pk])  # broker down since
    assert jobs.board_jobs_sweep() == {"requeued": 0, "failed": 0}
    assert BoardJob.objects.get(pk=alive.pk).status == JobStatus.RUNNING
    assert BoardJob.objects.get(pk=queued.pk).status == JobStatus.PENDING


def test_a_running_job_records_when_it_started_and_its_heartbeat(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = board_job_request(by=world["board"], kind=JobKind.REPORT, target=world["target"], unit=world["p"], on=ON)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.attempts == 1
    assert job.started_at <= job.heartbeat_at <= job.finished_at


def test_a_finished_job_delivered_twice_is_not_run_again(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = board_job_request(by=world["board"], kind=JobKind.SNAPSHOT, target=world["target"],
                                unit=world["p"], on=ON)
    board_job_run_task(job.pk)
    job.refresh_from_db()
    assert job.attempts == 1


def test_the_nightly_loop_snapshots_the_other_targets_when_one_fails(world):
    second = Target.objects.create(code="second", name="Second", period_start=world["target"].period_start,
                                   period_end=world["target"].period_end, criterion=world["target"].criterion)
    real = figures_compute

    def failing_for_first(*, target, on):
        if target.pk == world["target"].pk:
            raise RuntimeError("statement timeout")
        return real(target=target, on=on)

    with mock.patch("targets.tasks.figures_compute", side_effect=failing_for_first):
        written = rollup_snapshots_nightly_task(ON.isoformat())
    assert written > 0
    assert RollupSnapshot.objects.filter(target=second, taken_on=ON).exists()
    assert not RollupSnapshot.objects.filter(target=world["target"], taken_on=ON).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_snapshots_of_the_same_day_both_succeed(world):
    errors, counts = [], []

    def take():
        try:
            counts.append(rollup_snapshot_take(target=world["target"], root_unit=world["p"], on=ON))
        except Exception as exc:  # what a colliding run used to raise
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=take) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert counts[0] == counts[1] == RollupSnapshot.objects.filter(target=world["target"], taken_on=ON).count()
