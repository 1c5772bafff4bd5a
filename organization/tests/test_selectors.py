import datetime

from organization import roles, selectors
from organization.models import CadreStatus, Unit, UnitKind, UnitLevel
from organization.reference_data import COMMUNE_LEVEL
from tests.factories import CadreFactory, UserFactory, add_unit


def _codes(units):
    return sorted(u.code for u in units)


def test_a_manager_sees_and_edits_only_his_subtree(province, manager_a):
    assert _codes(selectors.units_visible_to(manager_a)) == ["A", "A1", "A1C"]
    assert _codes(selectors.units_editable_by(manager_a)) == ["A", "A1", "A1C"]


def test_the_board_sees_every_unit_and_edits_none(province, board_user):
    assert selectors.units_visible_to(board_user).count() == Unit.objects.count()
    assert not selectors.units_editable_by(board_user).exists()


def test_an_administrator_edits_every_unit(province, admin_user):
    assert selectors.units_editable_by(admin_user).count() == Unit.objects.count()


def test_a_cadre_sees_only_their_own_record(province, cadre_a, cadre_b):
    user = UserFactory(username="cadre", role=roles.CADRE)
    cadre_a.user = user
    cadre_a.save()
    assert list(selectors.cadres_visible_to(user)) == [cadre_a]
    assert not selectors.units_visible_to(user).exists()
    assert not selectors.cadres_editable_by(user).exists()


def test_a_manager_sees_the_cadres_of_his_subtree_only(province, manager_a, cadre_a, cadre_b):
    assert list(selectors.cadres_visible_to(manager_a)) == [cadre_a]
    assert list(selectors.cadres_editable_by(manager_a)) == [cadre_a]


def test_cadre_list_filters_by_unit_subtree_status_and_search(province, admin_user, cadre_a, cadre_b):
    retired = CadreFactory(full_name="Lê Văn Cường", unit=province.a1c, position=province.member,
                           status=CadreStatus.RETIRED)
    assert set(selectors.cadre_list(user=admin_user, unit=province.a)) == {cadre_a, retired}
    assert list(selectors.cadre_list(user=admin_user, status=CadreStatus.RETIRED)) == [retired]
    assert list(selectors.cadre_list(user=admin_user, search="CB-B")) == [cadre_b]


def test_cadre_list_is_in_vietnamese_name_order(province, admin_user):
    for name in ["Vũ Đức Dũng", "Phạm Thu Đào", "Lê Văn Bình", "Trần Thị Ánh", "Nguyễn Văn An"]:
        CadreFactory(full_name=name, unit=province.a1, position=province.member)
    names = [c.full_name for c in selectors.cadre_list(user=admin_user)]
    assert names == ["Nguyễn Văn An", "Trần Thị Ánh", "Lê Văn Bình", "Vũ Đức Dũng", "Phạm Thu Đào"]


def test_units_the_rule_names_without_a_fulltime_deputy_are_flagged(province):
    # III.4.1(3): a commune of 300+ members (A1) and a ward of any size (B1).
    assert list(selectors.units_needing_fulltime_deputy().order_by("code")) == [province.a1, province.b1]


def test_an_active_fulltime_deputy_clears_the_flag(province):
    CadreFactory(unit=province.a1, position=province.deputy)
    assert _codes(selectors.units_needing_fulltime_deputy()) == ["B1"]


def test_a_deputy_who_left_does_not_clear_the_flag(province):
    CadreFactory(unit=province.a1, position=province.deputy, status=CadreStatus.LEFT)
    assert _codes(selectors.units_needing_fulltime_deputy()) == ["A1", "B1"]


def test_agencies_under_300_members_cells_and_closed_units_are_not_flagged_small_wards_are(province):
    add_unit(province.b, "B2", kind=UnitKind.AGENCY, party_member_count=299)
    add_unit(province.b, "B3", kind=UnitKind.CELL, party_member_count=400)
    add_unit(province.b, "B4", kind=UnitKind.ENTERPRISE, party_member_count=500, is_active=False)
    b5 = add_unit(province.b, "B5", kind=UnitKind.ENTERPRISE, party_member_count=300)
    b6 = add_unit(province.b, "B6", kind=UnitKind.BODY, party_member_count=40,
                  level=UnitLevel.objects.get(code=COMMUNE_LEVEL))
    assert _codes(selectors.units_needing_fulltime_deputy()) == ["A1", "B1", b5.code, b6.code]


def test_the_flag_annotation_agrees_with_the_selector(province):
    add_unit(province.b, "B5", kind=UnitKind.WARD, party_member_count=301)
    annotated = {u.code: u.needs_fulltime_deputy for u in selectors.with_needs_fulltime_deputy(Unit.objects.all())}
    flagged = set(selectors.units_needing_fulltime_deputy().values_list("code", flat=True))
    assert {code for code, flag in annotated.items() if flag} == flagged == {"A1", "B1", "B5"}


def test_the_tree_top_is_the_root_for_the_board_and_the_own_unit_for_a_manager(province, board_user, manager_a):
    assert _codes(selectors.unit_tree_top(board_user)) == ["P"]
    assert _codes(selectors.unit_tree_top(manager_a)) == ["A"]


def test_unit_children_and_ancestors(province, manager_a, board_user):
    assert _codes(selectors.unit_children(board_user, province.root)) == ["A", "B"]
    assert [u.code for u in selectors.unit_ancestors_visible_to(board_user, province.a1c)] == ["P", "A", "A1"]
    # A manager's breadcrumbs start at his own unit.
    assert [u.code for u in selectors.unit_ancestors_visible_to(manager_a, province.a1c)] == ["A", "A1"]


def test_import_context_marks_what_the_manager_may_edit(province, manager_a, cadre_a, cadre_b):
    context = selectors.cadre_import_context(
        user=manager_a, unit_codes={"A1", "B1", "NOPE"}, cadre_codes={cadre_a.code, cadre_b.code},
        today=datetime.date(2025, 1, 1),
    )
    assert {code: unit.editable for code, unit in context.units.items()} == {"A1": True, "B1": False}
    assert context.cadres[cadre_a.code].editable and not context.cadres[cadre_b.code].editable
    assert context.cadres[cadre_a.code].open_assignment_start == datetime.date(2020, 1, 1)
    assert not context.can_edit_all_units
