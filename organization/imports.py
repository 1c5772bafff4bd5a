"""Reading and checking a cadre file (.xlsx or .csv) before anything is written.

Pure functions: they read bytes (through the shared engine, lms.spreadsheets: type, size and zip-bomb
checks, header matching in any language) and compare rows with an `ImportContext` (what the database
says about the units, positions and cadres the file names, gathered by
`selectors.cadre_import_context`). Nothing here touches the database; the write is
`services.cadre_import`. Messages are gettext msgids, shown in the user's language.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lms.spreadsheets import (
    XLSX_CONTENT_TYPE,
    Column,
    ImportReport,
    RawRow,
    RowFields,
    RowResult,
    SpreadsheetError,
    cell_text,
    check_upload,
    choice_lookup,
    header_aliases,
    map_table,
    normalize,
    parse_date,
    prepare_import,
    read_table,
)

from .models import Cadre, CadreStatus, Gender, Grade, TheoryLevel

# The engine's names stay importable from here: the admin views and older callers use them.
ImportFileError = SpreadsheetError
__all__ = [
    "COLUMNS", "XLSX_CONTENT_TYPE", "ImportFileError", "ImportReport", "RawRow", "RowResult", "cell_text",
    "check_upload", "map_table", "normalize", "parse_date", "prepare", "read_table", "table_rows", "validate_rows",
]

MAX_ROWS = 20_000


def _verbose(field_name: str) -> Promise:
    return Cadre._meta.get_field(field_name).verbose_name


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


def table_rows(table: Sequence[tuple]) -> tuple[list[RawRow], list[str]]:
    """Map the header to column keys. Returns the data rows and the file-level errors."""
    return map_table(
        table,
        columns=COLUMNS,
        aliases=header_aliases(COLUMNS),
        no_header_error=_("The file has no header row and no cadre rows."),
        no_rows_error=_("The file has no cadre rows under the header."),
    )


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


# Vietnamese words commonly typed in the gender column, whatever the interface language.
GENDER_WORDS = {"nam": Gender.MALE, "nữ": Gender.FEMALE, "nu": Gender.FEMALE}


def validate_rows(rows: Iterable[RawRow], context: ImportContext, *, filename: str = "") -> ImportReport:
    """Check every row; each problem becomes a message on its row. Nothing is written."""
    report = ImportReport(filename=filename)
    genders = choice_lookup(Gender.choices, GENDER_WORDS)
    grades = choice_lookup(Grade.choices)
    theory_levels = choice_lookup(TheoryLevel.choices)
    statuses = choice_lookup(CadreStatus.choices)
    first_row_of_code: dict[str, int] = {}
    max_code = Cadre._meta.get_field("code").max_length
    max_name = Cadre._meta.get_field("full_name").max_length

    for raw in rows:
        fields = RowFields(raw, COLUMNS)
        display, result, errors = fields.display, fields.result, fields.errors
        choice, date = fields.choice, fields.date

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
    """Read and check a file (see lms.spreadsheets.prepare_import). `build_context` is given the rows and
    returns what the database says. Writes nothing."""
    return prepare_import(
        filename, data, max_bytes=max_bytes, table_rows=table_rows,
        validate=lambda rows: validate_rows(rows, build_context(rows), filename=filename),
    )
