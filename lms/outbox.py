"""The transactional outbox: queue background work so that a committed user action never fails or loses
it because the broker is down.

    outbox.enqueue(certificate_render_task, certificate.pk)

writes an OutboxMessage in the caller's transaction. After the commit one attempt is made to publish
it, with the broker's short socket timeouts and no retries; a failure is logged and the row waits for
the dispatcher (lms.tasks.outbox_dispatch_task). After a failure the broker is not tried again from
web requests for BROKER_BACKOFF_SECONDS, so a silent broker costs one request one timeout, not every
request. With CELERY_TASK_ALWAYS_EAGER (development, tests) the task runs in-process after the commit.

Imports no KTLearn app: tasks are named, not imported.
"""

from __future__ import annotations

import datetime
import logging
import threading
import time

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import OutboxMessage

logger = logging.getLogger(__name__)

BROKER_BACKOFF_SECONDS = 30
LEASE_SECONDS = 60
BATCH_SIZE = 200

_state = threading.local()
_broker_down_until = 0.0
_lock = threading.Lock()


def _task_name(task) -> str:
    return task if isinstance(task, str) else task.name


def enqueue(task, *args, **kwargs) -> OutboxMessage:
    """Write the message now (in the current transaction) and try to publish it after the commit.
    Never raises for a broker problem; arguments must be JSON-serialisable (ids, ISO dates)."""
    message = OutboxMessage.objects.create(task_name=_task_name(task), args=list(args), kwargs=kwargs)
    transaction.on_commit(lambda: dispatch_one(message.pk))
    return message


def defer(task, *args, **kwargs) -> OutboxMessage:
    """Write a message for the dispatcher only, with no attempt after the commit: a task that cannot
    finish now (its remote end is down) and runs without a worker puts its work back this way."""
    return OutboxMessage.objects.create(task_name=_task_name(task), args=list(args), kwargs=kwargs)


def _broker_backing_off() -> bool:
    return time.monotonic() < _broker_down_until


def _note_broker_down() -> None:
    global _broker_down_until
    with _lock:
        _broker_down_until = time.monotonic() + BROKER_BACKOFF_SECONDS


def _claim(pk: int) -> OutboxMessage | None:
    """Take the row for LEASE_SECONDS if it is still pending and nobody holds it."""
    now = timezone.now()
    claimed = (
        OutboxMessage.objects.filter(pk=pk, dispatched_at__isnull=True)
        .filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))
        .update(locked_until=now + datetime.timedelta(seconds=LEASE_SECONDS))
    )
    return OutboxMessage.objects.filter(pk=pk).first() if claimed else None


def _publish(message: OutboxMessage) -> None:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        current_app.tasks[message.task_name].apply(args=message.args, kwargs=message.kwargs, throw=True)
        return
    current_app.send_task(message.task_name, args=message.args, kwargs=message.kwargs, retry=False)


def dispatch_one(pk: int, *, respect_backoff: bool = True) -> bool:
    """Publish one pending message; True when it was published (or already had been). A broker
    failure leaves the message pending, records the error and returns False."""
    if respect_backoff and _broker_backing_off() and not settings.CELERY_TASK_ALWAYS_EAGER:
        return False
    message = _claim(pk)
    if message is None:
        return OutboxMessage.objects.filter(pk=pk, dispatched_at__isnull=False).exists()
    try:
        _publish(message)
    except Exception as exc:  # broker refused, silent (timeout), or misconfigured: keep the message
        if settings.CELERY_TASK_ALWAYS_EAGER:
            OutboxMessage.objects.filter(pk=pk).update(locked_until=None, attempts=message.attempts + 1,
                                                       last_error=repr(exc)[:500])
            raise
        _note_broker_down()
        OutboxMessage.objects.filter(pk=pk).update(locked_until=None, attempts=message.attempts + 1,
                                                   last_error=repr(exc)[:500])
        logger.warning("outbox: %s #%s not published yet (%r); the dispatcher will retry",
                       message.task_name, pk, exc)
        return False
    OutboxMessage.objects.filter(pk=pk).update(dispatched_at=timezone.now(), locked_until=None,
                                               attempts=message.attempts + 1, last_error="")
    return True


def dispatch_pending(*, older_than_seconds: int = 5, limit: int = BATCH_SIZE) -> dict:
    """Publish pending messages (oldest first), skipping the ones a request is publishing right now.
    Stops at the first broker failure. Returns {"sent": n, "pending": m}."""
    cutoff = timezone.now() - datetime.timedelta(seconds=older_than_seconds)
    ids = list(
        OutboxMessage.objects.filter(dispatched_at__isnull=True, created_at__lte=cutoff)
        .values_list("pk", flat=True)[:limit]
    )
    sent = 0
    for pk in ids:
        if not dispatch_one(pk, respect_backoff=False):
            break
        sent += 1
    return {"sent": sent, "pending": OutboxMessage.objects.filter(dispatched_at__isnull=True).count()}


def purge_dispatched(*, older_than_days: int = 14) -> int:
    """Delete messages delivered more than `older_than_days` ago; returns how many."""
    cutoff = timezone.now() - datetime.timedelta(days=older_than_days)
    return OutboxMessage.objects.filter(dispatched_at__lt=cutoff).delete()[0]
