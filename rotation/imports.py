"""The rotation register as a spreadsheet: the file layout, reading and checking an import, and the export.

Reading goes through the shared engine, lms.spreadsheets (file type and size checks, zip-bomb guard,
header matching in any language, dd/mm/yyyy dates), and so does the export (text never becomes a
formula); checking is pure, against a `RotationImportContext` gathered
by `selectors.rotation_import_context`; writing is `services.rotation_import`. An exported file
can be imported back unchanged (every row is then "already in the register").
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lms.spreadsheets import (
    XLSX_CONTENT_TYPE,
    Column,
    ImportReport,
    RawRow,
    RowFields,
    WorkbookWriter,
    cell_text,
    choice_lookup,
    header_aliases,
    map_table,
    normalize,
    prepare_import,
)
from organization.imports import PositionRef
from organization.models import Position

from .models import ROTATION_MIN_SERVICE_YEARS, Rotation, RotationBasis, RotationDirection, RotationStatus

__all__ = ["COLUMNS", "XLSX_CONTENT_TYPE", "ImportReport", "cell_text", "prepare", "rotations_workbook",
           "template_workbook", "validate_rows"]

MAX_ROWS = 20_000


def _verbose(name: str):
    return Rotation._meta.get_field(name).verbose_name


COLUMNS: tuple[Column, ...] = (
    Column("cadre_code", gettext_lazy("Cadre code"), required=True),
    Column("full_name", gettext_lazy("Full name"), width=26),
    Column("direction", _verbose("direction"), required=True, width=24),
    Column("from_unit_code", gettext_lazy("From unit code")),
    Column("from_position", _verbose("from_position"), width=24),
    Column("from_post_title", _verbose("from_post_title"), width=30),
    Column("to_unit_code", gettext_lazy("To unit code")),
    Column("to_position", _verbose("to_position"), width=24),
    Column("to_post_title", _verbose("to_post_title"), width=30),
    Column("decision_number", _verbose("decision_number"), required=True, width=18),
    Column("decision_date", _verbose("decision_date"), required=True),
    Column("decision_issuer", _verbose("decision_issuer"), required=True, width=24),
    Column("legal_basis", _verbose("legal_basis"), required=True, width=24),
    Column("start_date", _verbose("start_date"), required=True),
    Column("planned_end", _verbose("planned_end")),
    Column("actual_end", gettext_lazy("Actual end")),
    Column("status", gettext_lazy("Status"), required=True),
    Column("in_succession_plan", _verbose("in_succession_plan")),
    Column("years_of_service_left", _verbose("years_of_service_left")),
    Column("equivalent_position", _verbose("equivalent_position")),
    Column("notes", _verbose("notes"), width=30),
)
COLUMNS_BY_KEY = {c.key: c for c in COLUMNS}
DATE_KEYS = ("decision_date", "start_date", "planned_end", "actual_end")
BOOLEAN_KEYS = ("in_succession_plan", "equivalent_position")

# Words typed in the choice columns whatever the interface language (the labels in every
# language, and the codes, are accepted too).
DIRECTION_WORDS = {
    "vào": RotationDirection.INTO, "vào ngành kiểm tra": RotationDirection.INTO,
    "luân chuyển vào ngành kiểm tra": RotationDirection.INTO,
    "ra": RotationDirection.OUT, "ra ngoài ngành kiểm tra": RotationDirection.OUT,
    "luân chuyển ra ngoài ngành kiểm tra": RotationDirection.OUT,
    "trong ngành": RotationDirection.WITHIN, "trong ngành kiểm tra": RotationDirection.WITHIN,
}
STATUS_WORDS = {
    "kế hoạch": RotationStatus.PLANNED, "dự kiến": RotationStatus.PLANNED,
    "đang thực hiện": RotationStatus.IN_PROGRESS, "đang luân chuyển": RotationStatus.IN_PROGRESS,
    "đã kết thúc": RotationStatus.COMPLETED, "hoàn thành": RotationStatus.COMPLETED,
    "kết thúc": RotationStatus.COMPLETED, "đã hủy": RotationStatus.CANCELLED, "hủy": RotationStatus.CANCELLED,
}
# The legal basis is recognised by the document's number: "KL 23", "23-KL/TW", "QĐ 65-QĐ/TW"…
BASIS_NUMBERS = {"23": RotationBasis.KL23, "65": RotationBasis.QD65, "35": RotationBasis.KL35,
                 "368": RotationBasis.QD368}
TRUE_WORDS = {"x", "có", "co", "yes", "y", "1", "true", "đúng"}
FALSE_WORDS = {"không", "khong", "no", "n", "0", "false", "sai"}


def table_rows(table: Sequence[tuple]) -> tuple[list[RawRow], list[str]]:
    """Map the header to column keys; returns the data rows and the file-level errors."""
    return map_table(
        table,
        columns=COLUMNS,
        aliases=header_aliases(COLUMNS),
        no_header_error=_("The file has no header row and no rotation rows."),
        no_rows_error=_("The file has no rotation rows under the header."),
        max_rows=MAX_ROWS,
    )


# ---------------------------------------------------------------------------------------------
# Checking rows against what the database says


@dataclass(frozen=True)
class CadreRef:
    id: int
    code: str
    full_name: str


@dataclass(frozen=True)
class RotationUnitRef:
    id: int
    code: str
    name: str
    is_active: bool
    closed_on: datetime.date | None
    in_scope: bool

    def closed_by(self, day: datetime.date) -> bool:
        return not self.is_active and (self.closed_on is None or self.closed_on <= day)


@dataclass(frozen=True)
class ExistingRotation:
    id: int
    start_date: datetime.date
    end_date: datetime.date
    decision_number: str


@dataclass
class RotationImportContext:
    cadres: dict[str, CadreRef]
    units: dict[str, RotationUnitRef]
    positions: list[PositionRef]
    existing: dict[int, list[ExistingRotation]]
    today: datetime.date
    in_scope_anywhere: bool

    def find_position(self, value: str) -> PositionRef | None:
        wanted = normalize(value)
        return next((p for p in self.positions if wanted in (normalize(p.code), normalize(p.name))), None)


@dataclass(frozen=True)
class RotationRow:
    """A checked row, ready for services.rotation_import."""

    number: int
    cadre_id: int
    direction: str
    from_unit_id: int | None
    from_position_id: int | None
    from_post_title: str
    to_unit_id: int | None
    to_position_id: int | None
    to_post_title: str
    decision_number: str
    decision_date: datetime.date
    decision_issuer: str
    legal_basis: str
    start_date: datetime.date
    planned_end: datetime.date
    actual_end: datetime.date | None
    status: str
    in_succession_plan: bool
    years_of_service_left: int | None
    equivalent_position: bool
    notes: str


CREATE, UNCHANGED = "create", "unchanged"


def _fmt(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def validate_rows(rows: Iterable[RawRow], context: RotationImportContext, *, filename: str = "") -> ImportReport:
    """Check every row; each problem becomes a message on its row. Nothing is written."""
    report = ImportReport(filename=filename)
    directions = choice_lookup(RotationDirection.choices, DIRECTION_WORDS)
    statuses = choice_lookup(RotationStatus.choices, STATUS_WORDS)
    bases = choice_lookup(RotationBasis.choices)
    heading = {c.key: c.heading for c in COLUMNS}
    # Rotations of the file already accepted, per cadre, for the overlap check within the file.
    in_file: dict[int, list[tuple[datetime.date, datetime.date, int]]] = {}
    max_lengths = {name: Rotation._meta.get_field(name).max_length
                   for name in ("decision_number", "decision_issuer", "from_post_title", "to_post_title")}

    for raw in rows:
        fields = RowFields(raw, COLUMNS)
        display, result, errors = fields.display, fields.result, fields.errors
        choice, date = fields.choice, fields.date

        def flag(key, _display=display, _errors=errors):
            text = normalize(_display[key])
            if not text or text in FALSE_WORDS:
                return False
            if text in TRUE_WORDS:
                return True
            _errors.append(_("%(column)s: write “x” (yes) or leave it empty.") % {"column": heading[key]})
            return False

        def unit(key, _display=display, _errors=errors):
            code = _display[key]
            if not code:
                return None
            found = context.units.get(code)
            if found is None:
                _errors.append(_("Unknown unit code %(code)s.") % {"code": code})
            return found

        def position(key, _display=display, _errors=errors):
            text = _display[key]
            if not text:
                return None
            found = context.find_position(text)
            if found is None:
                _errors.append(_("Unknown position “%(value)s”.") % {"value": text})
            return found

        for key in ("cadre_code", "direction", "decision_number", "decision_date", "decision_issuer", "legal_basis",
                    "start_date", "status"):
            if not display[key]:
                errors.append(_("%(column)s is missing.") % {"column": heading[key]})
        for key, limit in max_lengths.items():
            if len(display[key]) > limit:
                errors.append(
                    _("%(column)s is longer than %(max)s characters.") % {"column": heading[key], "max": limit}
                )

        cadre = context.cadres.get(display["cadre_code"]) if display["cadre_code"] else None
        if display["cadre_code"] and cadre is None:
            errors.append(_("Unknown cadre code %(code)s.") % {"code": display["cadre_code"]})
        direction = choice("direction", directions)
        status = choice("status", statuses)
        numbers = re.findall(r"\d+", display["legal_basis"])
        basis = bases.get(normalize(display["legal_basis"])) or (BASIS_NUMBERS.get(numbers[0]) if numbers else "")
        if display["legal_basis"] and not basis:
            choice("legal_basis", bases)  # reports the unknown value
        from_unit, to_unit = unit("from_unit_code"), unit("to_unit_code")
        from_position, to_position = position("from_position"), position("to_position")
        decision_date, start, planned_end, actual_end = (date(key) for key in DATE_KEYS)
        in_plan, equivalent = flag("in_succession_plan"), flag("equivalent_position")
        years = None
        if display["years_of_service_left"]:
            try:
                years = int(float(display["years_of_service_left"].replace(",", ".")))
                if years < 0 or years > 50:
                    raise ValueError
            except ValueError:
                errors.append(_("%(column)s: “%(value)s” is not a number of years.")
                              % {"column": heading["years_of_service_left"], "value": display["years_of_service_left"]})
                years = None

        if errors:
            report.rows.append(result)
            continue

        rotation = Rotation(
            cadre_id=cadre.id, direction=direction,
            from_unit_id=from_unit.id if from_unit else None,
            from_position_id=from_position.id if from_position else None,
            from_post_title=display["from_post_title"],
            to_unit_id=to_unit.id if to_unit else None, to_position_id=to_position.id if to_position else None,
            to_post_title=display["to_post_title"], decision_number=display["decision_number"],
            decision_date=decision_date, decision_issuer=display["decision_issuer"], legal_basis=basis,
            start_date=start, planned_end=planned_end, actual_end=actual_end, status=status,
        )
        try:
            rotation.clean()  # the model's own rules, no database reads
        except ValidationError as exc:
            errors.extend(exc.messages)
        if not (context.in_scope_anywhere or any(u is not None and u.in_scope for u in (from_unit, to_unit))):
            errors.append(_("This rotation is neither into nor out of the units you manage."))
        if to_unit is not None and to_unit.closed_by(start):
            errors.append(_("%(unit)s is closed on %(date)s and cannot receive a rotated cadre.")
                          % {"unit": to_unit.name, "date": _fmt(start)})
        if status == RotationStatus.COMPLETED and actual_end is None:
            errors.append(_("A completed rotation needs its actual end."))
        if status in (RotationStatus.PLANNED, RotationStatus.IN_PROGRESS) and actual_end is not None:
            errors.append(_("Only a completed rotation has an actual end."))
        if status in (RotationStatus.IN_PROGRESS, RotationStatus.COMPLETED) and start > context.today:
            errors.append(_("A rotation that starts on %(date)s cannot be in progress or completed yet.")
                          % {"date": _fmt(start)})
        if actual_end is not None and actual_end > context.today:
            errors.append(_("The actual end cannot be in the future."))
        if errors:
            report.rows.append(result)
            continue

        end = rotation.actual_end or rotation.planned_end
        same = [e for e in context.existing.get(cadre.id, [])
                if e.decision_number == rotation.decision_number and e.start_date == start]
        if same:
            result.action = UNCHANGED
        elif status != RotationStatus.CANCELLED:
            clash = next((e for e in context.existing.get(cadre.id, []) if e.start_date <= end and start <= e.end_date),
                         None)
            if clash is not None:
                errors.append(
                    _("%(cadre)s already has a rotation from %(start)s to %(end)s (decision %(number)s); "
                      "a cadre's rotations cannot overlap.")
                    % {"cadre": cadre.full_name, "start": _fmt(clash.start_date), "end": _fmt(clash.end_date),
                       "number": clash.decision_number}
                )
            row_clash = next((n for s, e, n in in_file.get(cadre.id, []) if s <= end and start <= e), None)
            if row_clash is not None:
                errors.append(_("This rotation overlaps the rotation of %(cadre)s on row %(row)s.")
                              % {"cadre": cadre.full_name, "row": row_clash})
            result.action = CREATE
        else:
            result.action = CREATE
        if errors:
            report.rows.append(result)
            continue
        if status != RotationStatus.CANCELLED and result.action == CREATE:
            in_file.setdefault(cadre.id, []).append((start, end, raw.number))
        if years is not None and years < ROTATION_MIN_SERVICE_YEARS:
            result.warnings.append(_("Fewer than 10 years of service left (QĐ 65-QĐ/TW)."))
        result.row = RotationRow(
            number=raw.number, cadre_id=cadre.id, direction=direction,
            from_unit_id=rotation.from_unit_id, from_position_id=rotation.from_position_id,
            from_post_title=rotation.from_post_title, to_unit_id=rotation.to_unit_id,
            to_position_id=rotation.to_position_id, to_post_title=rotation.to_post_title,
            decision_number=rotation.decision_number, decision_date=decision_date,
            decision_issuer=rotation.decision_issuer, legal_basis=basis, start_date=start,
            planned_end=rotation.planned_end, actual_end=actual_end, status=status, in_succession_plan=in_plan,
            years_of_service_left=years, equivalent_position=equivalent, notes=display["notes"],
        )
        report.rows.append(result)
    return report


def prepare(filename: str, data: bytes, *, max_bytes: int,
            build_context: Callable[[list[RawRow]], RotationImportContext]) -> ImportReport:
    """Read and check a file (see lms.spreadsheets.prepare_import). `build_context` is given the rows and
    returns what the database says. Writes nothing."""
    return prepare_import(
        filename, data, max_bytes=max_bytes, table_rows=table_rows,
        validate=lambda rows: validate_rows(rows, build_context(rows), filename=filename),
    )


# ---------------------------------------------------------------------------------------------
# Export


def _rotation_values(rotation) -> dict:
    return {
        "cadre_code": rotation.cadre.code,
        "full_name": rotation.cadre.full_name,
        "direction": rotation.get_direction_display(),
        "from_unit_code": rotation.from_unit.code if rotation.from_unit_id else "",
        "from_position": rotation.from_position.name if rotation.from_position_id else "",
        "from_post_title": rotation.from_post_title,
        "to_unit_code": rotation.to_unit.code if rotation.to_unit_id else "",
        "to_position": rotation.to_position.name if rotation.to_position_id else "",
        "to_post_title": rotation.to_post_title,
        "decision_number": rotation.decision_number,
        "decision_date": rotation.decision_date,
        "decision_issuer": rotation.decision_issuer,
        "legal_basis": rotation.get_legal_basis_display(),
        "start_date": rotation.start_date,
        "planned_end": rotation.planned_end,
        "actual_end": rotation.actual_end,
        "status": rotation.get_status_display(),
        "in_succession_plan": "x" if rotation.in_succession_plan else "",
        "years_of_service_left": rotation.years_of_service_left,
        "equivalent_position": "x" if rotation.equivalent_position else "",
        "notes": rotation.notes,
    }


def _sheet(writer: WorkbookWriter):
    return writer.sheet(capfirst(_("rotations")), header=[c.heading for c in COLUMNS],
                        widths=[c.width for c in COLUMNS])


def rotations_workbook(rotations: Iterable) -> bytes:
    """An .xlsx of `rotations` (cadre, units and positions loaded): one row each, in the import's
    layout, dates as real Excel dates shown dd/mm/yyyy, every text stored as text (never a formula)."""
    writer = WorkbookWriter()
    sheet = _sheet(writer)
    for rotation in rotations:
        values = _rotation_values(rotation)
        writer.row(sheet, [values[column.key] for column in COLUMNS])
    return writer.getvalue()


def template_workbook() -> bytes:
    """An empty rotation file with a second sheet explaining the columns and accepted values."""
    writer = WorkbookWriter()
    _sheet(writer)
    guide = writer.sheet(_("Instructions"), widths=(30, 100))

    def labels(choices):
        return ", ".join(str(label) for _value, label in choices)

    notes = {
        "cadre_code": _("Required. The code of an existing cadre."),
        "full_name": _("Ignored on import (shown for reading)."),
        "direction": _("Required. One of: %(values)s.") % {"values": labels(RotationDirection.choices)},
        "from_unit_code": _("Out of or within the sector: the inspection unit left (code)."),
        "from_position": _("Out of or within the sector: the inspection position left (name or code)."),
        "from_post_title": _("Into inspection work: the post held outside it."),
        "to_unit_code": _("Into or within the sector: the inspection unit joined (code)."),
        "to_position": _("Into or within the sector: the inspection position taken up (name or code)."),
        "to_post_title": _("Out of inspection work: the post taken up outside it."),
        "decision_number": _("Required. With the cadre and start date, identifies the row: importing it again "
                             "adds nothing."),
        "decision_date": _("Required. dd/mm/yyyy."),
        "decision_issuer": _("Required."),
        "legal_basis": _("Required. One of: %(values)s (or just the document, e.g. QĐ 65).")
        % {"values": labels(RotationBasis.choices)},
        "start_date": _("Required. dd/mm/yyyy."),
        "planned_end": _("Empty = 36 months after the start."),
        "actual_end": _("Only for a completed rotation (required then)."),
        "status": _("Required. One of: %(values)s.") % {"values": labels(RotationStatus.choices)},
        "in_succession_plan": _("“x” = yes."),
        "years_of_service_left": _("A number; fewer than 10 is flagged (QĐ 65-QĐ/TW)."),
        "equivalent_position": _("“x” = yes."),
        "notes": "",
    }
    writer.row(guide, [_("Column"), _("What to write")], bold_first=True)
    for column in COLUMNS:
        writer.row(guide, [column.heading + (" *" if column.required else ""), notes.get(column.key, "")],
                   bold_first=True)
    writer.row(guide, [])
    writer.row(guide, [_("Positions")], bold_first=True)
    for position in Position.objects.order_by("order", "name"):
        writer.row(guide, [position.code, position.name])
    return writer.getvalue()
