"""The cadre's pages run a few queries, the same for a small and a large course or learning record,
and what they cache never shows a cadre someone else's progress, an unpublished revision, a page
that is no longer published, or a page behind a view restriction."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, PageViewRestriction

from courses import services
from courses.models import Enrollment, EnrollmentSource, LessonPage
from organization import roles
from tests.factories import CadreFactory, UserFactory

from . import builders

pytestmark = pytest.mark.django_db

# The goal of issue 14: at most 8 queries per page, whatever the size of the course or of the record.
MAX_QUERIES = 8


def _queries(client, url) -> int:
    client.get(url)  # the first request fills the caches, as any earlier visitor would
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx)


def _cadre_in_course(cadre, *, n_modules, n_lessons, n_other_enrolments=0):
    curriculum = builders.curriculum()
    course, lessons = builders.course_with_lessons(n_modules=n_modules, n_lessons=n_lessons, parent=curriculum)
    services.enrollment_self_create(cadre=cadre, course=course)
    services.lesson_complete(cadre=cadre, lesson=lessons[0])
    for i in range(n_other_enrolments):
        other, other_lessons = builders.course_with_lessons(n_modules=1, n_lessons=2, parent=curriculum,
                                                            title=f"Khóa {i}")
        Enrollment.objects.create(cadre=cadre, course=other, source=EnrollmentSource.ASSIGNED)
        services.lesson_complete(cadre=cadre, lesson=other_lessons[0])
    return course, lessons


@pytest.mark.parametrize("page", ["lesson", "course", "my_learning"])
def test_cadre_pages_run_the_same_few_queries_for_a_small_and_a_large_course(client, cadre_user, page):
    client.force_login(cadre_user.user)
    counts = []
    for n_modules, n_lessons, n_others in [(1, 2, 0), (4, 5, 6)]:
        course, lessons = _cadre_in_course(cadre_user, n_modules=n_modules, n_lessons=n_lessons,
                                           n_other_enrolments=n_others)
        url = {"lesson": lessons[-1].url, "course": course.url, "my_learning": "/learn/"}[page]
        counts.append(_queries(client, url))
    assert counts[0] == counts[1] <= MAX_QUERIES


def test_home_page_anonymous_runs_one_query(client):
    assert _queries(client, "/") == 1


def test_the_lesson_page_counts_the_same_without_the_cache(client, cadre_user, settings):
    """Cache down (nothing kept between requests): more queries, the same for any size, and a page."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    client.force_login(cadre_user.user)
    counts = []
    for n_modules, n_lessons in [(1, 2), (4, 5)]:
        _course, lessons = _cadre_in_course(cadre_user, n_modules=n_modules, n_lessons=n_lessons)
        counts.append(_queries(client, lessons[1].url))
    assert counts[0] == counts[1]


def test_a_cadre_never_sees_another_cadres_progress(client, cadre_user, commune):
    course, lessons = _cadre_in_course(cadre_user, n_modules=1, n_lessons=3)
    other = CadreFactory(unit=commune, user=UserFactory(username="hoc-vien-2", role=roles.CADRE))
    services.enrollment_self_create(cadre=other, course=course)

    client.force_login(cadre_user.user)
    mine = client.get(course.url)
    assert mine.context["progress"].required_done == 1
    assert f'data-lesson="{lessons[0].pk}">\n        <span><i class="bi bi-check-circle-fill' in mine.content.decode()
    assert "Done" in client.get(lessons[0].url).content.decode()

    client.force_login(other.user)  # the same cached outline and lesson body, another cadre
    theirs = client.get(course.url)
    assert theirs.context["progress"].required_done == 0
    assert "bi-check-circle-fill" not in theirs.content.decode()
    lesson_page = client.get(lessons[0].url)
    assert lesson_page.context["progress"] is not None and lesson_page.context["progress"].completed_at is None
    assert 'id="lesson-status"' not in lesson_page.content.decode()


def _body(text):
    return [("paragraph", f"<p>{text}</p>")]


def test_the_lesson_body_shows_the_published_revision_only(client, cadre_user):
    course, lessons = _cadre_in_course(cadre_user, n_modules=1, n_lessons=1)
    lesson = LessonPage.objects.get(pk=lessons[0].pk)
    lesson.body = _body("Phiên bản thứ nhất")
    lesson.save_revision().publish()
    client.force_login(cadre_user.user)
    assert "Phiên bản thứ nhất" in client.get(lesson.url).content.decode()

    lesson = LessonPage.objects.get(pk=lesson.pk)
    lesson.body = _body("Bản nháp chưa duyệt")
    draft = lesson.save_revision()  # saved, not published
    body = client.get(lesson.url).content.decode()
    assert "Phiên bản thứ nhất" in body and "Bản nháp chưa duyệt" not in body

    draft.publish()
    body = client.get(lesson.url).content.decode()
    assert "Bản nháp chưa duyệt" in body and "Phiên bản thứ nhất" not in body


def test_a_preview_of_a_draft_is_never_served_to_cadres(client, cadre_user, rf):
    _course, lessons = _cadre_in_course(cadre_user, n_modules=1, n_lessons=1)
    lesson = LessonPage.objects.get(pk=lessons[0].pk)
    lesson.body = _body("Nội dung đã xuất bản")
    lesson.save_revision().publish()
    draft = LessonPage.objects.get(pk=lesson.pk)
    draft.body = _body("Nội dung xem trước")
    preview_request = rf.get(draft.url)
    preview_request.user = cadre_user.user
    preview = draft.make_preview_request(original_request=preview_request)
    preview.render()
    assert "Nội dung xem trước" in preview.content.decode()

    client.force_login(cadre_user.user)
    body = client.get(lesson.url).content.decode()
    assert "Nội dung đã xuất bản" in body and "Nội dung xem trước" not in body


def test_the_outline_follows_publishing_and_unpublishing(client, cadre_user):
    course, lessons = _cadre_in_course(cadre_user, n_modules=1, n_lessons=2)
    client.force_login(cadre_user.user)
    assert client.get(course.url).context["lesson_count"] == 2

    module = Page.objects.get(pk=lessons[0].get_parent().pk)
    added = builders.lesson(module, "Bài mới thêm")
    response = client.get(course.url)
    assert response.context["lesson_count"] == 3 and "Bài mới thêm" in response.content.decode()
    assert client.get(lessons[1].url).context["next_lesson"].pk == added.pk

    added.unpublish()
    response = client.get(course.url)
    assert response.context["lesson_count"] == 2 and "Bài mới thêm" not in response.content.decode()
    assert client.get(added.url).status_code == 404


def test_a_view_restriction_added_later_applies_at_once(client, cadre_user):
    course, lessons = _cadre_in_course(cadre_user, n_modules=1, n_lessons=1)
    client.force_login(cadre_user.user)
    assert client.get(lessons[0].url).status_code == 200  # the routing table is cached now

    restriction = PageViewRestriction.objects.create(page=course, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.set([Group.objects.get_or_create(name="Chỉ ban tổ chức")[0]])
    for url in (course.url, lessons[0].url):
        response = client.get(url)
        assert response.status_code != 200 and "Bài 1.1" not in response.content.decode()

    restriction.delete()
    assert client.get(lessons[0].url).status_code == 200


def test_pages_answer_when_the_cache_refuses_connections(client, cadre_user, settings):
    from tests.test_outbox import _closed_port

    course, lessons = _cadre_in_course(cadre_user, n_modules=1, n_lessons=2)
    client.force_login(cadre_user.user)
    settings.CACHES = {"default": {"BACKEND": "lms.cache.FailSoftRedisCache",
                                   "LOCATION": f"redis://127.0.0.1:{_closed_port()}/0",
                                   "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}}
    for url in (lessons[0].url, course.url, "/learn/", "/"):
        assert client.get(url).status_code == 200
    client.logout()
    assert client.get("/").status_code == 200


def test_saving_a_quiz_or_a_regulation_renews_the_cached_lesson_bodies():
    from assessments.models import Quiz
    from cms.models import Regulation
    from cms.routing import content_version

    first = content_version()
    quiz = Quiz.objects.create(title="Kiểm tra nhanh", url="kiem-tra-nhanh", pass_mark=60)
    second = content_version()
    Regulation.objects.create(number="296-QĐ/TW", title="Quy định thi hành")
    assert first != second != content_version()
    quiz.delete()
    assert content_version() not in (first, second)
