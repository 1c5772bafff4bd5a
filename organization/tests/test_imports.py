"""organization.imports: reading files and checking rows, without the database."""

import datetime
import io
import zipfile

import pytest
from django.utils.translation import gettext as _

from organization import imports
from organization.imports import (
    CREATE,
    UNCHANGED,
    UPDATE,
    ExistingCadre,
    ImportContext,
    ImportFileError,
    PositionRef,
    RawRow,
    UnitRef,
)

from .builders import HEADER, csv_bytes, row, xlsx_bytes

MAX = 1024 * 1024
TODAY = datetime.date(2025, 6, 1)


def context(**overrides) -> ImportContext:
    values = {
        "units": {
            "A1": UnitRef(id=1, code="A1", name="Xã A1", is_active=True, editable=True),
            "OLD": UnitRef(id=2, code="OLD", name="Xã cũ", is_active=False, editable=True),
            "B1": UnitRef(id=3, code="B1", name="Phường B1", is_active=True, editable=False),
        },
        "positions": [PositionRef(id=10, code="uv-kiem-nhiem", name="Ủy viên kiêm nhiệm")],
        "cadres": {},
        "can_edit_all_units": False,
        "today": TODAY,
    }
    values.update(overrides)
    return ImportContext(**values)


def raw(number=2, **values):
    base = {"code": "CB001", "full_name": "Nguyễn Thị Ánh", "unit_code": "A1", "position": "uv-kiem-nhiem"}
    base.update(values)
    return RawRow(number=number, values=base)


def check(*rows, ctx=None):
    return imports.validate_rows(list(rows), ctx or context())


def only_errors(report):
    return [error for r in report.rows for error in r.errors]


# --- reading files ----------------------------------------------------------------------------


def test_xlsx_file_is_read_with_its_header_mapped():
    table = imports.read_table("can-bo.xlsx", xlsx_bytes([row()]), max_bytes=MAX)
    rows, errors = imports.table_rows(table)
    assert errors == []
    assert rows[0].number == 2
    assert rows[0].values["full_name"] == "Nguyễn Thị Ánh"


def test_csv_file_in_utf8_with_semicolons_is_read():
    data = csv_bytes([row(full_name="Đỗ Văn Đức")], delimiter=";")
    rows, errors = imports.table_rows(imports.read_table("can-bo.CSV", data, max_bytes=MAX))
    assert errors == []
    assert rows[0].values["full_name"] == "Đỗ Văn Đức"


def test_headers_may_be_column_keys_in_any_case():
    header = [column.key.upper() for column in imports.COLUMNS]
    rows, errors = imports.table_rows(imports.read_table("x.xlsx", xlsx_bytes([row()], header=header), max_bytes=MAX))
    assert errors == []
    assert rows[0].values["unit_code"] == "A1"


def test_blank_rows_are_skipped_but_row_numbers_stay_those_of_the_sheet():
    data = xlsx_bytes([row(code="CB1"), [None] * len(HEADER), row(code="CB2")])
    rows, _errors = imports.table_rows(imports.read_table("x.xlsx", data, max_bytes=MAX))
    assert [(r.number, r.values["code"]) for r in rows] == [(2, "CB1"), (4, "CB2")]


@pytest.mark.parametrize("name", ["can-bo.xls", "can-bo.pdf", "can-bo", "can-bo.xlsx.exe"])
def test_other_file_types_are_refused_by_name(name):
    with pytest.raises(ImportFileError) as exc:
        imports.read_table(name, b"whatever", max_bytes=MAX)
    assert exc.value.messages == [_("Only .xlsx (Excel) and .csv files can be imported.")]


def test_a_file_over_the_size_limit_is_refused():
    with pytest.raises(ImportFileError) as exc:
        imports.read_table("x.csv", b"a" * 2049, max_bytes=2048)
    assert exc.value.messages == [_("The file is %(size)s KB; the limit is %(limit)s KB.") % {"size": 3, "limit": 2}]


def test_an_empty_file_is_refused():
    with pytest.raises(ImportFileError) as exc:
        imports.read_table("x.xlsx", b"", max_bytes=MAX)
    assert exc.value.messages == [_("The file is empty.")]


def test_a_text_file_named_xlsx_is_refused():
    with pytest.raises(ImportFileError) as exc:
        imports.read_table("x.xlsx", "Mã cán bộ,Họ và tên\n".encode(), max_bytes=MAX)
    assert "Excel" in exc.value.messages[0]


def test_a_zip_that_is_not_a_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    with pytest.raises(ImportFileError) as exc:
        imports.read_table("x.xlsx", buffer.getvalue(), max_bytes=MAX)
    assert "Excel" in exc.value.messages[0]


def test_a_zip_bomb_named_xlsx_is_refused_before_opening():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * 20_000_000)
    data = buffer.getvalue()
    assert len(data) < 100_000
    with pytest.raises(ImportFileError):
        imports.read_table("x.xlsx", data, max_bytes=MAX)


def test_a_workbook_named_csv_is_refused():
    with pytest.raises(ImportFileError) as exc:
        imports.read_table("x.csv", xlsx_bytes([row()]), max_bytes=MAX)
    assert "CSV" in exc.value.messages[0]


def test_a_binary_file_named_csv_is_refused():
    with pytest.raises(ImportFileError):
        imports.read_table("x.csv", b"\x00\x01\x02binary", max_bytes=MAX)


def test_missing_required_columns_are_named():
    header = [h for h in HEADER if h != imports.COLUMNS_BY_KEY["unit_code"].heading]
    rows, errors = imports.table_rows(imports.read_table("x.xlsx", xlsx_bytes([["x"] * len(header)], header=header),
                                                         max_bytes=MAX))
    assert rows == []
    assert errors[0] == _("Missing column(s): %(columns)s.") % {"columns": imports.COLUMNS_BY_KEY["unit_code"].heading}


def test_an_unknown_column_is_named():
    header = [*HEADER, "Quê quán"]
    rows, errors = imports.table_rows(imports.read_table("x.xlsx", xlsx_bytes([row()], header=header), max_bytes=MAX))
    assert rows == []
    assert _("Unknown column “%(header)s”.") % {"header": "Quê quán"} in errors


def test_a_repeated_column_is_refused():
    header = [*HEADER, HEADER[1]]
    _rows, errors = imports.table_rows(imports.read_table("x.xlsx", xlsx_bytes([row()], header=header), max_bytes=MAX))
    assert _("The column “%(header)s” appears twice.") % {"header": HEADER[1]} in errors


def test_a_header_without_rows_is_refused():
    _rows, errors = imports.table_rows(imports.read_table("x.xlsx", xlsx_bytes([]), max_bytes=MAX))
    assert errors == [_("The file has no cadre rows under the header.")]


def test_prepare_reports_file_errors_without_asking_the_database():
    def build_context(rows):
        raise AssertionError("the database must not be asked about a broken file")

    report = imports.prepare("x.txt", b"abc", max_bytes=MAX, build_context=build_context)
    assert not report.is_valid
    assert report.file_errors


# --- checking rows ----------------------------------------------------------------------------


def test_a_good_row_becomes_a_new_cadre():
    report = check(raw(gender="Nam", date_of_birth="05/09/1980", appointed_on="2021-03-15", grade="KTVC"))
    assert report.is_valid
    result = report.rows[0]
    assert result.action == CREATE
    assert result.row.unit_id == 1 and result.row.position_id == 10
    assert result.row.gender == "m"
    assert result.row.date_of_birth == datetime.date(1980, 9, 5)
    assert result.row.appointed_on == datetime.date(2021, 3, 15)
    assert result.row.grade == "ktvc"
    assert result.row.status is None


def test_real_excel_date_cells_are_accepted():
    report = check(raw(date_of_birth=datetime.datetime(1979, 12, 31)))
    assert report.rows[0].row.date_of_birth == datetime.date(1979, 12, 31)


@pytest.mark.parametrize("value", ["31/02/2020", "2020/01/05", "5-9-1980", "ngày 5 tháng 9", "1980", "45123"])
def test_a_bad_date_is_an_error_on_its_row(value):
    report = check(raw(date_of_birth=value))
    assert not report.is_valid
    assert only_errors(report) == [
        _("%(column)s: “%(value)s” is not a date; write dd/mm/yyyy (or yyyy-mm-dd).")
        % {"column": imports.COLUMNS_BY_KEY["date_of_birth"].heading, "value": value}
    ]


def test_the_position_is_found_by_name_ignoring_case():
    report = check(raw(position="ủy viên KIÊM NHIỆM"))
    assert report.rows[0].row.position_id == 10


def test_an_unknown_position_is_an_error():
    report = check(raw(position="Thư ký"))
    assert only_errors(report) == [_("Unknown position “%(value)s”.") % {"value": "Thư ký"}]


def test_an_unknown_unit_code_is_an_error():
    report = check(raw(unit_code="ZZZ"))
    assert only_errors(report) == [
        _("Unit code %(code)s is unknown or outside the units you manage.") % {"code": "ZZZ"}
    ]


def test_a_unit_outside_the_users_subtree_reads_like_an_unknown_one():
    report = check(raw(unit_code="B1"))
    assert only_errors(report) == [_("Unit code %(code)s is unknown or outside the units you manage.") % {"code": "B1"}]


def test_for_an_administrator_an_unknown_unit_is_just_unknown():
    report = check(raw(unit_code="ZZZ"), ctx=context(can_edit_all_units=True))
    assert only_errors(report) == [_("Unknown unit code %(code)s.") % {"code": "ZZZ"}]


def test_a_closed_unit_cannot_receive_cadres():
    report = check(raw(unit_code="OLD"))
    assert only_errors(report) == [_("Unit %(code)s is closed and cannot receive cadres.") % {"code": "OLD"}]


def test_a_code_repeated_in_the_file_is_an_error_on_the_later_row():
    report = check(raw(number=2, code="CB9"), raw(number=3, code="CB9"))
    assert report.rows[0].errors == []
    assert report.rows[1].errors == [
        _("The cadre code %(code)s is repeated: it is already on row %(row)s.") % {"code": "CB9", "row": 2}
    ]
    assert not report.is_valid


def test_a_missing_name_is_an_error():
    report = check(raw(full_name="  "))
    assert only_errors(report) == [_("The full name is missing.")]


def test_a_missing_code_is_an_error():
    report = check(raw(code=None))
    assert only_errors(report) == [_("The cadre code is missing.")]


def test_numeric_codes_from_excel_lose_their_decimal_point():
    report = check(raw(code=1234.0, unit_code="A1"))
    assert report.rows[0].row.code == "1234"


def test_an_unknown_grade_is_an_error_naming_the_column():
    report = check(raw(grade="Thanh tra viên"))
    assert only_errors(report) == [
        _("%(column)s: “%(value)s” is not a known value.")
        % {"column": imports.COLUMNS_BY_KEY["grade"].heading, "value": "Thanh tra viên"}
    ]


def test_a_bad_email_is_an_error():
    report = check(raw(email="an@"))
    assert only_errors(report) == [_("“%(value)s” is not a valid email address.") % {"value": "an@"}]


def test_a_birth_date_in_the_future_is_an_error():
    report = check(raw(date_of_birth="02/06/2025"))
    assert only_errors(report) == [_("The date of birth must be in the past.")]


def test_every_problem_of_a_row_is_listed():
    report = check(raw(code="", full_name="", unit_code="ZZZ", position="?"))
    assert len(report.rows[0].errors) == 4


def _existing(**overrides):
    values = {
        "id": 7, "editable": True, "unit_id": 1, "position_id": 10, "status": "active",
        "full_name": "Nguyễn Thị Ánh", "gender": "", "date_of_birth": None, "grade": "", "theory_level": "",
        "appointed_on": None, "email": "", "open_assignment_start": datetime.date(2020, 1, 1),
    }
    values.update(overrides)
    return ExistingCadre(**values)


def test_a_known_code_with_the_same_values_is_unchanged():
    report = check(raw(), ctx=context(cadres={"CB001": _existing()}))
    assert report.rows[0].action == UNCHANGED
    assert report.rows[0].row.existing_id == 7


def test_a_known_code_with_new_values_is_an_update():
    report = check(raw(full_name="Nguyễn Thị Ánh Tuyết"), ctx=context(cadres={"CB001": _existing()}))
    assert report.rows[0].action == UPDATE


def test_a_code_used_outside_the_users_units_is_an_error():
    report = check(raw(), ctx=context(cadres={"CB001": _existing(editable=False)}))
    assert only_errors(report) == [
        _("The cadre code %(code)s is already used by a cadre outside the units you manage.") % {"code": "CB001"}
    ]


def test_a_move_before_the_current_assignment_starts_is_refused():
    ctx = context(cadres={"CB001": _existing(position_id=99, open_assignment_start=datetime.date(2025, 9, 1))})
    report = check(raw(), ctx=ctx)
    assert not report.is_valid
    assert "01/09/2025" in report.rows[0].errors[0]


def test_a_move_on_the_day_the_current_assignment_starts_is_a_correction():
    ctx = context(cadres={"CB001": _existing(position_id=99, open_assignment_start=TODAY)})
    report = check(raw(), ctx=ctx)
    assert report.is_valid
    assert report.rows[0].action == UPDATE
