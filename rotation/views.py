"""/org/rotations/: the board's and managers' view of the rotation register (plan vs done for a year,
rotations ending soon, overdue returns, and the training of cadres rotated into inspection work)."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from . import selectors
from .models import ROTATION_ALERT_DAYS
from .permission_policies import rotation_permission_policy

# Rows of "cadres rotated into inspection work" per page (the demo province has ~275 of them).
ROTATED_IN_PER_PAGE = 50


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
    page = Paginator(data.pop("rotated_in"), ROTATED_IN_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "rotation/overview.html",
        {
            **data,
            "rotated_in": page.object_list,
            "rotated_in_total": page.paginator.count,
            "page_obj": page,
            "query": urlencode({"year": year}),
            "year": year,
            "years": list(range(today.year + 1, today.year - 6, -1)),
            "today": today,
            "alert_days": ROTATION_ALERT_DAYS,
            "can_manage": rotation_permission_policy.user_has_permission(user, "add"),
        },
    )
