from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from . import roles
from .forms import CadreFilterForm
from .selectors import cadre_for_user, cadres_visible_to, units_visible_to
from .selectors import cadre_list as cadre_list_selector


@login_required
def me(request):
    cadre = cadre_for_user(request.user)
    assignments = cadre.assignments.select_related("unit", "position").order_by("-start_date") if cadre else []
    return render(request, "organization/me.html", {"cadre": cadre, "assignments": assignments})


def _require_staff_role(user):
    if not (roles.is_unit_manager(user) or roles.is_board(user) or roles.is_administrator(user)):
        raise PermissionDenied


@login_required
def cadre_list(request):
    _require_staff_role(request.user)
    form = CadreFilterForm(request.GET or None, units=units_visible_to(request.user))
    filters = form.cleaned_filters() if form.is_valid() else {}
    qs = cadre_list_selector(user=request.user, **filters)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "organization/cadre_list.html",
        {"form": form, "page_obj": page, "query": query.urlencode()},
    )


@login_required
def cadre_detail(request, pk):
    cadre = get_object_or_404(cadres_visible_to(request.user).select_related("unit", "position"), pk=pk)
    assignments = cadre.assignments.select_related("unit", "position").order_by("-start_date")
    return render(request, "organization/cadre_detail.html", {"cadre": cadre, "assignments": assignments})
