"""One approval for a whole course: the trainer submits the course once, the approver approves once,
and the course's modules and lessons go live with it."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import Page, TaskState, WorkflowState

from courses.editorial import CURRICULUM_APPROVERS
from courses.models import CoursePage, LessonPage, ModulePage
from organization import roles
from tests.factories import UserFactory

from . import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def curriculum():
    return builders.curriculum()


@pytest.fixture
def trainer(curriculum):
    return UserFactory(username="giangvien", role=roles.TRAINER)


@pytest.fixture
def approver(curriculum):
    user = UserFactory(username="duyet")
    user.groups.add(Group.objects.get(name=CURRICULUM_APPROVERS))
    return user


def _draft(parent, page, user):
    Page.objects.get(pk=parent.pk).add_child(instance=page)
    page.save_revision(user=user)
    return page


@pytest.fixture
def draft_course(curriculum, trainer):
    """A new course written by the trainer: nothing of it is live yet."""
    course = _draft(curriculum, CoursePage(title="Nghiệp vụ kiểm tra", code="KT-99", live=False), trainer)
    module = _draft(course, ModulePage(title="Chuyên đề 1", live=False), trainer)
    lessons = [_draft(module, LessonPage(title=f"Bài {i}", live=False), trainer) for i in (1, 2)]
    return course, module, lessons


def _submit(client, trainer, course):
    """What the editor's "Submit to Duyệt giáo trình" does: save a revision, start the page's workflow."""
    course = CoursePage.objects.get(pk=course.pk)
    course.save_revision(user=trainer)
    course.get_workflow().start(course, trainer)


def _live(*pages):
    return [Page.objects.get(pk=p.pk).live for p in pages]


def _task_for(approver):
    """The tasks waiting for this approver, as Wagtail's dashboard counts them."""
    return [state for state in TaskState.objects.filter(status=TaskState.STATUS_IN_PROGRESS)
            if state.task.specific.user_can_access_editor(state.workflow_state.content_object, approver)]


def test_submitting_a_course_once_gives_the_approver_one_task(client, trainer, approver, draft_course):
    course, _module, _lessons = draft_course
    _submit(client, trainer, course)
    assert WorkflowState.objects.active().count() == 1
    tasks = _task_for(approver)
    assert len(tasks) == 1 and int(tasks[0].workflow_state.object_id) == course.pk


def test_approving_the_course_publishes_its_module_and_lessons(client, trainer, approver, draft_course):
    course, module, lessons = draft_course
    _submit(client, trainer, course)
    assert _live(course, module, *lessons) == [False] * 4
    _task_for(approver)[0].approve(user=approver)
    assert _live(course, module, *lessons) == [True] * 4
    assert not WorkflowState.objects.active().exists()


def test_the_approver_approves_in_the_admin_once(client, trainer, approver, draft_course):
    course, module, lessons = draft_course
    _submit(client, trainer, course)
    task = _task_for(approver)[0]
    client.force_login(approver)
    response = client.post(reverse("wagtailadmin_pages:workflow_action", args=[course.pk, "approve", task.pk]),
                           {"comment": ""})
    assert response.status_code in (200, 302)
    assert _live(course, module, *lessons) == [True] * 4


def test_rejecting_the_course_publishes_nothing(client, trainer, approver, draft_course):
    course, module, lessons = draft_course
    _submit(client, trainer, course)
    _task_for(approver)[0].reject(user=approver)
    assert _live(course, module, *lessons) == [False] * 4


def test_a_lesson_edited_after_approval_still_needs_approval(client, trainer, approver, draft_course):
    course, _module, lessons = draft_course
    _submit(client, trainer, course)
    _task_for(approver)[0].approve(user=approver)
    lesson = LessonPage.objects.get(pk=lessons[0].pk)
    lesson.summary = "Sửa sau khi duyệt"
    lesson.save_revision(user=trainer)
    lesson = LessonPage.objects.get(pk=lesson.pk)
    assert lesson.summary == ""  # the live lesson is what was approved
    assert lesson.has_unpublished_changes
    assert not lesson.permissions_for_user(trainer).can_publish()


def test_an_edit_made_after_submitting_waits_for_its_own_approval(client, trainer, approver, draft_course):
    course, _module, lessons = draft_course
    _submit(client, trainer, course)
    lesson = LessonPage.objects.get(pk=lessons[0].pk)
    lesson.summary = "Sửa sau khi gửi duyệt"
    lesson.save_revision(user=trainer)
    _task_for(approver)[0].approve(user=approver)
    lesson = LessonPage.objects.get(pk=lesson.pk)
    assert lesson.live and lesson.summary == ""  # the submitted version, not the later edit
    assert lesson.has_unpublished_changes


def test_a_lesson_submitted_on_its_own_is_approved_with_the_course(client, trainer, approver, draft_course):
    course, _module, lessons = draft_course
    lessons[0].get_workflow().start(lessons[0], trainer)
    _submit(client, trainer, course)
    course_task = next(t for t in _task_for(approver) if int(t.workflow_state.object_id) == course.pk)
    course_task.approve(user=approver)
    assert _live(*lessons) == [True, True]
    assert not WorkflowState.objects.active().exists()


def test_the_course_editor_lists_what_the_approval_publishes(client, trainer, draft_course):
    course, module, lessons = draft_course
    client.force_login(trainer)
    page = client.get(reverse("wagtailadmin_pages:edit", args=[course.pk])).content.decode()
    assert "approving the course publishes them together" in page
    for item in (module, *lessons):
        assert item.title in page


# --- a quiz shows to cadres once a published course holds it ----------------------------------------


def test_a_quiz_in_a_lesson_shows_to_cadres_once_the_course_is_approved(client, trainer, approver, draft_course,
                                                                      cadre_user):
    from assessments.models import Quiz
    from assessments.tests import builders as quiz_builders

    course, _module, lessons = draft_course
    quiz, _questions = quiz_builders.quiz_with_mc(2, draft=False, open_to_all=False, owner=trainer)
    lesson = LessonPage.objects.get(pk=lessons[1].pk)
    lesson.body = [("quiz", {"quiz": quiz, "intro": "", "final_test": True})]
    lesson.save_revision(user=trainer)
    client.force_login(cadre_user.user)
    assert client.get(quiz.get_absolute_url()).status_code == 404  # in a course nobody approved yet

    _submit(client, trainer, course)
    _task_for(approver)[0].approve(user=approver)
    assert Quiz.objects.get(pk=quiz.pk).attached
    assert client.get(quiz.get_absolute_url()).status_code == 200
    assert quiz.title in client.get(reverse("assessments:quiz_list")).content.decode()

    CoursePage.objects.get(pk=course.pk).unpublish()
    assert client.get(quiz.get_absolute_url()).status_code == 404  # its course withdrawn


def test_recounting_quiz_attachments_takes_four_queries_whatever_the_number_of_lessons(
        django_assert_max_num_queries, draft_course, trainer):
    from courses.services import quiz_attachments_refresh

    course, module, _lessons = draft_course
    for i in range(10):
        _draft(module, LessonPage(title=f"Bài thêm {i}", live=True), trainer)
    with django_assert_max_num_queries(4):
        quiz_attachments_refresh()
