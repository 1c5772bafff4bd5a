"""Background jobs for the unit tree. Each task takes ids, re-fetches, and calls one service.

Views queue them through the outbox (``lms.outbox.enqueue``) so the worker never sees ids of rows that
were rolled back. Merging a large unit moves many cadres and sub-units, which is why it runs here.
"""

import datetime

from celery import shared_task

from . import services
from .models import Cadre, Position, Unit


def _date_or_none(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


@shared_task(name="organization.unit_merge")
def unit_merge_task(source_id: int, target_id: int, on_iso: str | None = None) -> int:
    """Merge unit `source_id` into `target_id` on the given ISO date (default today).

    Not `acks_late`: a merge is not idempotent (a second run is refused because the source is
    already closed), so a lost worker means a person retries it. Returns the closed source's id.
    """
    source = Unit.objects.get(pk=source_id)
    target = Unit.objects.get(pk=target_id)
    return services.unit_merge(source=source, target=target, on=_date_or_none(on_iso)).pk


@shared_task(name="organization.cadre_change_position")
def cadre_position_change_task(
    cadre_id: int,
    unit_id: int,
    position_id: int,
    on_iso: str | None = None,
    reason: str = "",
    appointed: bool = False,
) -> int:
    """Move a cadre to a unit and position from the given ISO date; returns the new assignment's id.

    Idempotent: the service does nothing when the cadre already holds that unit and position.
    """
    assignment = services.cadre_position_change(
        cadre=Cadre.objects.get(pk=cadre_id),
        unit=Unit.objects.get(pk=unit_id),
        position=Position.objects.get(pk=position_id),
        on=_date_or_none(on_iso),
        reason=reason,
        appointed=appointed,
    )
    return assignment.pk
