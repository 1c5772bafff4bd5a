import pytest
from wagtail.models import Page

from cms.models import HomePage, StandardPage
from courses.models import CoursePage, CurriculumPage, LessonPage, ModulePage
from courses.selectors import course_of_lesson, course_outline, search_learning_content

from . import builders

pytestmark = pytest.mark.django_db


def test_page_tree_allows_only_curriculum_course_module_lesson():
    assert CurriculumPage.allowed_parent_page_models() == [HomePage]
    assert CoursePage.allowed_parent_page_models() == [CurriculumPage]
    assert ModulePage.allowed_parent_page_models() == [CoursePage]
    assert LessonPage.allowed_parent_page_models() == [ModulePage]
    assert LessonPage.allowed_subpage_models() == []


def test_a_lesson_cannot_be_created_under_a_course_or_a_standard_page():
    course = builders.course()
    assert not LessonPage.can_create_at(course)
    assert not CoursePage.can_create_at(Page.objects.get(pk=builders.home().pk).specific)
    assert not CurriculumPage.can_create_at(StandardPage(title="x"))


def test_outline_lists_modules_with_their_lessons_in_order():
    course, lessons = builders.course_with_lessons(n_modules=2, n_lessons=3)
    outline = course_outline(course=course)
    assert [m.module.title for m in outline] == ["Chuyên đề 1", "Chuyên đề 2"]
    assert [lesson.title for lesson in outline[1].lessons] == ["Bài 2.1", "Bài 2.2", "Bài 2.3"]


def test_unpublished_lessons_are_left_out_of_the_outline():
    course, lessons = builders.course_with_lessons(n_modules=1, n_lessons=2)
    lessons[1].unpublish()
    assert [lesson.title for lesson in course_outline(course=course)[0].lessons] == ["Bài 1.1"]


def test_a_lesson_knows_its_course():
    course, lessons = builders.course_with_lessons(n_modules=1, n_lessons=1)
    assert course_of_lesson(lessons[0]) == course


def test_search_finds_courses_and_lessons_by_their_words():
    course = builders.course(title="Giám sát chuyên đề", summary="Kỹ năng giám sát thường xuyên")
    mod = builders.module(course)
    builders.lesson(mod, "Xây dựng kế hoạch giám sát", summary="Lập kế hoạch giám sát hằng năm")
    builders.lesson(mod, "Kỷ luật đảng viên")
    results = search_learning_content("giám sát")
    assert [p.title for p in results["courses"]] == ["Giám sát chuyên đề"]
    assert [p.title for p in results["lessons"]] == ["Xây dựng kế hoạch giám sát"]


def test_search_page_shows_matches(client):
    builders.course(title="Kiểm tra khi có dấu hiệu vi phạm")
    response = client.get("/learn/search/", {"q": "dấu hiệu"})
    assert response.status_code == 200
    assert "Kiểm tra khi có dấu hiệu vi phạm" in response.content.decode()


def test_course_page_is_served_with_its_outline(client):
    course, lessons = builders.course_with_lessons(n_modules=1, n_lessons=2, title="Khóa nhập môn")
    response = client.get(course.url)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Khóa nhập môn" in body and "Bài 1.2" in body


def test_lesson_page_requires_login(client):
    _course, lessons = builders.course_with_lessons(n_modules=1, n_lessons=1)
    response = client.get(lessons[0].url)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_an_editor_creates_a_course_with_targets_in_the_admin(client):
    from django.urls import reverse

    from organization.models import UnitKind
    from tests.factories import PositionFactory, UserFactory

    curriculum = builders.curriculum()
    chair = PositionFactory(code="chu-nhiem")
    client.force_login(UserFactory(username="quantri", is_superuser=True, is_staff=True))
    url = reverse("wagtailadmin_pages:add", args=["courses", "coursepage", curriculum.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {
        "title": "Kiểm tra tài chính đảng", "slug": "kiem-tra-tai-chinh", "code": "KT-TC", "summary": "",
        "intended_audience": "Ủy viên phụ trách tài chính", "hours": "8", "validity_months": "",
        "mandatory": "on", "due_days_after_appointment": "60", "target_positions": [chair.pk],
        "target_unit_kinds": [UnitKind.COMMUNE, UnitKind.WARD],
        "competency_links-TOTAL_FORMS": "0", "competency_links-INITIAL_FORMS": "0",
        "competency_links-MIN_NUM_FORMS": "0", "competency_links-MAX_NUM_FORMS": "1000",
        "comments-TOTAL_FORMS": "0", "comments-INITIAL_FORMS": "0", "comments-MIN_NUM_FORMS": "0",
        "comments-MAX_NUM_FORMS": "1000", "action-publish": "1",
    })
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    course = CoursePage.objects.get(code="KT-TC")
    assert course.live and course.target_unit_kinds == ["commune", "ward"]
    assert list(course.target_positions.all()) == [chair]
