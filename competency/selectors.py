"""Reads for the competency framework: the active framework, attained levels, gaps."""

import datetime

from django.db.models import Max, Q
from django.utils import timezone

from organization.models import Cadre

from .models import Evidence, Framework


def framework_active() -> Framework | None:
    return Framework.objects.filter(is_active=True).first()


def attained_levels(*, cadre: Cadre, on: datetime.date | None = None) -> dict[int, int]:
    """{competency_id: highest level} from the cadre's evidence valid on `on` (default today).

    Evidence counts from its date and until its expiry (inclusive); expired evidence is ignored.
    """
    on = on or timezone.localdate()
    rows = (
        Evidence.objects.filter(cadre=cadre, obtained_on__lte=on)
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=on))
        .values("competency_id")
        .annotate(level=Max("level"))
    )
    return {row["competency_id"]: row["level"] for row in rows}
