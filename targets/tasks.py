"""Background work for the board: nightly roll-up snapshots, on-demand snapshots and reports with
their progress, the monthly reports and the daily reminders. Each task takes ids, re-fetches, and
calls services; the views queue them through the outbox (lms.outbox.enqueue)."""

import datetime
import logging

from celery import shared_task
from django.utils import timezone

from lms import outbox
from organization.models import Unit

from .models import BoardJob, JobKind, JobStatus, ReportSchedule, Target

logger = logging.getLogger(__name__)

# Snapshots keep being taken for a while after a period ends, so late records still show up.
SNAPSHOT_GRACE_DAYS = 31


def _job_update(job_id: int, **fields) -> None:
    BoardJob.objects.filter(pk=job_id).update(**fields)


@shared_task(name="competency.rollup_snapshots_nightly", acks_late=True)
def rollup_snapshots_nightly_task(on_iso: str | None = None) -> int:
    """Snapshot every active target whose period is running, for the whole tree. Idempotent: a
    second run on the same date replaces the day's rows with the same numbers."""
    from .services import rollup_snapshot_take

    on = datetime.date.fromisoformat(on_iso) if on_iso else timezone.localdate()
    written = 0
    targets = Target.objects.filter(
        is_active=True, period_start__lte=on, period_end__gte=on - datetime.timedelta(days=SNAPSHOT_GRACE_DAYS)
    )
    for target in targets:
        for root in Unit.get_root_nodes():
            written += rollup_snapshot_take(target=target, root_unit=root, on=on)
    return written


@shared_task(name="competency.board_job_run", acks_late=True)
def board_job_run_task(job_id: int) -> str:
    """Run a snapshot or a report asked for from the dashboard, recording its progress on the job.
    Safe to retry: a snapshot replaces its day's rows, a report rewrites its files."""
    from .reports import report_build
    from .services import rollup_snapshot_take

    job = BoardJob.objects.select_related("target", "unit").get(pk=job_id)
    if job.status == JobStatus.DONE:
        return job.status
    _job_update(job_id, status=JobStatus.RUNNING, progress=5, message="")
    try:
        if job.kind == JobKind.SNAPSHOT:
            rollup_snapshot_take(target=job.target, root_unit=job.unit, on=job.on)
        else:
            report_build(job=job, progress=lambda percent: _job_update(job_id, progress=percent))
    except Exception as error:
        logger.exception("Board job %s failed", job_id)
        _job_update(job_id, status=JobStatus.FAILED, message=str(error)[:300], finished_at=timezone.now())
        raise
    _job_update(job_id, status=JobStatus.DONE, progress=100, finished_at=timezone.now())
    return JobStatus.DONE


@shared_task(name="competency.reports_monthly")
def reports_monthly_task(on_iso: str | None = None) -> int:
    """Daily: generate the periodic report of every active schedule whose day of the month is
    today. At most one report per schedule and day, however often it runs."""
    on = datetime.date.fromisoformat(on_iso) if on_iso else timezone.localdate()
    created = 0
    for schedule in ReportSchedule.objects.filter(is_active=True, day_of_month=on.day).select_related("target"):
        job, was_created = BoardJob.objects.get_or_create(
            kind=JobKind.REPORT, schedule=schedule, on=on,
            defaults={"target": schedule.target, "unit": schedule.unit, "requested_by": schedule.created_by},
        )
        if was_created:
            created += 1
            outbox.enqueue(board_job_run_task, job.pk)
    return created
