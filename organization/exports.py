"""The cadre list as an .xlsx workbook, in the same layout the import reads."""

from __future__ import annotations

import io
from collections.abc import Iterable

from django.utils.text import capfirst
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from .imports import COLUMNS, XLSX_CONTENT_TYPE
from .models import CadreStatus, Gender, Grade, Position, TheoryLevel

DATE_FORMAT = "dd/mm/yyyy"
DATE_KEYS = {"date_of_birth", "appointed_on"}
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


def _sheet_with_header(workbook, title: str):
    sheet = workbook.create_sheet(title=title)
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    for index, column in enumerate(COLUMNS):
        sheet.column_dimensions[letters[index]].width = COLUMN_WIDTHS.get(column.key, 14)
    sheet.freeze_panes = "A2"
    header = []
    for column in COLUMNS:
        cell = WriteOnlyCell(sheet, value=column.heading)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    return sheet


def cadres_workbook(cadres: Iterable) -> bytes:
    """An .xlsx of `cadres` (each with unit and position loaded): one row per cadre, header row
    in the user's language, dates as real Excel dates shown dd/mm/yyyy."""
    workbook = Workbook(write_only=True)
    sheet = _sheet_with_header(workbook, capfirst(_("cadres")))
    for cadre in cadres:
        values = _cadre_values(cadre)
        row = []
        for column in COLUMNS:
            cell = WriteOnlyCell(sheet, value=values[column.key])
            if column.key in DATE_KEYS:
                cell.number_format = DATE_FORMAT
            elif cell.data_type == "f":
                cell.data_type = "s"  # a value starting with "=" stays text, never a formula
            row.append(cell)
        sheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def template_workbook() -> bytes:
    """An empty import file: the header row, and a second sheet explaining each column and
    listing the accepted values (positions, grades, levels, statuses)."""
    workbook = Workbook(write_only=True)
    _sheet_with_header(workbook, capfirst(_("cadres")))
    guide = workbook.create_sheet(title=_("Instructions"))
    guide.column_dimensions["A"].width = 28
    guide.column_dimensions["B"].width = 90
    bold = Font(bold=True)

    def line(label, text=""):
        cell = WriteOnlyCell(guide, value=str(label))
        cell.font = bold
        guide.append([cell, str(text)])

    line(_("Column"), _("What to write"))
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
        line(column.heading, notes.get(column.key, ""))
    guide.append([])
    line(_("Positions"))
    for position in Position.objects.order_by("order", "name"):
        guide.append([position.code, position.name])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
