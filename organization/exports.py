"""The cadre list as an .xlsx workbook, in the same layout the import reads."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.text import capfirst
from django.utils.translation import gettext as _

from lms.spreadsheets import WorkbookWriter

from .imports import COLUMNS, XLSX_CONTENT_TYPE
from .models import CadreStatus, Gender, Grade, Position, TheoryLevel

COLUMN_WIDTHS = {"full_name": 28, "unit_name": 36, "position": 28, "email": 28, "theory_level": 18}

__all__ = ["XLSX_CONTENT_TYPE", "cadres_workbook", "template_workbook"]


def _cadre_values(cadre) -> dict:
    return {
        "code": cadre.code,
        "full_name": cadre.full_name,
        "gender": cadre.get_gender_display() if cadre.gender else "",
        "date_of_birth": cadre.date_of_birth,
        "unit_code": cadre.unit.code,
        "unit_name": cadre.unit.name,
        "position": cadre.position.name,
        "grade": cadre.get_grade_display() if cadre.grade else "",
        "theory_level": cadre.get_theory_level_display() if cadre.theory_level else "",
        "appointed_on": cadre.appointed_on,
        "status": cadre.get_status_display(),
        "email": cadre.email,
    }


def _sheet_with_header(writer: WorkbookWriter):
    return writer.sheet(capfirst(_("cadres")), header=[c.heading for c in COLUMNS],
                        widths=[COLUMN_WIDTHS.get(c.key, 14) for c in COLUMNS])


def cadres_workbook(cadres: Iterable) -> bytes:
    """An .xlsx of `cadres` (each with unit and position loaded): one row per cadre, header row
    in the user's language, dates as real Excel dates shown dd/mm/yyyy, every text stored as text
    (a name starting with "=" is never a formula)."""
    writer = WorkbookWriter()
    sheet = _sheet_with_header(writer)
    for cadre in cadres:
        values = _cadre_values(cadre)
        writer.row(sheet, [values[column.key] for column in COLUMNS])
    return writer.getvalue()


def template_workbook() -> bytes:
    """An empty import file: the header row, and a second sheet explaining each column and
    listing the accepted values (positions, grades, levels, statuses)."""
    writer = WorkbookWriter()
    _sheet_with_header(writer)
    guide = writer.sheet(_("Instructions"), widths=(28, 90))
    writer.row(guide, [_("Column"), _("What to write")], bold_first=True)
    notes = {
        "code": _("Required. Unique code of the cadre; importing the same code again updates that cadre."),
        "full_name": _("Required. Full name with diacritics, e.g. Nguyễn Thị Ánh."),
        "gender": ", ".join(str(label) for value, label in Gender.choices),
        "date_of_birth": _("Date, dd/mm/yyyy (yyyy-mm-dd is accepted too)."),
        "unit_code": _("Required. Code of a unit you manage."),
        "unit_name": _("Ignored on import (shown for reading)."),
        "position": _("Required. Position name or code, see below."),
        "grade": ", ".join(str(label) for value, label in Grade.choices if value),
        "theory_level": ", ".join(str(label) for value, label in TheoryLevel.choices if value),
        "appointed_on": _("Date of election or appointment, dd/mm/yyyy."),
        "status": _("Leave empty to keep the current status (a new cadre is active). Values: %(values)s.")
        % {"values": ", ".join(str(label) for value, label in CadreStatus.choices)},
        "email": _("Optional."),
    }
    for column in COLUMNS:
        writer.row(guide, [column.heading, notes.get(column.key, "")], bold_first=True)
    writer.row(guide, [])
    writer.row(guide, [_("Positions")], bold_first=True)
    for position in Position.objects.order_by("order", "name"):
        writer.row(guide, [position.code, position.name])
    return writer.getvalue()
