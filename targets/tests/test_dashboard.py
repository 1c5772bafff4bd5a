"""Snapshots, forecast and the board's dashboard, scoped by the unit tree."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from organization import roles
from organization.models import Unit
from targets.figures import figures_compute
from targets.models import BoardJob, JobKind, JobStatus, RollupSnapshot
from targets.services import rollup_snapshot_take
from targets.tasks import rollup_snapshots_nightly_task
from tests.factories import UserFactory, add_unit, make_manager

from .builders import build_world

pytestmark = pytest.mark.django_db

D = datetime.date
ON = D(2025, 7, 1)


@pytest.fixture
def world():
    w = build_world()
    w["p"] = Unit.objects.get(code="P")
    w["b1"] = Unit.objects.get(code="B1")
    w["b2"] = Unit.objects.get(code="B2")
    return w


@pytest.fixture
def board_client(client):
    client.force_login(UserFactory(username="bantochuc", role=roles.BOARD))
    return client


@pytest.fixture
def manager_client(client, world):
    client.force_login(make_manager(world["b1"], username="ql-b1"))
    return client


def _snapshot_rows(target):
    return sorted(RollupSnapshot.objects.filter(target=target).values_list(
        "unit__code", "taken_on", "population", "met", "forecast_percent"))


def test_nightly_snapshot_twice_gives_the_same_rows(world):
    rollup_snapshots_nightly_task(on_iso=ON.isoformat())
    first = _snapshot_rows(world["target"])
    rollup_snapshots_nightly_task(on_iso=ON.isoformat())
    assert _snapshot_rows(world["target"]) == first
    assert [row for row in first if row[0] == "P"] == [("P", ON, 7, 4, None)]


def test_forecast_is_the_straight_line_through_the_snapshots(world):
    target = world["target"]
    for day, met in ((D(2025, 1, 1), 1), (D(2025, 7, 1), 2)):
        RollupSnapshot.objects.create(target=target, unit=world["b1"], taken_on=day, population=4, met=met,
                                      day_index=(day - target.period_start).days)
    rollup_snapshot_take(target=target, root_unit=world["p"], on=D(2026, 1, 1))
    # Points (0, 25%), (181, 50%), (365, 50%) → least-squares line read on 31/12/2030 (day 2190).
    xs, ys = [0, 181, 365], [25.0, 50.0, 50.0]
    n, sx, sy = 3, sum(xs), sum(ys)
    sxy, sxx = sum(x * y for x, y in zip(xs, ys, strict=True)), sum(x * x for x in xs)
    slope = (n * sxy - sx * sy) / (n * sxx - sx * sx)
    expected = min(100.0, (sy - slope * sx) / n + slope * 2190)
    assert RollupSnapshot.objects.get(unit=world["b1"], taken_on=D(2026, 1, 1)).forecast_percent == pytest.approx(
        expected)


def test_forecast_after_the_period_is_the_final_percentage(world):
    target = world["target"]
    rollup_snapshot_take(target=target, root_unit=world["p"], on=target.period_end)
    assert RollupSnapshot.objects.get(unit=world["b1"], taken_on=target.period_end).forecast_percent == 50.0


def test_forecast_needs_three_snapshots(world):
    rollup_snapshot_take(target=world["target"], root_unit=world["p"], on=ON)
    assert RollupSnapshot.objects.get(unit=world["p"], taken_on=ON).forecast_percent is None


def test_board_sees_the_province_and_its_units(world, board_client):
    rollup_snapshot_take(target=world["target"], root_unit=world["p"], on=ON)
    response = board_client.get("/board/", {"on": ON.isoformat()})
    assert response.status_code == 200
    assert response.context["data"].total.population == 7
    assert [row.unit.code for row in response.context["data"].units] == ["B1", "B2"]
    assert "57.1%" in response.content.decode()


def test_units_forecast_to_miss_are_listed_first(world, board_client):
    rollup_snapshot_take(target=world["target"], root_unit=world["p"], on=ON)
    RollupSnapshot.objects.filter(unit=world["b2"]).update(forecast_percent=60)
    RollupSnapshot.objects.filter(unit=world["b1"]).update(forecast_percent=100)
    data = board_client.get("/board/", {"on": ON.isoformat()}).context["data"]
    assert [row.unit.code for row in data.units] == ["B2", "B1"]
    assert data.will_miss == 1


def test_drill_down_shows_breadcrumbs_and_children(world, board_client):
    rollup_snapshot_take(target=world["target"], root_unit=world["p"], on=ON)
    response = board_client.get("/board/", {"unit": world["b1"].pk, "on": ON.isoformat()})
    assert [u.code for u, _url in response.context["breadcrumbs"]] == ["P", "B1"]
    assert sorted(row.unit.code for row in response.context["data"].units) == ["C1", "C2"]


def test_unit_kind_filter_lists_every_unit_of_that_kind_below(world, board_client):
    rollup_snapshot_take(target=world["target"], root_unit=world["p"], on=ON)
    data = board_client.get("/board/", {"on": ON.isoformat(), "kind": "ward"}).context["data"]
    assert [row.unit.code for row in data.units] == ["W1"]  # W2 is closed and empty


def test_manager_starts_at_their_own_unit(world, manager_client):
    rollup_snapshot_take(target=world["target"], root_unit=world["p"], on=ON)
    response = manager_client.get("/board/", {"on": ON.isoformat()})
    assert response.context["unit"] == world["b1"]
    assert [u.code for u, _url in response.context["breadcrumbs"]] == ["B1"]


@pytest.mark.parametrize("url", ["/board/", "/board/missing/", "/board/missing/?fragment=1",
                                 "/board/missing/export/", "/board/newly-elected/", "/board/reports/"])
def test_manager_cannot_open_another_subtree(world, manager_client, url):
    rollup_snapshot_take(target=world["target"], root_unit=world["p"], on=ON)
    for unit in (world["p"], world["b2"], Unit.objects.get(code="W1")):
        separator = "&" if "?" in url else "?"
        assert manager_client.get(f"{url}{separator}unit={unit.pk}").status_code == 404


def test_manager_cannot_ask_for_a_report_of_another_subtree(world, manager_client):
    response = manager_client.post("/board/jobs/", {"kind": "report", "target": world["target"].pk,
                                                    "unit": world["b2"].pk})
    assert response.status_code == 404
    assert not BoardJob.objects.exists()


def test_manager_cannot_download_or_watch_another_subtrees_report(world, manager_client):
    job = BoardJob.objects.create(kind=JobKind.REPORT, target=world["target"], unit=world["b2"], on=ON)
    assert manager_client.get(f"/board/reports/{job.pk}/xlsx/").status_code == 404
    assert manager_client.get(f"/board/jobs/{job.pk}/").status_code == 404


def test_manager_missing_list_is_their_subtree(world, manager_client):
    response = manager_client.get("/board/missing/", {"on": ON.isoformat()})
    assert [m.cadre.full_name for m in response.context["rows"]] == ["Trần Thị Bình", "Vũ Thị Em"]


def test_a_cadre_without_a_board_role_is_refused(world, client):
    client.force_login(UserFactory(username="canbo", role=roles.CADRE))
    assert client.get("/board/").status_code == 403
    assert client.get("/board/missing/").status_code == 403


def test_recompute_on_demand_runs_in_the_background_and_shows_progress(
    world, board_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = board_client.post("/board/jobs/", {"kind": "snapshot", "target": world["target"].pk,
                                                      "unit": world["b1"].pk})
    assert response.status_code == 302
    job = BoardJob.objects.get()
    assert (job.kind, job.status, job.progress) == (JobKind.SNAPSHOT, JobStatus.DONE, 100)
    assert RollupSnapshot.objects.filter(unit__code__in=["B1", "C1", "C2"]).count() == 3
    assert "Done." in board_client.get(f"/board/jobs/{job.pk}/").content.decode()


def test_a_running_job_shows_a_progress_bar_that_polls(world, board_client):
    job = BoardJob.objects.create(kind=JobKind.REPORT, target=world["target"], unit=world["p"], on=ON,
                                  status=JobStatus.RUNNING, progress=40)
    body = board_client.get(f"/board/jobs/{job.pk}/").content.decode()
    assert 'aria-valuenow="40"' in body and 'hx-trigger="every 2s"' in body


def _tree_with_children(parent, count, prefix):
    return [add_unit(parent, f"{prefix}{i:03d}") for i in range(count)]


def test_dashboard_query_count_is_the_same_for_10_and_500_children(world, board_client):
    small = add_unit(world["p"], "S")
    big = add_unit(world["p"], "T")
    _tree_with_children(small, 10, "S")
    _tree_with_children(big, 500, "T")
    rollup_snapshot_take(target=world["target"], root_unit=Unit.objects.get(code="P"), on=ON)
    board_client.get("/board/", {"on": ON.isoformat()})  # warm the per-process caches
    counts = []
    for unit in (Unit.objects.get(code="S"), Unit.objects.get(code="T")):
        with CaptureQueriesContext(connection) as ctx:
            response = board_client.get("/board/", {"unit": unit.pk, "on": ON.isoformat()})
        assert response.status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
    assert response.context["data"].units_count == 500


def test_missing_page_query_count_does_not_grow_with_the_list(world, board_client, django_assert_max_num_queries):
    figures_compute(target=world["target"], on=ON)  # the first look at a date computes its figures once
    with django_assert_max_num_queries(19):
        response = board_client.get("/board/missing/", {"on": ON.isoformat()})
    assert response.context["total"] == 3


def test_reports_page_query_count(world, board_client, django_assert_max_num_queries):
    for _ in range(5):
        BoardJob.objects.create(kind=JobKind.REPORT, target=world["target"], unit=world["p"], on=ON)
    with django_assert_max_num_queries(14):
        response = board_client.get("/board/reports/")
    assert len(response.context["page_obj"]) == 5


def test_names_in_the_missing_list_open_the_cadres_training_record(world, board_client):
    response = board_client.get("/board/missing/", {"on": ON.isoformat()})
    rows = response.context["rows"]
    assert rows
    for m in rows:
        assert f'href="/org/cadres/{m.cadre.pk}/record/"' in response.content.decode()
    record = board_client.get(f"/org/cadres/{rows[0].cadre.pk}/record/")
    assert record.status_code == 200
    assert rows[0].cadre.full_name in record.content.decode()
