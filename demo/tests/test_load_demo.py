"""The demo province (`load_demo`), its printed logins, and the home page greeting the demo learner."""

import importlib
import io
import random
import sys
from contextlib import nullcontext
from types import ModuleType
from unittest import mock

import pytest
from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from demo.management.commands import load_demo as load_demo_command
from demo.steps import organization as organization_demo
from demo.steps.cms import DEMO_LOGINS
from organization import reference_data, roles
from organization.models import Cadre, Position, PositionAssignment, Unit, UnitKind, UnitLevel, UserProfile
from organization.selectors import units_needing_fulltime_deputy

pytestmark = pytest.mark.django_db

SMALL = {"grassroots": 20, "cadres": 200}
# The steps this module is about; the other apps' steps run only where a test says all_steps=True.
BASE_STEPS = ("demo.steps.organization", "demo.steps.cms")
EXPECTED_GROUPS = {
    "admin": roles.ADMINISTRATOR,
    "board": roles.BOARD,
    "manager": roles.UNIT_MANAGER,
    "manager2": roles.UNIT_MANAGER,
    "trainer": roles.TRAINER,
    "cadre": roles.CADRE,
}


def load_demo(*, all_steps=False, **options):
    out = io.StringIO()
    steps = nullcontext() if all_steps else mock.patch.object(load_demo_command, "STEPS", BASE_STEPS)
    with steps:
        call_command("load_demo", stdout=out, **{**SMALL, **options})
    return out.getvalue()


def row_counts():
    return {model._meta.label: model._default_manager.count() for model in django_apps.get_models()}


def snapshot():
    """Everything load_demo writes for the organization and the logins, to compare two runs."""
    User = get_user_model()
    return {
        "units": list(Unit.objects.order_by("path").values_list("path", "code", "numchild", "party_member_count")),
        "cadres": list(Cadre.objects.order_by("code").values_list("code", "full_name", "user_id", "updated_at")),
        "assignments": PositionAssignment.objects.count(),
        "users": list(User.objects.order_by("username").values_list("username", "password", "first_name")),
        "memberships": sorted(User.groups.through.objects.values_list("user_id", "group_id")),
        "profiles": list(UserProfile.objects.order_by("user_id").values_list("user_id", "unit_id")),
        "groups": Group.objects.count(),
        "positions": Position.objects.count(),
        "levels": UnitLevel.objects.count(),
    }


def test_every_printed_login_can_log_in_through_the_login_page():
    load_demo(all_steps=True)

    for login in DEMO_LOGINS:
        client = Client()
        response = client.post("/accounts/login/", {"username": login.username, "password": login.password})
        assert response.status_code == 302, login.role
        user = get_user_model().objects.get(username=login.username)
        assert client.session["_auth_user_id"] == str(user.pk), login.role


def test_each_demo_login_is_in_its_role_group():
    load_demo()

    for login in DEMO_LOGINS:
        user = get_user_model().objects.get(username=login.username)
        assert set(user.groups.values_list("name", flat=True)) == {EXPECTED_GROUPS[login.role]}, login.role
    assert get_user_model().objects.get(username="admin").is_superuser


def test_demo_passwords_pass_the_password_validators():
    load_demo()

    for login in DEMO_LOGINS:
        validate_password(login.password, get_user_model().objects.get(username=login.username))


def test_the_two_managers_look_after_two_different_bodies_under_the_province():
    load_demo()

    manager = UserProfile.objects.get(user__username="manager").unit
    manager2 = UserProfile.objects.get(user__username="manager2").unit

    # A ward's commune-level committee (since 01/07/2025) and a sector committee.
    assert manager.kind == UnitKind.BODY and manager2.kind == UnitKind.BODY
    assert (manager.level.code, manager2.level.code) == (reference_data.COMMUNE_LEVEL, "truc-thuoc-tinh")
    assert manager != manager2
    assert manager.get_parent().code == organization_demo.PROVINCE_CODE
    assert manager2.get_parent().code == organization_demo.PROVINCE_CODE


def test_the_cadre_login_is_a_named_cadre_in_a_grassroots_unit_under_the_managers_body():
    load_demo()

    user = get_user_model().objects.get(username="cadre")
    cadre = Cadre.objects.get(user=user)
    body = UserProfile.objects.get(user__username="manager").unit

    assert cadre.unit.is_grassroots
    assert cadre.unit.path.startswith(body.path) and cadre.unit != body
    assert user.get_full_name() == cadre.full_name == organization_demo.LEARNER_NAME


def test_the_cadre_login_was_elected_this_year():
    load_demo()

    cadre = Cadre.objects.get(user__username="cadre")

    assert cadre.appointed_on.year == timezone.localdate().year
    assert cadre.assignments.get().start_date == cadre.appointed_on


def test_a_second_run_creates_and_changes_nothing():
    load_demo(all_steps=True)
    before, counts = snapshot(), row_counts()

    output = load_demo(all_steps=True)

    assert snapshot() == before
    assert row_counts() == counts
    assert "already loaded" in output


def test_the_demo_uses_the_reference_levels_and_positions_without_duplicating_them():
    load_demo()

    assert UnitLevel.objects.count() == len(reference_data.LEVELS)
    assert Position.objects.count() == len(reference_data.POSITIONS)
    assert Unit.objects.get(code=organization_demo.PROVINCE_CODE).level.code == "tinh"


def test_the_unit_tree_is_a_valid_treebeard_tree():
    load_demo()

    assert Unit.find_problems() == ([], [], [], [], [])


def test_refuses_to_run_under_production_settings(settings):
    settings.SETTINGS_MODULE = "lms.settings.production"

    with pytest.raises(CommandError, match="production"):
        load_demo()

    assert not Unit.objects.exists()
    assert not get_user_model().objects.exists()


def test_runs_under_production_settings_when_forced(settings):
    settings.SETTINGS_MODULE = "lms.settings.production"

    load_demo(force=True)

    assert Unit.objects.filter(code=organization_demo.PROVINCE_CODE).exists()


@pytest.mark.parametrize(
    ("options", "message"),
    [({"grassroots": 5}, "--grassroots must be at least 20"), ({"cadres": 10}, "--cadres must be at least 50")],
)
def test_a_too_small_demo_is_refused_and_nothing_is_written(options, message):
    with pytest.raises(CommandError, match=message):
        load_demo(**options)

    assert not Unit.objects.exists()
    assert not Cadre.objects.exists()
    assert not get_user_model().objects.exists()


def test_print_demo_logins_prints_one_login_per_line_in_the_documented_form():
    out = io.StringIO()

    call_command("print_demo_logins", stdout=out)

    assert out.getvalue().splitlines() == [
        "  admin: admin / ktlearn-admin-2026",
        "  board: board / ktlearn-board-2026",
        "  manager: manager / ktlearn-manager-2026",
        "  manager2: manager2 / ktlearn-manager2-2026",
        "  trainer: trainer / ktlearn-trainer-2026",
        "  cadre: cadre / ktlearn-cadre-2026",
        "  school: school / ktlearn-school-2026",
        "  ubkt: ubkt / ktlearn-ubkt-2026",
    ]


def test_full_size_demo_is_shaped_like_the_source_province():
    load_demo(grassroots=organization_demo.DEFAULT_GRASSROOTS, cadres=organization_demo.DEFAULT_CADRES)

    province = Unit.objects.get(code=organization_demo.PROVINCE_CODE)
    bodies = province.get_children().filter(is_active=True)
    grassroots = Unit.objects.filter(
        kind__in=[UnitKind.COMMUNE, UnitKind.WARD, UnitKind.AGENCY, UnitKind.ENTERPRISE], is_active=True)
    # Quảng Ninh today: 54 commune-level committees and the sector committees; ~700 grassroots units,
    # ~5,000 cells, ~3,000 cadres in post (the 2020–2025 term's former holders come on top).
    assert bodies.filter(kind=UnitKind.BODY, level__code=reference_data.COMMUNE_LEVEL).count() == 54
    assert bodies.filter(kind=UnitKind.BODY, level__code="truc-thuoc-tinh").count() == 6
    assert grassroots.count() == 700
    assert 4500 < Unit.objects.filter(kind=UnitKind.CELL, is_active=True).count() < 5500
    assert Cadre.objects.filter(status="active").count() == 3000
    assert set(grassroots.values_list("kind", flat=True)) == {"commune", "ward", "agency", "enterprise"}


def test_demo_has_the_cases_the_board_must_see():
    load_demo(grassroots=100, cadres=800)
    today = timezone.localdate()

    big = Unit.objects.filter(party_member_count__gte=300, kind__in=[UnitKind.COMMUNE, UnitKind.WARD])
    assert big.exists()
    assert units_needing_fulltime_deputy().exists()
    assert Cadre.objects.filter(position__is_deputy_chair=True, position__is_fulltime=True).exists()
    assert Cadre.objects.filter(appointed_on__year=today.year).count() >= 10
    assert Cadre.objects.exclude(status="active").exists()
    assert PositionAssignment.objects.filter(end_date__isnull=False, cadre__status="active").exists()


def test_closed_district_committees_keep_their_history():
    load_demo()

    closed = Unit.objects.filter(level__code="huyen")
    old_communes = Unit.objects.filter(merged_into__isnull=False)

    assert closed.count() == len(organization_demo.CLOSED_DISTRICTS) == 13
    assert not closed.filter(is_active=True).exists()
    assert all(unit.closed_on for unit in closed)
    # Their old commune committees were merged into the commune-level committees formed on 01/07/2025.
    assert old_communes.exists()
    assert all(unit.merged_into.is_active and unit.closed_on and unit.get_parent().level.code == "huyen"
               for unit in old_communes)


def test_cadre_names_are_vietnamese_with_diacritics():
    load_demo()

    names = list(Cadre.objects.values_list("full_name", flat=True))
    families = {family for family, _ in organization_demo.FAMILY_NAMES}

    assert all(name.split()[0] in families and len(name.split()) >= 3 for name in names)
    assert not [name for name in names if len(set(name.split())) < len(name.split())]  # no "Nguyễn Thị Thị Lan"
    assert sum(1 for name in names if name != name.encode("ascii", "ignore").decode()) > len(names) // 2



def test_home_page_greets_the_demo_cadre_by_name(client):
    load_demo(all_steps=True)
    login = next(item for item in DEMO_LOGINS if item.role == "cadre")
    client.post("/accounts/login/", {"username": login.username, "password": login.password})

    response = client.get("/")

    assert response.status_code == 200
    assert organization_demo.LEARNER_NAME in response.content.decode()




def _fake_step(name, calls):
    module = ModuleType(name)

    def load(*, stdout, rng, today):
        calls.append((name, rng.random(), today))

    module.load = load
    return module


def test_steps_run_in_order_with_a_seeded_rng_and_today(monkeypatch):
    calls = []
    for name in ("tests.fake_step_one", "tests.fake_step_two"):
        monkeypatch.setitem(sys.modules, name, _fake_step(name, calls))
    monkeypatch.setattr(load_demo_command, "STEPS", ("tests.fake_step_one", "tests.fake_step_two"))

    call_command("load_demo", stdout=io.StringIO())

    expected_rng = random.Random(2026)
    today = timezone.localdate()
    assert calls == [
        ("tests.fake_step_one", expected_rng.random(), today),
        ("tests.fake_step_two", expected_rng.random(), today),
    ]


def test_a_step_whose_module_does_not_exist_is_skipped(monkeypatch):
    calls = []
    monkeypatch.setitem(sys.modules, "tests.fake_step_one", _fake_step("tests.fake_step_one", calls))
    monkeypatch.setattr(load_demo_command, "STEPS", ("tests.no_such_demo_step", "tests.fake_step_one"))

    call_command("load_demo", stdout=io.StringIO())

    assert [name for name, *_ in calls] == ["tests.fake_step_one"]


def test_a_step_that_fails_to_import_something_else_stops_the_load_and_writes_nothing(monkeypatch):
    broken = ModuleType("tests.fake_broken_step")

    def load(*, stdout, rng, today):
        importlib.import_module("tests.a_module_nobody_wrote")

    broken.load = load
    monkeypatch.setitem(sys.modules, "tests.fake_broken_step", broken)
    monkeypatch.setattr(load_demo_command, "STEPS", (*BASE_STEPS, "tests.fake_broken_step"))

    with pytest.raises(ModuleNotFoundError):
        call_command("load_demo", stdout=io.StringIO(), **SMALL)

    assert not Unit.objects.exists()
    assert not get_user_model().objects.exists()
