"""Receivers: a new position brings its required courses; a passed quiz may complete a course; a marked
quiz attempt tells its cadre."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.signals import page_published, page_unpublished, workflow_approved

from assessments.models import Quiz
from assessments.signals import quiz_passed, sitting_marked
from cms.routing import content_changed
from lms import outbox
from lms.signals import bulk_created
from organization.models import Cadre, PositionAssignment


@receiver(post_save, sender=PositionAssignment, dispatch_uid="courses_required_on_position")
def assign_required_courses_on_new_position(sender, instance, created, raw=False, **kwargs):
    if raw or not created or instance.end_date is not None:
        return
    from .tasks import required_courses_for_assignment_task

    # After commit: the worker must see the assignment and the cadre's updated position.
    outbox.enqueue(required_courses_for_assignment_task, instance.pk)


@receiver(bulk_created, sender=PositionAssignment, dispatch_uid="courses_required_on_positions")
def assign_required_courses_on_new_positions(sender, instances, **kwargs):
    """The same for the assignments a bulk write opened (organization.services.cadre_import): one
    outbox message for all of them."""
    ids = [a.pk for a in instances if a.end_date is None]
    if not ids:
        return
    from .tasks import required_courses_for_assignments_task

    outbox.enqueue(required_courses_for_assignments_task, ids)


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


@receiver(sitting_marked, dispatch_uid="courses_notice_on_sitting_marked")
def notice_on_sitting_marked(sender, sitting, **kwargs):
    from .notifications import marked_notice_add

    marked_notice_add(sitting=sitting)


@receiver(post_save, dispatch_uid="courses_curriculum_editorial")
def grant_editorial_on_new_curriculum(sender, instance, created, raw=False, **kwargs):
    from .models import CurriculumPage

    if raw or not created or not isinstance(instance, CurriculumPage):
        return
    from .editorial import curriculum_grant_editorial

    curriculum_grant_editorial(instance)


@receiver(post_save, sender=Quiz, dispatch_uid="courses_quiz_changed_content")
@receiver(post_delete, sender=Quiz, dispatch_uid="courses_quiz_deleted_content")
def quiz_changed_renews_rendered_lessons(sender, instance, raw=False, **kwargs):
    """A lesson's cached body shows its quizzes' titles and rules (cms.routing caches rendered content)."""
    if not raw:
        content_changed()


@receiver(workflow_approved, dispatch_uid="courses_publish_course_descendants")
def publish_course_descendants_on_approval(sender, instance, user=None, **kwargs):
    """One approval for a whole course: its waiting modules and lessons go live with it."""
    from .editorial import course_workflow_approved

    course_workflow_approved(instance, user=user)


@receiver(page_published, dispatch_uid="courses_quiz_attachments_on_publish")
@receiver(page_unpublished, dispatch_uid="courses_quiz_attachments_on_unpublish")
def refresh_quiz_attachments(sender, instance, **kwargs):
    """Cadres see a quiz once a published course holds it: recount when a curriculum page changes state."""
    from .models import CoursePage, CurriculumPage, LessonPage, ModulePage

    if isinstance(instance, (CurriculumPage, CoursePage, ModulePage, LessonPage)):
        from .services import quiz_attachments_refresh

        quiz_attachments_refresh()


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
