"""Receivers: a new position brings its required courses; a passed quiz may complete a course."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from assessments.signals import quiz_passed
from lms import outbox
from organization.models import Cadre, PositionAssignment


@receiver(post_save, sender=PositionAssignment, dispatch_uid="courses_required_on_position")
def assign_required_courses_on_new_position(sender, instance, created, raw=False, **kwargs):
    if raw or not created or instance.end_date is not None:
        return
    from .tasks import required_courses_for_assignment_task

    # After commit: the worker must see the assignment and the cadre's updated position.
    outbox.enqueue(required_courses_for_assignment_task, instance.pk)


@receiver(quiz_passed, dispatch_uid="courses_check_completion_on_quiz")
def check_completion_on_quiz_passed(sender, sitting, **kwargs):
    from . import services
    from .models import Enrollment, EnrollmentStatus

    cadre = getattr(sitting, "cadre", None)
    if cadre is None and getattr(sitting, "user_id", None):
        cadre = Cadre.objects.filter(user_id=sitting.user_id).first()
    if cadre is None:
        return
    for enrollment in Enrollment.objects.filter(cadre=cadre, status=EnrollmentStatus.ACTIVE).select_related("course"):
        services.course_completion_check(cadre=cadre, course=enrollment.course)


@receiver(post_save, dispatch_uid="courses_curriculum_editorial")
def grant_editorial_on_new_curriculum(sender, instance, created, raw=False, **kwargs):
    from .models import CurriculumPage

    if raw or not created or not isinstance(instance, CurriculumPage):
        return
    from .editorial import curriculum_grant_editorial

    curriculum_grant_editorial(instance)


def _cadre_path(cadre_id) -> str:
    return Cadre.objects.filter(pk=cadre_id).values_list("unit__path", flat=True).first() or ""


def _track_deletions():
    """The REST API's changes feed: deleted learning records become tombstones (lms.tombstones)."""
    from lms import tombstones

    from .models import Certificate, Completion, Enrollment, ExternalTraining

    tombstones.track(Enrollment, resource="enrolments", key=lambda e: "", unit_path=lambda e: _cadre_path(e.cadre_id))
    tombstones.track(Completion, resource="completions", key=lambda c: "", unit_path=lambda c: _cadre_path(c.cadre_id))
    tombstones.track(ExternalTraining, resource="external-training", key=lambda t: "",
                     unit_path=lambda t: _cadre_path(t.cadre_id))
    tombstones.track(Certificate, resource="certificates", key=lambda c: c.code,
                     unit_path=lambda c: _cadre_path(Completion.objects.filter(pk=c.completion_id)
                                                     .values_list("cadre_id", flat=True).first()))

    from assessments.models import Sitting

    tombstones.track(Sitting, resource="quiz-results", key=lambda s: "", unit_path=lambda s: _cadre_path(s.cadre_id))


_track_deletions()
