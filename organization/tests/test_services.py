import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from organization import services
from organization.imports import CadreRow
from organization.models import Cadre, CadreStatus, PositionAssignment, Unit
from tests.factories import CadreFactory

D = datetime.date


def _history(cadre):
    return list(
        PositionAssignment.objects.filter(cadre=cadre)
        .order_by("start_date", "id")
        .values_list("unit__code", "position__code", "start_date", "end_date")
    )


def test_cadre_create_opens_the_first_assignment_from_the_appointment_date(province):
    cadre = services.cadre_create(
        code="CB1", full_name="Lê Văn Cường", unit=province.a1, position=province.member, appointed_on=D(2021, 5, 1)
    )
    assert _history(cadre) == [("A1", "uv-kiem-nhiem", D(2021, 5, 1), None)]


def test_cadre_create_refuses_a_duplicate_code_and_writes_nothing(province, cadre_a):
    with pytest.raises(ValidationError):
        services.cadre_create(code=cadre_a.code, full_name="Ai đó", unit=province.a1, position=province.member)
    assert Cadre.objects.count() == 1
    assert PositionAssignment.objects.count() == 1


def test_change_position_closes_the_open_assignment_and_opens_a_new_one(province, cadre_a):
    services.cadre_position_change(cadre=cadre_a, unit=province.a1, position=province.deputy, on=D(2024, 3, 1))
    assert _history(cadre_a) == [
        ("A1", "uv-kiem-nhiem", D(2020, 1, 1), D(2024, 2, 29)),
        ("A1", "pcn-chuyen-trach", D(2024, 3, 1), None),
    ]


def test_change_position_to_a_closed_unit_is_refused(province, cadre_a):
    Unit.objects.filter(pk=province.b1.pk).update(is_active=False)
    with pytest.raises(ValidationError):
        services.cadre_position_change(
            cadre=cadre_a, unit=Unit.objects.get(pk=province.b1.pk), position=province.member, on=D(2024, 1, 1)
        )
    assert len(_history(cadre_a)) == 1


def test_cadre_update_keeps_history_when_the_unit_changes(province, cadre_a):
    services.cadre_update(
        cadre=cadre_a, unit=province.b1, position=province.member, status=CadreStatus.ACTIVE, on=D(2024, 7, 1),
        reason="Điều động", full_name="Nguyễn Văn An",
    )
    cadre_a.refresh_from_db()
    assert cadre_a.unit == province.b1
    assert _history(cadre_a) == [
        ("A1", "uv-kiem-nhiem", D(2020, 1, 1), D(2024, 6, 30)),
        ("B1", "uv-kiem-nhiem", D(2024, 7, 1), None),
    ]


def test_cadre_update_without_a_move_adds_no_history(province, cadre_a):
    services.cadre_update(
        cadre=cadre_a, unit=province.a1, position=province.member, status=CadreStatus.ACTIVE, full_name="Nguyễn Văn Ân"
    )
    cadre_a.refresh_from_db()
    assert cadre_a.full_name == "Nguyễn Văn Ân"
    assert len(_history(cadre_a)) == 1


def test_cadre_update_with_a_change_date_before_the_current_start_changes_nothing(province, cadre_a):
    with pytest.raises(ValidationError):
        services.cadre_update(
            cadre=cadre_a, unit=province.b1, position=province.member, status=CadreStatus.ACTIVE,
            on=D(2019, 1, 1), full_name="Tên mới",
        )
    cadre_a.refresh_from_db()
    assert (cadre_a.full_name, cadre_a.unit_id) == ("Nguyễn Văn An", province.a1.pk)
    assert len(_history(cadre_a)) == 1


def test_cadre_update_to_retired_closes_the_open_assignment(province, cadre_a):
    services.cadre_update(
        cadre=cadre_a, unit=province.a1, position=province.member, status=CadreStatus.RETIRED, on=D(2025, 1, 31)
    )
    assert _history(cadre_a)[-1][3] == D(2025, 1, 31)


def test_unit_close_is_refused_while_active_cadres_remain(province, cadre_b):
    with pytest.raises(ValidationError) as exc:
        services.unit_close(unit=province.b1)
    assert exc.value.messages == [_("Move or merge the unit's active cadres before closing it.")]
    assert Unit.objects.get(pk=province.b1.pk).is_active


def test_unit_close_is_refused_while_sub_units_are_active(province):
    with pytest.raises(ValidationError):
        services.unit_close(unit=province.b)
    assert Unit.objects.get(pk=province.b.pk).is_active


def test_unit_close_closes_an_empty_leaf(province):
    services.unit_close(unit=province.b1, on=D(2025, 7, 1))
    closed = Unit.objects.get(pk=province.b1.pk)
    assert (closed.is_active, closed.closed_on) == (False, D(2025, 7, 1))


def test_unit_merge_moves_cadres_and_keeps_the_old_history(province, cadre_b):
    services.unit_merge(source=province.b1, target=province.a1, on=D(2025, 7, 1))
    source = Unit.objects.get(pk=province.b1.pk)
    cadre_b.refresh_from_db()
    assert (source.is_active, source.closed_on, source.merged_into_id) == (False, D(2025, 7, 1), province.a1.pk)
    assert cadre_b.unit_id == province.a1.pk
    assert _history(cadre_b) == [
        ("B1", "uv-kiem-nhiem", D(2020, 1, 1), D(2025, 6, 30)),
        ("A1", "uv-kiem-nhiem", D(2025, 7, 1), None),
    ]


def test_unit_merge_moves_sub_units_under_the_target(province):
    services.unit_merge(source=province.a, target=province.b, on=D(2025, 7, 1))
    a1 = Unit.objects.get(pk=province.a1.pk)
    assert a1.get_parent().pk == province.b.pk
    assert Unit.objects.get(pk=province.a1c.pk).get_parent().pk == a1.pk


def test_unit_merge_into_its_own_sub_unit_is_refused(province):
    with pytest.raises(ValidationError):
        services.unit_merge(source=province.a, target=province.a1)
    assert Unit.objects.get(pk=province.a.pk).is_active


def _row(number=2, code="CB100", unit=None, position=None, province=None, **fields):
    values = {
        "full_name": "Phạm Thị Đào", "gender": "f", "date_of_birth": D(1985, 1, 2), "grade": "ktv", "theory_level": "",
        "appointed_on": D(2022, 4, 1), "status": None, "email": "", "existing_id": None,
    }
    values.update(fields)
    return CadreRow(number=number, code=code, unit_id=unit.pk, position_id=position.pk, **values)


def test_cadre_import_creates_cadres_with_their_first_assignment(province):
    result = services.cadre_import(rows=[_row(unit=province.a1, position=province.member)], on=D(2025, 6, 1))
    assert (result.created, result.updated, result.unchanged) == (1, 0, 0)
    cadre = Cadre.objects.get(code="CB100")
    assert cadre.status == CadreStatus.ACTIVE
    assert cadre.name_sort_key  # sortable like any other cadre
    assert _history(cadre) == [("A1", "uv-kiem-nhiem", D(2022, 4, 1), None)]


def test_cadre_import_twice_changes_nothing_the_second_time(province):
    rows = [_row(unit=province.a1, position=province.member)]
    services.cadre_import(rows=rows, on=D(2025, 6, 1))
    result = services.cadre_import(rows=rows, on=D(2025, 6, 2))
    assert (result.created, result.updated, result.unchanged) == (0, 0, 1)
    assert Cadre.objects.count() == 1
    assert PositionAssignment.objects.count() == 1


def test_cadre_import_moves_a_known_cadre_through_the_history(province, cadre_a):
    row = _row(code=cadre_a.code, unit=province.b1, position=province.deputy, full_name=cadre_a.full_name)
    result = services.cadre_import(rows=[row], on=D(2025, 6, 1))
    assert result.updated == 1
    assert _history(cadre_a) == [
        ("A1", "uv-kiem-nhiem", D(2020, 1, 1), D(2025, 5, 31)),
        ("B1", "pcn-chuyen-trach", D(2025, 6, 1), None),
    ]


def test_cadre_import_is_all_or_nothing(province, cadre_a):
    good = _row(code="CB200", unit=province.a1, position=province.member)
    # The history cannot take a move dated before the current assignment: the whole import fails.
    bad = _row(code=cadre_a.code, unit=province.b1, position=province.member)
    with pytest.raises(ValidationError):
        services.cadre_import(rows=[good, bad], on=D(2019, 1, 1))
    assert not Cadre.objects.filter(code="CB200").exists()
    assert Cadre.objects.get(pk=cadre_a.pk).unit_id == province.a1.pk


def test_cadre_import_applies_a_new_status(province):
    cadre = CadreFactory(code="CB300", unit=province.a1, position=province.member, full_name="Phạm Thị Đào",
                         gender="f", date_of_birth=D(1985, 1, 2), grade="ktv", appointed_on=D(2022, 4, 1))
    services.cadre_import(
        rows=[_row(code="CB300", unit=province.a1, position=province.member, status=CadreStatus.RETIRED)],
        on=D(2025, 6, 1),
    )
    cadre.refresh_from_db()
    assert cadre.status == CadreStatus.RETIRED


def test_a_second_move_on_the_same_day_corrects_the_days_entry(province, cadre_a):
    services.cadre_update(cadre=cadre_a, unit=province.b1, position=province.member, status=CadreStatus.ACTIVE,
                          on=D(2025, 6, 1))
    services.cadre_update(cadre=cadre_a, unit=province.a1c, position=province.member, status=CadreStatus.ACTIVE,
                          on=D(2025, 6, 1))
    assert _history(cadre_a) == [
        ("A1", "uv-kiem-nhiem", D(2020, 1, 1), D(2025, 5, 31)),
        ("A1C", "uv-kiem-nhiem", D(2025, 6, 1), None),
    ]
