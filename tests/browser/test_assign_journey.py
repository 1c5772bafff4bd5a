"""A unit manager assigns a course from the assign page: filters the list to one commune, ticks three
cadres, watches the live count, assigns, sees them in the team matrix, then reminds them."""

from django.core import mail

from courses.models import Enrollment, Notice, NoticeKind
from courses.tests import builders
from organization import roles
from organization.models import UnitKind
from tests.browser.conftest import log_in, screenshot
from tests.factories import CadreFactory, PositionFactory, UserFactory, add_unit, make_manager, unit_tree_root


def test_manager_assigns_three_cadres_from_the_assign_page_sees_them_in_the_matrix_then_reminds_them(
        live_server, site, page):
    root = unit_tree_root()
    body = add_unit(root, "UBKT-HC", name="Ủy ban Kiểm tra Huyện ủy Hòa Châu")
    commune = add_unit(body, "HC-X01", kind=UnitKind.COMMUNE, name="Đảng ủy xã Hòa Bình")
    other_commune = add_unit(body, "HC-X02", kind=UnitKind.COMMUNE, name="Đảng ủy xã Hòa Phú")
    position = PositionFactory(code="uy-vien", name="Ủy viên")
    names = ["Nguyễn Văn An", "Lê Thị Bình", "Trần Văn Cường"]
    cadres = [CadreFactory(unit=commune, position=position, full_name=name, email=f"cb{i}@example.vn",
                           user=UserFactory(username=f"cb{i}", role=roles.CADRE)) for i, name in enumerate(names)]
    CadreFactory(unit=other_commune, position=position, full_name="Phạm Thị Khác")
    course = builders.course(builders.curriculum(), title="Nghiệp vụ kiểm tra", code="KT-01")
    make_manager(body, username="ql.hc")

    log_in(page, live_server.url, "ql.hc", "pw-Secret-123")
    page.goto(f"{live_server.url}/learn/assign/")
    page.locator("#id_unit").select_option(str(commune.pk))
    with page.expect_navigation():
        page.locator("#assign-filters button").click()
    assert "Phạm Thị Khác" not in page.locator("#assign-cadres").inner_text()

    page.locator("#assign-course").select_option(str(course.pk))
    with page.expect_response(lambda r: "/learn/assign/preview/" in r.url):
        page.locator("input[data-kt-select-all]").check()
    assert page.locator("[data-kt-selected-count]").inner_text() == "3"
    preview = page.locator("#assign-preview")
    preview.get_by_text("Sẽ giao cho 3 cán bộ.").wait_for()
    assert "Trong 3 cán bộ được chọn: 0 đã ghi danh" in preview.inner_text()
    screenshot(page, "assign-page-live-count")
    with page.expect_navigation():
        page.get_by_role("button", name="Giao", exact=True).click()

    assert page.url.startswith(f"{live_server.url}/org/team/?course={course.pk}")
    assert "Đã giao khóa học “Nghiệp vụ kiểm tra” cho 3 cán bộ." in page.locator(".alert-success").inner_text()
    assert Enrollment.objects.filter(course=course).count() == 3
    for name in names:
        assert "Đã ghi danh 0%" in page.locator("#team-matrix tbody tr", has_text=name).inner_text()
    screenshot(page, "assign-then-team-matrix")

    page.locator("input[data-kt-select-all]").check()
    page.locator("#bulk-action").select_option("remind")
    with page.expect_navigation():
        page.get_by_role("button", name="Thực hiện").click()
    assert "Đã nhắc nhở 3 cán bộ." in page.locator(".alert-success").inner_text()
    notices = Notice.objects.filter(user__in=[c.user for c in cadres])
    assert notices.filter(kind=NoticeKind.ASSIGNED).count() == 3  # told when assigned
    assert notices.filter(kind=NoticeKind.REMINDER).count() == 3  # and reminded once each
    assert sorted(m.to[0] for m in mail.outbox) == ["cb0@example.vn", "cb1@example.vn", "cb2@example.vn"]

    page.goto(f"{live_server.url}/learn/assign/?unit={commune.pk}")
    page.locator("#assign-course").select_option(str(course.pk))
    with page.expect_response(lambda r: "/learn/assign/preview/" in r.url):
        page.locator("input[data-kt-select-all]").check()
    preview.get_by_text("Sẽ giao cho 0 cán bộ.").wait_for()
    assert "3 đã ghi danh" in preview.inner_text()
    assert page.js_errors == []
