"""The board's dashboard in Chromium: charts drawn, the missing list loaded, no JavaScript error,
and no sideways scrolling on a phone."""

import datetime
import re

import pytest

from organization import roles
from organization.models import Unit
from targets.services import rollup_snapshot_take
from tests.browser.conftest import PHONE, log_in, open_page, page, playwright, screenshot, site  # noqa: F401
from tests.factories import UserFactory

from .builders import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def board_world(live_server, site):  # noqa: F811
    world = build_world()
    for day in (datetime.date(2025, 3, 31), datetime.date(2025, 5, 31), datetime.date(2025, 7, 1)):
        rollup_snapshot_take(target=world["target"], root_unit=Unit.objects.get(code="P"), on=day)
    UserFactory(username="bantochuc", role=roles.BOARD)
    return world


def test_board_dashboard_draws_charts_and_lists_who_is_missing(live_server, board_world, page):  # noqa: F811
    log_in(page, live_server.url, "bantochuc", "pw-Secret-123")
    page.goto(f"{live_server.url}/board/?on=2025-07-01")
    page.locator("text=Trần Thị Bình").first.wait_for()  # the missing list arrives by htmx
    drawn = page.evaluate("['units-chart', 'trend-chart'].map((id) => !!Chart.getChart(id))")
    assert drawn == [True, True]
    assert re.search(r"57[,.]1%", page.locator("main").inner_text())  # either language
    assert page.js_errors == []
    screenshot(page, "board-dashboard")


def test_board_dashboard_fits_a_phone(live_server, board_world, open_page):  # noqa: F811
    phone = open_page(PHONE)
    log_in(phone, live_server.url, "bantochuc", "pw-Secret-123")
    phone.goto(f"{live_server.url}/board/?on=2025-07-01")
    phone.locator("text=Trần Thị Bình").first.wait_for()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert phone.js_errors == []
    screenshot(phone, "board-dashboard-phone")
