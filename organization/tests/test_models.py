import datetime

from organization.models import Cadre, UnitKind, UnitLevel
from organization.reference_data import COMMUNE_LEVEL
from organization.vnsort import name_sort_key
from tests.factories import CadreFactory, add_unit


def test_a_cadre_stores_its_vietnamese_sort_key(province):
    cadre = CadreFactory(full_name="Phạm Thu Đào", unit=province.a1, position=province.member)
    assert Cadre.objects.get(pk=cadre.pk).name_sort_key == name_sort_key("Phạm Thu Đào")


def test_renaming_with_update_fields_refreshes_the_sort_key(province, cadre_a):
    cadre_a.full_name = "Nguyễn Văn Ân"
    cadre_a.save(update_fields=["full_name"])
    assert Cadre.objects.get(pk=cadre_a.pk).name_sort_key == name_sort_key("Nguyễn Văn Ân")


def test_the_deputy_rule_names_every_commune_and_ward_and_agencies_from_300_members(province):
    # III.4.1(3) of the action programme, Regulation 22-QĐ/TW.
    assert province.a1.needs_fulltime_deputy_threshold  # commune, 350
    assert not province.a1c.needs_fulltime_deputy_threshold  # a cell
    assert add_unit(province.b, "B9", kind=UnitKind.WARD, party_member_count=40).needs_fulltime_deputy_threshold
    commune_level = UnitLevel.objects.get(code=COMMUNE_LEVEL)
    assert add_unit(province.b, "B8", kind=UnitKind.BODY, level=commune_level).needs_fulltime_deputy_threshold
    assert not add_unit(province.b, "B5", kind=UnitKind.BODY).needs_fulltime_deputy_threshold  # a sector
    assert not add_unit(province.b, "B7", kind=UnitKind.AGENCY, party_member_count=299).needs_fulltime_deputy_threshold
    assert add_unit(province.b, "B6", kind=UnitKind.ENTERPRISE, party_member_count=300).needs_fulltime_deputy_threshold


def test_a_unit_level_is_valid_between_its_dates():
    # Unsaved: migration 0007_reference_data has already created the real "huyen" level.
    district = UnitLevel(
        code="huyen", name="Cấp huyện", rank=1,
        valid_from=datetime.date(1976, 1, 1), valid_to=datetime.date(2025, 6, 30),
    )
    assert district.is_valid_on(datetime.date(2025, 6, 30))
    assert not district.is_valid_on(datetime.date(2025, 7, 1))


def test_closed_and_merged_units_stay_in_the_tree(province):
    province.b1.is_active = False
    province.b1.merged_into = province.a1
    province.b1.save()
    assert province.b.get_children().get().merged_into == province.a1
    assert str(province.b1) == "Đảng ủy phường B1 (B1)"
