"""Reads for courses and the learning record. Every page-level selector runs a fixed number of
queries, however many courses, modules and lessons there are."""

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, F, Func, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Greatest, Substr
from django.utils import timezone
from wagtail.models import Page

from assessments.selectors import passed_quiz_ids, results_of_cadre
from competency.models import Evidence
from lms.audit import AuditScope, entries_about
from lms.queries import unique_row
from organization import roles
from organization.models import Cadre, CadreStatus, Unit
from organization.selectors import (
    cadre_for_user,
    cadres_editable_by,
    cadres_followed_by,
    cadres_visible_to,
    managed_unit,
    units_editable_by,
)

from .models import (
    Certificate,
    Completion,
    CourseCompetency,
    CoursePage,
    Enrollment,
    EnrollmentSource,
    EnrollmentStatus,
    ExternalTraining,
    LessonPage,
    LessonProgress,
    ModulePage,
    PlanItem,
    RegulationStudy,
    StudyAssignment,
    TrainingClass,
    TrainingPlan,
    TrainingProvider,
)

STEPLEN = Page.steplen


def _today() -> datetime.date:
    return timezone.localdate()


def cadre_of(user) -> Cadre | None:
    """The user's cadre record, fetched once per request."""
    if not user.is_authenticated:
        return None
    cached = getattr(user, "_ktlearn_cadre", False)
    if cached is False:
        cached = cadre_for_user(user)
        user._ktlearn_cadre = cached
    return cached


def course_lessons(course: CoursePage) -> QuerySet[LessonPage]:
    """The course's live lessons in reading order (without their content)."""
    return LessonPage.objects.live().descendant_of(course).defer_streamfields().order_by("path")


def course_of_lesson(lesson: Page) -> CoursePage | None:
    """The course a lesson belongs to (lesson → module → course)."""
    return CoursePage.objects.filter(path=lesson.path[: STEPLEN * (lesson.depth - 2)]).first()


def valid_completion_q(on: datetime.date) -> Q:
    return Q(completed_on__lte=on) & (Q(expires_on__isnull=True) | Q(expires_on__gte=on))


def valid_completion(*, cadre: Cadre, course: CoursePage, on: datetime.date | None = None) -> Completion | None:
    on = on or _today()
    return Completion.objects.filter(valid_completion_q(on), cadre=cadre, course=course).order_by(
        "-completed_on").first()


def active_enrollment(*, cadre: Cadre, course: CoursePage) -> Enrollment | None:
    return unique_row(Enrollment.objects.filter(cadre=cadre, course=course, status=EnrollmentStatus.ACTIVE))


def prerequisites_missing(*, cadre: Cadre, course: CoursePage, on: datetime.date | None = None) -> list[CoursePage]:
    """Prerequisite courses the cadre has no valid completion of (two queries)."""
    on = on or _today()
    prerequisites = list(course.prerequisites.all().order_by("path"))
    if not prerequisites:
        return []
    done = set(
        Completion.objects.filter(valid_completion_q(on), cadre=cadre, course__in=prerequisites)
        .values_list("course_id", flat=True)
    )
    return [prerequisite for prerequisite in prerequisites if prerequisite.pk not in done]


@dataclass
class OutlineModule:
    module: ModulePage
    lessons: list = field(default_factory=list)


@dataclass
class CourseProgress:
    required_total: int = 0
    required_done: int = 0
    lessons_done: int = 0
    seconds_spent: int = 0

    @property
    def percent(self) -> int:
        if not self.required_total:
            return 0
        return round(100 * self.required_done / self.required_total)


@dataclass(eq=False)
class OutlinePage:
    """A page of a course's outline, built from a values() row (no query, no model instance):
    its title, URL and place in the tree; lessons also say whether they are required and how long."""

    id: int
    title: str
    url: str
    path: str
    depth: int
    required: bool = True
    estimated_minutes: int = 0

    @property
    def pk(self) -> int:
        return self.id


def _light(row: dict, urls: dict) -> OutlinePage:
    return OutlinePage(id=row["id"], title=row["title"], url=urls.get(row["id"], ""), path=row["path"],
                       depth=row["depth"], required=bool(row.get("required")),
                       estimated_minutes=row.get("estimated_minutes") or 0)


def _page_urls(rows: list[dict]) -> dict[int, str]:
    """{page id: URL} as Wagtail's page.url gives it, from the url_paths and the cached site roots."""
    from django.urls import reverse

    from cms.routing import routing_table

    roots = sorted((site["root_url_path"] for site in routing_table()["sites"] if site["root_url_path"]),
                   key=len, reverse=True)
    urls = {}
    for row in rows:
        root = next((r for r in roots if row["url_path"].startswith(r)), None)
        if root is not None:
            urls[row["id"]] = reverse("wagtail_serve", args=(row["url_path"][len(root):],))
    return urls


_PAGE_VALUES = ("id", "title", "slug", "path", "depth", "url_path", "live", "content_type_id")


def _course_structure_build(course_path: str, course_depth: int) -> dict:
    """The course's parent, the course, its live modules and lessons, and its prerequisites: two queries."""
    parent_path = course_path[:-STEPLEN]
    below = Q(path__startswith=course_path, depth__in=(course_depth + 1, course_depth + 2), live=True)
    rows = list(
        Page.objects.filter(Q(path__in=[parent_path, course_path]) | below)
        .order_by("path")
        .values(*_PAGE_VALUES, required=F("lessonpage__required"),
                estimated_minutes=F("lessonpage__estimated_minutes"))
    )
    prerequisites = list(CoursePage.objects.filter(required_by__path=course_path).order_by("path")
                         .values(*_PAGE_VALUES))
    return {"rows": rows, "prerequisites": prerequisites}


@dataclass
class CourseStructure:
    """What every cadre sees the same in a course: its outline, its lessons in reading order, its
    parent and prerequisites (pages built without queries, enough for titles and URLs)."""

    course: OutlinePage | None
    parent: OutlinePage | None
    outline: list
    lessons: list
    prerequisites: list


def course_structure(*, course_path: str, course_depth: int) -> CourseStructure:
    """The course's structure from the cache (cms.routing: renewed by every publication, move or
    deletion of a page), else from two queries."""
    from django.contrib.contenttypes.models import ContentType

    from cms.routing import cached_render

    def build():
        data = _course_structure_build(course_path, course_depth)
        data["urls"] = _page_urls(data["rows"] + data["prerequisites"])
        return data

    data = cached_render(("course-structure", course_path), build)
    urls = data["urls"]
    types = ContentType.objects.get_for_models(CoursePage, ModulePage, LessonPage)
    course_type, module_type, lesson_type = (types[CoursePage].pk, types[ModulePage].pk, types[LessonPage].pk)
    course = parent = None
    modules: dict[str, OutlineModule] = {}
    lessons = []
    for row in data["rows"]:
        if row["path"] == course_path:
            course = _light(row, urls) if row["content_type_id"] == course_type else None
        elif row["depth"] == course_depth - 1:
            parent = _light(row, urls)
        elif row["depth"] == course_depth + 1 and row["content_type_id"] == module_type:
            modules[row["path"]] = OutlineModule(_light(row, urls))
        elif row["depth"] == course_depth + 2 and row["content_type_id"] == lesson_type:
            lesson = _light(row, urls)
            lessons.append(lesson)
            outline = modules.get(lesson.path[:-STEPLEN])
            if outline is not None:
                outline.lessons.append(lesson)
    return CourseStructure(course=course, parent=parent, outline=list(modules.values()), lessons=lessons,
                           prerequisites=[_light(row, urls) for row in data["prerequisites"]])


def course_outline(*, course: CoursePage) -> list[OutlineModule]:
    """Modules with their live lessons, in order."""
    return course_structure(course_path=course.path, course_depth=course.depth).outline


def _missing_among(prerequisites: list, *, cadre: Cadre, on: datetime.date) -> list:
    if not prerequisites:
        return []
    done = set(
        Completion.objects.filter(valid_completion_q(on), cadre=cadre, course__in=[p.pk for p in prerequisites])
        .values_list("course_id", flat=True)
    )
    return [prerequisite for prerequisite in prerequisites if prerequisite.pk not in done]


def progress_by_lesson(*, cadre: Cadre | None, course: CoursePage) -> dict[int, dict]:
    """{lesson id: {"completed_at", "seconds_spent"}} of the cadre's progress in the course (one query)."""
    if cadre is None:
        return {}
    return {row["lesson_id"]: row for row in LessonProgress.objects.filter(cadre=cadre, course=course)
            .values("lesson_id", "completed_at", "seconds_spent")}


def course_page_context(*, course: CoursePage, user, today: datetime.date | None = None) -> dict:
    """Everything the course page shows: outline, and for a cadre their enrollment, progress,
    missing prerequisites, next lesson and certificate. At most four queries beside the cadre's,
    none for the outline when it is cached."""
    today = today or _today()
    structure = course_structure(course_path=course.path, course_depth=course.depth)
    outline_lessons = [lesson for module in structure.outline for lesson in module.lessons]
    context = {"outline": structure.outline, "parent_page": structure.parent, "lesson_count": len(outline_lessons),
               "total_minutes": sum(lesson.estimated_minutes for lesson in outline_lessons)}
    cadre = cadre_of(user)
    context["cadre"] = cadre
    if cadre is None:
        return context
    progress = progress_by_lesson(cadre=cadre, course=course)
    summary = CourseProgress()
    for lesson in outline_lessons:
        row = progress.get(lesson.pk)
        lesson.my_progress = row
        lesson.done = bool(row and row["completed_at"])
        if lesson.required:
            summary.required_total += 1
            summary.required_done += lesson.done
        summary.lessons_done += lesson.done
        summary.seconds_spent += row["seconds_spent"] if row else 0
    completion = (
        Completion.objects.filter(cadre=cadre, course=course).select_related("certificate")
        .order_by("-completed_on", "-id").first()
    )
    context.update(
        enrollment=active_enrollment(cadre=cadre, course=course),
        progress=summary,
        next_lesson=next_lesson(outline_lessons),
        missing_prerequisites=_missing_among(structure.prerequisites, cadre=cadre, on=today),
        completion=completion,
        completion_valid=bool(completion and completion.is_valid_on(today)),
        today=today,
    )
    return context


def next_lesson(lessons: list[LessonPage]) -> LessonPage | None:
    """Where the cadre resumes: the first lesson not done, in reading order (or the first lesson)."""
    for lesson in lessons:
        if not getattr(lesson, "done", False):
            return lesson
    return lessons[0] if lessons else None


@dataclass
class LessonState:
    """The cadre's enrolment in the lesson's course and their progress in the lesson (None if none)."""

    enrollment: Enrollment | None
    progress: LessonProgress | None


def lesson_state(*, cadre: Cadre, lesson: LessonPage, course_id: int) -> LessonState:
    """Two queries."""
    return LessonState(
        # Both keys are unique (one active enrolment per course, one progress row per lesson).
        enrollment=unique_row(Enrollment.objects.filter(cadre=cadre, course_id=course_id,
                                                        status=EnrollmentStatus.ACTIVE)),
        progress=unique_row(LessonProgress.objects.filter(cadre=cadre, lesson=lesson)),
    )


def lesson_page_context(*, lesson: LessonPage, user, state: LessonState | None = None,
                        structure: CourseStructure | None = None) -> dict:
    """The lesson page: its course and module, previous and next lessons, the cadre's progress.
    The course's structure comes from the cache (two queries when it is not there); the cadre's
    state is given by the page when it has just read it (LessonPage.serve), else read (two queries)."""
    structure = structure or course_structure(course_path=lesson.path[: STEPLEN * (lesson.depth - 2)],
                                              course_depth=lesson.depth - 2)
    course = structure.course
    context = {"course": course}
    if course is None:
        return context
    lessons = structure.lessons
    position = next((i for i, item in enumerate(lessons) if item.pk == lesson.pk), None)
    module_path = lesson.path[:-STEPLEN]
    context["module"] = next((m.module for m in structure.outline if m.module.path == module_path), None)
    if position is not None:
        context["previous_lesson"] = lessons[position - 1] if position > 0 else None
        context["next_lesson"] = lessons[position + 1] if position + 1 < len(lessons) else None
        context["lesson_number"] = position + 1
    context["lesson_total"] = len(lessons)
    cadre = cadre_of(user)
    context["cadre"] = cadre
    if cadre is not None:
        state = state or lesson_state(cadre=cadre, lesson=lesson, course_id=course.pk)
        context["enrollment"] = state.enrollment
        context["progress"] = state.progress
        context["missing_prerequisites"] = _missing_among(structure.prerequisites, cadre=cadre, on=_today())
    return context


# --- "My learning" ------------------------------------------------------------------------------


def _required_lesson_counts(course_paths: list[str]) -> dict[str, int]:
    """{course path: number of live required lessons}, one query for any number of courses."""
    if not course_paths:
        return {}
    rows = (
        LessonPage.objects.live()
        .filter(required=True)
        # Greatest(): PostgreSQL may evaluate this on other pages (the root) before the join narrows to lessons.
        .annotate(course_path=Substr("path", 1, Greatest((F("depth") - 2) * STEPLEN, 1)))
        .filter(course_path__in=course_paths)
        .order_by()  # pages are ordered by path, which would split the groups
        .values("course_path")
        .annotate(n=Count("pk"))
    )
    return {row["course_path"]: row["n"] for row in rows}


def _required_done_counts(cadre: Cadre, course_ids: list[int]) -> dict[int, int]:
    rows = (
        LessonProgress.objects.filter(
            cadre=cadre, course_id__in=course_ids, completed_at__isnull=False, lesson__required=True,
            lesson__live=True,
        )
        .values("course_id")
        .annotate(n=Count("pk"))
    )
    return {row["course_id"]: row["n"] for row in rows}


def _count_of(queryset) -> Subquery:
    """COUNT(*) of a correlated queryset, as a subquery (0 when it is empty)."""
    return Subquery(queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n"),
                    output_field=IntegerField())


def training_hours(*, cadre: Cadre, start: datetime.date, end: datetime.date) -> Decimal:
    """Hours of completions (online and class) and external training finished between the dates."""
    completed = Completion.objects.filter(cadre=cadre, completed_on__range=(start, end)).aggregate(
        h=Sum("hours"))["h"] or Decimal(0)
    external = ExternalTraining.objects.filter(cadre=cadre, end_on__range=(start, end)).aggregate(
        h=Sum("hours"))["h"] or Decimal(0)
    return completed + external


# What a row of "My learning" shows of its course: the title and the link (the course page's other columns,
# two tables of them, are not read).
_COURSE_LINK_FIELDS = ("course__title", "course__url_path", "course__path", "course__depth")


def _own_fields(model) -> list[str]:
    return [field.attname for field in model._meta.concrete_fields]


def learning_overview(*, cadre: Cadre, today: datetime.date | None = None) -> dict:
    """What "My learning" shows, in a fixed number of queries:

    - ``required``: active enrollments the cadre did not choose (assigned or by rule), soonest due
      first, each with ``overdue`` and its required-lesson progress;
    - ``in_progress``: active self-enrollments with their progress;
    - ``done``: the latest completion of each course, marked expired or valid;
    - ``certificates``; ``hours_this_year`` (completions and external training); ``external``.
    """
    today = today or _today()
    # One query: each enrolment with its course and the counts of its live required lessons, all and done.
    required_lessons = LessonPage.objects.filter(live=True, required=True, path__startswith=OuterRef("course__path"))
    done_lessons = LessonProgress.objects.filter(cadre=cadre, course_id=OuterRef("course_id"),
                                                 completed_at__isnull=False, lesson__required=True, lesson__live=True)
    enrollments = list(
        Enrollment.objects.filter(cadre=cadre, status=EnrollmentStatus.ACTIVE).select_related("course")
        .only(*_own_fields(Enrollment), *_COURSE_LINK_FIELDS)
        .annotate(required_total=_count_of(required_lessons), required_done=_count_of(done_lessons))
        .order_by(F("due_on").asc(nulls_last=True), "created_at")
    )
    for enrollment in enrollments:
        enrollment.progress = CourseProgress(required_total=enrollment.required_total,
                                             required_done=enrollment.required_done)
        enrollment.overdue = enrollment.is_overdue(today)
        enrollment.days_left = (enrollment.due_on - today).days if enrollment.due_on else None
    completions = list(
        Completion.objects.filter(cadre=cadre).select_related("course", "certificate")
        .only(*_own_fields(Completion), *_COURSE_LINK_FIELDS, *(f"certificate__{name}" for name in
                                                                _own_fields(Certificate)))
        .order_by("-completed_on", "-id")
    )
    # The courses' URLs from their paths and the cached site roots, not Wagtail's page.url for each row.
    urls = _page_urls([{"id": record.course_id, "url_path": record.course.url_path}
                       for record in [*enrollments, *completions]])
    for record in [*enrollments, *completions]:
        record.course_url = urls.get(record.course_id, "")
    latest: dict[int, Completion] = {}
    for completion in completions:
        latest.setdefault(completion.course_id, completion)
        completion.valid = completion.is_valid_on(today)
    year_start = datetime.date(today.year, 1, 1)
    external = list(ExternalTraining.objects.filter(cadre=cadre).order_by("-end_on"))
    hours = sum((c.hours for c in completions if year_start <= c.completed_on <= today), Decimal(0)) + sum(
        (x.hours for x in external if year_start <= x.end_on <= today), Decimal(0))
    certificates = [c.certificate for c in completions if hasattr(c, "certificate")]
    return {
        "required": [e for e in enrollments if e.source != EnrollmentSource.SELF],
        "in_progress": [e for e in enrollments if e.source == EnrollmentSource.SELF],
        "done": list(latest.values()),
        "certificates": certificates,
        "external": external,
        "hours_this_year": hours,
        "overdue_count": sum(1 for e in enrollments if e.overdue),
        "today": today,
    }


def certificate_for_code(code: str) -> Certificate | None:
    return Certificate.objects.select_related("completion").filter(code=code.strip().upper()).first()


def course_catalogue() -> QuerySet[CoursePage]:
    return CoursePage.objects.live().order_by("path")


def search_learning_content(query: str) -> dict[str, list]:
    """Live courses and lessons matching the query (Wagtail search): {"courses": [...], "lessons": [...]}.

    Only the words of the query are searched for: quotes, brackets and operators typed by a user are
    not search syntax here (SQLite's full-text engine refused a lone `"` with an error page)."""
    query = " ".join(re.findall(r"\w+", query or ""))
    if not query:
        return {"courses": [], "lessons": []}
    return {
        "courses": list(CoursePage.objects.live().search(query)[:20]),
        "lessons": list(LessonPage.objects.live().defer_streamfields().search(query)[:30]),
    }


def learner_records_under(page) -> int:
    """How many enrollments, completions and lesson progress rows belong to courses at or under `page`."""
    from .models import Completion, CoursePage, Enrollment, LessonProgress

    course_ids = CoursePage.objects.filter(path__startswith=page.path).values("pk")
    return (
        Enrollment.objects.filter(course__in=course_ids).count()
        + Completion.objects.filter(course__in=course_ids).count()
        + LessonProgress.objects.filter(course__in=course_ids).count()
    )


def courses_building(competency_levels: dict[int, int]) -> dict[int, list]:
    """{competency_id: [course, ...]}: live courses that build each competency to at least the level
    (registered with competency.api as the remedy for a gap). One query."""
    if not competency_levels:
        return {}
    condition = Q()
    for competency_id, level in competency_levels.items():
        condition |= Q(competency_id=competency_id, level__gte=level)
    links = CourseCompetency.objects.filter(condition).select_related("course")
    links = links.filter(course__live=True).order_by("course__title")
    result: dict[int, list] = {}
    for link in links:
        result.setdefault(link.competency_id, []).append(link.course)
    return result


# --- In-person classes and external training, scoped by the unit visibility rule ----------------------


def _sees_all_classes(user) -> bool:
    return roles.is_administrator(user) or roles.is_trainer(user)


def providers_staffed_by(user) -> QuerySet[TrainingProvider]:
    """The training providers the user is on the staff of (cached on the user for the request)."""
    if not user.is_authenticated:
        return TrainingProvider.objects.none()
    cached = getattr(user, "_ktlearn_providers", None)
    if cached is None:
        cached = list(TrainingProvider.objects.filter(staff=user).values_list("pk", flat=True))
        user._ktlearn_providers = cached
    return TrainingProvider.objects.filter(pk__in=cached)


def is_provider_staff(user) -> bool:
    return providers_staffed_by(user).exists()


def classes_visible_to(user) -> QuerySet[TrainingClass]:
    if _sees_all_classes(user) or roles.is_board(user):
        return TrainingClass.objects.all()
    return classes_editable_by(user)


def classes_editable_by(user) -> QuerySet[TrainingClass]:
    """Administrators and trainers: every class; a unit manager: the classes organised by their subtree;
    a provider's staff: their provider's classes (whatever unit organises them)."""
    if not user.is_authenticated:
        return TrainingClass.objects.none()
    if _sees_all_classes(user):
        return TrainingClass.objects.all()
    scope = Q(provider__in=providers_staffed_by(user))
    unit = managed_unit(user) if roles.is_unit_manager(user) else None
    if unit is not None:
        scope |= Q(unit__path__startswith=unit.path)
    return TrainingClass.objects.filter(scope)


def class_units_for(user) -> QuerySet[Unit]:
    """Units that may organise a class the user creates: their own subtree, and their providers' units
    (the province's top unit for a provider without one)."""
    if _sees_all_classes(user):
        return Unit.objects.filter(is_active=True)
    units = units_editable_by(user)
    provider_units = list(providers_staffed_by(user).values_list("unit_id", flat=True))
    if provider_units:
        ids = [pk for pk in provider_units if pk is not None]
        if None in provider_units:
            ids += list(Unit.objects.filter(is_active=True, depth=1).values_list("pk", flat=True))
        units = units | Unit.objects.filter(pk__in=ids)
    return units


def class_units_without_provider(user) -> QuerySet[Unit]:
    """Units that may organise a class of no provider: the user's own (today's rule)."""
    return Unit.objects.filter(is_active=True) if _sees_all_classes(user) else units_editable_by(user)


def providers_for_classes_of(user) -> QuerySet[TrainingProvider]:
    """The providers a user may name on a class: every one for administrators and trainers, else theirs."""
    return TrainingProvider.objects.all() if _sees_all_classes(user) else providers_staffed_by(user)


def cadres_registrable_in(user, training_class: TrainingClass) -> QuerySet[Cadre]:
    """Cadres the user may register in the class: those they may edit, and, for a class of a provider
    they staff, every active cadre of the province."""
    if training_class.provider_id and providers_staffed_by(user).filter(pk=training_class.provider_id).exists():
        return Cadre.objects.filter(status=CadreStatus.ACTIVE)
    return cadres_editable_by(user)


CADRE_SEARCH_LIMIT = 20


def cadres_to_register(user, training_class: TrainingClass, query: str) -> list[Cadre]:
    """Up to CADRE_SEARCH_LIMIT registrable, not yet registered cadres whose name or code contains the
    query (name, code and unit only; one query)."""
    query = (query or "").strip()
    if len(query) < 2:
        return []
    return list(
        cadres_registrable_in(user, training_class)
        .filter(Q(full_name__icontains=query) | Q(code__icontains=query))
        .exclude(class_registrations__training_class=training_class)
        .select_related("unit").only("code", "full_name", "name_sort_key", "unit__name")
        .order_by("name_sort_key", "code")[:CADRE_SEARCH_LIMIT]
    )


def external_visible_to(user) -> QuerySet[ExternalTraining]:
    return ExternalTraining.objects.filter(cadre__in=cadres_visible_to(user))


def external_editable_by(user) -> QuerySet[ExternalTraining]:
    return ExternalTraining.objects.filter(cadre__in=cadres_editable_by(user))



def audit_scope(user):
    """The learning records are read through the cadres' scope (organization.selectors.audit_scope);
    classes' entries by whoever may see the class (lms.audit)."""

    from .models import Attendance, Certificate, ClassRegistration, Completion, Enrollment, LessonProgress

    return AuditScope(
        models=(Enrollment, LessonProgress, Completion, Certificate, ExternalTraining, Attendance, ClassRegistration,
                TrainingClass),
        visible=entries_about(classes_visible_to(user)),
    )


def personal_data(cadre: Cadre) -> list:
    """The cadre's learning record, for their own download (lms.personal_data)."""
    from django.utils.translation import gettext as _

    from lms.personal_data import model_section

    from .models import Attendance, Certificate, ClassRegistration, Completion, Enrollment, LessonProgress

    return [
        model_section(_("Enrolments"), Enrollment.objects.filter(cadre=cadre).select_related("course"),
                      [("course.title", _("Course")), "source", "status", "due_on", "created_at", "completed_at"]),
        model_section(_("Lesson progress"), LessonProgress.objects.filter(cadre=cadre).select_related(
            "lesson", "course").order_by("started_at"),
            [("lesson.title", _("Lesson")), ("course.title", _("Course")), "started_at", "completed_at",
             "seconds_spent"]),
        model_section(_("Completions"), Completion.objects.filter(cadre=cadre).select_related("course"),
                      [("course.title", _("Course")), "completed_on", "hours", "expires_on", "source"]),
        model_section(_("Certificates"), Certificate.objects.filter(completion__cadre=cadre),
                      ["number", "code", "full_name", "course_title", "hours", "issued_on", "issuer"]),
        model_section(_("External training"), ExternalTraining.objects.filter(cadre=cadre),
                      ["course_name", "provider", "hours", "start_on", "end_on", "file"]),
        model_section(_("Classes"), ClassRegistration.objects.filter(cadre=cadre).select_related("training_class"),
                      [("training_class.title", _("Class"))]),
        model_section(_("Attendance"), Attendance.objects.filter(cadre=cadre).select_related(
            "session__training_class").order_by("session__date"),
            [("session.training_class.title", _("Class")), ("session.date", _("Date")), "present"]),
    ]


# --- The manager's team view: a course × cadre matrix and a cadre's training record -------------------


class CellStatus:
    """What a cell of the team matrix says about one cadre and one course."""

    NOT_ENROLLED = "not_enrolled"  # required of the cadre, with no active enrolment or valid completion
    NOT_STARTED = "not_started"  # enrolled, no lesson opened, not overdue
    IN_PROGRESS = "in_progress"  # enrolled, a lesson opened, not overdue
    OVERDUE = "overdue"  # enrolled, past the due date
    COMPLETED = "completed"  # a valid completion, no active enrolment
    EXPIRED = "expired"  # the latest completion has expired, no active enrolment


# The statuses the team page filters on (a row is shown when one of its cells has the status).
TEAM_STATUS_FILTERS = (CellStatus.OVERDUE, CellStatus.IN_PROGRESS, CellStatus.COMPLETED, CellStatus.NOT_STARTED)


@dataclass
class MatrixCell:
    status: str
    percent: int = 0
    due_on: datetime.date | None = None
    completed_on: datetime.date | None = None
    expires_on: datetime.date | None = None


@dataclass
class MatrixRow:
    cadre: Cadre
    cells: list  # one per column, None where the course concerns the cadre in no way


@dataclass
class TeamMatrix:
    courses: list  # [{"pk", "title", "code"}] in the curriculum's order
    rows: list[MatrixRow]


def team_cadres(*, user, search: str = "", unit: Unit | None = None, position=None, course: CoursePage | None = None,
                status: str = "", today: datetime.date | None = None) -> QuerySet[Cadre]:
    """The active cadres a user follows up (organization.selectors.cadres_followed_by), filtered, in
    Vietnamese name order. `status` keeps the cadres with at least one course (the `course`, if one is
    given) in that state; `course` alone keeps the cadres enrolled in it, or who completed it."""
    today = today or _today()
    qs = cadres_followed_by(user).filter(status=CadreStatus.ACTIVE).select_related("unit", "position")
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    if position is not None:
        qs = qs.filter(position=position)
    if search:
        qs = qs.filter(Q(full_name__icontains=search) | Q(code__icontains=search))
    of_course = {"course": course} if course is not None else {}
    active = Enrollment.objects.filter(cadre=OuterRef("pk"), status=EnrollmentStatus.ACTIVE, **of_course)
    not_overdue = Q(due_on__isnull=True) | Q(due_on__gte=today)
    opened = LessonProgress.objects.filter(cadre=OuterRef("cadre"), course=OuterRef("course"))
    reenrolled = Enrollment.objects.filter(cadre=OuterRef("cadre"), course=OuterRef("course"),
                                           status=EnrollmentStatus.ACTIVE)
    completed = Completion.objects.filter(valid_completion_q(today), cadre=OuterRef("pk"), **of_course).filter(
        ~Exists(reenrolled))
    if status == CellStatus.OVERDUE:
        qs = qs.filter(Exists(active.filter(due_on__lt=today)))
    elif status == CellStatus.IN_PROGRESS:
        qs = qs.filter(Exists(active.filter(not_overdue).filter(Exists(opened))))
    elif status == CellStatus.NOT_STARTED:
        qs = qs.filter(Exists(active.filter(not_overdue).filter(~Exists(opened))))
    elif status == CellStatus.COMPLETED:
        qs = qs.filter(Exists(completed))
    elif course is not None:
        qs = qs.filter(Exists(active) | Exists(Completion.objects.filter(cadre=OuterRef("pk"), course=course)))
    return qs.order_by("name_sort_key", "code")


def _required_courses(cadres: list[Cadre]) -> dict[int, set[int]]:
    """{cadre id: ids of the live mandatory courses their position and unit kind require}, one query."""
    position_ids = {c.position_id for c in cadres}
    links = (
        CoursePage.target_positions.through.objects
        .filter(position_id__in=position_ids, coursepage__live=True, coursepage__mandatory=True)
        .values_list("position_id", "coursepage_id", "coursepage__target_unit_kinds")
    )
    by_position: dict[int, list[tuple[int, list]]] = {}
    for position_id, course_id, kinds in links:
        by_position.setdefault(position_id, []).append((course_id, kinds or []))
    return {
        c.pk: {course_id for course_id, kinds in by_position.get(c.position_id, ())
               if not kinds or c.unit.kind in kinds}
        for c in cadres
    }


def team_matrix(*, cadres: list[Cadre], course: CoursePage | None = None,
                today: datetime.date | None = None) -> TeamMatrix:
    """The course × cadre matrix of `cadres` (each with its unit loaded). Columns: the courses these
    cadres are enrolled in, have completed, or are required to take (only `course` if given), in the
    curriculum's order. Seven queries, however many cadres and courses."""
    today = today or _today()
    ids = [c.pk for c in cadres]
    if not ids:
        return TeamMatrix(courses=[], rows=[])
    of_course = {"course_id": course.pk} if course is not None else {}
    enrolled = {
        (row["cadre_id"], row["course_id"]): row
        for row in Enrollment.objects.filter(cadre_id__in=ids, status=EnrollmentStatus.ACTIVE, **of_course)
        .values("cadre_id", "course_id", "due_on")
    }
    completed: dict[tuple[int, int], dict] = {}
    for row in (Completion.objects.filter(cadre_id__in=ids, **of_course).order_by("-completed_on", "-pk")
                .values("cadre_id", "course_id", "completed_on", "expires_on")):
        completed.setdefault((row["cadre_id"], row["course_id"]), row)
    required = _required_courses(cadres)
    if course is not None:
        required = {pk: courses & {course.pk} for pk, courses in required.items()}
    course_ids = {key[1] for key in enrolled} | {key[1] for key in completed} | set().union(*required.values())
    columns = list(CoursePage.objects.filter(pk__in=course_ids).order_by("path").values("pk", "title", "code", "path"))
    totals = _required_lesson_counts([c["path"] for c in columns])
    progress = {
        (row["cadre_id"], row["course_id"]): row
        for row in LessonProgress.objects.filter(cadre_id__in=ids, course_id__in=course_ids)
        .values("cadre_id", "course_id")
        .annotate(opened=Count("pk"), done=Count("pk", filter=Q(completed_at__isnull=False, lesson__required=True,
                                                                 lesson__live=True)))
        .order_by()
    }
    rows = []
    for cadre in cadres:
        cells = []
        for column in columns:
            key = (cadre.pk, column["pk"])
            cells.append(_matrix_cell(enrolled.get(key), completed.get(key), progress.get(key),
                                      totals.get(column["path"], 0), column["pk"] in required[cadre.pk], today))
        rows.append(MatrixRow(cadre=cadre, cells=cells))
    return TeamMatrix(courses=columns, rows=rows)


def _matrix_cell(enrolment, completion, progress, total: int, is_required: bool,
                 today: datetime.date) -> MatrixCell | None:
    if enrolment is not None:
        due_on = enrolment["due_on"]
        percent = CourseProgress(required_total=total, required_done=progress["done"] if progress else 0).percent
        if due_on is not None and due_on < today:
            status = CellStatus.OVERDUE
        elif progress and progress["opened"]:
            status = CellStatus.IN_PROGRESS
        else:
            status = CellStatus.NOT_STARTED
        return MatrixCell(status=status, percent=percent, due_on=due_on)
    if completion is not None:
        valid = completion["expires_on"] is None or completion["expires_on"] >= today
        return MatrixCell(status=CellStatus.COMPLETED if valid else CellStatus.EXPIRED,
                          completed_on=completion["completed_on"], expires_on=completion["expires_on"])
    if is_required:
        return MatrixCell(status=CellStatus.NOT_ENROLLED)
    return None


def training_record(*, cadre: Cadre, today: datetime.date | None = None) -> dict:
    """A cadre's whole training record, for the managers who follow them up: enrolments (every status,
    newest first) with their progress and overdue flag, completions with their certificates, quiz
    results, external training and competency evidence. A fixed number of queries."""
    today = today or _today()
    enrollments = list(Enrollment.objects.filter(cadre=cadre).select_related("course")
                       .order_by("-created_at", "-pk"))
    active = [e for e in enrollments if e.status == EnrollmentStatus.ACTIVE]
    totals = _required_lesson_counts([e.course.path for e in active])
    done = _required_done_counts(cadre, [e.course_id for e in active])
    for enrollment in enrollments:
        enrollment.overdue = enrollment.is_overdue(today)
        if enrollment.status == EnrollmentStatus.ACTIVE:
            enrollment.progress = CourseProgress(required_total=totals.get(enrollment.course.path, 0),
                                                 required_done=done.get(enrollment.course_id, 0))
    completions = list(Completion.objects.filter(cadre=cadre).select_related("course", "certificate")
                       .order_by("-completed_on", "-pk"))
    for completion in completions:
        completion.valid = completion.is_valid_on(today)
    return {
        "enrollments": enrollments,
        "completions": completions,
        "certificates": [c.certificate for c in completions if hasattr(c, "certificate")],
        "sittings": list(results_of_cadre(cadre=cadre)),
        "external": list(ExternalTraining.objects.filter(cadre=cadre).order_by("-end_on", "-pk")),
        "evidence": list(Evidence.objects.filter(cadre=cadre).select_related("competency")
                         .order_by("-obtained_on", "-pk")),
        "overdue_count": sum(1 for e in enrollments if e.overdue),
        "today": today,
    }


# --- assigning a course -------------------------------------------------------------------------------


def cadres_with_course_state(cadres: QuerySet[Cadre], course: CoursePage, today: datetime.date) -> QuerySet[Cadre]:
    """`cadres` annotated with `_enrolled` (an active enrolment in the course) and `_completed` (a valid
    completion of it): the two reasons an assignment skips a cadre."""
    enrolled = Enrollment.objects.filter(cadre=OuterRef("pk"), course=course, status=EnrollmentStatus.ACTIVE)
    completed = Completion.objects.filter(valid_completion_q(today), cadre=OuterRef("pk"), course=course)
    return cadres.annotate(_enrolled=Exists(enrolled), _completed=Exists(completed))


def assignable_cadres(*, user, search: str = "", unit: Unit | None = None, position=None) -> QuerySet[Cadre]:
    """The active cadres a user may assign courses to (organization.selectors.cadres_editable_by),
    filtered by name or code, unit subtree and position, in Vietnamese name order."""
    qs = cadres_editable_by(user).filter(status=CadreStatus.ACTIVE).select_related("unit", "position")
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    if position is not None:
        qs = qs.filter(position=position)
    if search:
        qs = qs.filter(Q(full_name__icontains=search) | Q(code__icontains=search))
    return qs.order_by("name_sort_key", "code")


@dataclass
class AssignmentPreview:
    """Whom an assignment would reach: `total` cadres, of whom `new` would be enrolled and the others
    skipped (`enrolled` already, or `completed` with a valid completion). Without a course, only `total`."""

    total: int = 0
    new: int = 0
    enrolled: int = 0
    completed: int = 0


def assignment_preview(*, targets: QuerySet[Cadre], course: CoursePage | None,
                       today: datetime.date | None = None) -> AssignmentPreview:
    """The counts of AssignmentPreview for `targets` (the cadres a rule or a selection names), in one
    query whatever their number — what services.enrollment_assign would do, without writing."""
    if course is None:
        return AssignmentPreview(total=targets.count())
    counts = cadres_with_course_state(targets.order_by(), course, today or _today()).aggregate(
        total=Count("pk"), enrolled=Count("pk", filter=Q(_enrolled=True)),
        completed=Count("pk", filter=Q(_enrolled=False, _completed=True)),
    )
    return AssignmentPreview(new=counts["total"] - counts["enrolled"] - counts["completed"], **counts)


# --- Studying the Party's documents (quán triệt) ----------------------------------------------------


def regulation_study(regulation) -> RegulationStudy | None:
    """The study plan of a regulation (positions concerned, days, lesson, quiz), or None."""
    return RegulationStudy.objects.select_related("lesson", "quiz").filter(regulation=regulation).first()


def study_assignments_of(cadre: Cadre) -> QuerySet[StudyAssignment]:
    """The cadre's documents to study, those still to confirm first (soonest due first), with the
    regulation and its file: one query, whatever their number."""
    return (StudyAssignment.objects.filter(cadre=cadre).select_related("regulation", "regulation__document")
            .order_by(F("acknowledged_on").asc(nulls_first=True), "due_on", "id"))


def study_assignment_of(*, cadre: Cadre, pk: int) -> StudyAssignment:
    """One of the cadre's own study assignments (StudyAssignment.DoesNotExist for anyone else's)."""
    return study_assignments_of(cadre).get(pk=pk)


def study_open_count(cadre: Cadre) -> int:
    return StudyAssignment.objects.filter(cadre=cadre, acknowledged_on__isnull=True).count()


def study_page_context(*, cadre: Cadre, assignment: StudyAssignment) -> dict:
    """The detail page: the assignment, its study plan (lesson, quiz) and whether the quiz is passed."""
    study = regulation_study(assignment.regulation)
    quiz = study.quiz if study else None
    passed = bool(quiz) and bool(passed_quiz_ids(user=cadre.user, quiz_ids=[quiz.pk])) if cadre.user_id else False
    lesson = study.lesson if study and study.lesson and study.lesson.live else None
    return {"assignment": assignment, "regulation": assignment.regulation, "lesson": lesson, "quiz": quiz,
            "quiz_passed": passed, "can_confirm": quiz is None or passed}


# --- Annual training plans: scope and plan vs done ------------------------------------------------------


def plans_visible_to(user) -> QuerySet[TrainingPlan]:
    """Administrators and the board: every plan; a unit manager: the plans of their subtree."""
    if roles.is_administrator(user) or roles.is_board(user):
        return TrainingPlan.objects.all()
    return plans_editable_by(user)


def plans_editable_by(user) -> QuerySet[TrainingPlan]:
    if not user.is_authenticated:
        return TrainingPlan.objects.none()
    if roles.is_administrator(user):
        return TrainingPlan.objects.all()
    unit = managed_unit(user) if roles.is_unit_manager(user) else None
    if unit is None:
        return TrainingPlan.objects.none()
    return TrainingPlan.objects.filter(unit__path__startswith=unit.path)


@dataclass
class PlanLine:
    """One plan item with what was done: `done` cadres of the plan's unit subtree, holding one of the
    item's positions (any, when it names none), completed the course in the plan's year."""

    plan: TrainingPlan
    item: PlanItem
    course: CoursePage
    positions: list
    planned: int
    done: int
    cadre_ids: frozenset = field(default=frozenset(), repr=False)

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.done / self.planned)) if self.planned else 0

    @property
    def when(self) -> str:
        if self.item.planned_month:
            return f"{self.item.planned_month:02d}/{self.plan.year}"
        if self.item.planned_quarter:
            return f"Q{self.item.planned_quarter}/{self.plan.year}"
        return str(self.plan.year)


@dataclass
class PlanRollup:
    """Per course over every plan of the subtree: planned is the sum of the items' counts; done counts
    each cadre once, however many items of the subtree's plans count them."""

    course: CoursePage
    planned: int
    done: int

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.done / self.planned)) if self.planned else 0


@dataclass
class PlanProgress:
    unit: Unit
    year: int
    lines: list[PlanLine]
    rollup: list[PlanRollup]

    @property
    def planned(self) -> int:
        return sum(r.planned for r in self.rollup)

    @property
    def done(self) -> int:
        return sum(r.done for r in self.rollup)


def plan_progress(*, unit: Unit, year: int, plans: QuerySet[TrainingPlan] | None = None) -> PlanProgress:
    """Plan vs done for the plans of `unit`'s subtree in `year` (`plans`: the plans the caller may see).
    The one source of these figures: the board's plan page and its export both read it. A fixed number
    of queries however many plans and items: plans with items, courses and positions (4), then the
    completions of those courses in the year by cadres of the subtree (1)."""
    plans = (plans if plans is not None else TrainingPlan.objects.all()).filter(
        year=year, unit__path__startswith=unit.path).select_related("unit").order_by("unit__path")
    items = list(
        PlanItem.objects.filter(plan__in=plans).select_related("plan__unit", "course", "training_class__course")
        .prefetch_related("positions").order_by("plan__unit__path", "sort_order", "pk")
    )
    course_ids = {item.course_id or item.training_class.course_id for item in items}
    completions = (
        Completion.objects.filter(course_id__in=course_ids, completed_on__year=year,
                                  cadre__unit__path__startswith=unit.path)
        .values_list("cadre_id", "course_id", "cadre__unit__path", "cadre__position_id").distinct()
    ) if course_ids else []
    by_course: dict[int, list[tuple[int, str, int]]] = {}
    for cadre_id, course_id, path, position_id in completions:
        by_course.setdefault(course_id, []).append((cadre_id, path, position_id))
    lines, rollup = [], {}
    for item in items:
        course = item.course or item.training_class.course
        positions = list(item.positions.all())
        wanted = {p.pk for p in positions}
        prefix = item.plan.unit.path
        cadre_ids = frozenset(cadre_id for cadre_id, path, position_id in by_course.get(course.pk, ())
                              if path.startswith(prefix) and (not wanted or position_id in wanted))
        lines.append(PlanLine(plan=item.plan, item=item, course=course, positions=positions,
                              planned=item.planned_count, done=len(cadre_ids), cadre_ids=cadre_ids))
        entry = rollup.setdefault(course.pk, [course, 0, set()])
        entry[1] += item.planned_count
        entry[2] |= cadre_ids
    return PlanProgress(
        unit=unit, year=year, lines=lines,
        rollup=[PlanRollup(course=c, planned=p, done=len(d))
                for c, p, d in sorted(rollup.values(), key=lambda e: e[0].path)],
    )
