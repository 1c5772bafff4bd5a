"""A cadre on a phone: logs in through the form, opens the collapsed menu, finds their profile."""

import datetime

from organization import roles
from organization.models import UnitKind
from tests.browser.conftest import log_in, screenshot
from tests.factories import CadreFactory, PositionFactory, UserFactory, add_unit, unit_tree_root


def test_cadre_logs_in_on_a_phone_and_sees_their_unit_and_position(live_server, site, phone_page):
    root = unit_tree_root()
    body = add_unit(root, "UBKT-HC", name="Ủy ban Kiểm tra Huyện ủy Hòa Châu")
    commune = add_unit(body, "HC-X01", kind=UnitKind.COMMUNE, name="Đảng ủy xã Hòa Bình")
    position = PositionFactory(code="uy-vien-chuyen-trach", name="Ủy viên chuyên trách")
    user = UserFactory(username="lan.nt", first_name="Nguyễn Thị", last_name="Lan", role=roles.CADRE)
    CadreFactory(
        user=user, unit=commune, position=position, full_name="Nguyễn Thị Lan",
        appointed_on=datetime.date(2025, 8, 15),
    )
    page = phone_page

    log_in(page, live_server.url, "lan.nt", "pw-Secret-123")

    assert page.url == f"{live_server.url}/"
    menu = page.locator("#mainnav")
    toggler = page.locator(".navbar-toggler")
    assert toggler.is_visible()
    assert not menu.is_visible()  # collapsed on a phone
    my_profile = page.locator("#mainnav a[href='/org/me/']")

    toggler.click()
    account_menu = page.locator("#mainnav .dropdown-toggle", has_text="Nguyễn Thị Lan")
    account_menu.wait_for(state="visible")
    account_menu.click()  # the profile sits in the account menu
    my_profile.wait_for(state="visible")
    page.wait_for_timeout(400)  # let the collapse animation finish before the picture
    screenshot(page, "cadre-menu-phone", full_page=False)
    assert page.locator("#mainnav").get_by_text("Nguyễn Thị Lan").is_visible()  # Vietnamese name order
    with page.expect_navigation():
        my_profile.click()

    assert page.url == f"{live_server.url}/org/me/"
    main = page.locator("main")
    assert "Đảng ủy xã Hòa Bình" in main.inner_text()
    assert "Ủy viên chuyên trách" in main.inner_text()
    assert "15/08/2025" in main.inner_text()
    assert page.locator("html").get_attribute("lang") == "vi"
    # Nothing wider than the phone: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.js_errors == []
    screenshot(page, "cadre-profile-phone")
