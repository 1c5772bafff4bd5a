"""Reading and checking a cadre file (.xlsx or .csv) before anything is written.

Pure functions: they read bytes and compare rows with an `ImportContext` (what the database
says about the units, positions and cadres the file names, gathered by
`selectors.cadre_import_context`). Nothing here touches the database; the write is
`services.cadre_import`. Messages are gettext msgids, shown in the user's language.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import translation
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Cadre, CadreStatus, Gender, Grade, TheoryLevel

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ALLOWED_EXTENSIONS = (".xlsx", ".csv")
MAX_ROWS = 20_000
# An .xlsx is a zip: refuse archives that would inflate far beyond the upload limit.
MAX_UNCOMPRESSED_RATIO = 40


def _verbose(field_name: str) -> Promise:
    return Cadre._meta.get_field(field_name).verbose_name


@dataclass(frozen=True)
class Column:
    key: str
    label: Promise | str
    required: bool = False

    @property
    def heading(self) -> str:
        return capfirst(str(self.label))


# The file layout, shared by the export, the template and the import: an exported file can be
# imported back unchanged.
COLUMNS: tuple[Column, ...] = (
    Column("code", gettext_lazy("Cadre code"), required=True),
    Column("full_name", _verbose("full_name"), required=True),
    Column("gender", _verbose("gender")),
    Column("date_of_birth", _verbose("date_of_birth")),
    Column("unit_code", gettext_lazy("Unit code"), required=True),
    Column("unit_name", gettext_lazy("Unit name")),
    Column("position", _verbose("position"), required=True),
    Column("grade", _verbose("grade")),
    Column("theory_level", _verbose("theory_level")),
    Column("appointed_on", _verbose("appointed_on")),
    Column("status", _verbose("status")),
    Column("email", _verbose("email")),
)
COLUMNS_BY_KEY = {column.key: column for column in COLUMNS}
# Informative only: the unit is found by its code.
IGNORED_KEYS = {"unit_name"}


class ImportFileError(Exception):
    """The file as a whole cannot be read (type, size, header). Carries user-facing messages."""

    def __init__(self, *messages: str):
        super().__init__(*messages)
        self.messages = list(messages)


# ---------------------------------------------------------------------------------------------
# Reading the file


def normalize(text) -> str:
    """Compare-friendly form of a header or a choice: NFC, case-folded, single spaces."""
    text = unicodedata.normalize("NFC", str(text or ""))
    return " ".join(text.split()).casefold()


def _labels_in_all_languages(label) -> set[str]:
    names = {normalize(label)}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            names.add(normalize(str(label)))
    return names


def header_aliases() -> dict[str, str]:
    """Normalized header text -> column key, for the column key and its label in every language."""
    aliases = {}
    for column in COLUMNS:
        aliases[normalize(column.key)] = column.key
        for name in _labels_in_all_languages(column.label):
            aliases[name] = column.key
    return aliases


def check_upload(filename: str, size: int, *, max_bytes: int) -> str:
    """Refuse by name and size before reading. Returns the lower-case extension."""
    name = (filename or "").lower()
    extension = next((ext for ext in ALLOWED_EXTENSIONS if name.endswith(ext)), "")
    if not extension:
        raise ImportFileError(_("Only .xlsx (Excel) and .csv files can be imported."))
    if size > max_bytes:
        raise ImportFileError(
            _("The file is %(size)s KB; the limit is %(limit)s KB.")
            % {"size": (size + 1023) // 1024, "limit": max_bytes // 1024}
        )
    if size == 0:
        raise ImportFileError(_("The file is empty."))
    return extension


def _xlsx_table(data: bytes) -> list[tuple]:
    from openpyxl import load_workbook

    not_excel = _("The file is not a valid Excel workbook (.xlsx). Save it again from Excel as .xlsx.")
    if not data.startswith(b"PK") or not zipfile.is_zipfile(io.BytesIO(data)):
        raise ImportFileError(not_excel)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            inflated = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise ImportFileError(not_excel) from exc
    if inflated > max(len(data), 1) * MAX_UNCOMPRESSED_RATIO + 1_000_000:
        raise ImportFileError(not_excel)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds of error for a damaged file
        raise ImportFileError(not_excel) from exc
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for row in sheet.iter_rows(values_only=True):
            rows.append(tuple(row))
            if len(rows) > MAX_ROWS + 1:
                break
        return rows
    except Exception as exc:
        raise ImportFileError(not_excel) from exc
    finally:
        workbook.close()


def _csv_table(data: bytes) -> list[tuple]:
    not_csv = _("The file is not a text CSV file. Save it from Excel as “CSV UTF-8”.")
    if data.startswith(b"PK") or b"\x00" in data[:4096]:
        raise ImportFileError(not_csv)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1258")
        except UnicodeDecodeError as exc:
            raise ImportFileError(not_csv) from exc
    sample = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        rows = [tuple(row) for row in csv.reader(io.StringIO(text), dialect)]
    except csv.Error as exc:
        raise ImportFileError(not_csv) from exc
    return rows


def read_table(filename: str, data: bytes, *, max_bytes: int) -> list[tuple]:
    """The file's rows as tuples of cell values (first row = header). Raises ImportFileError."""
    extension = check_upload(filename, len(data), max_bytes=max_bytes)
    return _xlsx_table(data) if extension == ".xlsx" else _csv_table(data)


def _is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


@dataclass
class RawRow:
    number: int  # the row number in the spreadsheet (the header is row 1)
    values: dict[str, object]


def table_rows(table: Sequence[tuple]) -> tuple[list[RawRow], list[str]]:
    """Map the header to column keys. Returns the data rows and the file-level errors."""
    return map_table(
        table,
        columns=COLUMNS,
        aliases=header_aliases(),
        no_header_error=_("The file has no header row and no cadre rows."),
        no_rows_error=_("The file has no cadre rows under the header."),
    )


def map_table(
    table: Sequence[tuple], *, columns, aliases: dict[str, str], no_header_error: str, no_rows_error: str,
    max_rows: int = MAX_ROWS,
) -> tuple[list[RawRow], list[str]]:
    """Shared by every spreadsheet import: find the header row, map its cells to column keys through
    `aliases` (normalized labels in every language), refuse unknown, repeated or missing columns, and
    return the non-blank data rows with their spreadsheet row numbers, or the file-level errors."""
    header_index = next((i for i, row in enumerate(table) if not all(_is_blank(v) for v in row)), None)
    if header_index is None:
        return [], [no_header_error]
    positions: dict[int, str] = {}
    errors = []
    for index, cell in enumerate(table[header_index]):
        if _is_blank(cell):
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
        if all(_is_blank(v) for v in row):
            continue
        values = {key: (row[index] if index < len(row) else None) for index, key in positions.items()}
        rows.append(RawRow(number=offset, values=values))
    if not rows:
        return [], [no_rows_error]
    if len(rows) > max_rows:
        return [], [_("The file has more than %(max)s rows; split it into smaller files.") % {"max": max_rows}]
    return rows, []


# ---------------------------------------------------------------------------------------------
# Checking the rows against the database


@dataclass(frozen=True)
class UnitRef:
    id: int
    code: str
    name: str
    is_active: bool
    editable: bool


@dataclass(frozen=True)
class PositionRef:
    id: int
    code: str
    name: str


@dataclass(frozen=True)
class ExistingCadre:
    id: int
    editable: bool
    unit_id: int
    position_id: int
    status: str
    full_name: str
    gender: str
    date_of_birth: datetime.date | None
    grade: str
    theory_level: str
    appointed_on: datetime.date | None
    email: str
    open_assignment_start: datetime.date | None


@dataclass
class ImportContext:
    """What the database says about the codes a file names (see selectors.cadre_import_context)."""

    units: dict[str, UnitRef]
    positions: list[PositionRef]
    cadres: dict[str, ExistingCadre]
    can_edit_all_units: bool
    today: datetime.date

    def find_position(self, value: str) -> PositionRef | None:
        wanted = normalize(value)
        for position in self.positions:
            if wanted in (normalize(position.code), normalize(position.name)):
                return position
        return None


@dataclass(frozen=True)
class CadreRow:
    """A checked row, ready for services.cadre_import."""

    number: int
    code: str
    full_name: str
    gender: str
    date_of_birth: datetime.date | None
    unit_id: int
    position_id: int
    grade: str
    theory_level: str
    appointed_on: datetime.date | None
    status: str | None  # None: keep the current status (a new cadre is active)
    email: str
    existing_id: int | None = None

    # Fields copied as they are onto the cadre; unit, position and status go through services.
    PLAIN_FIELDS = ("full_name", "gender", "date_of_birth", "grade", "theory_level", "appointed_on", "email")


CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"


@dataclass
class RowResult:
    """One checked spreadsheet row, shared by every import (cadres, rotations): `row` is the parsed,
    valid row object; `warnings` do not block the import."""

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


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return unicodedata.normalize("NFC", " ".join(str(value).split()))


_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$")


def parse_date(value) -> datetime.date | None:
    """A date from a real Excel date cell, dd/mm/yyyy or yyyy-mm-dd. Raises ValueError."""
    if _is_blank(value):
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


def _choice_lookup(choices, extra: dict[str, str] | None = None) -> dict[str, str]:
    lookup = {}
    for value, label in choices:
        if value:
            lookup[normalize(value)] = value
        for name in _labels_in_all_languages(label):
            lookup[name] = value
    lookup.update({normalize(k): v for k, v in (extra or {}).items()})
    return lookup


# Vietnamese words commonly typed in the gender column, whatever the interface language.
GENDER_WORDS = {"nam": Gender.MALE, "nữ": Gender.FEMALE, "nu": Gender.FEMALE}


def validate_rows(rows: Iterable[RawRow], context: ImportContext, *, filename: str = "") -> ImportReport:
    """Check every row; each problem becomes a message on its row. Nothing is written."""
    report = ImportReport(filename=filename)
    genders = _choice_lookup(Gender.choices, GENDER_WORDS)
    grades = _choice_lookup(Grade.choices)
    theory_levels = _choice_lookup(TheoryLevel.choices)
    statuses = _choice_lookup(CadreStatus.choices)
    first_row_of_code: dict[str, int] = {}
    max_code = Cadre._meta.get_field("code").max_length
    max_name = Cadre._meta.get_field("full_name").max_length

    for raw in rows:
        values = raw.values
        display = {key: cell_text(values.get(key)) for key in COLUMNS_BY_KEY}
        result = RowResult(number=raw.number, display=display)
        errors = result.errors
        label = {c.key: c.heading for c in COLUMNS}

        def choice(key, lookup, _errors=errors, _display=display, _label=label):
            text = _display[key]
            if not text:
                return ""
            if normalize(text) not in lookup:
                _errors.append(
                    _("%(column)s: “%(value)s” is not a known value.") % {"column": _label[key], "value": text}
                )
                return ""
            return lookup[normalize(text)]

        def date(key, _errors=errors, _values=values, _display=display, _label=label):
            try:
                return parse_date(_values.get(key))
            except (ValueError, TypeError):
                _errors.append(
                    _("%(column)s: “%(value)s” is not a date; write dd/mm/yyyy (or yyyy-mm-dd).")
                    % {"column": _label[key], "value": _display[key]}
                )
                return None

        code = display["code"]
        if not code:
            errors.append(_("The cadre code is missing."))
        elif len(code) > max_code:
            errors.append(_("The cadre code is longer than %(max)s characters.") % {"max": max_code})
        elif code in first_row_of_code:
            errors.append(
                _("The cadre code %(code)s is repeated: it is already on row %(row)s.")
                % {"code": code, "row": first_row_of_code[code]}
            )
        else:
            first_row_of_code[code] = raw.number

        full_name = display["full_name"]
        if not full_name:
            errors.append(_("The full name is missing."))
        elif len(full_name) > max_name:
            errors.append(_("The full name is longer than %(max)s characters.") % {"max": max_name})

        unit_code = display["unit_code"]
        unit = context.units.get(unit_code) if unit_code else None
        if not unit_code:
            errors.append(_("The unit code is missing."))
        elif unit is None or not unit.editable:
            if context.can_edit_all_units:
                errors.append(_("Unknown unit code %(code)s.") % {"code": unit_code})
            else:
                errors.append(
                    _("Unit code %(code)s is unknown or outside the units you manage.") % {"code": unit_code}
                )
            unit = None
        elif not unit.is_active:
            errors.append(_("Unit %(code)s is closed and cannot receive cadres.") % {"code": unit_code})

        position_text = display["position"]
        position = context.find_position(position_text) if position_text else None
        if not position_text:
            errors.append(_("The position is missing."))
        elif position is None:
            errors.append(_("Unknown position “%(value)s”.") % {"value": position_text})

        gender = choice("gender", genders)
        grade = choice("grade", grades)
        theory_level = choice("theory_level", theory_levels)
        status = choice("status", statuses) or None
        date_of_birth = date("date_of_birth")
        appointed_on = date("appointed_on")
        if date_of_birth and date_of_birth >= context.today:
            errors.append(_("The date of birth must be in the past."))

        email = display["email"]
        if email:
            try:
                validate_email(email)
            except ValidationError:
                errors.append(_("“%(value)s” is not a valid email address.") % {"value": email})

        existing = context.cadres.get(code) if code else None
        if existing is not None and not existing.editable:
            errors.append(
                _("The cadre code %(code)s is already used by a cadre outside the units you manage.")
                % {"code": code}
            )

        if errors:
            report.rows.append(result)
            continue

        row = CadreRow(
            number=raw.number, code=code, full_name=full_name, gender=gender, date_of_birth=date_of_birth,
            unit_id=unit.id, position_id=position.id, grade=grade, theory_level=theory_level,
            appointed_on=appointed_on, status=status, email=email,
            existing_id=existing.id if existing else None,
        )
        if existing is None:
            result.action = CREATE
        else:
            moves = (existing.unit_id, existing.position_id) != (unit.id, position.id)
            if moves and existing.open_assignment_start and existing.open_assignment_start > context.today:
                errors.append(
                    _(
                        "%(code)s holds a unit and position from %(date)s; a change can only take effect "
                        "from that day on."
                    )
                    % {"code": code, "date": existing.open_assignment_start.strftime("%d/%m/%Y")}
                )
                report.rows.append(result)
                continue
            changed = moves or (status is not None and status != existing.status) or any(
                getattr(row, name) != getattr(existing, name) for name in CadreRow.PLAIN_FIELDS
            )
            result.action = UPDATE if changed else UNCHANGED
        result.row = row
        report.rows.append(result)
    return report


def prepare(
    filename: str,
    data: bytes,
    *,
    max_bytes: int,
    build_context: Callable[[list[RawRow]], ImportContext],
) -> ImportReport:
    """Read and check a file. `build_context` is given the rows and returns what the database says."""
    try:
        table = read_table(filename, data, max_bytes=max_bytes)
    except ImportFileError as exc:
        return ImportReport(filename=filename, file_errors=exc.messages)
    rows, errors = table_rows(table)
    if errors:
        return ImportReport(filename=filename, file_errors=errors)
    return validate_rows(rows, build_context(rows), filename=filename)
