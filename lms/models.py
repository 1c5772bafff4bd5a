"""Tables of the shared infrastructure."""

from django.db import models
from django.utils import timezone


class OutboxMessage(models.Model):
    """A background task to deliver, written in the same transaction as the data it is about.

    A user action that commits data and needs work done later never talks to the broker inside its
    transaction: it writes a row here (lms.outbox.enqueue). After the commit one attempt is made to
    publish it; when the broker is refused or silent the row simply stays, and the dispatcher
    (lms.tasks.outbox_dispatch_task, every minute) delivers it once the broker is back. Delivery is
    at least once: the tasks queued this way are idempotent.
    """

    task_name = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    kwargs = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)
    # A dispatcher holding the row until this time (so two dispatchers never publish it at once).
    locked_until = models.DateTimeField(null=True, blank=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["dispatched_at", "id"], name="outbox_pending_idx")]

    def __str__(self):
        state = "sent" if self.dispatched_at else "pending"
        return f"{self.task_name} #{self.pk} ({state})"


class Tombstone(models.Model):
    """A deleted record, kept so the REST API's changes feed can tell a nightly sync what disappeared.

    Written by lms.tombstones in the deleting transaction (pre_delete), so a rolled-back deletion
    leaves none. `unit_path` is the tree path of the unit the record belonged to (a cadre's unit, a
    record's cadre's unit), for scoping: a client sees the tombstones of its subtree only.
    """

    resource = models.CharField(max_length=40)
    object_id = models.BigIntegerField()
    key = models.CharField(max_length=120, blank=True)
    unit_path = models.CharField(max_length=255, blank=True)
    deleted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["resource", "deleted_at"], name="tombstone_resource_idx")]

    def __str__(self):
        return f"{self.resource} #{self.object_id} deleted {self.deleted_at:%Y-%m-%d}"
