"""Background jobs of the shared infrastructure."""

from celery import shared_task

from . import outbox


@shared_task(name="lms.outbox_dispatch", acks_late=True, ignore_result=True)
def outbox_dispatch_task() -> dict:
    """Every minute: publish the outbox messages a request could not publish (broker down then).
    Idempotent: a message is published at most once per lease, and the tasks it queues are
    idempotent, so a redelivered dispatch does no harm."""
    result = outbox.dispatch_pending()
    outbox.purge_dispatched()
    return result
