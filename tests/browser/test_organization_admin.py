"""A unit manager in the Wagtail admin, in a real browser: browses the unit tree, imports a file
(upload -> preview -> confirm) and finds the new cadres in the list. Marked `browser`."""

import datetime

import pytest

from organization.models import Cadre, UnitKind
from organization.tests.builders import row, xlsx_bytes
from tests.browser.conftest import log_in, screenshot
from tests.factories import PositionFactory, add_unit, make_manager, unit_tree_root


@pytest.fixture
def province(db):
    """P > A > A1 > A1C, and P > B."""
    root = unit_tree_root()
    a = add_unit(root, "A", name="Đảng ủy khối A")
    b = add_unit(root, "B", name="Đảng ủy khối B")
    a1 = add_unit(a, "A1", kind=UnitKind.COMMUNE, name="Đảng ủy xã A1", party_member_count=350)
    add_unit(a1, "A1C", kind=UnitKind.CELL, name="Chi bộ A1C")
    PositionFactory(code="uv-kiem-nhiem", name="Ủy viên kiêm nhiệm")
    return {"a": a, "b": b, "a1": a1}


def test_a_manager_browses_the_tree_and_imports_cadres(live_server, site, page, province, tmp_path):
    make_manager(province['a'], username="quanly.a")
    log_in(page, live_server.url, "quanly.a", "pw-Secret-123")

    page.goto(f"{live_server.url}/admin/organization/units/")
    assert province['a'].name in page.locator("main").inner_text()
    assert province['b'].name not in page.locator("main").inner_text()
    with page.expect_navigation():
        page.locator(f"a[href$='?parent={province['a'].pk}']").first.click()
    main = page.locator("main").inner_text()
    assert province['a1'].name in main
    screenshot(page, "admin-unit-tree")

    upload = tmp_path / "can-bo.xlsx"
    upload.write_bytes(xlsx_bytes([
        row(code="CB1", full_name="Trần Thị Ánh", date_of_birth="05/09/1980", appointed_on=datetime.date(2021, 3, 15)),
        row(code="CB2", full_name="Vũ Đức Dũng", unit_code="A1C"),
    ]))
    page.goto(f"{live_server.url}/admin/organization/cadre-import/")
    page.locator("input[type=file]").set_input_files(str(upload))
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert "Vũ Đức Dũng" in page.locator("main").inner_text()
    screenshot(page, "admin-cadre-import-preview")
    assert not Cadre.objects.exists()

    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.url.startswith(f"{live_server.url}/admin/organization/cadres/")
    listing = page.locator("main").inner_text()
    assert listing.index("Trần Thị Ánh") < listing.index("Vũ Đức Dũng")
    assert set(Cadre.objects.values_list("code", flat=True)) == {"CB1", "CB2"}
    assert page.js_errors == []
    screenshot(page, "admin-cadre-index")


def test_a_manager_sees_the_import_errors_of_a_bad_file(live_server, site, page, province, tmp_path):
    make_manager(province['a'], username="quanly.a")
    log_in(page, live_server.url, "quanly.a", "pw-Secret-123")
    upload = tmp_path / "can-bo.xlsx"
    upload.write_bytes(xlsx_bytes([row(code="CB1", unit_code="B1"), row(code="CB1", date_of_birth="31/02/1980")]))
    page.goto(f"{live_server.url}/admin/organization/cadre-import/")
    page.locator("input[type=file]").set_input_files(str(upload))
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    errors = page.locator("[data-import-errors]").inner_text()
    assert "B1" in errors and "31/02/1980" in errors
    assert page.locator("main form button[type=submit]").count() == 0  # nothing to confirm
    assert page.js_errors == []
    screenshot(page, "admin-cadre-import-errors")
