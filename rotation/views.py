"""/org/rotations/: the board's and managers' view of the rotation register (plan vs done for a year,
rotations ending soon, overdue returns, and the training of cadres rotated into inspection work)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone

from . import selectors
from .models import ROTATION_ALERT_DAYS
from .permission_policies import rotation_permission_policy


def _year(raw: str | None, default: int) -> int:
    try:
        year = int(raw or default)
    except ValueError:
        return default
    return year if 1990 <= year <= default + 5 else default


@login_required
def rotation_overview(request):
    user = request.user
    if not rotation_permission_policy.user_has_permission(user, "view"):
        raise PermissionDenied
    today = timezone.localdate()
    year = _year(request.GET.get("year"), today.year)
    data = selectors.rotation_overview(user=user, year=year, on=today)
    return render(
        request,
        "rotation/overview.html",
        {
            **data,
            "year": year,
            "years": list(range(today.year + 1, today.year - 6, -1)),
            "today": today,
            "alert_days": ROTATION_ALERT_DAYS,
            "can_manage": rotation_permission_policy.user_has_permission(user, "add"),
        },
    )
