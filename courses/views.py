"""Cadre-facing views ("My learning", enrolment, lesson progress, certificates, the catalogue, the
notification centre, the calendar feed, the logged-in cadre's home page), the manager's assignment
form and the public certificate verification page. Views parse, call one service or
selector, and render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from cms.routing import request_scope, site_for_request
from lms import private_files
from organization import roles
from organization.models import CadreStatus
from organization.selectors import cadres_editable_by, cadres_visible_to, units_editable_by

from . import calendar_feed, notifications, selectors, services
from . import catalogue as discovery
from .forms import AssignFilterForm, AssignForm, AssignTarget, CatalogueForm, SearchForm
from .models import Certificate, CoursePage, LessonPage

NOTICES_PAGE_SIZE = 20


def _cadre_or_404(request):
    cadre = selectors.cadre_of(request.user)
    if cadre is None:
        raise Http404(_("Your login is not linked to a cadre record."))
    return cadre


def _validation_message(error: ValidationError) -> str:
    return " ".join(error.messages)


@transaction.non_atomic_requests  # reads only: no transaction around it
@login_required
def my_learning(request):
    with request_scope():
        site_for_request(request)  # the page links find the site in the cache, not with a query
        cadre = selectors.cadre_of(request.user)
        if cadre is None:
            return render(request, "courses/my_learning.html", {"cadre": None,
                                                                 "catalogue": selectors.course_catalogue()})
        context = selectors.learning_overview(cadre=cadre)
        context["cadre"] = cadre
        return render(request, "courses/my_learning.html", context)


@require_GET
def search(request):
    form = SearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    return render(request, "courses/search.html",
                  {"form": form, "query": query, "results": selectors.search_learning_content(query)})


@login_required
@require_POST
def enrol(request, page_id: int):
    course = get_object_or_404(CoursePage.objects.live(), pk=page_id)
    cadre = _cadre_or_404(request)
    try:
        services.enrollment_self_create(cadre=cadre, course=course)
    except ValidationError as error:
        messages.error(request, _validation_message(error))
        return redirect(course.url)
    messages.success(request, _("You are enrolled in “%(course)s”.") % {"course": course.title})
    return redirect("courses:continue", page_id=course.pk)


@login_required
@require_GET
def continue_course(request, page_id: int):
    """Resume: the first lesson the cadre has not finished, in reading order."""
    course = get_object_or_404(CoursePage.objects.live(), pk=page_id)
    context = selectors.course_page_context(course=course, user=request.user)
    lesson = context.get("next_lesson")
    return redirect(lesson.url if lesson else course.url)


@login_required
@require_POST
def lesson_done(request, page_id: int):
    lesson = get_object_or_404(LessonPage.objects.live(), pk=page_id)
    cadre = _cadre_or_404(request)
    try:
        seconds = int(request.POST.get("seconds") or 0)
    except ValueError:
        seconds = 0
    try:
        _progress, completion = services.lesson_complete(cadre=cadre, lesson=lesson, seconds=seconds)
    except ValidationError as error:
        messages.error(request, _validation_message(error))
        return redirect(lesson.url)
    context = selectors.lesson_page_context(lesson=lesson, user=request.user)
    course = context["course"]
    if completion is not None:
        messages.success(
            request,
            _("Congratulations! You have completed “%(course)s”. Your certificate is in My learning.")
            % {"course": course.title},
        )
        return redirect(course.url)
    nxt = context.get("next_lesson")
    messages.success(request, _("Lesson marked as done."))
    return redirect(nxt.url if nxt else course.url)


@login_required
@require_POST
def lesson_activity(request, page_id: int):
    """Reading time and position, sent by the lesson page (navigator.sendBeacon)."""
    lesson = get_object_or_404(LessonPage.objects.live(), pk=page_id)
    cadre = _cadre_or_404(request)
    try:
        seconds = int(request.POST.get("seconds", "0"))
        position = int(request.POST.get("position", "0"))
    except ValueError:
        return HttpResponseBadRequest("seconds and position must be whole numbers")
    services.lesson_activity_record(cadre=cadre, lesson=lesson, seconds=seconds, position=position)
    return HttpResponse(status=204)


ASSIGN_PAGE_SIZE = 50


def _require_assigner(user):
    if not (roles.is_unit_manager(user) or roles.is_administrator(user)):
        raise PermissionDenied


def _assign_filters(request):
    """The list's filter form and the filtered assignable cadres; a unit outside the user's scope is 404."""
    form = AssignFilterForm(request.GET or None, units=units_editable_by(request.user))
    valid = form.is_valid()
    if form.asks_for_hidden_unit():
        raise Http404
    filters = form.cleaned_filters() if valid else {}
    return form, filters, selectors.assignable_cadres(user=request.user, **filters)


@login_required
def assign(request):
    """Choose cadres from the filtered list (or a unit/position rule) and assign them a course; the
    live count (assign_preview) says whom it will reach. Nothing is written unless the whole form is valid."""
    user = request.user
    _require_assigner(user)
    filter_form, filters, cadres = _assign_filters(request)
    editable = cadres_editable_by(user)
    initial = {"unit": filters.get("unit"), "position": filters.get("position")}
    if request.GET.get("course"):
        initial["course"] = request.GET["course"]
    form = AssignForm(request.POST or None, initial=initial, units=units_editable_by(user),
                      cadres=editable.filter(status=CadreStatus.ACTIVE))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = services.enrollment_assign(by=user, course=data["course"], due_on=data["due_on"],
                                                **form.assignment())
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, " ".join(getattr(error, "messages", None) or [str(error)]))
        else:
            messages.success(request, ngettext(
                "%(count)d cadre assigned “%(course)s”.", "%(count)d cadres assigned “%(course)s”.",
                len(result.created)) % {"count": len(result.created), "course": data["course"].title})
            if result.already_enrolled or result.already_completed:
                messages.info(request, _(
                    "Skipped: %(enrolled)d already enrolled, %(completed)d holding a valid completion."
                ) % {"enrolled": result.already_enrolled, "completed": result.already_completed})
            return redirect(f"{reverse('team:team')}?{urlencode({'course': data['course'].pk})}")
    page = Paginator(cadres, ASSIGN_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    ticked = {str(pk) for pk in request.POST.getlist("cadres")}
    return render(request, "courses/assign.html", {
        "filter_form": filter_form, "form": form, "page_obj": page, "query": query.urlencode(),
        "full_query": request.GET.urlencode(), "ticked": ticked,
        "preview": _preview(request, form.data if form.is_bound else {}, initial),
    })


def _preview(request, data, initial=None) -> dict:
    """Whom the assign form, as filled in `data`, would reach (the fragment's context)."""
    initial = initial or {}
    form = AssignForm(data or None, units=units_editable_by(request.user),
                      cadres=cadres_editable_by(request.user).filter(status=CadreStatus.ACTIVE))
    form.is_valid()  # partial data is expected while the form is being filled in: read what is clean
    clean = getattr(form, "cleaned_data", {})
    course = clean.get("course") or (CoursePage.objects.live().filter(pk=initial["course"]).first()
                                     if str(initial.get("course", "")).isdigit() else None)
    target = clean.get("target") or AssignTarget.TICKED
    if "cadres" in form.errors:
        return {"error": form.errors["cadres"][0]}
    if target == AssignTarget.TICKED:
        chosen = clean.get("cadres")
        if not chosen:
            return {"course": course, "target": target, "preview": None}
        targets = cadres_editable_by(request.user).filter(pk__in=[c.pk for c in chosen])
    else:
        unit, position = clean.get("unit") or initial.get("unit"), clean.get("position") or initial.get("position")
        if not (unit or position):
            return {"course": course, "target": target, "preview": None}
        targets = selectors.assignable_cadres(user=request.user, unit=unit, position=position)
    return {"course": course, "target": target,
            "preview": selectors.assignment_preview(targets=targets, course=course)}


@login_required
@require_GET
def assign_preview(request):
    """The live count of the assign page (htmx fragment): who will be assigned, who already is."""
    _require_assigner(request.user)
    return render(request, "courses/includes/assign_preview.html", _preview(request, request.GET))


@login_required
def certificate_pdf(request, pk: int):
    certificate = get_object_or_404(Certificate.objects.select_related("completion"), pk=pk)
    if not cadres_visible_to(request.user).filter(pk=certificate.completion.cadre_id).exists():
        raise Http404
    if not certificate.file:
        certificate = services.certificate_render(certificate=certificate)
    return private_files.serve(request, certificate.file, filename=certificate.private_download_name("file"),
                               inline=True)


@require_GET
def verify(request, code: str):
    """Public: only the name, course, date and validity of a certificate — nothing else."""
    certificate = selectors.certificate_for_code(code)
    if certificate is None:
        return render(request, "courses/verify.html", {"code": code, "certificate": None}, status=404)
    completion = certificate.completion
    today = timezone.localdate()
    expired = completion.expires_on is not None and completion.expires_on < today
    return render(request, "courses/verify.html",
                  {"code": code, "certificate": certificate, "expires_on": completion.expires_on, "expired": expired})


# --- Discovery: the catalogue, the notification centre, the calendar feed, the cadre's home page ------------


@require_GET
def catalogue(request):
    """Every live course by curriculum, with filters; open to everyone (course pages are public), with
    "required for me", enrolment and completion for a cadre."""
    cadre = selectors.cadre_of(request.user)
    curricula = list(discovery.catalogue_curricula())
    form = CatalogueForm(request.GET or None, curricula=curricula,
                         competencies=list(discovery.catalogue_competencies()))
    filters = form.filters() if request.GET else {}
    page_obj, entries = discovery.catalogue(cadre=cadre, filters=filters, curricula=curricula,
                                            page=request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "courses/catalogue.html", {
        "form": form, "cadre": cadre, "page_obj": page_obj, "entries": entries, "query": query.urlencode(),
        "filtered": any(filters.values()),
    })


@login_required
@require_GET
def notices(request):
    """The notification centre: the user's own notices, unread first, 20 a page. Reading the page
    marks nothing read: the buttons do (POST)."""
    page_obj = Paginator(notifications.notices_of(request.user), NOTICES_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "courses/notices.html", {"page_obj": page_obj, "notices": page_obj.object_list})


def _back_to_notices(request):
    page = request.POST.get("page", "")
    url = reverse("courses:notices")
    return redirect(f"{url}?page={page}" if page.isdigit() else url)


@login_required
@require_POST
def notice_read(request, pk: int):
    """Mark one of the user's notices read; with open=1, then go where it points. Another user's
    notice answers 404."""
    try:
        notice = notifications.notice_mark_read(by=request.user, notice_id=pk)
    except ObjectDoesNotExist:
        raise Http404 from None
    if request.POST.get("open") and notice.url and url_has_allowed_host_and_scheme(
            notice.url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(notice.url)
    return _back_to_notices(request)


@login_required
@require_POST
def notices_read_all(request):
    count = notifications.notices_mark_all_read(by=request.user)
    messages.success(request, ngettext("%(count)d notice marked read.", "%(count)d notices marked read.", count)
                     % {"count": count})
    return _back_to_notices(request)


def _feed_urls(request, token: str) -> dict:
    https = request.build_absolute_uri(reverse("courses:calendar_feed", args=[token]))
    return {"https": https, "webcal": "webcal://" + https.split("://", 1)[1]}


@login_required
@require_GET
def calendar(request):
    """The cadre's due dates, and the private address of their calendar feed to subscribe to."""
    cadre = _cadre_or_404(request)
    feed = calendar_feed.calendar_feed_of(cadre=cadre)
    return render(request, "courses/calendar.html", {
        "cadre": cadre, "enrollments": calendar_feed.due_enrollments(cadre=cadre), "today": timezone.localdate(),
        "urls": _feed_urls(request, feed.token),
    })


@login_required
@require_POST
def calendar_regenerate(request):
    cadre = _cadre_or_404(request)
    calendar_feed.calendar_feed_regenerate(cadre=cadre)
    messages.success(request, _("Your calendar has a new address: subscribe again with it. The old address no "
                                "longer works."))
    return redirect("courses:calendar")


@require_GET
def calendar_feed_ics(request, token: str):
    """The feed itself, for calendar applications (no login: the token is the key)."""
    cadre = calendar_feed.cadre_for_token(token)
    if cadre is None:
        raise Http404
    body = calendar_feed.feed_ics(cadre=cadre, enrollments=calendar_feed.due_enrollments(cadre=cadre),
                                  base_url=f"{request.scheme}://{request.get_host()}", host=request.get_host())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="ktlearn.ics"'
    response["Cache-Control"] = "private, max-age=900"
    response["X-Robots-Tag"] = "noindex"
    return response


def cadre_home(request, page):
    """The home page for a logged-in cadre (served instead of the public one by the before_serve_page
    hook in wagtail_hooks.py): what is due first, then what to continue, then the latest notices."""
    cadre = selectors.cadre_of(request.user)
    home = discovery.cadre_home(cadre=cadre, user=request.user)
    return render(request, "courses/cadre_home.html", {"page": page, "self": page, "cadre": cadre, "home": home})



# --- Documents to study (quán triệt) -----------------------------------------------------------------


@transaction.non_atomic_requests  # reads only
@login_required
def study_list(request):
    """The cadre's documents to study (“Văn bản cần nghiên cứu”), with their status and due date."""
    cadre = _cadre_or_404(request)
    return render(request, "courses/study_list.html", {
        "cadre": cadre, "assignments": list(selectors.study_assignments_of(cadre)), "today": timezone.localdate()})


def _own_assignment_or_404(cadre, pk):
    try:
        return selectors.study_assignment_of(cadre=cadre, pk=pk)
    except ObjectDoesNotExist:
        raise Http404 from None


@login_required
def study_detail(request, pk: int):
    """One document to study: its summary, its file, the lesson, the quiz and the confirm button."""
    cadre = _cadre_or_404(request)
    assignment = _own_assignment_or_404(cadre, pk)
    context = selectors.study_page_context(cadre=cadre, assignment=assignment)
    context.update({"cadre": cadre, "today": timezone.localdate()})
    return render(request, "courses/study_detail.html", context)


@login_required
@require_POST
def study_confirm(request, pk: int):
    """“Tôi đã nghiên cứu”: the cadre confirms one of their own documents (idempotent)."""
    cadre = _cadre_or_404(request)
    try:
        services.study_acknowledge(cadre=cadre, assignment_id=pk)
    except ObjectDoesNotExist:
        raise Http404 from None
    except ValidationError as error:
        messages.error(request, _validation_message(error))
        return redirect("courses:study_detail", pk=pk)
    messages.success(request, _("Thank you: your study of the document is recorded."))
    return redirect("courses:study_detail", pk=pk)
