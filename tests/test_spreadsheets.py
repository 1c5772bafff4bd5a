"""lms.spreadsheets: what every import refuses before openpyxl sees the file, and what every export writes."""

import csv
import datetime
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from lms import spreadsheets
from lms.spreadsheets import SpreadsheetError

from .spreadsheets import BOMB_MESSAGE, FORMULAS, NOT_EXCEL_MESSAGE, cells, exe_bytes, png_bytes, zip_bomb

MAX = 5 * 1024 * 1024


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted on their English source text; tests/test_translations.py checks the Vietnamese."""
    from django.utils import translation

    with translation.override("en"):
        yield


def _xlsx(*rows, title="Sheet") -> bytes:
    book = Workbook()
    book.active.title = title
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _refusal(filename, data, **kwargs) -> list[str]:
    with pytest.raises(SpreadsheetError) as exc:
        spreadsheets.read_table(filename, data, max_bytes=kwargs.pop("max_bytes", MAX), **kwargs)
    return exc.value.messages


def test_a_zip_bomb_named_xlsx_is_refused_before_openpyxl_opens_it(monkeypatch):
    import openpyxl

    def must_not_open(*args, **kwargs):
        raise AssertionError("openpyxl opened a zip bomb")

    monkeypatch.setattr(openpyxl, "load_workbook", must_not_open)
    assert _refusal("bang.xlsx", zip_bomb()) == [BOMB_MESSAGE]


def test_an_archive_whose_members_inflate_too_far_in_total_is_refused():
    # Each member is modest; together they inflate 100 times the file's size.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        for index in range(40):
            archive.writestr(f"xl/worksheets/sheet{index}.xml", b"0" * 1_000_000)
    assert _refusal("bang.xlsx", buffer.getvalue()) == [BOMB_MESSAGE]


@pytest.mark.parametrize("data", [png_bytes(), exe_bytes(), b"Ma can bo,Ho va ten\n"], ids=["png", "exe", "text"])
def test_a_file_that_is_not_a_workbook_renamed_xlsx_is_refused(data):
    assert _refusal("danh-sach.xlsx", data) == [NOT_EXCEL_MESSAGE]


def test_a_zip_that_is_not_a_spreadsheet_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")  # a .docx
    assert _refusal("danh-sach.xlsx", buffer.getvalue()) == [NOT_EXCEL_MESSAGE]


@pytest.mark.parametrize("data", [png_bytes(), exe_bytes(), _xlsx(["a"])], ids=["png", "exe", "xlsx"])
def test_a_binary_file_renamed_csv_is_refused(data):
    assert _refusal("danh-sach.csv", data) == ["The file is not a text CSV file. Save it from Excel as “CSV UTF-8”."]


def test_only_the_allowed_types_and_sizes_pass():
    assert _refusal("a.pdf", b"x") == ["Only .xlsx (Excel) and .csv files can be imported."]
    assert _refusal("a.csv", b"x", allowed=(spreadsheets.XLSX,)) == ["Only .xlsx (Excel) files can be imported here."]
    assert _refusal("a.csv", b"a" * 3000, max_bytes=2048) == ["The file is 3 KB; the limit is 2 KB."]
    assert _refusal("a.xlsx", b"") == ["The file is empty."]


def test_csv_is_read_in_utf8_with_bom_or_in_the_windows_vietnamese_code_page():
    assert spreadsheets.read_table("a.csv", "\ufeffMã;Tên\nCB1;Ánh\n".encode(), max_bytes=MAX) == [
        ("Mã", "Tên"), ("CB1", "Ánh")]
    assert spreadsheets.read_table("a.csv", "Ma,Ten\nCB1,Hà\n".encode("cp1258"), max_bytes=MAX)[1] == ("CB1", "Hà")


def test_a_real_workbook_is_read_and_its_named_sheets_opened():
    data = _xlsx(["Mã", "Ngày"], ["CB1", datetime.date(2025, 3, 1)], title="levels")
    assert spreadsheets.read_table("a.xlsx", data, max_bytes=MAX)[1] == ("CB1", datetime.datetime(2025, 3, 1))
    with spreadsheets.open_workbook("a.xlsx", data, max_bytes=MAX) as book:
        assert spreadsheets.sheet_rows(book["levels"]) == [("Mã", "Ngày"), ("CB1", datetime.datetime(2025, 3, 1))]


def test_read_upload_never_reads_more_than_the_limit():
    class Endless(io.RawIOBase):
        name, size = "a.csv", None  # a file object that does not know its size
        read_sizes = []

        def read(self, n=-1):
            self.read_sizes.append(n)
            return b"a" * n

    upload = Endless()
    with pytest.raises(SpreadsheetError, match="the limit is 1 KB"):
        spreadsheets.read_upload(upload, max_bytes=1024)
    assert upload.read_sizes == [1025]


def test_read_upload_checks_the_content_whatever_the_name():
    with pytest.raises(SpreadsheetError) as exc:
        spreadsheets.read_upload(SimpleUploadedFile("anh.xlsx", png_bytes()), max_bytes=MAX)
    assert exc.value.messages == [NOT_EXCEL_MESSAGE]


def test_the_workbook_writer_stores_formula_like_text_as_text():
    writer = spreadsheets.WorkbookWriter()
    sheet = writer.sheet("t", header=["Tên"])
    writer.row(sheet, [*FORMULAS, 7, datetime.date(2025, 3, 1)])
    row = cells(writer.getvalue())[1]
    assert [(c.value, c.data_type) for c in row[:4]] == [(value, "s") for value in FORMULAS]
    assert (row[4].value, row[4].data_type) == (7, "n")
    assert row[5].number_format == "dd/mm/yyyy"


def test_append_row_stores_text_as_text_on_a_normal_sheet_where_plain_append_makes_a_formula():
    book = Workbook()
    spreadsheets.append_row(book.active, FORMULAS)
    book.active.append([FORMULAS[0]])
    out = io.BytesIO()
    book.save(out)
    safe, plain = cells(out.getvalue())
    assert [(c.value, c.data_type) for c in safe] == [(value, "s") for value in FORMULAS]
    assert plain[0].data_type == "f"  # what every export wrote before


def test_csv_fields_that_start_like_a_formula_get_a_leading_quote():
    out = io.StringIO()
    writer = spreadsheets.SafeCsvWriter(out)
    writer.writerow([*FORMULAS, "\tx", "\ry", "Nguyễn Văn A", 5, None])
    assert next(csv.reader(io.StringIO(out.getvalue()))) == [
        *("'" + value for value in FORMULAS), "'\tx", "'\ry", "Nguyễn Văn A", "5", ""]
