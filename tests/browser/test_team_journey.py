"""A unit manager follows up their team: ticks three cadres on the team page, assigns them a course,
sees them in the matrix, then reminds them — in Vietnamese, with the page's own script file (CSP)."""

from django.core import mail

from courses.models import Enrollment, Notice, NoticeKind
from courses.tests import builders
from organization import roles
from organization.models import UnitKind
from tests.browser.conftest import log_in, screenshot
from tests.factories import CadreFactory, PositionFactory, UserFactory, add_unit, make_manager, unit_tree_root


def test_manager_assigns_three_cadres_sees_them_in_the_matrix_then_reminds_them(live_server, site, page):
    root = unit_tree_root()
    body = add_unit(root, "UBKT-HC", name="Ủy ban Kiểm tra Huyện ủy Hòa Châu")
    commune = add_unit(body, "HC-X01", kind=UnitKind.COMMUNE, name="Đảng ủy xã Hòa Bình")
    other = add_unit(root, "UBKT-KHAC", name="Ủy ban Kiểm tra khác")
    position = PositionFactory(code="uy-vien", name="Ủy viên")
    names = ["Nguyễn Văn An", "Lê Thị Bình", "Trần Văn Cường"]
    cadres = [CadreFactory(unit=commune, position=position, full_name=name, email=f"cb{i}@example.vn",
                           user=UserFactory(username=f"cb{i}", role=roles.CADRE)) for i, name in enumerate(names)]
    CadreFactory(unit=other, position=position, full_name="Phạm Thị Ngoài")
    course = builders.course(builders.curriculum(), title="Nghiệp vụ kiểm tra", code="KT-01")
    make_manager(body, username="ql.hc")

    log_in(page, live_server.url, "ql.hc", "pw-Secret-123")
    page.goto(f"{live_server.url}/org/team/")
    table = page.locator("#team-matrix")
    assert "Phạm Thị Ngoài" not in table.inner_text()  # another unit's cadre
    page.locator("input[data-kt-select-all]").check()
    assert page.locator("[data-kt-selected-count]").inner_text() == "3"
    page.locator("#bulk-action").select_option("assign")
    page.locator("#bulk-course").select_option(str(course.pk))
    with page.expect_navigation():
        page.get_by_role("button", name="Thực hiện").click()

    assert "Đã giao khóa học “Nghiệp vụ kiểm tra” cho 3 cán bộ." in page.locator(".alert-success").inner_text()
    assert Enrollment.objects.filter(course=course).count() == 3
    assert page.locator("#team-matrix thead").get_by_text("KT-01").is_visible()
    for name in names:
        row = page.locator("#team-matrix tbody tr", has_text=name)
        assert "Đã ghi danh 0%" in row.inner_text()
    screenshot(page, "team-matrix-after-assign")

    for cadre in cadres:
        page.locator(f"input[name=cadres][value='{cadre.pk}']").check()
    page.locator("#bulk-action").select_option("remind")
    with page.expect_navigation():
        page.get_by_role("button", name="Thực hiện").click()
    assert "Đã nhắc nhở 3 cán bộ." in page.locator(".alert-success").inner_text()
    notices = Notice.objects.filter(user__in=[c.user for c in cadres])
    assert notices.filter(kind=NoticeKind.ASSIGNED).count() == 3  # told when assigned
    assert notices.filter(kind=NoticeKind.REMINDER).count() == 3  # and reminded once each
    assert sorted(m.to[0] for m in mail.outbox) == ["cb0@example.vn", "cb1@example.vn", "cb2@example.vn"]

    with page.expect_navigation():
        page.locator("#team-matrix").get_by_role("link", name="Lê Thị Bình").click()
    assert page.url == f"{live_server.url}/org/cadres/{cadres[1].pk}/record/"
    assert "Nghiệp vụ kiểm tra" in page.locator("#record-enrollments").inner_text()
    assert page.js_errors == []
    screenshot(page, "team-cadre-record")


def test_the_board_opens_a_missing_cadres_training_record(live_server, site, page):
    import datetime

    from targets.tests.builders import build_world

    build_world()
    UserFactory(username="ban.tc", role=roles.BOARD)
    log_in(page, live_server.url, "ban.tc", "pw-Secret-123")
    page.goto(f"{live_server.url}/board/missing/?on={datetime.date(2025, 7, 1).isoformat()}")
    first = page.locator("main table tbody tr a").first
    name = first.inner_text()
    with page.expect_navigation():
        first.click()
    assert "/record/" in page.url
    assert page.locator("h1").inner_text().startswith(name)
    assert "Minh chứng năng lực" in page.locator("main").inner_text()
    assert page.js_errors == []
    screenshot(page, "board-missing-cadre-record")
