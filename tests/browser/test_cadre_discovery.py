"""A cadre on a phone: the home page starts with the overdue course, the bell shows the notice, the
catalogue finds a course, the notification centre marks it read, and the calendar page gives a feed
that is valid iCalendar — in Vietnamese, with no inline script (CSP)."""

import datetime

import icalendar

from courses.models import Enrollment, EnrollmentSource
from courses.notifications import due_notices_create
from courses.tests import builders
from organization import roles
from organization.models import UnitKind
from tests.browser.conftest import PHONE, log_in, screenshot
from tests.factories import CadreFactory, UserFactory, add_unit, unit_tree_root


def test_cadre_finds_a_course_sees_the_due_notice_and_subscribes_the_calendar(live_server, site, open_page):
    today = datetime.date.today()
    commune = add_unit(add_unit(unit_tree_root(), "UBKT-HC"), "HC-X01", kind=UnitKind.COMMUNE)
    cadre = CadreFactory(unit=commune, full_name="Nguyễn Văn An", user=UserFactory(username="cb.an", role=roles.CADRE))
    curriculum = builders.curriculum("Chương trình bồi dưỡng cơ bản")
    late, _lessons = builders.course_with_lessons(1, 1, parent=curriculum, title="Nghiệp vụ kiểm tra cơ bản")
    wanted = builders.course(curriculum, "Kỹ năng giám sát đảng viên", summary="Giám sát thường xuyên")
    Enrollment.objects.create(cadre=cadre, course=late, source=EnrollmentSource.ASSIGNED,
                              due_on=today - datetime.timedelta(days=3))
    due_notices_create(on=today)

    page = open_page(PHONE, permissions=["clipboard-read", "clipboard-write"])
    log_in(page, live_server.url, "cb.an", "pw-Secret-123")
    page.goto(f"{live_server.url}/")
    assert page.locator("h1").inner_text() == "Chào đồng chí Nguyễn Văn An"
    overdue = page.locator("#home-overdue")
    assert "Quá hạn (1)" in overdue.inner_text() and "Nghiệp vụ kiểm tra cơ bản" in overdue.inner_text()
    assert page.locator("#notice-badge").is_visible() and page.locator("#notice-badge").inner_text() == "1"
    screenshot(page, "cadre-home-phone")

    page.locator(".navbar-toggler").click()
    with page.expect_navigation():
        page.get_by_role("link", name="Danh mục khóa học").first.click()
    page.locator("#id_q").fill("giám sát")
    with page.expect_navigation():
        page.get_by_role("button", name="Lọc").click()
    assert page.locator("#catalogue-count").inner_text() == "1 khóa học"
    screenshot(page, "catalogue-phone")
    with page.expect_navigation():
        page.get_by_role("link", name="Kỹ năng giám sát đảng viên").click()
    assert page.url.rstrip("/").endswith(wanted.url.rstrip("/"))

    with page.expect_navigation():
        page.locator("#notice-bell").click()
    notice = page.locator("#notices li").first
    assert "Khóa học “Nghiệp vụ kiểm tra cơ bản” đã quá hạn hoàn thành" in notice.inner_text()
    assert "chưa đọc" in notice.inner_text()
    with page.expect_navigation():
        page.locator("#notices-read-all").click()
    assert "Đã đánh dấu 1 thông báo là đã đọc." in page.locator(".alert-success").inner_text()
    assert page.locator("#notice-badge").count() == 0

    page.goto(f"{live_server.url}/learn/calendar/")
    subscribe = page.locator("#calendar-subscribe")
    https_url = page.locator("#calendar-url").input_value()
    assert subscribe.get_attribute("href") == "webcal://" + https_url.split("://", 1)[1]
    page.get_by_role("button", name="Sao chép").click()
    page.get_by_role("button", name="Đã sao chép").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == https_url
    screenshot(page, "calendar-phone")

    feed = page.request.get(https_url)
    assert feed.status == 200 and feed.headers["content-type"].startswith("text/calendar")
    [event] = icalendar.Calendar.from_ical(feed.body()).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Hạn hoàn thành: Nghiệp vụ kiểm tra cơ bản"
    assert event.decoded("DTSTART") == today - datetime.timedelta(days=3)
    assert page.js_errors == []
