"""A cadre on a phone opens a required course from "My learning", reads a lesson, marks it done,
and sees their progress move on the course page and in "My learning"."""

import datetime

from wagtail.rich_text import RichText

from courses.models import Enrollment, EnrollmentSource, LessonProgress
from courses.tests import builders
from organization import roles
from organization.models import UnitKind
from tests.browser.conftest import log_in, screenshot
from tests.factories import CadreFactory, PositionFactory, UserFactory, add_unit, unit_tree_root

LESSON_TEXT = "Ủy ban kiểm tra do cấp ủy cùng cấp bầu, là cơ quan chuyên trách giúp cấp ủy."


def _required_course(cadre):
    course = builders.course(title="Nhập môn cho ủy viên ủy ban kiểm tra mới được bầu", code="KT-01")
    module = builders.module(course, "Vị trí, chức năng và nhiệm vụ")
    first = builders.lesson(module, "Ủy ban kiểm tra trong hệ thống tổ chức của Đảng", body=[
        ("heading", {"text": "Cơ quan chuyên trách của Đảng", "size": "h2"}),
        ("paragraph", RichText(f"<p>{LESSON_TEXT}</p>")),
    ])
    second = builders.lesson(module, "Nhiệm vụ và quyền hạn", body=[("paragraph", RichText("<p>Nhiệm vụ.</p>"))])
    Enrollment.objects.create(cadre=cadre, course=course, source=EnrollmentSource.RULE_ELECTED,
                              due_on=datetime.date.today() + datetime.timedelta(days=30))
    return course, first, second


def test_cadre_reads_a_lesson_of_a_required_course_and_sees_progress(live_server, site, phone_page):
    commune = add_unit(add_unit(unit_tree_root(), "B1"), "B1-X1", kind=UnitKind.COMMUNE, name="Đảng ủy xã Hòa Bình")
    user = UserFactory(username="thu.ttm", first_name="Trần Thị Minh", last_name="Thu", role=roles.CADRE)
    cadre = CadreFactory(user=user, unit=commune, position=PositionFactory(code="uy-vien-kiem-nhiem"),
                         full_name="Trần Thị Minh Thu")
    course, first, second = _required_course(cadre)
    page = phone_page
    log_in(page, live_server.url, "thu.ttm", "pw-Secret-123")

    # My learning lists the required course with no progress yet.
    page.goto(f"{live_server.url}/learn/")
    card = page.locator(f"a[data-course='{course.pk}']")
    assert "Nhập môn cho ủy viên" in card.inner_text()
    assert card.locator(".kt-progress-label").inner_text() == "0/2"
    screenshot(page, "course-journey-1-my-learning-phone")

    # The course page shows its outline; "start" opens the first lesson.
    with page.expect_navigation():
        card.click()
    assert page.locator("#course-outline").get_by_text("Nhiệm vụ và quyền hạn").is_visible()
    assert page.locator(".progress[aria-valuenow]").first.get_attribute("aria-valuenow") == "0"
    with page.expect_navigation():
        page.locator(f"a[href='/learn/course/{course.pk}/continue/']").click()
    assert page.url == f"{live_server.url}{first.url}"
    assert page.get_by_text(LESSON_TEXT).is_visible()
    screenshot(page, "course-journey-2-lesson-phone")

    # Reading, then "mark as done" goes to the next lesson.
    page.wait_for_timeout(1200)
    with page.expect_navigation():
        page.locator("#lesson-done-form button").click()
    assert page.url == f"{live_server.url}{second.url}"
    progress = LessonProgress.objects.get(cadre=cadre, lesson=first)
    assert progress.completed_at is not None and progress.seconds_spent >= 1

    # The course page and My learning now show one of two lessons done.
    page.goto(f"{live_server.url}{course.url}")
    assert page.locator(".progress[aria-valuenow]").first.get_attribute("aria-valuenow") == "50"
    assert page.locator(f"#course-outline a[data-lesson='{first.pk}'] .bi-check-circle-fill").is_visible()
    screenshot(page, "course-journey-3-course-phone")
    page.goto(f"{live_server.url}/learn/")
    assert page.locator(f"a[data-course='{course.pk}'] .kt-progress-label").inner_text() == "1/2"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.js_errors == []
