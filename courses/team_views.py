"""The manager's team view: a course × cadre progress matrix of the cadres a user follows up
(organization.selectors.cadres_followed_by: a manager's subtree, the whole province for the board and
administrators), its .xlsx export, bulk actions on the ticked cadres (assign, remind, set a due date;
managers and administrators only), and a cadre's training record. Views parse, call one service or
selector, and render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from organization import roles
from organization.selectors import cadres_editable_by, cadres_followed_by, units_visible_to

from . import exports, reminders, selectors, services
from .forms import TeamAction, TeamBulkForm, TeamFilterForm

TEAM_PAGE_SIZE = 50
EXPORT_CHUNK = 500


def _require_follower(user):
    """The team view is for unit managers, the board and administrators (403 for anyone else)."""
    if not (roles.is_unit_manager(user) or roles.is_board(user) or roles.is_administrator(user)):
        raise PermissionDenied


def _can_act(user) -> bool:
    """Bulk actions write: managers (their subtree) and administrators, not the board."""
    return roles.is_unit_manager(user) or roles.is_administrator(user)


def _filtered_team(request):
    """The filter form and the filtered cadres, as the page and the export share them. A unit outside
    the user's scope is answered with 404, never silently widened."""
    _require_follower(request.user)
    form = TeamFilterForm(request.GET or None, units=units_visible_to(request.user))
    valid = form.is_valid()
    if form.asks_for_hidden_unit():
        raise Http404
    filters = form.cleaned_filters() if valid else {}
    return form, filters, selectors.team_cadres(user=request.user, **filters)


@login_required
def team(request):
    form, filters, cadres = _filtered_team(request)
    page = Paginator(cadres, TEAM_PAGE_SIZE).get_page(request.GET.get("page"))
    matrix = selectors.team_matrix(cadres=list(page.object_list), course=filters.get("course"))
    query = request.GET.copy()
    query.pop("page", None)
    can_act = _can_act(request.user)
    return render(request, "courses/team.html", {
        "form": form, "page_obj": page, "matrix": matrix, "query": query.urlencode(),
        "full_query": request.GET.urlencode(), "can_act": can_act,
        "bulk_form": TeamBulkForm(initial={"query": request.GET.urlencode()}) if can_act else None,
    })


@login_required
def team_export(request):
    """The filtered matrix (every page) as .xlsx, in chunks of a fixed number of queries each."""
    _form, filters, cadres = _filtered_team(request)
    cadres = list(cadres)
    matrices = (selectors.team_matrix(cadres=cadres[start:start + EXPORT_CHUNK], course=filters.get("course"))
                for start in range(0, len(cadres), EXPORT_CHUNK))
    response = HttpResponse(exports.team_workbook(matrices), content_type=exports.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="dao-tao-can-bo-{timezone.localdate():%Y%m%d}.xlsx"'
    response["Cache-Control"] = "private, no-store"
    return response


def _back_to_team(query: str):
    url = reverse("team:team")
    return redirect(f"{url}?{query}" if query else url)


@login_required
@require_POST
def team_bulk(request):
    """Assign a course to, remind, or set a course's due date for the ticked cadres. Every cadre must be
    one the user may edit: a forged id outside their units refuses the whole action (nothing written)."""
    _require_follower(request.user)
    if not _can_act(request.user):
        raise PermissionDenied
    form = TeamBulkForm(request.POST, cadres=cadres_editable_by(request.user))
    query = request.POST.get("query", "")
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return _back_to_team(query)
    data = form.cleaned_data
    cadres = list(data["cadres"])
    try:
        if data["action"] == TeamAction.ASSIGN:
            _assign(request, data, cadres)
        elif data["action"] == TeamAction.REMIND:
            _remind(request, cadres)
        else:
            _set_due(request, data, cadres)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", None) or [str(error)]))
    return _back_to_team(query)


def _assign(request, data, cadres):
    course = data["course"]
    result = services.enrollment_assign(by=request.user, course=course, cadres=cadres, due_on=data["due_on"])
    messages.success(request, ngettext(
        "%(count)d cadre assigned “%(course)s”.", "%(count)d cadres assigned “%(course)s”.",
        len(result.created)) % {"count": len(result.created), "course": course.title})
    if result.already_enrolled or result.already_completed:
        messages.info(request, _(
            "Skipped: %(enrolled)d already enrolled, %(completed)d holding a valid completion."
        ) % {"enrolled": result.already_enrolled, "completed": result.already_completed})


def _remind(request, cadres):
    result = reminders.reminders_send_to(by=request.user, cadres=cadres, on=timezone.localdate())
    messages.success(request, ngettext("%(count)d cadre reminded.", "%(count)d cadres reminded.", result.sent)
                     % {"count": result.sent})
    if result.already_today or result.nothing_due or result.no_contact:
        messages.info(request, _(
            "Not reminded: %(today)d already reminded today, %(nothing)d with no training in progress, "
            "%(contact)d with neither a login nor an email."
        ) % {"today": result.already_today, "nothing": result.nothing_due, "contact": result.no_contact})


def _set_due(request, data, cadres):
    course = data["course"]
    result = services.enrollments_due_set(by=request.user, course=course, cadres=cadres, due_on=data["due_on"])
    messages.success(request, ngettext(
        "Due date of “%(course)s” set for %(count)d cadre.", "Due date of “%(course)s” set for %(count)d cadres.",
        result.changed) % {"count": result.changed, "course": course.title})
    if result.unchanged or result.not_enrolled:
        messages.info(request, _("Unchanged: %(same)d already due that day, %(not_enrolled)d not enrolled in it.")
                      % {"same": result.unchanged, "not_enrolled": result.not_enrolled})


@login_required
def cadre_record(request, pk: int):
    """A cadre's training record, for the managers of the cadre's units, the board and administrators:
    403 for anyone else, 404 for a cadre outside the viewer's scope."""
    _require_follower(request.user)
    cadre = get_object_or_404(cadres_followed_by(request.user).select_related("unit", "position"), pk=pk)
    context = selectors.training_record(cadre=cadre)
    context.update(cadre=cadre, can_act=_can_act(request.user),
                   team_query=urlencode({"q": cadre.code}))
    return render(request, "courses/cadre_record.html", context)
