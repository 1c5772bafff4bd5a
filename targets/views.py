"""The board's dashboard, missing lists, newly elected members and reports. Views parse, call one
selector or service, and render. Every unit comes through organization.selectors.units_visible_to:
a unit outside the user's subtree is answered with 404, whatever the URL."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from courses.exports import plan_workbook
from courses.models import PLAN_YEARS
from courses.selectors import plan_progress, plans_visible_to
from lms import private_files
from lms.spreadsheets import XLSX_CONTENT_TYPE
from organization import roles
from organization.models import Unit, UnitKind
from organization.selectors import units_visible_to

from .figures import figures_current
from .forms import DashboardFilterForm, ReportRequestForm, ReportScheduleForm
from .freshness import figures_want
from .models import BoardJob, CadreState, FigureSet, JobKind, ReportPeriod, ReportSchedule, Target
from .records import record_kind, records_cadres, records_csv, records_csv_zip, records_workbook
from .reports import report_workbook_committees, report_workbook_missing
from .selectors import (
    committees_missing_in_set,
    dashboard_data,
    dashboard_top_unit,
    missing_in_set,
    newly_elected_due,
)
from .services import board_job_request, report_schedule_set

UNITS_PER_PAGE = 100


MISSING_PER_PAGE = 50


MISSING_PREVIEW = 15


NEWLY_ELECTED_SHOWN = 20


def _require_board_role(user):
    if not (roles.is_board(user) or roles.is_administrator(user) or roles.is_unit_manager(user)):
        raise PermissionDenied


class Scope:
    """What the request asks for (target, unit, date, kind), checked against the user's subtree."""

    def __init__(self, request, *, source=None):
        _require_board_role(request.user)
        source = source if source is not None else request.GET
        self.form = DashboardFilterForm(source or None)
        self.form.is_valid()
        data = getattr(self.form, "cleaned_data", {})
        self.top = dashboard_top_unit(request.user)
        if self.top is None:
            raise PermissionDenied
        unit_id = source.get("unit")
        if unit_id:
            if not str(unit_id).isdigit():
                raise Http404
            self.unit = get_object_or_404(units_visible_to(request.user), pk=unit_id)
        else:
            self.unit = self.top
        self.target = data.get("target") or self.form.fields["target"].queryset.first()
        if source.get("target") and not data.get("target"):
            raise Http404
        self.on = data.get("on") or timezone.localdate()
        self.kind = data.get("kind") or ""
        self._figures = {}

    def figures(self, target=None):
        """The stored figures every part of the page reads (one set per target and date)."""
        target = target or self.target
        if target.pk not in self._figures:
            figure_set = figures_current(target=target, on=self.on)
            figures_want(figure_set)
            self._figures[target.pk] = figure_set
        return self._figures[target.pk]

    def query(self, **overrides) -> str:
        values = {"target": self.target.pk if self.target else "", "unit": self.unit.pk,
                  "on": self.on.isoformat() if self.on != timezone.localdate() else "", "kind": self.kind}
        values.update(overrides)
        return urlencode({k: v for k, v in values.items() if v not in ("", None)})

    def breadcrumbs(self) -> list[tuple[Unit, str]]:
        """The unit's ancestors down from the user's top unit, each with its dashboard link."""
        units = [self.unit]
        if self.unit.pk != self.top.pk:
            units = [a for a in self.unit.get_ancestors() if a.path.startswith(self.top.path)] + units
        base = reverse("targets:dashboard")
        return [(u, f"{base}?{self.query(unit=u.pk, kind='')}") for u in units]


@login_required
def dashboard(request):
    scope = Scope(request)
    context = {"scope": scope, "form": scope.form, "unit": scope.unit, "target": scope.target,
               "breadcrumbs": scope.breadcrumbs(), "kinds": UnitKind}
    if scope.target is None:
        return render(request, "targets/dashboard.html", context)
    page_number = request.GET.get("page") or "1"
    page_number = int(page_number) if page_number.isdigit() and int(page_number) > 0 else 1
    data = dashboard_data(target=scope.target, unit=scope.unit, on=scope.on, kind=scope.kind,
                          limit=UNITS_PER_PAGE, offset=(page_number - 1) * UNITS_PER_PAGE,
                          figure_set=scope.figures())
    pages = max(1, -(-data.units_count // UNITS_PER_PAGE))
    chart = {
        "labels": [row.unit.name for row in data.units],
        "percent": [row.percent for row in data.units],
        "forecast": [] if data.final else [
            None if row.forecast_percent is None else round(row.forecast_percent, 1) for row in data.units],
        "goal": scope.target.goal_percent,
        "trend": _trend_series(data, scope.target),
        "strings": {"percent": _("Met (%)"), "goal": _("Goal"), "forecast": _("Forecast")},
    }
    newly_elected = Target.objects.filter(is_active=True, newly_elected_deadline_days__isnull=False).first()
    context.update({
        "data": data, "chart": chart, "page_number": page_number, "pages": pages,
        "query": scope.query(), "drill_query": scope.query(unit="", kind=""), "newly_elected_target": newly_elected,
        "missing_count": data.missing_count, "figure_set": data.figure_set,
        "jobs": BoardJob.objects.filter(requested_by=request.user, kind=JobKind.SNAPSHOT,
                                        status__in=["pending", "running"]).order_by("-id")[:1],
    })
    return render(request, "targets/dashboard.html", context)


def _trend_series(data, target: Target) -> dict:
    """The unit's percentage per snapshot, and a dashed forecast from the last one to the period's end."""
    labels = [point["taken_on"].strftime("%d/%m/%Y") for point in data.trend]
    percent = [round(100 * p["met"] / p["population"], 1) if p["population"] else None for p in data.trend]
    forecast = [None] * len(labels)
    total = data.total
    if total is not None and total.forecast_percent is not None and data.taken_on < target.period_end and labels:
        forecast[-1] = percent[-1]
        labels.append(target.period_end.strftime("%d/%m/%Y"))
        percent.append(None)
        forecast.append(round(total.forecast_percent, 1))
    return {"labels": labels, "percent": percent, "forecast": forecast}


@login_required
def missing(request):
    """The named cadres who do not meet the target under a unit, with the reasons. Computed live
    for the date asked; `fragment=1` gives the first rows for the dashboard."""
    scope = Scope(request)
    if scope.target is None:
        raise Http404
    state = CadreState.IN_TIME if request.GET.get("state") == CadreState.IN_TIME else CadreState.NOT_MET
    figure_set = scope.figures()
    if scope.target.counts_committees:  # the committees not met, each with its reasons
        state = CadreState.NOT_MET
        missing_list = committees_missing_in_set(figure_set=figure_set, unit=scope.unit)
    else:
        missing_list = missing_in_set(figure_set=figure_set, unit=scope.unit, state=state)
    table = "targets/includes/committee_table.html" if scope.target.counts_committees else (
        "targets/includes/missing_table.html")
    if request.GET.get("fragment"):
        return render(request, table, {
            "rows": missing_list[:MISSING_PREVIEW], "total": missing_list.count(), "scope": scope,
            "preview": True, "query": scope.query(), "figure_set": figure_set, "state": state,
        })
    page = Paginator(missing_list, MISSING_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "targets/missing.html", {
        "scope": scope, "page_obj": page, "rows": page.object_list, "total": missing_list.count(),
        "query": scope.query(), "breadcrumbs": scope.breadcrumbs(), "figure_set": figure_set, "state": state,
        "final": scope.target.has_ended(figure_set.on), "table": table,
    })


@login_required
def missing_export(request):
    scope = Scope(request)
    if scope.target is None:
        raise Http404
    figure_set = scope.figures()
    if scope.target.counts_committees:
        book = report_workbook_committees(target=scope.target, unit=scope.unit, on=figure_set.on,
                                          rows=list(committees_missing_in_set(figure_set=figure_set, unit=scope.unit)))
    else:
        book = report_workbook_missing(target=scope.target, unit=scope.unit, on=figure_set.on,
                                       rows=list(missing_in_set(figure_set=figure_set, unit=scope.unit)))
    response = HttpResponse(
        book,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"chua-dat-{scope.target.code}-{scope.unit.code}-{figure_set.on:%Y%m%d}.xlsx".lower()
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _plan_scope(request) -> tuple[Unit, int]:
    """The unit (the user's top unit, or ?unit= inside their subtree, else 404) and year (?year=, this
    year by default; out of range: 404) of the plan-vs-done page."""
    _require_board_role(request.user)
    top = dashboard_top_unit(request.user)
    if top is None:
        raise PermissionDenied
    unit_id = request.GET.get("unit")
    if unit_id:
        if not str(unit_id).isdigit():
            raise Http404
        unit = get_object_or_404(units_visible_to(request.user), pk=unit_id)
    else:
        unit = top
    year = request.GET.get("year") or str(timezone.localdate().year)
    if not year.isdigit() or not PLAN_YEARS[0] <= int(year) <= PLAN_YEARS[1]:
        raise Http404
    return unit, int(year)


@login_required
def plans(request):
    """Plan vs done for the user's unit (or one below it) and a year: every plan item of the subtree
    with its figures, and the roll-up per course (courses.selectors.plan_progress)."""
    unit, year = _plan_scope(request)
    progress = plan_progress(unit=unit, year=year, plans=plans_visible_to(request.user))
    return render(request, "targets/plans.html", {
        "progress": progress, "unit": unit, "year": year, "years": range(year - 2, year + 2),
        "query": urlencode({"unit": unit.pk, "year": year}),
    })


@login_required
def plans_export(request):
    unit, year = _plan_scope(request)
    progress = plan_progress(unit=unit, year=year, plans=plans_visible_to(request.user))
    response = HttpResponse(plan_workbook(progress), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="ke-hoach-dao-tao-{slugify(unit.code)}-{year}.xlsx"'
    return response


@login_required
def newly_elected(request):
    """Newly elected members under the unit whose training deadline is near or past (fragment)."""
    scope = Scope(request)
    target = Target.objects.filter(is_active=True, newly_elected_deadline_days__isnull=False).first()
    rows = newly_elected_due(target=target, unit=scope.unit, on=scope.on,
                             figure_set=scope.figures(target)) if target else []
    return render(request, "targets/includes/newly_elected.html", {
        "rows": rows[:NEWLY_ELECTED_SHOWN], "total": len(rows), "target": target, "scope": scope, "on": scope.on,
        "missing_query": scope.query(target=target.pk) if target else "",
    })


@login_required
@require_POST
def job_request(request):
    scope = Scope(request, source=request.POST)
    kind = request.POST.get("kind", "")
    if scope.target is None:
        raise Http404
    on, period = timezone.localdate(), ReportPeriod.CUSTOM
    if kind == JobKind.REPORT:
        form = ReportRequestForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
            return redirect(f"{reverse('targets:reports')}?{scope.query()}")
        on, period = form.cleaned_data["on"], form.cleaned_data["period"]
    try:
        job = board_job_request(by=request.user, kind=kind, target=scope.target, unit=scope.unit, on=on,
                                period=period)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(f"{reverse('targets:dashboard')}?{scope.query()}")
    if kind == JobKind.REPORT:
        messages.info(request, _("The report is being prepared; it will be listed here when ready."))
        return redirect(f"{reverse('targets:reports')}?{scope.query()}")
    messages.info(request, _("The numbers are being recomputed."))
    return redirect(f"{reverse('targets:dashboard')}?{scope.query(job=job.pk)}")


def _jobs_visible_to(user):
    return BoardJob.objects.filter(unit__in=units_visible_to(user))


@login_required
def figures_status(request, pk):
    """Polled while a page shows stale figures: 'recomputing…' until the set is fresh, then the page
    reloads (HX-Refresh) to show the new figures together."""
    _require_board_role(request.user)
    figure_set = get_object_or_404(FigureSet.objects.select_related("target"), pk=pk)
    if not figure_set.is_stale:
        response = HttpResponse("")
        response["HX-Refresh"] = "true"
        return response
    return render(request, "targets/includes/figures_status.html", {"figure_set": figure_set})


@login_required
def job_status(request, pk):
    _require_board_role(request.user)
    job = get_object_or_404(_jobs_visible_to(request.user).select_related("target", "unit"), pk=pk)
    return render(request, "targets/includes/job_status.html", {"job": job})


@login_required
def reports(request):
    scope = Scope(request)
    jobs = (
        _jobs_visible_to(request.user).filter(kind=JobKind.REPORT, unit__path__startswith=scope.unit.path)
        .select_related("target", "unit", "requested_by").order_by("-created_at", "-id")
    )
    page = Paginator(jobs, 20).get_page(request.GET.get("page"))
    schedules = ReportSchedule.objects.filter(unit__in=units_visible_to(request.user)).select_related(
        "target", "unit").order_by("target__name", "unit__path", "frequency", "custom_on")
    return render(request, "targets/reports.html", {
        "scope": scope, "page_obj": page, "request_form": ReportRequestForm(initial={"on": scope.on}),
        "schedule_form": ReportScheduleForm(), "schedules": schedules, "query": scope.query(),
        "breadcrumbs": scope.breadcrumbs(),
    })


@login_required
@require_POST
def report_schedule(request):
    scope = Scope(request, source=request.POST)
    form = ReportScheduleForm(request.POST)
    if scope.target is None:
        raise Http404
    if form.is_valid():
        try:
            report_schedule_set(by=request.user, target=scope.target, unit=scope.unit,
                                frequency=form.cleaned_data["frequency"],
                                day_of_month=form.cleaned_data["day_of_month"] or 1,
                                custom_on=form.cleaned_data["custom_on"],
                                is_active=form.cleaned_data["is_active"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The periodic report is scheduled."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(f"{reverse('targets:reports')}?{scope.query()}")


@login_required
def records_export(request):
    """Every learning record of one unit subtree, for a manager (own subtree: 404 outside it) or the board.
    `format=xlsx` (default): one sheet per kind; `format=csv`: a zip of one csv per kind, or with
    `sheet=<kind>` (enrollments, lesson_progress, completions, sittings, answers, certificates, evidence)
    that one csv. Personal data: an attachment the browser and proxies must not keep."""
    scope = Scope(request)
    fmt = request.GET.get("format") or "xlsx"
    sheet = request.GET.get("sheet") or ""
    kind = record_kind(sheet) if sheet else None
    if fmt not in ("xlsx", "csv") or (sheet and (kind is None or fmt != "csv")):
        raise Http404
    cadres = records_cadres(user=request.user, unit=scope.unit)
    stem = f"ho-so-hoc-tap-{slugify(scope.unit.code)}-{timezone.localdate():%Y%m%d}"
    if fmt == "xlsx":
        response = HttpResponse(records_workbook(cadres), content_type=XLSX_CONTENT_TYPE)
        name = f"{stem}.xlsx"
    elif kind is not None:
        response = HttpResponse(records_csv(kind, cadres), content_type="text/csv; charset=utf-8")
        name = f"{stem}-{kind.key}.csv"
    else:
        response = HttpResponse(records_csv_zip(cadres), content_type="application/zip")
        name = f"{stem}-csv.zip"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def report_download(request, pk, fmt):
    _require_board_role(request.user)
    job = get_object_or_404(_jobs_visible_to(request.user).filter(kind=JobKind.REPORT), pk=pk)
    file = job.xlsx if fmt == "xlsx" else job.pdf if fmt == "pdf" else None
    if not file:
        raise Http404
    return private_files.serve(request, file, filename=job.private_download_name(fmt))

