"""The board's dashboard, reports and the cadre's competency profile. Views parse, call one
selector or service, and render. Every unit comes through organization.selectors.units_visible_to:
a unit outside the user's subtree is answered with 404, whatever the URL."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from organization.selectors import cadre_for_user

from .selectors import (
    competency_gap,
    framework_active,
)


@login_required
def my_competency(request):
    cadre = cadre_for_user(request.user)
    rows = competency_gap(cadre=cadre) if cadre else []
    return render(request, "competency/my_competency.html", {
        "cadre": cadre, "rows": rows, "framework": framework_active(), "today": timezone.localdate(),
        "gaps": sum(1 for row in rows if row.gap),
    })
