from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lms import audit, personal_data

from . import accounts, exports, roles, slips
from .forms import CadreFilterForm, CadreLoginsForm
from .selectors import (
    cadre_for_user,
    cadre_history,
    cadres_for_logins,
    cadres_visible_to,
    login_counts,
    units_for_logins,
    units_visible_to,
)
from .selectors import cadre_list as cadre_list_selector


@login_required
def me(request):
    cadre = cadre_for_user(request.user)
    assignments = cadre.assignments.select_related("unit", "position").order_by("-start_date") if cadre else []
    return render(request, "organization/me.html", {"cadre": cadre, "assignments": assignments})


@login_required
def my_data(request):
    """The signed-in cadre's own records from every app, as an .xlsx (Decree 13/2023: the data
    subject's copy of their data). 404 for a login not linked to a cadre. Audited."""
    cadre = cadre_for_user(request.user)
    if cadre is None:
        raise Http404
    data = personal_data.workbook(personal_data.collect(cadre))
    audit.audit_record(instance=cadre, action="ktlearn.personal_data.export", user=request.user)
    response = HttpResponse(data, content_type=exports.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="du-lieu-ca-nhan-{timezone.localdate():%Y%m%d}.xlsx"'
    response["Cache-Control"] = "private, no-store"
    return response


def _require_staff_role(user):
    if not (roles.is_unit_manager(user) or roles.is_board(user) or roles.is_administrator(user)):
        raise PermissionDenied


def _filtered_cadres(request):
    """The cadre list for the query string, as the list page and the export share it. A unit
    the user may not see is answered with 404, never silently widened."""
    _require_staff_role(request.user)
    form = CadreFilterForm(request.GET or None, units=units_visible_to(request.user))
    valid = form.is_valid()
    if form.asks_for_hidden_unit():
        raise Http404
    filters = form.cleaned_filters() if valid else {}
    return form, cadre_list_selector(user=request.user, **filters)


@login_required
def cadre_list(request):
    form, qs = _filtered_cadres(request)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    can_import = request.user.has_perm("organization.add_cadre") and (
        roles.is_unit_manager(request.user) or roles.is_administrator(request.user)
    )
    return render(
        request,
        "organization/cadre_list.html",
        {"form": form, "page_obj": page, "query": query.urlencode(), "can_import": can_import,
         "can_create_logins": roles.is_unit_manager(request.user) or roles.is_administrator(request.user)},
    )


@login_required
def cadre_export(request):
    """The current filtered list as .xlsx (same filters and scope as the list page)."""
    _form, qs = _filtered_cadres(request)
    workbook = exports.cadres_workbook(qs.iterator(chunk_size=2000))
    response = HttpResponse(workbook, content_type=exports.XLSX_CONTENT_TYPE)
    filename = f"can-bo-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def cadre_detail(request, pk):
    cadre = get_object_or_404(cadres_visible_to(request.user).select_related("unit", "position"), pk=pk)
    assignments = cadre.assignments.select_related("unit", "position").order_by("-start_date")
    can_see_history = roles.is_unit_manager(request.user) or roles.is_board(request.user) or \
        roles.is_administrator(request.user)
    return render(request, "organization/cadre_detail.html",
                  {"cadre": cadre, "assignments": assignments, "can_see_history": can_see_history})


HISTORY_PAGE_SIZE = 50


@login_required
def cadre_history_view(request, pk):
    """The audit trail of a cadre's training record (lms.audit), newest first, for the managers of
    the cadre's units, the board and administrators: 404 for a cadre outside the viewer's scope,
    403 for anyone else (a cadre, a trainer)."""
    _require_staff_role(request.user)
    cadre = get_object_or_404(cadres_visible_to(request.user).select_related("unit", "position"), pk=pk)
    page = Paginator(cadre_history(cadre), HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {"entry": entry, "actor": audit.entry_actor(entry), "action": audit.entry_action_label(entry),
         "changes": audit.entry_changes(entry), "type": entry.content_type.name if entry.content_type_id else ""}
        for entry in page
    ]
    return render(request, "organization/cadre_history.html", {"cadre": cadre, "page_obj": page, "rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def cadre_logins(request):
    """Create logins for a unit's cadres who have none; the answer to the POST is the slips PDF,
    the only copy of the one-time passwords (never stored)."""
    if not (roles.is_administrator(request.user) or roles.is_unit_manager(request.user)):
        raise PermissionDenied
    data = request.POST if request.method == "POST" else (request.GET or None)
    form = CadreLoginsForm(data, units=units_for_logins(request.user))
    valid = form.is_valid()
    if form.asks_for_hidden_unit():
        raise Http404
    counts = None
    if valid:
        cadres = cadres_for_logins(user=request.user, unit=form.cleaned_data["unit"],
                                   include_subunits=form.cleaned_data["include_subunits"])
        if request.method == "POST":
            return _issue_logins(request, cadres, unit=form.cleaned_data["unit"], reissue=form.cleaned_data["reissue"])
        counts = login_counts(cadres)
    return render(request, "organization/cadre_logins.html", {"form": form, "counts": counts})


def _issue_logins(request, cadres, *, unit, reissue: bool):
    batch = accounts.cadre_logins_create(cadres=cadres, issued_by=request.user)
    issued = list(batch.issued)
    if reissue:
        already = {login.cadre_id for login in issued}
        issued += [login for login in accounts.one_time_passwords_reissue(
            cadres=cadres.exclude(pk__in=already), issued_by=request.user)]
        issued.sort(key=lambda login: login.unit_path)
    if batch.username_taken:
        messages.warning(request, _("No login was created for %(codes)s: the code is already someone's username.")
                         % {"codes": ", ".join(batch.username_taken)})
    if not issued:
        messages.info(request, _("Every working cadre of this unit already has a login: nothing was created."))
        return redirect(f"{request.path}?unit={unit.pk}&include_subunits=on")
    pdf = slips.login_slips_pdf(issued, login_url=slips.site_login_url(request))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="dang-nhap-{unit.code}-{timezone.localdate():%Y%m%d}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
