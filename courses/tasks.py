"""Background jobs for courses. Each task takes ids, re-fetches, and calls one service.

The nightly ones (required_courses_assign_all, completions_expire) and the daily reminders are
scheduled in settings (CELERY_BEAT_SCHEDULE), as are the daily due notices; all are idempotent.
"""

import datetime

from celery import shared_task
from django.utils import timezone

from organization.models import PositionAssignment

from . import services
from .models import Certificate, EnrollmentSource
from .notifications import due_notices_create
from .reminders import REMINDER_EMAIL_TASK, reminder_email_send, reminders_send


@shared_task(name="courses.certificate_render", acks_late=True)
def certificate_render_task(certificate_id: int) -> int:
    """Render (or re-render) a certificate's PDF; returns the time it took in milliseconds."""
    certificate = Certificate.objects.select_related("completion").get(pk=certificate_id)
    return services.certificate_render(certificate=certificate).render_ms


@shared_task(name="courses.required_courses_for_assignment", acks_late=True)
def required_courses_for_assignment_task(assignment_id: int) -> int:
    """Assign the courses a cadre's new position requires. A cadre whose appointment date is the
    assignment's start is newly elected or appointed (source rule_elected). Returns how many."""
    return _required_courses_for([assignment_id])


@shared_task(name="courses.required_courses_for_assignments", acks_late=True)
def required_courses_for_assignments_task(assignment_ids: list[int]) -> int:
    """The same for the assignments a bulk write opened (an import, the REST API's upserts): one
    message for the whole write, not one per row. Returns how many enrolments were created."""
    return _required_courses_for(assignment_ids)


def _required_courses_for(assignment_ids) -> int:
    # Two queries for the assignments and their cadres, one per (position, unit kind) for the courses
    # it requires; only the cadres who have some go through the service (queries per course).
    assignments = (PositionAssignment.objects.select_related("position", "cadre__unit")
                   .filter(pk__in=list(assignment_ids), end_date__isnull=True).order_by("pk"))
    required: dict[tuple, bool] = {}
    created = 0
    for assignment in assignments:
        cadre = assignment.cadre
        if cadre.position_id != assignment.position_id:
            continue  # superseded by a later change before this ran
        key = (assignment.position_id, cadre.unit.kind)
        if key not in required:
            required[key] = bool(services.mandatory_courses_for(*key))
        if not required[key]:
            continue
        elected = cadre.appointed_on is not None and cadre.appointed_on == assignment.start_date
        source = EnrollmentSource.RULE_ELECTED if elected else EnrollmentSource.RULE_POSITION
        created += len(services.required_courses_assign(
            cadre=cadre, position=assignment.position, start_date=assignment.start_date, source=source
        ))
    return created


@shared_task(name="courses.required_courses_assign_all", acks_late=True)
def required_courses_assign_all_task() -> int:
    return services.required_courses_assign_all()


@shared_task(name="courses.completions_expire", acks_late=True)
def completions_expire_task() -> int:
    return services.completions_expire_reassign()


@shared_task(name="competency.reminders_daily")
def reminders_daily_task(on_iso: str | None = None) -> dict:
    """Daily: remind each cadre of training due soon or overdue, and send each unit manager a
    digest for their subtree. Running it twice the same day sends nothing twice."""
    on = datetime.date.fromisoformat(on_iso) if on_iso else timezone.localdate()
    return reminders_send(on=on)


@shared_task(name="courses.due_notices_daily", acks_late=True)
def due_notices_daily_task(on_iso: str | None = None) -> dict:
    """Daily: a "due soon" notice for each enrolment due within two weeks and an "overdue" one for each
    past its date, in the cadres' notification centre. Idempotent (one notice per enrolment, kind and
    due date), hence acks_late."""
    on = datetime.date.fromisoformat(on_iso) if on_iso else timezone.localdate()
    return due_notices_create(on=on)


@shared_task(name=REMINDER_EMAIL_TASK)
def reminder_email_task(cadre_id: int, on_iso: str) -> bool:
    """The email of a manager's reminder (courses.reminders.reminders_send_to). Not acks_late: a
    redelivered message would send the email twice."""
    return reminder_email_send(cadre_id=cadre_id, on=datetime.date.fromisoformat(on_iso))
