"""Trainers write inside the curriculum only and cannot publish; approvers publish through the workflow."""

import pytest
from django.urls import reverse
from wagtail.models import Page, WorkflowState

from cms.models import StandardPage
from courses.editorial import CURRICULUM_APPROVERS, WORKFLOW_NAME
from courses.models import LessonPage
from organization import roles
from tests.factories import UserFactory

from . import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def trainer():
    return UserFactory(username="giangvien", role=roles.TRAINER)


@pytest.fixture
def approver():
    user = UserFactory(username="duyet")
    from django.contrib.auth.models import Group

    builders.curriculum()  # creates the editorial groups
    user.groups.add(Group.objects.get(name=CURRICULUM_APPROVERS))
    return user


def test_a_new_curriculum_gets_the_approval_workflow():
    curriculum = builders.curriculum()
    assert curriculum.get_workflow().name == WORKFLOW_NAME


def test_trainer_can_edit_and_add_under_the_curriculum_but_not_publish(trainer):
    course, lessons = builders.course_with_lessons(n_modules=1, n_lessons=1)
    permissions = lessons[0].permissions_for_user(trainer)
    assert permissions.can_edit()
    assert not permissions.can_publish()
    assert course.permissions_for_user(trainer).can_add_subpage()


def test_trainer_cannot_edit_outside_the_curriculum(trainer):
    home = builders.home()
    page = home.add_child(instance=StandardPage(title="Giới thiệu", slug="gioi-thieu"))
    assert not page.permissions_for_user(trainer).can_edit()
    assert not Page.objects.get(pk=home.pk).permissions_for_user(trainer).can_add_subpage()


def test_trainer_cannot_open_a_page_outside_the_curriculum_in_the_admin(client, trainer):
    home = builders.home()
    page = home.add_child(instance=StandardPage(title="Giới thiệu", slug="gioi-thieu"))
    client.force_login(trainer)
    response = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    assert response.status_code in (302, 403)
    assert response.status_code == 403 or "/admin/" in response["Location"]


def _edit_post(lesson, action):
    return {
        "title": lesson.title, "slug": lesson.slug, "summary": "Đã sửa", "required": "on",
        "estimated_minutes": "20", "body-count": "0", action: "1",
        "comments-TOTAL_FORMS": "0", "comments-INITIAL_FORMS": "0", "comments-MIN_NUM_FORMS": "0",
        "comments-MAX_NUM_FORMS": "1000",
    }


def test_trainer_publishing_a_lesson_through_the_admin_publishes_nothing(client, trainer):
    _course, lessons = builders.course_with_lessons(n_modules=1, n_lessons=1)
    client.force_login(trainer)
    client.post(reverse("wagtailadmin_pages:edit", args=[lessons[0].pk]), _edit_post(lessons[0], "action-publish"))
    lesson = LessonPage.objects.get(pk=lessons[0].pk)
    assert lesson.get_latest_revision_as_object().summary == "Đã sửa"  # saved as a draft...
    assert lesson.summary == ""  # ...but the live version is unchanged


def test_trainer_submits_a_lesson_for_approval(client, trainer):
    _course, lessons = builders.course_with_lessons(n_modules=1, n_lessons=1)
    client.force_login(trainer)
    response = client.post(reverse("wagtailadmin_pages:edit", args=[lessons[0].pk]),
                           _edit_post(lessons[0], "action-submit"))
    assert response.status_code == 302
    state = WorkflowState.objects.get(base_content_type__model="page", object_id=str(lessons[0].pk))
    assert state.workflow.name == WORKFLOW_NAME and state.status == "in_progress"


def test_approver_can_publish_in_the_curriculum(approver):
    _course, lessons = builders.course_with_lessons(n_modules=1, n_lessons=1)
    assert lessons[0].permissions_for_user(approver).can_publish()
