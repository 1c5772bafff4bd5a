"""Writes for the learning record: enrolment (self, by a manager, by rule), lesson progress,
course completion, certificates and expiry. Each service runs in one transaction."""

import datetime
import secrets
import time
from dataclasses import dataclass, field

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from wagtail.models import Page

from assessments.selectors import passed_quiz_ids
from cms.api import official_documents
from competency.models import Evidence, EvidenceSource
from competency.services import EVIDENCE_FIELDS, evidence_record
from lms import outbox
from lms.audit import audit_created, audit_record, snapshot
from organization.models import Cadre, CadreStatus, Position, Unit
from organization.selectors import cadres_editable_by, units_editable_by

from . import notifications, selectors, xapi
from .models import (
    PROVIDER_STAFF_GROUP,
    RULE_SOURCES,
    Attendance,
    Certificate,
    ClassRegistration,
    Completion,
    CompletionSource,
    CoursePage,
    CurriculumPage,
    Enrollment,
    EnrollmentSource,
    EnrollmentStatus,
    ExternalTraining,
    LessonPage,
    LessonProgress,
    ModulePage,
    RegulationStudy,
    StudyAssignment,
    TrainingClass,
    TrainingProvider,
)

# A single activity report from a lesson page counts at most this much reading time, so a tab
# left open overnight does not add hours.
MAX_SECONDS_PER_REPORT = 300
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

# The fields of each record the audit trail (lms.audit) keeps before and after a change.
ENROLLMENT_FIELDS = ("cadre", "course", "source", "status", "due_on", "assigned_by", "completed_at")
PROGRESS_FIELDS = ("cadre", "lesson", "course", "started_at", "completed_at", "seconds_spent", "last_position")
COMPLETION_FIELDS = ("cadre", "course", "completed_on", "hours", "expires_on", "source", "enrollment")
CERTIFICATE_FIELDS = ("number", "code", "full_name", "course_title", "hours", "issued_on", "issuer")
ATTENDANCE_FIELDS = ("session", "cadre", "present")
EXTERNAL_FIELDS = ("cadre", "course_name", "provider", "hours", "start_on", "end_on", "file")


def _actor(cadre: Cadre):
    """The cadre's own login, for what the cadre did themselves (None: the system)."""
    return cadre.user if cadre.user_id else None


def _today() -> datetime.date:
    return timezone.localdate()


def _fmt(day: datetime.date) -> str:
    return date_format(day, "d/m/Y")


def _rule_due_on(*, course: CoursePage, start: datetime.date | None, today: datetime.date) -> datetime.date:
    """N days after the start (election/appointment) date; if that has already passed — the course
    is new to a long-serving cadre — N days from today, so nobody is overdue on the day they hear of it."""
    days = datetime.timedelta(days=course.due_days_after_appointment)
    due = (start or today) + days
    return due if due >= today else today + days


# --- Enrolment -----------------------------------------------------------------------------------


@transaction.atomic
def enrollment_self_create(*, cadre: Cadre, course: CoursePage, today: datetime.date | None = None) -> Enrollment:
    """Enrol a cadre in a course they chose.

    Refused (ValidationError with a sentence for the cadre) when the course is not published, a
    prerequisite is not completed, or the cadre holds a valid completion. Returns the existing
    active enrollment if there is one, so a double submit creates nothing.
    """
    today = today or _today()
    if not course.live:
        raise ValidationError(_("This course is not open for enrolment."))
    existing = selectors.active_enrollment(cadre=cadre, course=course)
    if existing:
        return existing
    missing = selectors.prerequisites_missing(cadre=cadre, course=course, on=today)
    if missing:
        raise ValidationError(
            _("Complete %(courses)s before starting this course.") % {"courses": ", ".join(c.title for c in missing)}
        )
    done = selectors.valid_completion(cadre=cadre, course=course, on=today)
    if done:
        if done.expires_on:
            message = _("You completed this course on %(date)s; it is valid until %(until)s.") % {
                "date": _fmt(done.completed_on), "until": _fmt(done.expires_on)}
        else:
            message = _("You completed this course on %(date)s.") % {"date": _fmt(done.completed_on)}
        raise ValidationError(message)
    return _enroll(cadre=cadre, course=course, source=EnrollmentSource.SELF)


def _enroll(*, cadre: Cadre, course: CoursePage, source: str, due_on=None, assigned_by=None) -> Enrollment:
    try:
        with transaction.atomic():
            enrollment = Enrollment.objects.create(cadre=cadre, course=course, source=source, due_on=due_on,
                                                   assigned_by=assigned_by)
    except IntegrityError:  # a concurrent request enrolled them first
        return Enrollment.objects.get(cadre=cadre, course=course, status=EnrollmentStatus.ACTIVE)
    audit_record(instance=enrollment, action="ktlearn.enrollment.create",
                 user=assigned_by or (_actor(cadre) if source == EnrollmentSource.SELF else None),
                 after=snapshot(enrollment, ENROLLMENT_FIELDS))
    return enrollment


@dataclass
class AssignmentResult:
    created: list[Enrollment] = field(default_factory=list)
    already_enrolled: int = 0
    already_completed: int = 0


def _pending_for_course(cadres: QuerySet[Cadre], course: CoursePage, today: datetime.date) -> QuerySet[Cadre]:
    """Cadres annotated with an active enrollment in (`_enrolled`), or a valid completion of (`_completed`),
    the course — the same annotation the assign page's live count reads."""
    return selectors.cadres_with_course_state(cadres, course, today)


@transaction.atomic
def enrollment_assign(
    *,
    by,
    course: CoursePage,
    cadres: list[Cadre] | None = None,
    unit: Unit | None = None,
    position: Position | None = None,
    due_on: datetime.date | None = None,
    today: datetime.date | None = None,
) -> AssignmentResult:
    """Assign a course, by a manager, to named cadres, to the active cadres of a unit subtree, or to
    the active cadres holding a position (within the unit subtree if one is given too).

    Only cadres the user may edit (organization.selectors.cadres_editable_by) can be assigned: naming
    anyone else, or a unit outside the user's subtree, raises PermissionDenied and writes nothing.
    Cadres already enrolled, or holding a valid completion, are skipped and counted; so are cadres
    a parallel request enrolled a moment earlier (the cadres are locked while they are checked).
    """
    today = today or _today()
    if not course.live:
        raise ValidationError(_("This course is not published."))
    if due_on is not None and due_on < today:
        raise ValidationError(_("The due date cannot be in the past."))
    if not (cadres or unit or position):
        raise ValidationError(_("Choose the cadres, a unit or a position to assign the course to."))
    editable = cadres_editable_by(by)
    if cadres:
        ids = {c.pk for c in cadres}
        allowed = set(editable.filter(pk__in=ids).values_list("pk", flat=True))
        if allowed != ids:
            raise PermissionDenied(_("You can only assign courses to cadres of your own units."))
        targets = editable.filter(pk__in=ids)
    else:
        targets = editable.filter(status=CadreStatus.ACTIVE)
        if unit is not None:
            if not units_editable_by(by).filter(pk=unit.pk).exists():
                raise PermissionDenied(_("You can only assign courses within your own units."))
            targets = targets.filter(unit__path__startswith=unit.path)
        if position is not None:
            targets = targets.filter(position=position)
    # Lock the cadres (in id order, so two requests cannot deadlock): parallel assignments of the
    # same cadre wait for each other, and the later one finds the enrolment the earlier one made.
    locked = list(Cadre.objects.select_for_update().filter(pk__in=targets.values("pk")).order_by("pk")
                  .values_list("pk", flat=True))
    result = AssignmentResult()
    new = []
    for cadre in _pending_for_course(Cadre.objects.filter(pk__in=locked), course, today).order_by("pk"):
        if cadre._enrolled:
            result.already_enrolled += 1
        elif cadre._completed:
            result.already_completed += 1
        else:
            new.append(Enrollment(cadre=cadre, course=course, source=EnrollmentSource.ASSIGNED, due_on=due_on,
                                  assigned_by=by))
    result.created = Enrollment.objects.bulk_create(new)
    # One insert of log entries for the whole assignment (a unit rule can reach hundreds of cadres),
    # and one of notices for the cadres with a login.
    audit_created(instances=result.created, action="ktlearn.enrollment.create", fields=ENROLLMENT_FIELDS, user=by)
    notifications.assigned_notices_add(enrollments=result.created)
    return result


@dataclass
class DueDateResult:
    changed: int = 0
    unchanged: int = 0
    not_enrolled: int = 0


@transaction.atomic
def enrollments_due_set(*, by, course: CoursePage, cadres: list[Cadre], due_on: datetime.date,
                        today: datetime.date | None = None) -> DueDateResult:
    """Set the due date of the named cadres' active enrolments in `course`.

    Only cadres the user may edit (organization.selectors.cadres_editable_by): naming anyone else raises
    PermissionDenied and writes nothing; a date in the past raises ValidationError. Cadres not enrolled
    in the course are counted, not enrolled; an enrolment already due that day is left as it is. Every
    change is audited with the date before."""
    today = today or _today()
    if due_on is None or due_on < today:
        raise ValidationError(_("The due date cannot be in the past."))
    ids = {c.pk for c in cadres}
    if not ids:
        raise ValidationError(_("Choose the cadres first."))
    if set(cadres_editable_by(by).filter(pk__in=ids).values_list("pk", flat=True)) != ids:
        raise PermissionDenied(_("You can only change the training of cadres of your own units."))
    enrollments = list(Enrollment.objects.select_for_update().filter(
        cadre_id__in=ids, course=course, status=EnrollmentStatus.ACTIVE).order_by("pk"))
    result = DueDateResult(not_enrolled=len(ids - {e.cadre_id for e in enrollments}))
    changed = []
    for enrollment in enrollments:
        if enrollment.due_on == due_on:
            result.unchanged += 1
            continue
        before = snapshot(enrollment, ENROLLMENT_FIELDS)
        enrollment.due_on = due_on
        changed.append((enrollment, before))
    Enrollment.objects.bulk_update([e for e, _before in changed], ["due_on"])
    for enrollment, before in changed:
        audit_record(instance=enrollment, action="ktlearn.enrollment.change", user=by, before=before,
                     after=snapshot(enrollment, ENROLLMENT_FIELDS))
    result.changed = len(changed)
    return result


def mandatory_courses_for(position_id: int, unit_kind: str) -> list[CoursePage]:
    courses = CoursePage.objects.live().filter(mandatory=True, target_positions=position_id).order_by("path")
    return [c for c in courses if c.targets_unit_kind(unit_kind)]


@transaction.atomic
def required_courses_assign(
    *,
    cadre: Cadre,
    position: Position | None = None,
    start_date: datetime.date | None = None,
    source: str = EnrollmentSource.RULE_POSITION,
    today: datetime.date | None = None,
) -> list[Enrollment]:
    """Assign every live mandatory course targeting `position` (default: the cadre's) and the
    cadre's unit kind that the cadre has neither a valid completion of nor an active enrollment in.

    Due `course.due_days_after_appointment` days after `start_date` (default: the cadre's appointment
    date, else today), or that many days from today if that date has passed. Idempotent: a second
    call returns [] and writes nothing. Inactive cadres get nothing.
    """
    if source not in RULE_SOURCES:
        raise ValidationError(_("Unknown assignment rule."))
    today = today or _today()
    if cadre.status != CadreStatus.ACTIVE:
        return []
    position_id = position.pk if position is not None else cadre.position_id
    start = start_date or cadre.appointed_on
    created = []
    for course in mandatory_courses_for(position_id, cadre.unit.kind):
        if selectors.active_enrollment(cadre=cadre, course=course):
            continue
        if selectors.valid_completion(cadre=cadre, course=course, on=today):
            continue
        due = _rule_due_on(course=course, start=start, today=today)
        try:
            with transaction.atomic():
                enrollment = Enrollment.objects.create(cadre=cadre, course=course, source=source, due_on=due)
        except IntegrityError:  # enrolled concurrently: nothing to do
            continue
        created.append(enrollment)
        audit_record(instance=enrollment, action="ktlearn.enrollment.create", user=None,
                     after=snapshot(enrollment, ENROLLMENT_FIELDS), data={"rule": source})
    notifications.assigned_notices_add(enrollments=created)
    return created


def required_courses_assign_all(*, today: datetime.date | None = None) -> int:
    """The nightly sweep: required_courses_assign for every active cadre, set-based (one insert per
    course). Returns the number of enrollments created; a second run creates none."""
    today = today or _today()
    created = 0
    courses = CoursePage.objects.live().filter(mandatory=True).prefetch_related("target_positions")
    for course in courses:
        position_ids = [p.pk for p in course.target_positions.all()]
        if not position_ids:
            continue
        cadres = Cadre.objects.filter(status=CadreStatus.ACTIVE, position_id__in=position_ids)
        if course.target_unit_kinds:
            cadres = cadres.filter(unit__kind__in=course.target_unit_kinds)
        pending = _pending_for_course(cadres, course, today).filter(_enrolled=False, _completed=False)
        rows = [
            Enrollment(cadre_id=pk, course=course, source=EnrollmentSource.RULE_POSITION,
                       due_on=_rule_due_on(course=course, start=appointed_on, today=today))
            for pk, appointed_on in pending.values_list("pk", "appointed_on")
        ]
        started = timezone.now()
        with transaction.atomic():
            # ignore_conflicts: a cadre enrolled between the read and the insert keeps their enrollment.
            Enrollment.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
            _audit_swept(course=course, source=EnrollmentSource.RULE_POSITION, since=started)
        created += len(rows)
    return created


@transaction.atomic
def enrollment_cancel(*, enrollment: Enrollment, by) -> Enrollment:
    """Cancel an active enrollment of a cadre the user may edit."""
    if not cadres_editable_by(by).filter(pk=enrollment.cadre_id).exists():
        raise PermissionDenied(_("You can only change the training of cadres of your own units."))
    if enrollment.status != EnrollmentStatus.ACTIVE:
        raise ValidationError(_("Only an active enrollment can be cancelled."))
    before = snapshot(enrollment, ENROLLMENT_FIELDS)
    enrollment.status = EnrollmentStatus.CANCELLED
    enrollment.save(update_fields=["status"])
    audit_record(instance=enrollment, action="ktlearn.enrollment.change", user=by, before=before,
                 after=snapshot(enrollment, ENROLLMENT_FIELDS))
    return enrollment


# --- Lesson progress and completion -----------------------------------------------------------------


def _require_can_study(*, cadre: Cadre, course: CoursePage) -> Enrollment:
    enrollment = selectors.active_enrollment(cadre=cadre, course=course)
    if enrollment is None:
        raise ValidationError(_("Enrol in the course first."))
    missing = selectors.prerequisites_missing(cadre=cadre, course=course)
    if missing:
        raise ValidationError(
            _("Complete %(courses)s before starting this course.") % {"courses": ", ".join(c.title for c in missing)}
        )
    return enrollment


def lesson_open(*, cadre: Cadre, lesson: LessonPage, course: CoursePage | None = None,
                state: "selectors.LessonState | None" = None) -> LessonProgress | None:
    """Record that the cadre opened the lesson (the first time only). Nothing is recorded for a
    cadre not enrolled in the course; returns their progress row or None. With the `state` the page
    has just read (selectors.lesson_state), no query at all unless the opening is recorded (the
    state then holds the new progress row)."""
    if state is None:
        course = course or selectors.course_of_lesson(lesson)
        if course is None:
            return None
        state = selectors.lesson_state(cadre=cadre, lesson=lesson, course_id=course.pk)
    if state.enrollment is None:
        return None
    if state.progress is not None:
        return state.progress
    with transaction.atomic():
        progress, created = LessonProgress.objects.get_or_create(
            cadre=cadre, lesson=lesson, defaults={"course_id": state.enrollment.course_id, "started_at": timezone.now()}
        )
        if created:
            audit_record(instance=progress, action="ktlearn.progress.create", user=_actor(cadre),
                         after=snapshot(progress, PROGRESS_FIELDS))
    state.progress = progress
    return progress


@transaction.atomic
def lesson_activity_record(*, cadre: Cadre, lesson: LessonPage, seconds: int, position: int) -> LessonProgress | None:
    """Add reading time (at most MAX_SECONDS_PER_REPORT per report) and remember where the cadre
    stopped. Only for a lesson the cadre has opened; returns None otherwise."""
    seconds = max(0, min(int(seconds), MAX_SECONDS_PER_REPORT))
    position = max(0, int(position))
    updated = LessonProgress.objects.filter(cadre=cadre, lesson=lesson).update(
        seconds_spent=F("seconds_spent") + seconds, last_position=position, updated_at=timezone.now()
    )
    return LessonProgress.objects.get(cadre=cadre, lesson=lesson) if updated else None


@transaction.atomic
def lesson_complete(
    *, cadre: Cadre, lesson: LessonPage, seconds: int = 0, today: datetime.date | None = None
) -> tuple[LessonProgress, Completion | None]:
    """Mark a lesson done and complete the course if that was the last requirement.

    Refused with a clear message when the cadre is not enrolled or a prerequisite is missing.
    Marking a lesson done twice changes nothing. Returns the progress and the new completion, if any.
    """
    course = selectors.course_of_lesson(lesson)
    if course is None or not lesson.live:
        raise ValidationError(_("This lesson is not published."))
    _require_can_study(cadre=cadre, course=course)
    now = timezone.now()
    progress, _created = LessonProgress.objects.select_for_update().get_or_create(
        cadre=cadre, lesson=lesson, defaults={"course": course, "started_at": now}
    )
    if progress.completed_at is None:
        progress.completed_at = now
        progress.seconds_spent += max(0, min(int(seconds), MAX_SECONDS_PER_REPORT))
        progress.save(update_fields=["completed_at", "seconds_spent", "updated_at"])
    return progress, course_completion_check(cadre=cadre, course=course, today=today)


@transaction.atomic
def lesson_progress_reset(*, cadre: Cadre, course: CoursePage, by) -> int:
    """Erase a cadre's lesson progress in a course (they start its lessons again), by a manager of
    the cadre or an administrator (else PermissionDenied, nothing erased). The course's completions
    are kept. Each erased row is audited with its values. Returns the number of rows erased."""
    if not cadres_editable_by(by).filter(pk=cadre.pk).exists():
        raise PermissionDenied(_("You can only change the training of cadres of your own units."))
    rows = list(LessonProgress.objects.select_for_update().filter(cadre=cadre, course=course))
    for progress in rows:
        audit_record(instance=progress, action="ktlearn.progress.reset", user=by,
                     before=snapshot(progress, PROGRESS_FIELDS), after=None)
    LessonProgress.objects.filter(pk__in=[row.pk for row in rows]).delete()
    return len(rows)


def _passed_quiz_ids(cadre: Cadre, quiz_ids: set[int]) -> set[int]:
    if not quiz_ids:
        return set()
    if cadre.user_id is None:
        return set()

    return set(passed_quiz_ids(user=cadre.user, quiz_ids=quiz_ids))


def course_requirements_met(*, cadre: Cadre, course: CoursePage) -> bool:
    """Every live required lesson done and every quiz in those lessons passed. A course whose lessons
    are all optional needs all of them; a course without lessons cannot be completed online."""
    lessons = list(LessonPage.objects.live().descendant_of(course).order_by("path"))
    required = [lesson for lesson in lessons if lesson.required] or lessons
    if not required:
        return False
    done = set(
        LessonProgress.objects.filter(cadre=cadre, lesson__in=required, completed_at__isnull=False)
        .values_list("lesson_id", flat=True)
    )
    if any(lesson.pk not in done for lesson in required):
        return False
    quiz_ids = {quiz_id for lesson in required for quiz_id in lesson.quiz_ids()}
    return quiz_ids <= _passed_quiz_ids(cadre, quiz_ids)


@transaction.atomic
def course_completion_check(
    *, cadre: Cadre, course: CoursePage, today: datetime.date | None = None
) -> Completion | None:
    """Complete the cadre's active enrollment in the course if its requirements are met; else None."""
    enrollment = (
        Enrollment.objects.select_for_update()
        .filter(cadre=cadre, course=course, status=EnrollmentStatus.ACTIVE).first()
    )
    if enrollment is None or not course_requirements_met(cadre=cadre, course=course):
        return None
    return completion_record(cadre=cadre, course=course, completed_on=today or _today(),
                             source=CompletionSource.ONLINE, enrollment=enrollment, by=_actor(cadre))


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))


@transaction.atomic
def completion_record(
    *,
    cadre: Cadre,
    course: CoursePage,
    completed_on: datetime.date,
    source: str = CompletionSource.ONLINE,
    enrollment: Enrollment | None = None,
    by=None,
) -> Completion:
    """Record that the cadre completed the course (online, in class or elsewhere).

    Guarantees: the completion carries the course's hours and expires after its validity; the
    cadre's active enrollment in the course is marked completed; competency evidence is recorded
    for each competency the course builds (source=course, source_ref="completion:<id>"); a
    certificate with a unique number and verification code is issued, and its PDF is rendered by a
    background task once the transaction commits. The completion, the enrollment's change and the
    certificate are audited with `by` as the actor (None: the system).
    """
    completion = Completion.objects.create(
        cadre=cadre, course=course, completed_on=completed_on, hours=course.hours,
        expires_on=course.expiry_for(completed_on), source=source, enrollment=enrollment,
    )
    audit_record(instance=completion, action="ktlearn.completion.create", user=by,
                 after=snapshot(completion, COMPLETION_FIELDS))
    for active in Enrollment.objects.filter(cadre=cadre, course=course, status=EnrollmentStatus.ACTIVE):
        before = snapshot(active, ENROLLMENT_FIELDS)
        active.status, active.completed_at = EnrollmentStatus.COMPLETED, timezone.now()
        active.save(update_fields=["status", "completed_at"])
        audit_record(instance=active, action="ktlearn.enrollment.change", user=by, before=before,
                     after=snapshot(active, ENROLLMENT_FIELDS))
    for link in course.competency_links.select_related("competency__framework"):
        evidence_record(
            cadre=cadre, competency=link.competency, level=link.level, source=EvidenceSource.COURSE,
            obtained_on=completed_on, expires_on=completion.expires_on, source_ref=f"completion:{completion.pk}",
            note=course.title, by=by,
        )
    xapi.completion_queue(completion)
    certificate_issue(completion=completion, by=by)
    return completion


def certificate_issue(*, completion: Completion, by=None) -> Certificate:
    """Create the completion's certificate (number, verification code, the facts it certifies) and
    queue its PDF; the issue is audited (actor ``by``, None: the system). Idempotent: returns the
    existing certificate."""
    existing = Certificate.objects.filter(completion=completion).first()
    if existing:
        return existing
    document = official_documents()
    for _attempt in range(5):
        try:
            with transaction.atomic():
                certificate = Certificate.objects.create(
                    completion=completion, number=f"tmp-{_new_code()}", code=_new_code(),
                    full_name=completion.cadre.full_name, course_title=completion.course.title,
                    hours=completion.hours, issued_on=completion.completed_on,
                    issuer=document.certificate_issuer, place=document.place_name,
                    signer_title=document.certificate_signer_title, signer_name=document.certificate_signer_name,
                )
            break
        except IntegrityError:  # a code collision (1 in 32^12): draw again
            continue
    else:  # pragma: no cover - would need five collisions in a row
        raise RuntimeError("Could not draw a unique certificate code")
    certificate.number = f"{completion.completed_on:%Y}/{certificate.pk:06d}-CN"
    certificate.save(update_fields=["number", "updated_at"])
    audit_record(instance=certificate, action="ktlearn.certificate.issue", user=by, cadre_id=completion.cadre_id,
                 after=snapshot(certificate, CERTIFICATE_FIELDS))
    notifications.certificate_notice_add(certificate=certificate)
    from .tasks import certificate_render_task

    outbox.enqueue(certificate_render_task, certificate.pk)
    xapi.certificate_queue(certificate)
    return certificate


@transaction.atomic
def completion_revoke(*, completion: Completion, by, reason: str) -> None:
    """Revoke a completion recorded in error, with its certificate, by a manager of the cadre or an
    administrator (PermissionDenied otherwise; a reason is required, else ValidationError; nothing
    changed in either case). The certificate no longer verifies; the competency evidence the
    completion recorded is withdrawn; the enrolment it completed is active again (unless the cadre
    has re-enrolled since). Every step is audited with its values before, and the reason."""
    if not cadres_editable_by(by).filter(pk=completion.cadre_id).exists():
        raise PermissionDenied(_("You can only change the training of cadres of your own units."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason for revoking the completion."))
    data = {"reason": reason, "completion_id": completion.pk}
    certificate = Certificate.objects.filter(completion=completion).first()
    if certificate is not None:
        before, pk = snapshot(certificate, CERTIFICATE_FIELDS), certificate.pk
        if certificate.file:
            certificate.file.delete(save=False)
        certificate.delete()
        certificate.pk = pk
        audit_record(instance=certificate, action="ktlearn.certificate.revoke", user=by, before=before,
                     cadre_id=completion.cadre_id, data=data)
    for evidence in Evidence.objects.filter(cadre_id=completion.cadre_id, source=EvidenceSource.COURSE,
                                            source_ref=f"completion:{completion.pk}"):
        before, pk = snapshot(evidence, EVIDENCE_FIELDS), evidence.pk
        evidence.delete()
        evidence.pk = pk
        audit_record(instance=evidence, action="ktlearn.evidence.delete", user=by, before=before,
                     cadre_id=completion.cadre_id, data=data)
    enrollment = completion.enrollment or Enrollment.objects.filter(
        cadre_id=completion.cadre_id, course_id=completion.course_id, status=EnrollmentStatus.COMPLETED,
    ).order_by("-completed_at", "-pk").first()
    if enrollment is not None and enrollment.status == EnrollmentStatus.COMPLETED and not Enrollment.objects.filter(
            cadre_id=completion.cadre_id, course_id=completion.course_id, status=EnrollmentStatus.ACTIVE).exists():
        before = snapshot(enrollment, ENROLLMENT_FIELDS)
        enrollment.status, enrollment.completed_at = EnrollmentStatus.ACTIVE, None
        enrollment.save(update_fields=["status", "completed_at"])
        audit_record(instance=enrollment, action="ktlearn.enrollment.change", user=by, before=before,
                     after=snapshot(enrollment, ENROLLMENT_FIELDS), data=data)
    before, pk = snapshot(completion, COMPLETION_FIELDS), completion.pk
    completion.delete()
    completion.pk = pk
    audit_record(instance=completion, action="ktlearn.completion.delete", user=by, before=before, data=data)


def certificate_render(*, certificate: Certificate) -> Certificate:
    """Render the certificate's PDF and store it. Re-rendering replaces the file."""

    from .certificates import render_certificate_pdf

    started = time.perf_counter()
    data = render_certificate_pdf(certificate)
    elapsed = round((time.perf_counter() - started) * 1000)
    if certificate.file:
        certificate.file.delete(save=False)
    certificate.file.save(f"{certificate.code}.pdf", ContentFile(data), save=False)
    certificate.rendered_at = timezone.now()
    certificate.render_ms = elapsed
    certificate.save(update_fields=["file", "rendered_at", "render_ms"])
    return certificate


def completions_expire_reassign(*, today: datetime.date | None = None) -> int:
    """Re-assign every course whose completion has expired (source rule_expiry), due the course's
    N days from today. Skips cadres who are no longer active, hold a newer valid completion, or
    have had any enrollment in the course since the expiry. Idempotent; returns the number created."""
    today = today or _today()
    newer_valid = Completion.objects.filter(selectors.valid_completion_q(today), cadre=OuterRef("cadre"),
                                            course=OuterRef("course"))
    since = Enrollment.objects.filter(cadre=OuterRef("cadre"), course=OuterRef("course")).filter(
        Q(status=EnrollmentStatus.ACTIVE) | Q(created_at__date__gte=OuterRef("expires_on")))
    expired = (
        Completion.objects.filter(expires_on__lt=today, cadre__status=CadreStatus.ACTIVE, course__live=True)
        .filter(~Exists(newer_valid), ~Exists(since))
        .select_related("course")
        .order_by("cadre_id", "course_id", "-expires_on")
    )
    rows, seen = [], set()
    for completion in expired:
        key = (completion.cadre_id, completion.course_id)
        if key in seen:
            continue
        seen.add(key)
        rows.append(Enrollment(cadre_id=completion.cadre_id, course=completion.course,
                               source=EnrollmentSource.RULE_EXPIRY,
                               due_on=today + datetime.timedelta(days=completion.course.due_days_after_appointment)))
    started = timezone.now()
    with transaction.atomic():
        Enrollment.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
        _audit_swept(course=None, source=EnrollmentSource.RULE_EXPIRY, since=started)
    return len(rows)


def _audit_swept(*, course: CoursePage | None, source: str, since) -> None:
    """Audit the enrolments a sweep has just inserted (bulk inserts return no ids: read them back),
    as the system, one entry each in one insert."""
    swept = Enrollment.objects.filter(source=source, created_at__gte=since).select_related("cadre", "course")
    if course is not None:
        swept = swept.filter(course=course)
    audit_created(instances=swept, action="ktlearn.enrollment.create", fields=ENROLLMENT_FIELDS,
                  data={"rule": source})


# --- In-person classes ------------------------------------------------------------------------------


def _require_class_editor(by, training_class: TrainingClass) -> None:
    if not selectors.classes_editable_by(by).filter(pk=training_class.pk).exists():
        raise PermissionDenied(_("You can only manage classes of your own units or of the training providers "
                                 "you work for."))


@transaction.atomic
def class_register(*, training_class: TrainingClass, cadres: list[Cadre], by) -> list[ClassRegistration]:
    """Register cadres in a class. Only cadres the user may register (selectors.cadres_registrable_in:
    those they may edit, or any active cadre for a class of a provider they staff); never beyond the
    class's capacity (then nothing is registered). Cadres already registered are skipped."""
    _require_class_editor(by, training_class)
    ids = {c.pk for c in cadres}
    allowed = set(selectors.cadres_registrable_in(by, training_class).filter(pk__in=ids).values_list("pk", flat=True))
    if allowed != ids:
        refused = ", ".join(sorted(c.code for c in cadres if c.pk not in allowed))
        raise PermissionDenied(_("You can only register cadres of your own units (or, in a class of a training "
                                 "provider you work for, any active cadre): %(codes)s") % {"codes": refused})
    TrainingClass.objects.select_for_update().filter(pk=training_class.pk).first()
    already = set(training_class.registrations.values_list("cadre_id", flat=True))
    new = [c for c in cadres if c.pk not in already]
    free = training_class.capacity - len(already)
    if len(new) > free:
        raise ValidationError(
            _("The class has %(capacity)d places and %(free)d are left; %(asked)d cadres were given.")
            % {"capacity": training_class.capacity, "free": max(free, 0), "asked": len(new)})
    return ClassRegistration.objects.bulk_create(
        [ClassRegistration(training_class=training_class, cadre=c) for c in new])


@transaction.atomic
def attendance_save(*, training_class: TrainingClass, marks: dict[tuple[int, int], bool], by) -> int:
    """Record attendance: {(session_id, cadre_id): present}. Every pair must be a session of the
    class and a registered cadre (else ValidationError, nothing written). Returns the number of marks."""
    _require_class_editor(by, training_class)
    sessions = set(training_class.sessions.values_list("pk", flat=True))
    registered = set(training_class.registrations.values_list("cadre_id", flat=True))
    if any(session_id not in sessions or cadre_id not in registered for session_id, cadre_id in marks):
        raise ValidationError(_("Attendance can only be marked for registered cadres and this class's sessions."))
    existing = {(a.session_id, a.cadre_id): a for a in Attendance.objects.filter(session_id__in=sessions)}
    changed, new = [], []
    for key, present in marks.items():
        row = existing.get(key)
        if row is None:
            new.append(Attendance(session_id=key[0], cadre_id=key[1], present=present))
        elif row.present != present:
            row.present = present
            changed.append(row)
    before = {row.pk: snapshot(row, ATTENDANCE_FIELDS) for row in changed}
    for row in changed:
        before[row.pk]["present"] = not row.present
    Attendance.objects.bulk_create(new)
    Attendance.objects.bulk_update(changed, ["present"])
    for row in new:
        if row.pk is None:  # a backend that does not return the new ids
            row = Attendance.objects.get(session_id=row.session_id, cadre_id=row.cadre_id)
        audit_record(instance=row, action="ktlearn.attendance.change", user=by, before=None,
                     after=snapshot(row, ATTENDANCE_FIELDS), data={"class_id": training_class.pk})
    for row in changed:
        audit_record(instance=row, action="ktlearn.attendance.change", user=by, before=before[row.pk],
                     after=snapshot(row, ATTENDANCE_FIELDS), data={"class_id": training_class.pk})
    return len(marks)


def attendance_import(*, training_class: TrainingClass, upload, by) -> list[str]:
    """Import an attendance .xlsx (courses.attendance). Returns the list of errors; when it is not
    empty nothing was written."""
    from .attendance import parse_sheet

    _require_class_editor(by, training_class)
    parsed = parse_sheet(upload, training_class)
    if parsed.errors:
        return parsed.errors
    attendance_save(training_class=training_class, marks=parsed.marks, by=by)
    return []


@dataclass
class ClassResult:
    completed: list[Cadre] = field(default_factory=list)
    not_met: list[Cadre] = field(default_factory=list)


@transaction.atomic
def class_complete(*, training_class: TrainingClass, by, today: datetime.date | None = None) -> ClassResult:
    """Close the class: every registered cadre whose attendance reaches the threshold (and who
    passed the test, when one is required) completes the course (source "class", dated the class's
    last day, with certificate and evidence). Idempotent: cadres already completed are skipped."""
    _require_class_editor(by, training_class)
    today = today or _today()
    if training_class.end_on > today:
        raise ValidationError(_("The class ends on %(date)s; it can be closed from that day.")
                              % {"date": _fmt(training_class.end_on)})
    sessions = training_class.sessions.count()
    if not sessions:
        raise ValidationError(_("The class has no sessions."))
    present = dict(
        Attendance.objects.filter(session__training_class=training_class, present=True)
        .values("cadre_id").annotate(n=Count("pk")).values_list("cadre_id", "n")
    )
    result = ClassResult()
    course = training_class.course
    for registration in training_class.registrations.select_related("cadre").select_for_update(of=("self",)):
        if registration.completion_id:
            continue
        enough = 100 * present.get(registration.cadre_id, 0) >= training_class.attendance_threshold * sessions
        passed = registration.test_passed or not training_class.requires_test
        if not (enough and passed):
            result.not_met.append(registration.cadre)
            continue
        completion = completion_record(cadre=registration.cadre, course=course, completed_on=training_class.end_on,
                                       source=CompletionSource.CLASS, by=by)
        Completion.objects.filter(pk=completion.pk).update(training_class=training_class)
        registration.completion = completion
        registration.save(update_fields=["completion"])
        result.completed.append(registration.cadre)
    training_class.completed_on = today
    training_class.save(update_fields=["completed_on"])
    return result




# --- Personal data --------------------------------------------------------------------------------------


def personal_data_erase(*, cadre: Cadre) -> None:
    """The courses' copies of an anonymized cadre's identity: certificates take the cadre's new
    (anonymous) name and lose their PDF (it printed the old one); external-training files are deleted.
    Completions, hours and dates stay, so the figures do not change."""
    for certificate in Certificate.objects.filter(completion__cadre=cadre):
        if certificate.file:
            certificate.file.delete(save=False)
        certificate.full_name = cadre.full_name
        certificate.rendered_at = None
        certificate.save(update_fields=["full_name", "file", "rendered_at", "updated_at"])
    for training in ExternalTraining.objects.filter(cadre=cadre).exclude(file=""):
        training.file.delete(save=False)
        training.save(update_fields=["file"])


def quiz_ids_in_published_courses() -> set[int]:
    """Quizzes placed in a live lesson whose course (and curriculum) are live too. Reads the lessons'
    raw StreamField data, so no quiz is loaded."""
    hidden = [path for path in Page.objects.type(CurriculumPage, CoursePage, ModulePage).not_live()
              .values_list("path", flat=True)]
    ids = set()
    for path, body in LessonPage.objects.live().values_list("path", "body"):
        if any(path.startswith(prefix) for prefix in hidden):
            continue
        for block in (body.raw_data if hasattr(body, "raw_data") else body) or []:
            if block.get("type") == "quiz" and (block.get("value") or {}).get("quiz"):
                ids.add(int(block["value"]["quiz"]))
    return ids


def quiz_attachments_refresh() -> int:
    """Tell assessments which quizzes are in a published course (cadres see those, and quizzes opened to all)."""
    from assessments.services import quizzes_set_attached

    return quizzes_set_attached(quiz_ids_in_published_courses())


@transaction.atomic
def external_training_record(*, cadre: Cadre, course_name: str, provider: str, hours, start_on: datetime.date,
                             end_on: datetime.date, by=None) -> tuple[ExternalTraining, bool]:
    """Record training a cadre did elsewhere (a class at the political school) and return
    ``(training, created)``. It counts toward the cadre's hours and the targets as soon as it is saved
    (targets.freshness marks the figures of its dates stale, as for one entered in the admin).
    Idempotent: the same cadre, course, provider and dates again return the recorded one unchanged
    (``created`` False). Validated (ValidationError, nothing written); audited with ``by`` as actor."""
    existing = ExternalTraining.objects.filter(cadre=cadre, course_name=course_name, provider=provider,
                                               start_on=start_on, end_on=end_on).first()
    if existing is not None:
        return existing, False
    training = ExternalTraining(cadre=cadre, course_name=course_name, provider=provider, hours=hours,
                                start_on=start_on, end_on=end_on, entered_by=by)
    training.full_clean(exclude=["file"])
    training.save()
    audit_record(instance=training, action="ktlearn.external.create", user=by,
                 after=snapshot(training, EXTERNAL_FIELDS))
    return training, True


# --- Studying the Party's documents (quán triệt) ----------------------------------------------------


@dataclass
class StudyAssignResult:
    created: list = field(default_factory=list)
    already: int = 0


def study_targets(*, by, regulation, unit: Unit | None = None) -> QuerySet[Cadre]:
    """The active cadres `by` may assign `regulation` to: holding one of the positions its study plan
    names, in the user's unit subtree (narrowed to `unit`'s subtree, which must be the user's own).
    Raises ValidationError without a study plan or positions, PermissionDenied for a foreign unit."""
    study = selectors.regulation_study(regulation)
    if study is None or not study.positions.exists():
        raise ValidationError(_("Choose the positions the document concerns before assigning it."))
    if unit is not None and not units_editable_by(by).filter(pk=unit.pk).exists():
        raise PermissionDenied(_("You can only assign documents within your own units."))
    qs = cadres_editable_by(by).filter(status=CadreStatus.ACTIVE, position__in=study.positions.all())
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    return qs


def study_assign(*, by, regulation, unit: Unit | None = None, today: datetime.date | None = None,
                 ) -> StudyAssignResult:
    """Assign a regulation for study to every active cadre it concerns in the user's subtree (see
    study_targets), due `due_days` after today, and tell each cadre with a login by a notice.

    Guarantees: one StudyAssignment per cadre and regulation whatever the number of runs, parallel
    ones included (the cadres are locked while they are checked, and a unique constraint catches
    what a database without row locks lets through: the run then starts again and finds the rows);
    cadres already assigned are counted, not touched; a document no longer in force is refused."""
    if regulation.is_outdated:
        raise ValidationError(_("This document is no longer in force: assign the one that replaces it."))
    today = today or _today()
    for attempt in range(2):
        try:
            with transaction.atomic():
                return _study_assign(by=by, regulation=regulation, unit=unit, today=today)
        except IntegrityError:
            if attempt:
                raise
    raise AssertionError("unreachable")


def _study_assign(*, by, regulation, unit, today) -> StudyAssignResult:
    study = selectors.regulation_study(regulation)
    targets = study_targets(by=by, regulation=regulation, unit=unit)
    locked = list(Cadre.objects.select_for_update().filter(pk__in=targets.values("pk")).order_by("pk")
                  .values_list("pk", flat=True))
    existing = set(StudyAssignment.objects.filter(regulation=regulation, cadre_id__in=locked)
                   .values_list("cadre_id", flat=True))
    due_on = today + datetime.timedelta(days=study.due_days)
    result = StudyAssignResult(already=len(existing))
    result.created = StudyAssignment.objects.bulk_create([
        StudyAssignment(regulation=regulation, cadre_id=cadre_id, assigned_by=by, assigned_on=today, due_on=due_on)
        for cadre_id in locked if cadre_id not in existing
    ])
    notifications.study_notices_add(assignments=result.created, regulation=regulation)
    return result


def study_acknowledge(*, cadre: Cadre, assignment_id: int, today: datetime.date | None = None) -> StudyAssignment:
    """The cadre confirms having studied one of their own assigned documents (“Tôi đã nghiên cứu”).

    Guarantees: only the cadre's own assignment (StudyAssignment.DoesNotExist otherwise); idempotent
    (a second confirmation keeps the first date); with a quiz in the study plan, refused with a
    ValidationError until the cadre has passed it."""
    with transaction.atomic():
        assignment = (StudyAssignment.objects.select_for_update().select_related("regulation")
                      .get(pk=assignment_id, cadre=cadre))
        if assignment.acknowledged_on is not None:
            return assignment
        study = selectors.regulation_study(assignment.regulation)
        if study is not None and study.quiz_id and not (
                cadre.user_id and passed_quiz_ids(user=cadre.user, quiz_ids=[study.quiz_id])):
            raise ValidationError(_("Pass the quiz “%(quiz)s” before confirming that you have studied the document.")
                                  % {"quiz": study.quiz.title})
        assignment.acknowledged_on = today or _today()
        assignment.acknowledged_at = timezone.now()
        assignment.save(update_fields=["acknowledged_on", "acknowledged_at"])  # marks the board's figures stale
    return assignment


@transaction.atomic
def regulation_study_set(*, regulation, positions, due_days: int, lesson=None, quiz=None):
    """Create or change the study plan of a regulation (one per regulation). Assignments already made
    keep their due dates; the lesson and quiz shown to cadres are the plan's current ones."""
    study, _created = RegulationStudy.objects.get_or_create(regulation=regulation, defaults={"due_days": due_days})
    study.due_days, study.lesson, study.quiz = due_days, lesson, quiz
    study.full_clean(exclude=["regulation"])
    study.save()
    study.positions.set(positions)
    return study


# --- Training providers -----------------------------------------------------------------------------------


def provider_staff_sync(*, provider: TrainingProvider) -> None:
    """Put every staff member of the provider in the provider-staff group (its permissions let them
    reach the admin and manage classes; which classes is the provider's staff list). Only adds:
    someone removed from one provider may still work for another."""
    group, _created = Group.objects.get_or_create(name=PROVIDER_STAFF_GROUP)
    group.user_set.add(*provider.staff.all())
