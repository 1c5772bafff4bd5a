"""Background jobs for the rotation register."""

import datetime

from celery import shared_task
from django.utils import timezone

from .alerts import rotation_alerts_send


# Registered under its name from before the rotation app existed, so queued messages and the beat
# schedule keep working.
@shared_task(name="organization.rotation_alerts_daily", acks_late=True)
def rotation_alerts_daily_task(on_iso: str | None = None) -> dict:
    """Daily: email the board and each unit manager the rotations ending within 90 days and the
    overdue returns in their scope. Idempotent: a second run the same day sends nothing."""
    on = datetime.date.fromisoformat(on_iso) if on_iso else timezone.localdate()
    return rotation_alerts_send(on=on)
