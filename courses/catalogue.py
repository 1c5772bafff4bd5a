"""Reads for a cadre's discovery pages: the course catalogue (/learn/catalogue/) and the logged-in
cadre's home page (what is due first). Each runs a fixed number of queries, however many courses,
enrolments and notices there are."""

import datetime
import re
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from competency.models import Competency
from organization.models import Cadre

from .models import (
    Completion,
    CourseCompetency,
    CoursePage,
    CurriculumPage,
    Enrollment,
    EnrollmentSource,
    EnrollmentStatus,
    Notice,
)
from .notifications import DUE_SOON_DAYS
from .selectors import STEPLEN, CourseProgress, _required_done_counts, _required_lesson_counts, valid_completion_q

CATALOGUE_PAGE_SIZE = 12
HOME_NOTICES = 5


def _today() -> datetime.date:
    return timezone.localdate()


def catalogue_curricula() -> QuerySet[CurriculumPage]:
    return CurriculumPage.objects.live().order_by("path")


def catalogue_competencies() -> QuerySet[Competency]:
    """The competencies some live course builds (the catalogue's competency filter)."""
    built = CourseCompetency.objects.filter(competency=OuterRef("pk"), course__live=True)
    return Competency.objects.filter(Exists(built)).order_by("code", "name")


def courses_required_for(cadre: Cadre) -> set[int]:
    """Ids of the courses required of the cadre: the live mandatory courses of their position and unit
    kind, and the courses a manager or a rule enrolled them in (active). Two queries."""
    required = set(
        Enrollment.objects.filter(cadre=cadre, status=EnrollmentStatus.ACTIVE)
        .exclude(source=EnrollmentSource.SELF).values_list("course_id", flat=True)
    )
    if cadre.position_id:
        links = CoursePage.target_positions.through.objects.filter(
            position_id=cadre.position_id, coursepage__live=True, coursepage__mandatory=True,
        ).values_list("coursepage_id", "coursepage__target_unit_kinds")
        kind = cadre.unit.kind
        required |= {course_id for course_id, kinds in links if not kinds or kind in kinds}
    return required


def _search_ids(query: str) -> Q:
    """Courses matching the words of the query: Wagtail's search (title, summary, description…), or
    the title or code containing the query as typed (a code such as KT-01 is not a word)."""
    words = " ".join(re.findall(r"\w+", query))
    condition = Q(title__icontains=query) | Q(code__iexact=query)
    if words:
        ids = [page.pk for page in CoursePage.objects.live().search(words)[:500]]
        condition |= Q(pk__in=ids)
    return condition


@dataclass
class CatalogueEntry:
    course: CoursePage
    curriculum: CurriculumPage | None
    competencies: list = field(default_factory=list)
    required: bool = False
    enrollment: Enrollment | None = None
    completed_on: datetime.date | None = None


def catalogue(*, cadre: Cadre | None, filters: dict, curricula: list[CurriculumPage], page: str | int | None = 1,
              today: datetime.date | None = None):
    """One page of the catalogue: live courses in the curricula's order (`curricula`: the live ones,
    catalogue_curricula()), filtered (`filters` from forms.CatalogueForm.filters). Returns (page_obj,
    entries). For a cadre, each entry says whether the course is required of them, their active
    enrolment and their valid completion."""
    today = today or _today()
    courses = CoursePage.objects.live().order_by("path")
    if filters.get("q"):
        courses = courses.filter(_search_ids(filters["q"]))
    curriculum = filters.get("curriculum")
    if curriculum is not None:
        courses = courses.filter(path__startswith=curriculum.path, depth=curriculum.depth + 1)
    competency = filters.get("competency")
    if competency is not None:
        courses = courses.filter(Exists(CourseCompetency.objects.filter(course=OuterRef("pk"), competency=competency)))
    hours = filters.get("hours")
    if hours:
        low, high = hours
        if low is not None:
            courses = courses.filter(hours__gt=low)
        if high is not None:
            courses = courses.filter(hours__lte=high)
    required = courses_required_for(cadre) if cadre is not None else set()
    if filters.get("required"):
        courses = courses.filter(pk__in=required) if cadre is not None else courses.none()
    page_obj = Paginator(courses, CATALOGUE_PAGE_SIZE).get_page(page)
    items = list(page_obj.object_list)
    by_path = {c.path: c for c in curricula}
    ids = [c.pk for c in items]
    links: dict[int, list] = {}
    for link in CourseCompetency.objects.filter(course_id__in=ids).select_related("competency").order_by(
            "course_id", "sort_order"):
        links.setdefault(link.course_id, []).append(link)
    enrolled, completed = {}, {}
    if cadre is not None and ids:
        enrolled = {e.course_id: e for e in Enrollment.objects.filter(
            cadre=cadre, course_id__in=ids, status=EnrollmentStatus.ACTIVE)}
        completed = dict(Completion.objects.filter(valid_completion_q(today), cadre=cadre, course_id__in=ids)
                         .order_by("course_id", "completed_on").values_list("course_id", "completed_on"))
    entries = [
        CatalogueEntry(course=c, curriculum=by_path.get(c.path[:-STEPLEN]), competencies=links.get(c.pk, []),
                       required=c.pk in required, enrollment=enrolled.get(c.pk), completed_on=completed.get(c.pk))
        for c in items
    ]
    return page_obj, entries


# --- The logged-in cadre's home page ------------------------------------------------------------------------


@dataclass
class CadreHome:
    overdue: list
    due_soon: list
    continuing: list
    notices: list
    today: datetime.date


def cadre_home(*, cadre: Cadre, user, today: datetime.date | None = None) -> CadreHome:
    """What the cadre's home page starts with: overdue enrolments (longest overdue first), those due
    within two weeks (soonest first), the other courses to continue, then the latest notices (unread
    first). Four queries."""
    today = today or _today()
    enrollments = list(
        Enrollment.objects.filter(cadre=cadre, status=EnrollmentStatus.ACTIVE).select_related("course")
        .order_by(F("due_on").asc(nulls_last=True), "created_at")
    )
    totals = _required_lesson_counts([e.course.path for e in enrollments])
    done = _required_done_counts(cadre, [e.course_id for e in enrollments])
    horizon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    overdue, due_soon, continuing = [], [], []
    for enrollment in enrollments:
        enrollment.progress = CourseProgress(required_total=totals.get(enrollment.course.path, 0),
                                             required_done=done.get(enrollment.course_id, 0))
        enrollment.overdue = enrollment.is_overdue(today)
        enrollment.days_left = (enrollment.due_on - today).days if enrollment.due_on else None
        if enrollment.overdue:
            enrollment.days_overdue = -enrollment.days_left
            overdue.append(enrollment)
        elif enrollment.due_on is not None and enrollment.due_on <= horizon:
            due_soon.append(enrollment)
        else:
            continuing.append(enrollment)
    notices = list(Notice.objects.filter(user=user).order_by(F("read_at").asc(nulls_first=True), "-created_at",
                                                              "-id")[:HOME_NOTICES])
    return CadreHome(overdue=overdue, due_soon=due_soon, continuing=continuing, notices=notices, today=today)
