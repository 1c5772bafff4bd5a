"""The API's target figures are the dashboard's: same roll-up, same children, same missing cadres."""

import datetime

import pytest
from django.core.cache import cache

from organization import roles
from organization.models import ApiAccess, Unit
from organization.services import api_client_create
from targets.figures import figures_current
from targets.selectors import dashboard_data, missing_in_set
from targets.tests.builders import build_world
from tests.factories import UserFactory

from .conftest import ApiCaller

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    cache.clear()
    roles.ensure_groups()
    return build_world()


def test_rollup_and_missing_agree_with_the_dashboard(world, client):
    target, root = world["target"], world["root"]
    _client, token = api_client_create(name="Board sync", unit=root, access=ApiAccess.READ)
    api = ApiCaller(token)
    board = UserFactory(username="board", role=roles.BOARD)
    client.force_login(board)
    b1 = Unit.objects.get(code="B1")
    for unit in (root, b1):
        body = api.get(f"/targets/{target.code}/rollup", {"unit": unit.code}).json()
        card = client.get("/board/", {"target": target.pk, "unit": unit.pk}).context["data"]
        assert (body["total"]["population"], body["total"]["met"], body["total"]["in_time"]) == (
            card.total.population, card.total.met, card.total.in_time)
        assert body["on"] == card.taken_on.isoformat()
        assert {(r["unit_code"], r["population"], r["met"]) for r in body["units"]} == {
            (r.unit.code, r.population, r.met) for r in card.units}
        missing = api.get(f"/targets/{target.code}/missing", {"unit": unit.code}).json()
        listed = client.get("/board/missing/", {"target": target.pk, "unit": unit.pk}).context["total"]
        assert missing["count"] == listed == card.missing_count
        figure_set = figures_current(target=target, on=datetime.date.fromisoformat(body["on"]))
        names = [m.cadre.code for m in missing_in_set(figure_set=figure_set, unit=unit)]
        assert [m["cadre_code"] for m in missing["items"]] == names
        assert all(m["reasons"] for m in missing["items"])
    assert dashboard_data(target=target, unit=root).total.population == api.get(
        f"/targets/{target.code}/rollup").json()["total"]["population"]


def test_a_manager_client_sees_its_subtree_figures_only(world):
    target = world["target"]
    b1 = Unit.objects.get(code="B1")
    _client, token = api_client_create(name="B1 sync", unit=b1, access=ApiAccess.READ)
    api = ApiCaller(token)
    assert api.get(f"/targets/{target.code}/rollup", {"unit": "B2"}).status_code == 404
    assert api.get(f"/targets/{target.code}/rollup").json()["unit"] == "B1"
    snapshots = api.get(f"/targets/{target.code}/snapshots").json()["items"]
    assert snapshots and {s["unit_code"] for s in snapshots} <= {"B1", "C1", "C2"}
    missing = api.get(f"/targets/{target.code}/missing", {"unit": "P"})
    assert missing.status_code == 404
