import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from courses import services
from courses.models import Completion, Enrollment, EnrollmentSource, ExternalTraining

from . import builders

pytestmark = pytest.mark.django_db


def _learning_record(cadre, n_courses):
    """n courses assigned (one overdue), each with 2 lessons, one of them done; one course completed."""
    today = timezone.localdate()
    curriculum = builders.curriculum()
    for i in range(n_courses):
        course, lessons = builders.course_with_lessons(n_modules=1, n_lessons=2, parent=curriculum,
                                                       title=f"Khóa {i}")
        due = today - datetime.timedelta(days=1) if i == 0 else today + datetime.timedelta(days=30)
        Enrollment.objects.create(cadre=cadre, course=course, source=EnrollmentSource.ASSIGNED, due_on=due)
        services.lesson_complete(cadre=cadre, lesson=lessons[0])
    done, lessons = builders.course_with_lessons(n_modules=1, n_lessons=1, parent=curriculum, title="Đã học",
                                                 hours=Decimal("6"))
    services.enrollment_self_create(cadre=cadre, course=done)
    services.lesson_complete(cadre=cadre, lesson=lessons[0])


MY_LEARNING_QUERIES = 6  # user, cadre, enrolments with their counts, completions, external, roles


@pytest.mark.parametrize("n_courses", [2, 10])
def test_my_learning_runs_a_constant_number_of_queries(client, cadre_user, django_assert_num_queries, n_courses):
    _learning_record(cadre_user, n_courses)
    client.force_login(cadre_user.user)
    client.get("/learn/")  # warm Wagtail's site cache, as in production
    with django_assert_num_queries(MY_LEARNING_QUERIES):
        response = client.get("/learn/")
    assert len(response.context["required"]) == n_courses


def test_my_learning_shows_overdue_in_red_progress_done_and_hours(client, cadre_user):
    _learning_record(cadre_user, 2)
    ExternalTraining.objects.create(cadre=cadre_user, course_name="Lớp bồi dưỡng", provider="Trường Chính trị tỉnh",
                                    hours=Decimal("4"), start_on=timezone.localdate(), end_on=timezone.localdate())
    client.force_login(cadre_user.user)
    response = client.get("/learn/")
    body = response.content.decode()
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).strftime("%d/%m/%Y")
    assert f'<i class="bi bi-exclamation-circle"></i> Overdue since {yesterday}' in body
    assert 'class="small overdue text-danger"' in body
    assert body.count('<span class="small text-body-secondary text-nowrap kt-progress-label">1/2</span>') == 2
    assert "Đã học" in response.context["done"][0].course.title
    assert response.context["hours_this_year"] == Decimal("10")  # 6 (course) + 4 (elsewhere)
    assert response.context["certificates"][0].number in body


def test_my_learning_escapes_names_and_titles(client, cadre_user):
    course = builders.course(title="<script>alert('x')</script>")
    Enrollment.objects.create(cadre=cadre_user, course=course, source=EnrollmentSource.ASSIGNED)
    client.force_login(cadre_user.user)
    body = client.get("/learn/").content.decode()
    assert "<script>alert('x')</script>" not in body
    assert "&lt;script&gt;" in body


def test_my_learning_for_a_login_without_cadre_record(client):
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="giangvien"))
    response = client.get("/learn/")
    assert response.status_code == 200
    assert "not linked to a cadre record" in response.content.decode()


COURSE_PAGE_QUERIES = 7  # user, page, cadre, progress, completion, enrolment, roles


@pytest.mark.parametrize("n_lessons", [2, 10])
def test_course_page_runs_a_constant_number_of_queries(client, cadre_user, django_assert_num_queries, n_lessons):
    course, lessons = builders.course_with_lessons(n_modules=2, n_lessons=n_lessons // 2)
    services.enrollment_self_create(cadre=cadre_user, course=course)
    services.lesson_complete(cadre=cadre_user, lesson=lessons[0])
    client.force_login(cadre_user.user)
    client.get(course.url)  # warm Wagtail's site cache, as in production
    with django_assert_num_queries(COURSE_PAGE_QUERIES):
        response = client.get(course.url)
    assert response.context["progress"].required_total == n_lessons


def test_my_learning_query_count_does_not_grow(client, cadre_user):
    """The same number of queries for 2 and 10 courses, measured side by side."""
    client.force_login(cadre_user.user)
    _learning_record(cadre_user, 2)
    client.get("/learn/")  # each measure after a first visit: new pages renew the cached site tables
    with CaptureQueriesContext(connection) as two:
        client.get("/learn/")
    _learning_record(cadre_user, 8)
    client.get("/learn/")
    with CaptureQueriesContext(connection) as ten:
        response = client.get("/learn/")
    assert len(response.context["required"]) == 10
    assert len(two) == len(ten)


def test_phone_layout_hides_secondary_columns_and_uses_responsive_tables(client, cadre_user):
    _learning_record(cadre_user, 1)
    client.force_login(cadre_user.user)
    body = client.get("/learn/").content.decode()
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in body
    assert 'class="table-responsive"' in body
    assert Completion.objects.count() == 1
