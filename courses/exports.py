"""The team matrix and plan vs done as .xlsx workbooks, written through the shared engine (lms.spreadsheets)."""

from __future__ import annotations

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from lms.spreadsheets import XLSX_CONTENT_TYPE, WorkbookWriter

from .selectors import CellStatus, MatrixCell, PlanProgress, TeamMatrix

__all__ = ["XLSX_CONTENT_TYPE", "cell_text", "plan_workbook", "team_workbook"]


def cell_text(cell: MatrixCell | None) -> str:
    """What a cell says, in words, as the team page shows it."""
    if cell is None:
        return ""
    if cell.status == CellStatus.NOT_ENROLLED:
        return _("Not enrolled")
    if cell.status == CellStatus.COMPLETED:
        return _("Completed %(date)s") % {"date": date_format(cell.completed_on, "d/m/Y")}
    if cell.status == CellStatus.EXPIRED:
        return _("Expired %(date)s") % {"date": date_format(cell.expires_on, "d/m/Y")}
    if cell.status == CellStatus.OVERDUE:
        return _("Overdue since %(date)s (%(percent)d%%)") % {"date": date_format(cell.due_on, "d/m/Y"),
                                                             "percent": cell.percent}
    return _("Enrolled %(percent)d%%") % {"percent": cell.percent}


def team_workbook(matrices) -> bytes:
    """An .xlsx of the team matrix: one row per cadre (code, name, unit, position), one column per
    course (its code, or its title) with the cell's words. `matrices` are TeamMatrix chunks of the
    same filtered list; a column is added for every course any of them has. Every text goes through
    lms.spreadsheets, so a name starting with "=" stays text."""
    matrices: list[TeamMatrix] = list(matrices)
    columns: dict[int, dict] = {}
    for matrix in matrices:
        for course in matrix.courses:
            columns.setdefault(course["pk"], course)
    ordered = sorted(columns.values(), key=lambda c: c["path"])
    writer = WorkbookWriter()
    header = [_("Code"), _("Full name"), _("Unit"), _("Position"), *(c["title"] for c in ordered)]
    sheet = writer.sheet(_("Training of the team"), header=header, widths=[14, 28, 36, 28, *([22] * len(ordered))])
    for matrix in matrices:
        index = {course["pk"]: i for i, course in enumerate(matrix.courses)}
        for row in matrix.rows:
            cells = [cell_text(row.cells[index[c["pk"]]]) if c["pk"] in index else "" for c in ordered]
            writer.row(sheet, [row.cadre.code, row.cadre.full_name, row.cadre.unit.name, row.cadre.position.name,
                               *cells])
    return writer.getvalue()


def plan_workbook(progress: PlanProgress) -> bytes:
    """Plan vs done as an .xlsx: one sheet of the plans' items (unit, course, positions, when, planned,
    done, %) and one of the subtree roll-up per course, from the same selector as the board's page
    (courses.selectors.plan_progress). Texts go through lms.spreadsheets, so "=..." stays text."""
    writer = WorkbookWriter()
    header = [_("Unit"), _("Course"), _("Positions covered"), _("When"), _("Planned"), _("Done"), _("Done (%)")]
    sheet = writer.sheet(_("Plan items"), header=header, widths=[36, 40, 30, 10, 10, 10, 10])
    for line in progress.lines:
        positions = ", ".join(p.name for p in line.positions) or _("All positions")
        writer.row(sheet, [line.plan.unit.name, line.course.title, positions, line.when, line.planned, line.done,
                           line.percent])
    totals = writer.sheet(_("Roll-up"), header=[_("Course"), _("Planned"), _("Done"), _("Done (%)")],
                          widths=[40, 10, 10, 10])
    for row in progress.rollup:
        writer.row(totals, [row.course.title, row.planned, row.done, row.percent])
    return writer.getvalue()
