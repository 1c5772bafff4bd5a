"""The one spreadsheet engine: every import reads its file here, every export writes its cells here.

Reading: `check_upload` (name and size), `check_content` (the bytes are what the name says: an .xlsx
is a real OOXML zip that does not inflate far beyond its size, a .csv is decodable text), then
`read_table` (the first sheet as tuples) or `open_workbook` (several named sheets). Every refusal is a
`SpreadsheetError` carrying user-facing messages; openpyxl never sees a file that failed the checks.

Mapping: `map_table` turns a table into `RawRow`s keyed by column, the header matched in any language;
`RowFields` checks one row's cells; `ImportReport`/`RowResult` carry what a preview shows.

Writing: `safe_cell`/`append_row` (any openpyxl sheet), `WorkbookWriter` (a write-only workbook) and
`csv_safe`/`SafeCsvWriter`. A string that starts like a formula (=, +, -, @, tab, carriage return) is
stored as text in an .xlsx and prefixed with a single quote in a .csv (OWASP's advice), so a cadre
named `=HYPERLINK(...)` is shown as that text and never evaluated.

Shared infrastructure: imports nothing from the KTLearn apps.
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext as _

XLSX = ".xlsx"
CSV = ".csv"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ROWS = 20_000
# A spreadsheet's XML compresses well, but not endlessly: real workbooks stay far below this ratio,
# while a zip bomb (a few KB that inflate to gigabytes) is far above it.
MAX_UNCOMPRESSED_RATIO = 40
# Slack for very small files, whose fixed-size parts (styles, theme) inflate by more than the ratio.
UNCOMPRESSED_SLACK = 1_000_000
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_MEMBERS = 10_000
# The parts every SpreadsheetML package has; a .docx or a plain zip has a different set.
OOXML_PARTS = ("[Content_Types].xml", "xl/workbook.xml")
DATE_FORMAT = "dd/mm/yyyy"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class SpreadsheetError(Exception):
    """The file as a whole cannot be read (type, size, content, header). Carries user-facing messages."""

    def __init__(self, *messages: str):
        super().__init__(*messages)
        self.messages = [str(message) for message in messages]

    def __str__(self):
        return " ".join(self.messages)


# ---------------------------------------------------------------------------------------------
# Checking an upload


def _not_excel() -> str:
    return _("The file is not a valid Excel workbook (.xlsx). Save it again from Excel as .xlsx.")


def _not_csv() -> str:
    return _("The file is not a text CSV file. Save it from Excel as “CSV UTF-8”.")


def check_upload(filename: str, size: int, *, max_bytes: int, allowed: Sequence[str] = (XLSX, CSV)) -> str:
    """Refuse by name and size, before reading a byte. Returns the lower-case extension (one of `allowed`)."""
    name = (filename or "").lower()
    extension = next((ext for ext in allowed if name.endswith(ext)), "")
    if not extension:
        if CSV in allowed:
            raise SpreadsheetError(_("Only .xlsx (Excel) and .csv files can be imported."))
        raise SpreadsheetError(_("Only .xlsx (Excel) files can be imported here."))
    if size > max_bytes:
        raise SpreadsheetError(
            _("The file is %(size)s KB; the limit is %(limit)s KB.")
            % {"size": (size + 1023) // 1024, "limit": max_bytes // 1024}
        )
    if size == 0:
        raise SpreadsheetError(_("The file is empty."))
    return extension


def _check_xlsx(data: bytes) -> None:
    if not data.startswith(b"PK") or not zipfile.is_zipfile(io.BytesIO(data)):
        raise SpreadsheetError(_not_excel())
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise SpreadsheetError(_not_excel()) from exc
    names = {member.filename for member in members}
    if not all(part in names for part in OOXML_PARTS):
        raise SpreadsheetError(_not_excel())
    # The sizes declared in the archive are trustworthy here: Python's zipfile stops inflating a
    # member at its declared size, so a member that lies about it only ends in a CRC error.
    inflated = sum(member.file_size for member in members)
    if (
        len(members) > MAX_MEMBERS
        or inflated > MAX_UNCOMPRESSED_BYTES
        or inflated > len(data) * MAX_UNCOMPRESSED_RATIO + UNCOMPRESSED_SLACK
    ):
        raise SpreadsheetError(_("The file expands to an unreasonable size and was refused."))


def _csv_text(data: bytes) -> str:
    if data.startswith(b"PK") or b"\x00" in data[:4096]:
        raise SpreadsheetError(_not_csv())
    # Excel saves "CSV UTF-8" with a BOM and plain "CSV" in the Windows code page, cp1258 in Vietnam.
    for encoding in ("utf-8-sig", "cp1258"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SpreadsheetError(_not_csv())


def check_content(extension: str, data: bytes) -> None:
    """Refuse a file whose bytes are not what its extension says (a renamed .exe or .png), or an .xlsx
    that would inflate far beyond its size. Nothing is parsed by openpyxl before this passes."""
    if extension == XLSX:
        _check_xlsx(data)
    else:
        _csv_text(data)


def read_upload(upload, *, max_bytes: int | None = None, allowed: Sequence[str] = (XLSX, CSV),
                default_name: str = "") -> tuple[str, str, bytes]:
    """Read an uploaded file (a Django UploadedFile, a storage File or any binary file object) after the
    name and size checks, never more than `max_bytes` + 1 bytes of it. Returns (name, extension, data);
    the content is checked too. Raises SpreadsheetError."""
    limit = settings.KTLEARN_IMPORT_MAX_BYTES if max_bytes is None else max_bytes
    name = getattr(upload, "name", None) or default_name
    size = getattr(upload, "size", None)
    if size is not None:
        check_upload(name, size, max_bytes=limit, allowed=allowed)
    data = upload.read(limit + 1)
    extension = check_upload(name, len(data), max_bytes=limit, allowed=allowed)
    check_content(extension, data)
    return name, extension, data


def _load_workbook(data: bytes):
    from openpyxl import load_workbook

    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds of error for a damaged file
        raise SpreadsheetError(_not_excel()) from exc


@contextlib.contextmanager
def open_workbook(filename: str, data: bytes, *, max_bytes: int) -> Iterator:
    """A read-only openpyxl workbook of an .xlsx that passed every check, closed on leaving the block.
    Read its sheets with `sheet_rows`, which turns a damaged sheet into a SpreadsheetError."""
    extension = check_upload(filename, len(data), max_bytes=max_bytes, allowed=(XLSX,))
    check_content(extension, data)
    workbook = _load_workbook(data)
    try:
        yield workbook
    finally:
        workbook.close()


def sheet_rows(sheet, *, max_rows: int = MAX_ROWS) -> list[tuple]:
    """The rows of a sheet as tuples of values, at most `max_rows` + 1 (so a caller can tell it is over)."""
    rows = []
    try:
        for row in sheet.iter_rows(values_only=True):
            rows.append(tuple(row))
            if len(rows) > max_rows:
                break
    except Exception as exc:  # read-only mode parses lazily: a damaged sheet fails only now
        raise SpreadsheetError(_not_excel()) from exc
    return rows


def _csv_table(data: bytes) -> list[tuple]:
    text = _csv_text(data)
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        return [tuple(row) for row in csv.reader(io.StringIO(text), dialect)]
    except csv.Error as exc:
        raise SpreadsheetError(_not_csv()) from exc


def read_table(filename: str, data: bytes, *, max_bytes: int, allowed: Sequence[str] = (XLSX, CSV),
               max_rows: int = MAX_ROWS) -> list[tuple]:
    """The rows of the file's first sheet (or of the csv) as tuples of cell values, at most `max_rows` + 1,
    after every check. Raises SpreadsheetError."""
    extension = check_upload(filename, len(data), max_bytes=max_bytes, allowed=allowed)
    if extension == CSV:
        return _csv_table(data)
    with open_workbook(filename, data, max_bytes=max_bytes) as workbook:
        return sheet_rows(workbook.worksheets[0], max_rows=max_rows)


# ---------------------------------------------------------------------------------------------
# Mapping a table to rows


def normalize(text) -> str:
    """Compare-friendly form of a header or a choice: NFC, case-folded, single spaces."""
    text = unicodedata.normalize("NFC", str(text or ""))
    return " ".join(text.split()).casefold()


def labels_in_all_languages(label) -> set[str]:
    """The normalized label in each of settings.LANGUAGES, so a file written in either language reads."""
    names = {normalize(label)}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            names.add(normalize(str(label)))
    return names


@dataclass(frozen=True)
class Column:
    key: str
    label: Promise | str
    required: bool = False
    width: int = 14

    @property
    def heading(self) -> str:
        return capfirst(str(self.label))


def header_aliases(columns: Iterable[Column]) -> dict[str, str]:
    """Normalized header text -> column key, for the column key and its label in every language."""
    aliases = {}
    for column in columns:
        aliases[normalize(column.key)] = column.key
        for name in labels_in_all_languages(column.label):
            aliases[name] = column.key
    return aliases


def choice_lookup(choices, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """Normalized value or label (in every language) -> choice value, plus `extra` words."""
    lookup = {}
    for value, label in choices:
        if value:
            lookup[normalize(value)] = value
        for name in labels_in_all_languages(label):
            lookup[name] = value
    lookup.update({normalize(k): v for k, v in (extra or {}).items()})
    return lookup


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


@dataclass
class RawRow:
    number: int  # the row number in the spreadsheet (the header is row 1)
    values: dict[str, object]


def map_table(
    table: Sequence[tuple], *, columns: Sequence[Column], aliases: dict[str, str], no_header_error: str,
    no_rows_error: str, max_rows: int = MAX_ROWS,
) -> tuple[list[RawRow], list[str]]:
    """Find the header row, map its cells to column keys through `aliases`, refuse unknown, repeated or
    missing required columns, and return the non-blank data rows with their spreadsheet row numbers, or
    the file-level errors (then no rows)."""
    header_index = next((i for i, row in enumerate(table) if not all(is_blank(v) for v in row)), None)
    if header_index is None:
        return [], [no_header_error]
    positions: dict[int, str] = {}
    errors = []
    for index, cell in enumerate(table[header_index]):
        if is_blank(cell):
            continue
        key = aliases.get(normalize(cell))
        if key is None:
            errors.append(_("Unknown column “%(header)s”.") % {"header": str(cell).strip()})
        elif key in positions.values():
            errors.append(_("The column “%(header)s” appears twice.") % {"header": str(cell).strip()})
        else:
            positions[index] = key
    missing = [c.heading for c in columns if c.required and c.key not in positions.values()]
    if missing:
        errors.append(_("Missing column(s): %(columns)s.") % {"columns": ", ".join(missing)})
    if errors:
        expected = ", ".join(c.heading for c in columns)
        errors.append(_("The first row must hold the column names: %(columns)s.") % {"columns": expected})
        return [], errors
    rows = []
    for offset, row in enumerate(table[header_index + 1 :], start=header_index + 2):
        if all(is_blank(v) for v in row):
            continue
        values = {key: (row[index] if index < len(row) else None) for index, key in positions.items()}
        rows.append(RawRow(number=offset, values=values))
    if not rows:
        return [], [no_rows_error]
    if len(rows) > max_rows:
        return [], [_("The file has more than %(max)s rows; split it into smaller files.") % {"max": max_rows}]
    return rows, []


def cell_text(value) -> str:
    """A cell as the text a person reads: whole floats without ".0", dates dd/mm/yyyy, single spaces, NFC."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return unicodedata.normalize("NFC", " ".join(str(value).split()))


def plain_text(value) -> str:
    """A cell as text with its inner line breaks and spacing kept (a question's wording): whole floats
    without ".0", dates dd/mm/yyyy, surrounding spaces stripped."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value).strip()


_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$")


def parse_date(value) -> datetime.date | None:
    """A date from a real Excel date cell, dd/mm/yyyy or yyyy-mm-dd. Raises ValueError."""
    if is_blank(value):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    if match := _DMY.match(text):
        day, month, year = (int(g) for g in match.groups())
    elif match := _YMD.match(text):
        year, month, day = (int(g) for g in match.groups())
    else:
        raise ValueError(text)
    return datetime.date(year, month, day)


@dataclass
class RowResult:
    """One checked spreadsheet row, shared by every import: `row` is the parsed, valid row object;
    `warnings` do not block the import."""

    number: int
    display: dict[str, str]
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    row: object | None = None
    action: str = ""


@dataclass
class ImportReport:
    filename: str
    file_errors: list[str] = field(default_factory=list)
    rows: list[RowResult] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.file_errors and bool(self.rows) and not any(r.errors for r in self.rows)

    @property
    def error_rows(self) -> list[RowResult]:
        return [r for r in self.rows if r.errors]

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action and not r.errors)

    @property
    def valid_rows(self) -> list:
        return [r.row for r in self.rows if r.row is not None and not r.errors]


class RowFields:
    """One data row being checked: its cells as text (`display`), and the `RowResult` that collects the
    messages. Each reader returns the parsed value, or an empty one after adding a message naming the
    column and the value as written."""

    def __init__(self, raw: RawRow, columns: Sequence[Column]):
        self.values = raw.values
        self.display = {column.key: cell_text(raw.values.get(column.key)) for column in columns}
        self.headings = {column.key: column.heading for column in columns}
        self.result = RowResult(number=raw.number, display=self.display)
        self.errors = self.result.errors

    def choice(self, key: str, lookup: Mapping[str, str]) -> str:
        text = self.display[key]
        if not text:
            return ""
        if normalize(text) not in lookup:
            self.errors.append(
                _("%(column)s: “%(value)s” is not a known value.") % {"column": self.headings[key], "value": text}
            )
            return ""
        return lookup[normalize(text)]

    def date(self, key: str) -> datetime.date | None:
        try:
            return parse_date(self.values.get(key))
        except (ValueError, TypeError):
            self.errors.append(
                _("%(column)s: “%(value)s” is not a date; write dd/mm/yyyy (or yyyy-mm-dd).")
                % {"column": self.headings[key], "value": self.display[key]}
            )
            return None


def prepare_import(filename: str, data: bytes, *, max_bytes: int,
                   table_rows: Callable[[Sequence[tuple]], tuple[list[RawRow], list[str]]],
                   validate: Callable[[list[RawRow]], ImportReport]) -> ImportReport:
    """Read and check a file: the file-level problems become `file_errors` (then no row is checked);
    otherwise `validate` checks the mapped rows. Writes nothing."""
    try:
        table = read_table(filename, data, max_bytes=max_bytes)
    except SpreadsheetError as exc:
        return ImportReport(filename=filename, file_errors=exc.messages)
    rows, errors = table_rows(table)
    if errors:
        return ImportReport(filename=filename, file_errors=errors)
    return validate(rows)


# ---------------------------------------------------------------------------------------------
# Writing


def is_formula_like(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def safe_cell(sheet, value, *, font=None, fill=None, number_format: str | None = None, alignment=None):
    """An openpyxl cell for `sheet` (normal or write-only) whose text is stored as a string, never as a
    formula, whatever it starts with. Dates get DATE_FORMAT unless `number_format` says otherwise."""
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, Promise):
        value = str(value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    if number_format:
        cell.number_format = number_format
    elif isinstance(value, datetime.date):
        cell.number_format = DATE_FORMAT
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    if alignment is not None:
        cell.alignment = alignment
    return cell


def append_row(sheet, values: Iterable, **style) -> None:
    """Append one row of `values` to any openpyxl sheet through `safe_cell` (same `style` for each cell)."""
    sheet.append([safe_cell(sheet, value, **style) for value in values])


class WorkbookWriter:
    """A write-only .xlsx whose every cell goes through `safe_cell`: text stays text, dates read dd/mm/yyyy."""

    def __init__(self):
        from openpyxl import Workbook

        self.workbook = Workbook(write_only=True)

    def sheet(self, title: str, *, header: Sequence = (), widths: Sequence[int] = (), freeze_header: bool = True,
              caption: str = "", header_fill=None):
        """A new sheet (title cut to Excel's 31 characters) with column `widths`, an optional `caption` row
        (bold, larger) and a bold `header` row, frozen so it stays in view."""
        from openpyxl.styles import Font
        from openpyxl.utils import get_column_letter

        sheet = self.workbook.create_sheet(title=str(title)[:31])
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        if header and freeze_header:
            sheet.freeze_panes = "A3" if caption else "A2"
        if caption:
            append_row(sheet, [caption], font=Font(bold=True, size=12))
        if header:
            append_row(sheet, header, font=Font(bold=True), fill=header_fill)
        return sheet

    @staticmethod
    def row(sheet, values: Iterable, *, bold_first: bool = False) -> None:
        """Append a row; `bold_first` sets its first cell in bold (a label followed by its text)."""
        from openpyxl.styles import Font

        cells = [safe_cell(sheet, value) for value in values]
        if bold_first and cells:
            cells[0].font = Font(bold=True)
        sheet.append(cells)

    def getvalue(self) -> bytes:
        output = io.BytesIO()
        self.workbook.save(output)
        return output.getvalue()


def csv_safe(value):
    """A csv field that a spreadsheet will not evaluate: text starting like a formula gets a leading `'`."""
    if isinstance(value, Promise):
        value = str(value)
    return "'" + value if is_formula_like(value) else value


class SafeCsvWriter:
    """csv.writer whose every field goes through `csv_safe`."""

    def __init__(self, stream, **options):
        self._writer = csv.writer(stream, **options)

    def writerow(self, values: Iterable):
        return self._writer.writerow([csv_safe(value) for value in values])
