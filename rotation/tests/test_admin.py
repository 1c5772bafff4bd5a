"""The rotation register and plans in the Wagtail admin: scope, filters, search, forms, actions, dashboard."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from organization import roles
from organization.models import CadreStatus, PositionAssignment
from rotation import services
from rotation.models import Rotation, RotationDirection, RotationPlan, RotationStatus
from tests.factories import CadreFactory, UserFactory

from .builders import d, english, record, rotate_out  # noqa: F401 -- fixtures

INDEX = reverse("rotation_rotation:index")
ADD = reverse("rotation_rotation:add")
OUT, INTO, WITHIN = RotationDirection.OUT, RotationDirection.INTO, RotationDirection.WITHIN


def _listed(response):
    return sorted(r.cadre.code for r in response.context["object_list"])


@pytest.fixture
def register(province, cadre_a, cadre_b):
    """Out of A1 (2024, in progress), out of B1 (2023, completed), and within: B1 -> A1 (2025, planned)."""
    mover = CadreFactory(code="CB-B2", full_name="Lý Thị Mai", unit=province.b1, position=province.member)
    return {
        "a": record(cadre_a, direction=OUT, start=d("01/03/2024"), decision_number="12-QĐ/TU"),
        "b": record(cadre_b, direction=OUT, start=d("01/03/2023"), status=RotationStatus.COMPLETED,
                    actual_end=d("01/03/2025"), decision_number="31-QĐ/TU"),
        "within": record(mover, direction=WITHIN, start=d("01/03/2025"), status=RotationStatus.PLANNED,
                         from_unit=province.b1, from_position=province.member, to_unit=province.a1,
                         to_position=province.deputy, decision_number="44-QĐ/TU"),
    }


# --- scope ---------------------------------------------------------------------------------------


def test_the_board_sees_every_rotation(client, board_user, register):
    client.force_login(board_user)
    assert _listed(client.get(INDEX)) == ["CB-A1", "CB-B1", "CB-B2"]


def test_a_manager_sees_the_rotations_into_and_out_of_his_subtree(client, manager_a, manager_b, register):
    client.force_login(manager_a)
    assert _listed(client.get(INDEX)) == ["CB-A1", "CB-B2"]
    client.force_login(manager_b)
    assert _listed(client.get(INDEX)) == ["CB-B1", "CB-B2"]


def test_the_register_shows_dates_as_dd_mm_yyyy(client, board_user, register):
    client.force_login(board_user)
    text = client.get(INDEX).text
    assert "01/03/2024" in text and "01/03/2027" in text


def test_a_rotation_outside_the_managers_scope_is_not_found(client, manager_a, register):
    client.force_login(manager_a)
    pk = register["b"].pk
    for name in ("inspect", "edit", "delete", "start", "complete", "cancel"):
        assert client.get(reverse(f"rotation_rotation:{name}", args=[pk])).status_code == 404, name


def test_a_trainer_may_not_open_the_register(client, register):
    client.force_login(UserFactory(username="giang-vien", role=roles.TRAINER))
    assert client.get(INDEX).status_code == 403


def test_the_index_costs_the_same_queries_however_many_rotations(client, board_user, register, province):
    client.force_login(board_user)
    client.get(INDEX)
    with CaptureQueriesContext(connection) as few:
        client.get(INDEX)
    for n in range(10):
        record(CadreFactory(unit=province.a1, position=province.member), direction=OUT,
               start=d("01/01/2024") + datetime.timedelta(days=n))
    with CaptureQueriesContext(connection) as many:
        response = client.get(INDEX)
    assert len(response.context["object_list"]) == 13
    assert len(many) == len(few)


# --- filters and search --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"direction": "within"}, ["CB-B2"]),
        ({"status": "completed"}, ["CB-B1"]),
        ({"year": "2024"}, ["CB-A1"]),
        ({"q": "Bình"}, ["CB-B1"]),
        ({"q": "44-QĐ"}, ["CB-B2"]),
    ],
)
def test_the_register_filters_and_searches(client, board_user, register, query, expected):
    client.force_login(board_user)
    assert _listed(client.get(INDEX, query)) == expected


def test_the_unit_filter_takes_rotations_from_or_to_the_subtree(client, board_user, register, province):
    client.force_login(board_user)
    assert _listed(client.get(INDEX, {"unit": province.a.pk})) == ["CB-A1", "CB-B2"]


def test_the_alert_filter_lists_ending_and_overdue_rotations(client, board_user, province):
    today = timezone.localdate()
    soon = record(CadreFactory(code="CB-S", unit=province.a1, position=province.member), direction=OUT,
                  start=today - datetime.timedelta(days=1000), planned_end=today + datetime.timedelta(days=20))
    late = record(CadreFactory(code="CB-L", unit=province.a1, position=province.member), direction=OUT,
                  start=today - datetime.timedelta(days=1200), planned_end=today - datetime.timedelta(days=3))
    client.force_login(board_user)
    assert _listed(client.get(INDEX, {"alert": "ending"})) == [soon.cadre.code]
    response = client.get(INDEX, {"alert": "overdue"})
    assert _listed(response) == [late.cadre.code]
    assert "data-overdue" in response.text


# --- the form ------------------------------------------------------------------------------------


def _form(cadre_code, **values):
    data = {
        "cadre": cadre_code, "direction": "out", "legal_basis": "qd65", "from_unit": "", "from_position": "",
        "from_post_title": "", "to_unit": "", "to_position": "", "to_post_title": "Phó Chủ tịch UBND xã",
        "decision_number": "20-QĐ/TU", "decision_date": "2024-02-20", "decision_issuer": "Ban Thường vụ Tỉnh ủy",
        "start_date": "2024-03-01", "planned_end": "", "years_of_service_left": "", "notes": "",
    }
    data.update(values)
    return data


def test_a_rotation_is_recorded_from_the_form(client, board_user, cadre_a, province):
    client.force_login(board_user)
    response = client.post(ADD, _form("CB-A1", years_of_service_left="8"))
    rotation = Rotation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("rotation_rotation:inspect", args=[rotation.pk])
    assert (rotation.from_unit, rotation.planned_end, rotation.status) == (province.a1, d("01/03/2027"), "planned")
    message = list(response.wsgi_request._messages)[0].message
    assert "fewer than 10 years of service left" in message


def test_an_unknown_cadre_code_is_shown_on_the_form(client, board_user, cadre_a):
    client.force_login(board_user)
    response = client.post(ADD, _form("CB-KHONG-CO"))
    assert response.status_code == 200
    assert "No cadre with this code among the cadres you can see." in response.text
    assert not Rotation.objects.exists()


def test_an_overlap_is_shown_on_the_form_and_nothing_is_written(client, board_user, cadre_a):
    rotate_out(cadre_a, d("01/01/2024"))
    client.force_login(board_user)
    response = client.post(ADD, _form("CB-A1", decision_number="21-QĐ/TU"))
    assert response.status_code == 200
    assert "a cadre&#x27;s rotations cannot overlap" in response.text
    assert Rotation.objects.count() == 1


def test_a_manager_recording_a_rotation_of_another_subtree_is_told_so(client, manager_a, cadre_b, province):
    client.force_login(manager_a)
    # The cadre is not among those he sees.
    response = client.post(ADD, _form("CB-B1"))
    assert "No cadre with this code among the cadres you can see." in response.text
    assert not Rotation.objects.exists()


def test_a_started_rotations_posts_are_read_only_in_the_form(client, board_user, cadre_a):
    rotation = rotate_out(cadre_a, d("01/01/2024"))
    services.rotation_start(by=None, rotation=rotation)
    client.force_login(board_user)
    form = client.get(reverse("rotation_rotation:edit", args=[rotation.pk])).context["form"]
    assert form.fields["start_date"].disabled and form.fields["cadre"].disabled
    assert not form.fields["decision_number"].disabled


# --- actions -------------------------------------------------------------------------------------


def test_starting_from_the_admin_updates_history_and_status(client, board_user, cadre_a):
    rotation = rotate_out(cadre_a, d("01/01/2024"))
    client.force_login(board_user)
    inspect = client.get(reverse("rotation_rotation:inspect", args=[rotation.pk]))
    assert reverse("rotation_rotation:start", args=[rotation.pk]) in inspect.text
    response = client.post(reverse("rotation_rotation:start", args=[rotation.pk]))
    assert response.status_code == 302
    cadre_a.refresh_from_db()
    assert cadre_a.status == CadreStatus.ROTATED
    assert PositionAssignment.objects.get(cadre=cadre_a).end_date == d("31/12/2023")


def test_a_refused_action_is_shown_and_changes_nothing(client, board_user, cadre_a):
    rotation = rotate_out(cadre_a, d("01/01/2024"))
    client.force_login(board_user)
    response = client.post(reverse("rotation_rotation:complete", args=[rotation.pk]), {"on": "2024-06-01"})
    assert response.status_code == 200
    assert "Only a rotation in progress can be completed; this one is planned." in response.text
    rotation.refresh_from_db()
    assert rotation.status == RotationStatus.PLANNED


def test_completing_from_the_admin_records_the_return(client, board_user, cadre_a):
    rotation = rotate_out(cadre_a, d("01/01/2024"))
    services.rotation_start(by=None, rotation=rotation)
    client.force_login(board_user)
    response = client.post(reverse("rotation_rotation:complete", args=[rotation.pk]), {"on": "2026-06-30"})
    assert response.status_code == 302
    cadre_a.refresh_from_db()
    assert cadre_a.status == CadreStatus.ACTIVE
    assert PositionAssignment.objects.get(cadre=cadre_a, end_date=None).start_date == d("01/07/2026")


def test_cancelling_from_the_admin(client, manager_a, cadre_a):
    rotation = rotate_out(cadre_a, d("01/01/2024"))
    client.force_login(manager_a)
    client.post(reverse("rotation_rotation:cancel", args=[rotation.pk]), {"reason": "Thu hồi quyết định"})
    rotation.refresh_from_db()
    assert rotation.status == RotationStatus.CANCELLED


def test_a_started_rotation_cannot_be_deleted(client, board_user, cadre_a):
    rotation = rotate_out(cadre_a, d("01/01/2024"))
    services.rotation_start(by=None, rotation=rotation)
    client.force_login(board_user)
    response = client.post(reverse("rotation_rotation:delete", args=[rotation.pk]))
    assert response.status_code == 302
    assert Rotation.objects.filter(pk=rotation.pk).exists()


def test_a_planned_rotation_can_be_deleted_by_the_board(client, board_user, cadre_a):
    rotation = rotate_out(cadre_a, d("01/01/2024"))
    client.force_login(board_user)
    client.post(reverse("rotation_rotation:delete", args=[rotation.pk]))
    assert not Rotation.objects.exists()


def test_a_manager_may_not_delete_rotations(client, manager_a, cadre_a):
    rotation = rotate_out(cadre_a, d("01/01/2024"))
    client.force_login(manager_a)
    assert client.post(reverse("rotation_rotation:delete", args=[rotation.pk])).status_code == 403
    assert Rotation.objects.exists()


# --- plans ---------------------------------------------------------------------------------------


def _plan_form(unit, **values):
    data = {
        "year": "2026", "unit": str(unit.pk), "notes": "",
        "lines-TOTAL_FORMS": "2", "lines-INITIAL_FORMS": "0", "lines-MIN_NUM_FORMS": "0", "lines-MAX_NUM_FORMS": "1000",
        "lines-0-direction": "into", "lines-0-position": "", "lines-0-planned_count": "3", "lines-0-ORDER": "1",
        "lines-0-id": "", "lines-0-DELETE": "",
        "lines-1-direction": "out", "lines-1-position": "", "lines-1-planned_count": "2", "lines-1-ORDER": "2",
        "lines-1-id": "", "lines-1-DELETE": "",
    }
    data.update(values)
    return data


def test_the_board_sets_a_plan_with_lines(client, board_user, province):
    client.force_login(board_user)
    response = client.post(reverse("rotation_rotationplan:add"), _plan_form(province.a))
    assert response.status_code == 302
    plan = RotationPlan.objects.get()
    assert sorted((line.direction, line.planned_count) for line in plan.lines.all()) == [("into", 3), ("out", 2)]


def test_a_plan_line_repeated_is_refused(client, board_user, province):
    client.force_login(board_user)
    response = client.post(reverse("rotation_rotationplan:add"),
                           _plan_form(province.a, **{"lines-1-direction": "into"}))
    assert "Each direction and position may appear only once in a plan." in response.text
    assert not RotationPlan.objects.exists()


def test_a_manager_reads_his_plans_but_may_not_add_one(client, manager_a, province):
    client.force_login(manager_a)
    assert client.get(reverse("rotation_rotationplan:index")).status_code == 200
    assert client.get(reverse("rotation_rotationplan:add")).status_code == 403


def test_the_plan_list_shows_done_over_planned(client, board_user, province, cadre_a):
    client.force_login(board_user)
    client.post(reverse("rotation_rotationplan:add"), _plan_form(province.a))
    record(cadre_a, direction=OUT, start=d("01/02/2026"))
    response = client.get(reverse("rotation_rotationplan:index"))
    assert "1 / 5" in response.text


# --- dashboard -----------------------------------------------------------------------------------


def test_the_dashboard_shows_rotations_ending_soon_and_overdue(client, board_user, province):
    today = timezone.localdate()
    record(CadreFactory(full_name="Phạm Thị Dung", unit=province.a1, position=province.member), direction=OUT,
           start=today - datetime.timedelta(days=1000), planned_end=today + datetime.timedelta(days=20))
    record(CadreFactory(full_name="Võ Văn Em", unit=province.b1, position=province.member), direction=OUT,
           start=today - datetime.timedelta(days=1200), planned_end=today - datetime.timedelta(days=3))
    client.force_login(board_user)
    response = client.get(reverse("wagtailadmin_home"))
    assert "1 overdue return" in response.text and "Võ Văn Em" in response.text
    assert "1 rotation ends within 90 days" in response.text and "Phạm Thị Dung" in response.text


def test_the_dashboard_panel_follows_the_managers_scope(client, manager_a, province):
    today = timezone.localdate()
    record(CadreFactory(full_name="Võ Văn Em", unit=province.b1, position=province.member), direction=OUT,
           start=today - datetime.timedelta(days=1200), planned_end=today - datetime.timedelta(days=3))
    client.force_login(manager_a)
    assert "Võ Văn Em" not in client.get(reverse("wagtailadmin_home")).text
