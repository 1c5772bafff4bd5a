"""Background work for the board: nightly roll-up snapshots, on-demand snapshots and reports with
their progress, the periodic reports (monthly, 6-monthly, annual, chosen dates) and the daily
reminders. Each task takes ids, re-fetches, and calls services; the views queue them through the
outbox (lms.outbox.enqueue)."""

import datetime
import logging

from celery import shared_task
from django.utils import timezone

from lms import outbox
from organization.models import Unit

from . import freshness, jobs
from .figures import figures_compute, subtree_rows
from .models import BoardJob, JobKind, JobStatus, ReportSchedule, Target
from .reports import report_build
from .services import rollup_snapshot_take

logger = logging.getLogger(__name__)

# Snapshots keep being taken for a while after a period ends, so late records still show up.
SNAPSHOT_GRACE_DAYS = 31


@shared_task(name="competency.rollup_snapshots_nightly", acks_late=True)
def rollup_snapshots_nightly_task(on_iso: str | None = None) -> int:
    """Snapshot every active target whose period is running, for the whole tree. Idempotent: a
    second run on the same date replaces the day's rows with the same numbers."""
    on = datetime.date.fromisoformat(on_iso) if on_iso else timezone.localdate()
    written = 0
    targets = Target.objects.filter(
        is_active=True, period_start__lte=on, period_end__gte=on - datetime.timedelta(days=SNAPSHOT_GRACE_DAYS)
    )
    failed = []
    roots = list(Unit.get_root_nodes())
    for target in targets:
        # Each target on its own: one that fails (a timeout, bad data) is logged and the others
        # still get their snapshot. One computation covers every root of the tree.
        try:
            figure_set = figures_compute(target=target, on=on)
            written += sum(len(subtree_rows(figure_set, root)) for root in roots)
        except Exception:
            logger.exception("Nightly snapshot of target %s failed", target.pk)
            failed.append(target.pk)
    if failed:
        logger.error("Nightly snapshots: %s target(s) failed: %s", len(failed), failed)
    return written


@shared_task(name=freshness.TASK_NAME, bind=True, acks_late=True, ignore_result=True)
def figures_refresh_task(self) -> dict:
    """Compute again the board's figures that writes made stale, once the writes have paused
    (targets.freshness). Idempotent: a fresh set is left as it is."""
    result = freshness.figures_refresh()
    if "waited" in result:
        self.apply_async(countdown=max(1, int(result["waited"]) + 1))
    return result


@shared_task(name="competency.board_job_run", acks_late=True)
def board_job_run_task(job_id: int) -> str:
    """Run a snapshot or a report asked for from the dashboard, recording its progress on the job.
    Safe to retry: a snapshot replaces its day's rows, a report rewrites its files."""
    job = BoardJob.objects.select_related("target", "unit").get(pk=job_id)
    if job.status in (JobStatus.DONE, JobStatus.FAILED):
        return job.status
    jobs.job_started(job_id)
    try:
        if job.kind == JobKind.SNAPSHOT:
            rollup_snapshot_take(target=job.target, root_unit=job.unit, on=job.on)
        else:
            report_build(job=job, progress=lambda percent: jobs.job_progress(job_id, percent))
    except Exception as error:
        logger.exception("Board job %s failed", job_id)
        jobs.job_failed(job_id, str(error))
        raise
    jobs.job_finished(job_id)
    return JobStatus.DONE


@shared_task(name="targets.board_jobs_sweep", acks_late=True, ignore_result=True)
def board_jobs_sweep_task() -> dict:
    """Every five minutes: queue again (or fail, after three tries) the board jobs whose worker died.
    Idempotent: a job it re-queued is pending with a fresh message, so a second run leaves it."""
    return jobs.board_jobs_sweep()


# A cut-off missed while the workers were down is still made on a later run within this many days.
REPORT_CATCH_UP_DAYS = 7


@shared_task(name="competency.reports_monthly")  # the name beat already knows; it runs every schedule now
def reports_monthly_task(on_iso: str | None = None) -> int:
    """Daily: make the periodic report of every active schedule (monthly, 6-monthly, annual or a
    chosen date) whose cut-off is today, or fell in the last REPORT_CATCH_UP_DAYS days after the
    schedule was made and has no report yet; the report is as of the cut-off. At most one report
    per schedule and cut-off, however often it runs (idempotent; get_or_create on the pair)."""
    on = datetime.date.fromisoformat(on_iso) if on_iso else timezone.localdate()
    created = 0
    schedules = ReportSchedule.objects.filter(is_active=True).select_related("target", "unit")
    for schedule in schedules:
        start = max(on - datetime.timedelta(days=REPORT_CATCH_UP_DAYS), timezone.localdate(schedule.created_at))
        for cutoff in schedule.cutoffs_between(min(start, on), on):
            job, was_created = BoardJob.objects.get_or_create(
                kind=JobKind.REPORT, schedule=schedule, on=cutoff,
                defaults={"target": schedule.target, "unit": schedule.unit, "requested_by": schedule.created_by,
                          "period": schedule.frequency},
            )
            if was_created:
                created += 1
                outbox.enqueue(board_job_run_task, job.pk)
    return created
