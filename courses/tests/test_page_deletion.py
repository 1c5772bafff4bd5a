"""A course with learner records cannot be deleted from the admin (its records would cascade away)."""

import pytest
from django.contrib.auth import get_user_model

from courses.models import CoursePage, Enrollment
from courses.services import enrollment_self_create

from . import builders as b

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser("root", "root@example.org", "pw-Secret-123")
    client.force_login(user)
    return client


def test_deleting_a_course_with_enrollments_is_refused_and_nothing_is_lost(admin_client, cadre_user):
    course, _lessons = b.course_with_lessons(n_modules=1, n_lessons=1)
    enrollment_self_create(cadre=cadre_user, course=course)

    response = admin_client.post(f"/admin/pages/{course.pk}/delete/", follow=True)

    assert "cannot be deleted" in response.content.decode()
    assert CoursePage.objects.filter(pk=course.pk).exists()
    assert Enrollment.objects.filter(course=course).count() == 1


def test_deleting_the_curriculum_above_it_is_refused_too(admin_client, cadre_user):
    course, _lessons = b.course_with_lessons(n_modules=1, n_lessons=1)
    enrollment_self_create(cadre=cadre_user, course=course)
    curriculum = course.get_parent()

    admin_client.post(f"/admin/pages/{curriculum.pk}/delete/", follow=True)

    assert CoursePage.objects.filter(pk=course.pk).exists()


def test_a_course_nobody_took_can_be_deleted(admin_client):
    course, _lessons = b.course_with_lessons(n_modules=1, n_lessons=1)

    admin_client.post(f"/admin/pages/{course.pk}/delete/")

    assert not CoursePage.objects.filter(pk=course.pk).exists()
