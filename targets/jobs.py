"""The life of a board job: started, alive, finished, or found dead and started again.

A worker that dies (killed pool process, lost machine) cannot mark its job failed, so the worker
records a heartbeat and the sweep (board_jobs_sweep_task, every five minutes) looks for jobs whose
heartbeat is older than STALE_AFTER: those are queued again, up to MAX_ATTEMPTS, then marked failed
with a reason the user sees. Re-running is safe: a snapshot replaces its day's rows and a report
rewrites its files. STALE_AFTER is longer than the roll-up's statement timeout
(settings.KTLEARN_ROLLUP_STATEMENT_TIMEOUT), so a slow but living job is never taken for dead.
"""

import datetime

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lms import outbox
from lms.models import OutboxMessage

from .models import BoardJob, JobStatus

STALE_AFTER = datetime.timedelta(minutes=15)
MAX_ATTEMPTS = 3
TASK_NAME = "competency.board_job_run"


def job_started(job_id: int) -> None:
    now = timezone.now()
    BoardJob.objects.filter(pk=job_id).update(status=JobStatus.RUNNING, progress=5, started_at=now, heartbeat_at=now,
                                              attempts=F("attempts") + 1)


def job_progress(job_id: int, percent: int) -> None:
    BoardJob.objects.filter(pk=job_id).update(progress=percent, heartbeat_at=timezone.now())


def job_finished(job_id: int) -> None:
    BoardJob.objects.filter(pk=job_id).update(status=JobStatus.DONE, progress=100, message="",
                                              heartbeat_at=timezone.now(), finished_at=timezone.now())


def job_failed(job_id: int, message: str) -> None:
    BoardJob.objects.filter(pk=job_id).update(status=JobStatus.FAILED, message=message[:300],
                                              finished_at=timezone.now())


def _still_queued(job: BoardJob) -> bool:
    """A message for this job is waiting in the outbox (the broker was down): it is not lost."""
    return OutboxMessage.objects.filter(task_name=TASK_NAME, args=[job.pk], dispatched_at__isnull=True).exists()


def board_jobs_sweep(*, now: datetime.datetime | None = None) -> dict:
    """Queue again, or fail, the jobs whose worker is gone. Guarantees: a job is never left running or
    waiting forever; a job still waiting in the outbox is left alone; each job is handled by one
    sweep at a time (row lock). Returns {"requeued": n, "failed": m}."""
    now = now or timezone.now()
    cutoff = now - STALE_AFTER
    stale = BoardJob.objects.filter(
        Q(status=JobStatus.RUNNING) & (Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, created_at__lt=cutoff))
        | Q(status=JobStatus.PENDING, created_at__lt=cutoff)
    )
    result = {"requeued": 0, "failed": 0}
    for job_id in stale.values_list("pk", flat=True):
        with transaction.atomic():
            job = BoardJob.objects.select_for_update().filter(pk=job_id).first()
            if job is None or job.status in (JobStatus.DONE, JobStatus.FAILED):
                continue
            if job.status == JobStatus.PENDING and _still_queued(job):
                continue
            if job.attempts >= MAX_ATTEMPTS:
                job_failed(job.pk, _("The background worker stopped %(count)s times while preparing this; "
                                     "ask for it again or tell the administrator.") % {"count": job.attempts})
                result["failed"] += 1
                continue
            BoardJob.objects.filter(pk=job.pk).update(
                status=JobStatus.PENDING, progress=0, heartbeat_at=None,
                message=_("The background worker stopped; it has been started again."),
            )
            outbox.enqueue(TASK_NAME, job.pk)
            result["requeued"] += 1
    return result
