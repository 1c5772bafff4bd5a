"""Background jobs of the shared infrastructure."""

import logging

from celery import shared_task

from . import outbox, xapi

logger = logging.getLogger(__name__)


@shared_task(name="lms.outbox_dispatch", acks_late=True, ignore_result=True)
def outbox_dispatch_task() -> dict:
    """Every minute: publish the outbox messages a request could not publish (broker down then).
    Idempotent: a message is published at most once per lease, and the tasks it queues are
    idempotent, so a redelivered dispatch does no harm."""
    result = outbox.dispatch_pending()
    outbox.purge_dispatched()
    return result


@shared_task(name=xapi.SEND_TASK, bind=True, acks_late=True, ignore_result=True, max_retries=None)
def xapi_send_task(self, statement: dict) -> int | None:
    """Send one xAPI statement to the LRS (lms.xapi). Idempotent: the statement's id is the event's,
    so a second delivery is the same statement. While the LRS is down a worker retries with a
    growing delay (30 s, 1, 2, 4… minutes, at most 10), without end; without a worker (tasks run
    in-process) the statement goes back to the outbox for the dispatcher. A statement the LRS
    refuses as invalid (4xx) is logged at ERROR and dropped: retrying could not help."""
    if not xapi.enabled():
        return None
    try:
        return xapi.statement_send(statement)
    except xapi.LrsRejected as exc:
        logger.error("xAPI: the LRS refused statement %s: %s", statement.get("id"), exc)
        return None
    except xapi.LrsUnavailable as exc:
        logger.warning("xAPI: statement %s not sent yet (%s)", statement.get("id"), exc)
        if self.request.is_eager:
            xapi.requeue(statement)
            return None
        raise self.retry(exc=exc, countdown=min(600, 30 * 2 ** self.request.retries)) from exc
