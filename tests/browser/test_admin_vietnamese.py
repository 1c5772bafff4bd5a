"""The Wagtail admin in Vietnamese, as a trainer sees it in Chromium: the sidebar (drawn by script)
greets them by their given name and lists Vietnamese menus, the page editor's tabs and buttons read in
Vietnamese, and none of the common English labels is on screen."""

from courses.tests import builders
from organization import roles
from tests.browser.conftest import log_in, screenshot
from tests.factories import UserFactory
from tests.test_wagtail_vietnamese import ENGLISH


def test_a_trainer_sees_the_admin_in_vietnamese(live_server, site, page):
    course, lessons = builders.course_with_lessons(1, 1, parent=builders.curriculum(), title="Nghiệp vụ kiểm tra")
    UserFactory(username="gv.khoa", first_name="Vũ Minh", last_name="Khoa", role=roles.TRAINER)

    log_in(page, live_server.url, "gv.khoa", "pw-Secret-123")
    page.goto(f"{live_server.url}/admin/pages/{lessons[0].pk}/edit/")
    sidebar = page.locator("#wagtail-sidebar")
    sidebar.get_by_text("Khoa", exact=True).wait_for()
    assert "Vũ Minh" not in sidebar.inner_text()
    for label in ("Trang", "Hình ảnh", "Tài liệu", "Báo cáo"):
        assert sidebar.get_by_text(label, exact=True).count() >= 1, label
    for tab in ("Nội dung", "Quảng bá"):
        assert page.get_by_role("tab", name=tab).is_visible()
    assert page.get_by_role("button", name="Lưu bản nháp").is_visible()
    screenshot(page, "admin-vi-lesson-editor")

    for url in (f"/admin/pages/{lessons[0].pk}/edit/", f"/admin/pages/{course.get_parent().pk}/",
                "/admin/images/", "/admin/documents/", "/admin/reports/workflow/"):
        page.goto(f"{live_server.url}{url}")
        page.locator("#wagtail-sidebar").get_by_text("Khoa", exact=True).wait_for()
        shown = page.locator("body").inner_text()
        assert ENGLISH.findall(shown) == [], url
    assert page.js_errors == []
