"""The Wagtail admin for units and cadres, and the groups' permissions."""

import datetime
import re

from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext as _

from organization import roles
from organization.models import Cadre, CadreStatus, PositionAssignment, Unit, UnitKind
from tests.factories import CadreFactory, add_unit

from .builders import read_xlsx

UNITS = reverse("organization_unit:index")
CADRES = reverse("organization_cadre:index")


def _listed_units(response):
    return [unit.code for unit in response.context["object_list"]]


# --- groups -----------------------------------------------------------------------------------


def _perms(group_name):
    group = Group.objects.get(name=group_name)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


def test_each_group_gets_the_permissions_of_its_role(db):
    roles.ensure_groups()
    assert _perms(roles.CADRE) == set()
    assert "wagtailadmin.access_admin" in _perms(roles.TRAINER)
    assert not {p for p in _perms(roles.TRAINER) if p.startswith("organization.")}
    assert {"wagtailadmin.access_admin", "organization.change_cadre", "organization.change_unit"} <= _perms(
        roles.UNIT_MANAGER
    )
    assert "organization.add_unit" not in _perms(roles.UNIT_MANAGER)
    # The board reads units and cadres; it writes only the rotation register and plans (granted by
    # the rotation app's own ROLE_PERMISSIONS).
    assert {p.split(".")[1].split("_")[0] for p in _perms(roles.BOARD) if p.startswith("organization.")} == {"view"}
    assert {"rotation.add_rotation", "rotation.change_rotationplan"} <= _perms(roles.BOARD)
    assert {"organization.delete_unit", "organization.add_position"} <= _perms(roles.ADMINISTRATOR)


def test_ensure_groups_is_idempotent_and_keeps_other_apps_permissions(db):
    roles.ensure_groups()
    extra = Permission.objects.get(codename="add_document")
    Group.objects.get(name=roles.TRAINER).permissions.add(extra)
    before = {name: _perms(name) for name in roles.ALL_ROLES}
    roles.ensure_groups()
    assert {name: _perms(name) for name in roles.ALL_ROLES} == before
    assert Group.objects.filter(name__in=roles.ALL_ROLES).count() == 5


# --- the unit tree ----------------------------------------------------------------------------


def test_the_unit_index_starts_at_the_root(client, province, admin_user):
    client.force_login(admin_user)
    assert _listed_units(client.get(UNITS)) == ["P"]


def test_a_manager_starts_at_his_own_unit(client, province, manager_a):
    client.force_login(manager_a)
    assert _listed_units(client.get(UNITS)) == ["A"]


def test_sub_units_are_browsed_one_level_at_a_time(client, province, admin_user):
    client.force_login(admin_user)
    response = client.get(UNITS)
    assert f"{UNITS}?parent={province.root.pk}" in response.text
    assert _listed_units(client.get(UNITS, {"parent": province.root.pk})) == ["A", "B"]
    assert _listed_units(client.get(UNITS, {"parent": province.a1.pk})) == ["A1C"]


def test_the_breadcrumbs_show_the_ancestors(client, province, board_user):
    client.force_login(board_user)
    response = client.get(UNITS, {"parent": province.a1.pk})
    crumbs = response.context["breadcrumbs_items"]
    assert [c["label"] for c in crumbs[-4:]] == [
        str(Unit._meta.verbose_name_plural).capitalize(), province.root.name, province.a.name, province.a1.name
    ]
    assert crumbs[-2]["url"] == f"{UNITS}?parent={province.a.pk}"


def test_the_index_shows_the_depth_of_each_unit(client, province, board_user):
    client.force_login(board_user)
    response = client.get(UNITS, {"parent": province.a.pk})
    assert [u.depth for u in response.context["object_list"]] == [3]
    assert _("Depth") in response.text


def test_the_fulltime_deputy_flag_is_shown_and_filterable(client, province, board_user):
    add_unit(province.b, "B5", kind=UnitKind.WARD, party_member_count=301)
    client.force_login(board_user)
    page = client.get(UNITS, {"parent": province.a.pk})
    assert page.text.count("data-needs-fulltime-deputy") == 1
    assert sorted(_listed_units(client.get(UNITS, {"needs_fulltime_deputy": "true"}))) == ["A1", "B1", "B5"]


def test_a_fulltime_deputy_clears_the_flag_in_the_list(client, province, board_user):
    CadreFactory(unit=province.a1, position=province.deputy)
    CadreFactory(unit=province.b1, position=province.deputy)
    client.force_login(board_user)
    assert _listed_units(client.get(UNITS, {"needs_fulltime_deputy": "true"})) == []


def test_units_filter_by_kind_and_search_the_whole_tree(client, province, board_user):
    client.force_login(board_user)
    assert _listed_units(client.get(UNITS, {"kind": UnitKind.WARD})) == ["B1"]
    assert _listed_units(client.get(UNITS, {"q": "A1C"})) == ["A1C"]


def test_a_manager_searching_finds_only_his_units(client, province, manager_a):
    client.force_login(manager_a)
    assert _listed_units(client.get(UNITS, {"q": "1"})) == ["A1", "A1C"]


def test_an_administrator_adds_a_unit_under_a_parent(client, province, admin_user):
    client.force_login(admin_user)
    response = client.post(reverse("organization_unit:add"), {
        "parent": province.b.pk, "code": "B2", "name": "Đảng ủy xã B2", "kind": UnitKind.COMMUNE,
        "party_member_count": 120,
    })
    assert response.status_code == 302
    assert Unit.objects.get(code="B2").get_parent().pk == province.b.pk


def test_a_manager_edits_his_unit(client, province, manager_a):
    client.force_login(manager_a)
    response = client.post(reverse("organization_unit:edit", args=[province.a1.pk]), {
        "code": "A1", "name": "Đảng ủy xã A1 mới", "kind": UnitKind.COMMUNE, "party_member_count": 360,
    })
    assert response.status_code == 302
    assert Unit.objects.get(pk=province.a1.pk).party_member_count == 360


def test_closing_a_unit_with_active_cadres_says_why_and_changes_nothing(client, province, manager_a, cadre_a):
    client.force_login(manager_a)
    response = client.post(reverse("organization_unit:close", args=[province.a1c.pk]), {})
    assert response.status_code == 302  # a1c has no cadres: closed
    response = client.post(reverse("organization_unit:close", args=[province.a1.pk]), {})
    assert response.status_code == 200
    assert escape(_("Move or merge the unit's active cadres before closing it.")) in response.text
    assert Unit.objects.get(pk=province.a1.pk).is_active


def test_merging_a_unit_from_the_admin_moves_its_cadres(client, province, admin_user, cadre_b):
    client.force_login(admin_user)
    response = client.post(reverse("organization_unit:merge", args=[province.b1.pk]),
                           {"target": province.a1.pk, "on": "2025-07-01"})
    assert response.status_code == 302
    source = Unit.objects.get(pk=province.b1.pk)
    assert (source.is_active, source.merged_into_id) == (False, province.a1.pk)
    assert Cadre.objects.get(pk=cadre_b.pk).unit_id == province.a1.pk
    assert PositionAssignment.objects.filter(cadre=cadre_b, unit=province.b1).exists()


def test_merging_into_a_unit_outside_the_managers_tree_is_refused(client, province, manager_a):
    client.force_login(manager_a)
    response = client.post(reverse("organization_unit:merge", args=[province.a1c.pk]), {"target": province.b1.pk})
    assert response.status_code == 200
    assert response.context["form"].errors["target"]
    assert Unit.objects.get(pk=province.a1c.pk).is_active


def test_merging_into_its_own_sub_unit_is_not_offered(client, province, admin_user):
    client.force_login(admin_user)
    form = client.get(reverse("organization_unit:merge", args=[province.a.pk])).context["form"]
    assert set(form.fields["target"].queryset.values_list("code", flat=True)) == {"P", "B", "B1"}


def test_a_unit_with_sub_units_is_not_deleted(client, province, admin_user):
    client.force_login(admin_user)
    url = reverse("organization_unit:delete", args=[province.a.pk])
    assert _("close or merge the unit instead") in client.get(url).text
    client.post(url)
    assert Unit.objects.filter(pk__in=[province.a.pk, province.a1.pk, province.a1c.pk]).count() == 3


def test_an_empty_leaf_unit_can_be_deleted(client, province, admin_user):
    client.force_login(admin_user)
    assert client.post(reverse("organization_unit:delete", args=[province.b1.pk])).status_code == 302
    assert not Unit.objects.filter(pk=province.b1.pk).exists()
    assert Unit.objects.get(pk=province.b.pk).numchild == 0


# --- cadres -----------------------------------------------------------------------------------


def _cadre_form(province, **overrides):
    data = {
        "code": "CB50", "full_name": "Đặng Thị Mai", "gender": "f", "date_of_birth": "1988-02-03", "email": "",
        "unit": province.a1.pk, "position": province.member.pk, "grade": "ktv", "theory_level": "",
        "appointed_on": "2023-05-01", "status": CadreStatus.ACTIVE, "change_on": "", "change_reason": "",
    }
    data.update(overrides)
    return data


def test_adding_a_cadre_opens_the_first_assignment(client, province, manager_a):
    client.force_login(manager_a)
    response = client.post(reverse("organization_cadre:add"), _cadre_form(province))
    assert response.status_code == 302
    cadre = Cadre.objects.get(code="CB50")
    assert list(cadre.assignments.values_list("unit__code", "start_date")) == [("A1", datetime.date(2023, 5, 1))]


def test_a_manager_cannot_add_a_cadre_to_another_subtree(client, province, manager_a):
    client.force_login(manager_a)
    response = client.post(reverse("organization_cadre:add"), _cadre_form(province, unit=province.b1.pk))
    assert response.status_code == 200
    assert response.context["form"].errors["unit"]
    assert not Cadre.objects.filter(code="CB50").exists()


def test_moving_a_cadre_in_the_admin_keeps_the_history(client, province, manager_a, cadre_a):
    client.force_login(manager_a)
    response = client.post(reverse("organization_cadre:edit", args=[cadre_a.pk]), _cadre_form(
        province, code=cadre_a.code, full_name=cadre_a.full_name, unit=province.a1c.pk, position=province.deputy.pk,
        change_on="2024-09-01", change_reason="Bầu bổ sung",
    ))
    assert response.status_code == 302
    history = list(cadre_a.assignments.order_by("start_date").values_list("unit__code", "position__code", "end_date"))
    assert history == [("A1", "uv-kiem-nhiem", datetime.date(2024, 8, 31)), ("A1C", "pcn-chuyen-trach", None)]
    assert PositionAssignment.objects.get(cadre=cadre_a, end_date=None).reason == "Bầu bổ sung"


def test_a_change_dated_before_the_current_assignment_is_refused_on_the_form(client, province, manager_a, cadre_a):
    client.force_login(manager_a)
    response = client.post(reverse("organization_cadre:edit", args=[cadre_a.pk]), _cadre_form(
        province, code=cadre_a.code, full_name="Tên mới", unit=province.a1c.pk, change_on="2019-01-01",
    ))
    assert response.status_code == 200
    assert escape(_("The change date must be after the current assignment's start date.")) in response.text
    cadre_a.refresh_from_db()
    assert (cadre_a.full_name, cadre_a.unit_id, cadre_a.assignments.count()) == ("Nguyễn Văn An", province.a1.pk, 1)


def test_only_administrators_link_a_login(client, province, manager_a, admin_user, cadre_a):
    client.force_login(manager_a)
    assert "user" not in client.get(reverse("organization_cadre:edit", args=[cadre_a.pk])).context["form"].fields
    client.force_login(admin_user)
    assert "user" in client.get(reverse("organization_cadre:edit", args=[cadre_a.pk])).context["form"].fields


def test_the_cadre_index_filters_by_unit_subtree_and_status(client, province, board_user, cadre_a, cadre_b):
    retired = CadreFactory(unit=province.a1c, position=province.member, status=CadreStatus.RETIRED)
    client.force_login(board_user)
    listed = client.get(CADRES, {"unit": province.a.pk}).context["object_list"]
    assert set(listed) == {cadre_a, retired}
    listed = client.get(CADRES, {"status": CadreStatus.RETIRED}).context["object_list"]
    assert list(listed) == [retired]
    assert list(client.get(CADRES, {"q": "Bình"}).context["object_list"]) == [cadre_b]


def test_the_cadre_index_is_in_vietnamese_order(client, province, board_user):
    for name in ["Phạm Thu Đào", "Vũ Đức Dũng", "Lê Văn Bình", "Trần Thị Ánh", "Nguyễn Văn An"]:
        CadreFactory(full_name=name, unit=province.a1, position=province.member)
    client.force_login(board_user)
    names = [c.full_name for c in client.get(CADRES).context["object_list"]]
    assert names == ["Nguyễn Văn An", "Trần Thị Ánh", "Lê Văn Bình", "Vũ Đức Dũng", "Phạm Thu Đào"]


def test_the_admin_export_follows_the_filters(client, province, manager_a, cadre_a):
    CadreFactory(code="CB-R", unit=province.a1, position=province.member, status=CadreStatus.RETIRED)
    client.force_login(manager_a)
    response = client.get(CADRES, {"status": "retired", "export": "xlsx"})
    _header, rows, _sheet = read_xlsx(response.content)
    assert [r[0] for r in rows] == ["CB-R"]


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_cadre_index_runs_the_same_number_of_queries_for_5_and_50(client, province, manager_a):
    client.force_login(manager_a)
    for i in range(5):
        CadreFactory(unit=province.a1, position=province.member, full_name=f"Lê Văn {i}")
    few = _count(client, CADRES)
    for i in range(45):
        CadreFactory(unit=province.a1c, position=province.deputy, full_name=f"Trần Văn {i}")
    many = _count(client, CADRES)
    assert few == many
    assert many <= 20  # 17 measured: session, user, permissions, profile, count, page, filter choices


def test_the_unit_index_runs_the_same_number_of_queries_for_5_and_50(client, province, board_user):
    client.force_login(board_user)
    for i in range(5):
        add_unit(province.b1, f"C{i}", kind=UnitKind.CELL)
    few = _count(client, f"{UNITS}?parent={province.b1.pk}")
    for i in range(5, 50):
        add_unit(province.b1, f"C{i}", kind=UnitKind.CELL)
    many = _count(client, f"{UNITS}?parent={province.b1.pk}")
    assert few == many
    assert many <= 20


def test_the_import_is_in_the_organization_menu(client, province, manager_a):
    client.force_login(manager_a)
    text = client.get(CADRES).text
    assert re.search(r"cadre-import", text)


def test_the_cadres_link_of_a_deep_unit_filters_on_it(client, province, board_user, cadre_a):
    deep = CadreFactory(unit=province.a1c, position=province.member)
    client.force_login(board_user)
    assert list(client.get(CADRES, {"unit": province.a1c.pk}).context["object_list"]) == [deep]
