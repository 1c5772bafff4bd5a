"""The attendance sheet of an in-person class as an .xlsx file: written for the trainer to fill in,
read back and checked row by row before anything is saved.

Layout: first column the cadre code, second the name (ignored when reading), then one column per
session headed with its date (dd/mm/yyyy, and the start time when two sessions share a day).
A cell marked x, 1 or "có" means present; an empty cell, 0 or "vắng" means absent.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from lms.spreadsheets import XLSX, SpreadsheetError, WorkbookWriter, plain_text, read_table, read_upload

from .models import Attendance, ClassSession, TrainingClass

CODE_HEADER = "Mã cán bộ"
NAME_HEADER = "Họ và tên"
PRESENT = {"x", "1", "có", "co", "c", "yes", "true"}
ABSENT = {"", "0", "vắng", "vang", "v", "no", "false"}
MAX_ROWS = 2_000


def session_heading(session: ClassSession, sessions: list[ClassSession]) -> str:
    same_day = sum(1 for s in sessions if s.date == session.date) > 1
    heading = f"{session.date:%d/%m/%Y}"
    if same_day and session.start_time:
        heading += f" {session.start_time:%H:%M}"
    return heading


def sheet_for(training_class: TrainingClass) -> bytes:
    """The sheet to fill in: every registered cadre, every session, current marks; names are stored as
    text (lms.spreadsheets), never as formulas."""
    sessions = list(training_class.sessions.order_by("date", "start_time", "pk"))
    registrations = list(training_class.registrations.select_related("cadre").order_by("cadre__name_sort_key"))
    marks = {
        (session_id, cadre_id): present
        for session_id, cadre_id, present in Attendance.objects.filter(
            session__training_class=training_class).values_list("session_id", "cadre_id", "present")
    }
    writer = WorkbookWriter()
    header = [CODE_HEADER, NAME_HEADER, *(session_heading(s, sessions) for s in sessions)]
    sheet = writer.sheet("Điểm danh", header=header, widths=(16, 28))
    for registration in registrations:
        cadre = registration.cadre
        marked = ("x" if marks.get((s.pk, cadre.pk)) else "" for s in sessions)
        writer.row(sheet, [cadre.code, cadre.full_name, *marked])
    return writer.getvalue()


@dataclass
class ParsedSheet:
    """{(session_id, cadre_id): present} when the file is valid; otherwise the errors, each naming
    its row or column."""

    marks: dict[tuple[int, int], bool] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    rows: int = 0


def _read(upload) -> list[tuple]:
    name, _extension, data = read_upload(upload, allowed=(XLSX,))
    return read_table(name, data, max_bytes=settings.KTLEARN_IMPORT_MAX_BYTES, allowed=(XLSX,), max_rows=MAX_ROWS)


def parse_sheet(upload, training_class: TrainingClass) -> ParsedSheet:
    """Read an attendance file for the class. Every problem is reported; marks are returned only
    when there is none (the caller writes all or nothing)."""
    result = ParsedSheet()
    try:
        rows = _read(upload)
    except SpreadsheetError as exc:
        result.errors.extend(exc.messages)
        return result
    if not rows:
        result.errors.append(_("The file is empty."))
        return result
    if len(rows) > MAX_ROWS:
        result.errors.append(_("The file has more than %(max)d rows.") % {"max": MAX_ROWS})
        return result
    header = [plain_text(v) for v in rows[0]]
    if not header or header[0] != CODE_HEADER:
        result.errors.append(_("The first column must be headed “%(header)s”.") % {"header": CODE_HEADER})
        return result
    sessions = list(training_class.sessions.order_by("date", "start_time", "pk"))
    by_heading = {session_heading(s, sessions): s for s in sessions}
    columns: dict[int, ClassSession] = {}
    for index, heading in enumerate(header[1:], start=2):
        if not heading or heading == NAME_HEADER:
            continue
        session = by_heading.get(heading)
        if session is None:
            result.errors.append(_("Column %(column)d: “%(heading)s” is not the date of a session of this class.")
                                 % {"column": index, "heading": heading})
        else:
            columns[index - 1] = session
    registered = dict(training_class.registrations.values_list("cadre__code", "cadre_id"))
    seen: dict[str, int] = {}
    for number, row in enumerate(rows[1:], start=2):
        values = [plain_text(v) for v in row]
        if not any(values):
            continue
        result.rows += 1
        code = values[0] if values else ""
        if not code:
            result.errors.append(_("Row %(row)d: the cadre code is missing.") % {"row": number})
            continue
        if code in seen:
            result.errors.append(_("Row %(row)d: cadre %(code)s is already on row %(first)d.")
                                 % {"row": number, "code": code, "first": seen[code]})
            continue
        seen[code] = number
        cadre_id = registered.get(code)
        if cadre_id is None:
            result.errors.append(_("Row %(row)d: %(code)s is not registered in this class.")
                                 % {"row": number, "code": code})
            continue
        for position, session in columns.items():
            value = values[position] if position < len(values) else ""
            mark = value.lower()
            if mark in PRESENT:
                result.marks[(session.pk, cadre_id)] = True
            elif mark in ABSENT:
                result.marks[(session.pk, cadre_id)] = False
            else:
                result.errors.append(
                    _("Row %(row)d, column %(column)d: “%(value)s” is not a mark (x = present, empty = absent).")
                    % {"row": number, "column": position + 1, "value": value})
    if not columns and not result.errors:
        result.errors.append(_("No column is headed with the date of a session of this class."))
    if result.errors:
        result.marks = {}
    return result
