"""The periodic report to the provincial committee: an .xlsx workbook (one sheet per level of the
tree plus the missing cadres) and a PDF (DejaVu fonts embedded, so Vietnamese prints correctly)."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.fonts import FontFace
from openpyxl.styles import Alignment, PatternFill

from lms.spreadsheets import WorkbookWriter, safe_cell
from organization.models import Unit

from .figures import RollupRow, figures_fresh, subtree_rows
from .models import BoardJob, RollupSnapshot, Target
from .selectors import MissingCadre, missing_in_set

FONTS = Path(__file__).resolve().parent / "fonts"
PDF_MISSING_LIMIT = 300


@dataclass
class ReportData:
    target: Target
    unit: Unit
    on: datetime.date  # the figures' date: the date asked, or the period's end once it has ended
    rows: list[tuple[Unit, RollupRow, float | None]]  # every unit of the subtree on that date, tree order
    missing: list[MissingCadre]
    computed_at: datetime.datetime | None = None

    @property
    def total(self) -> RollupRow:
        return self.rows[0][1]


def report_data(*, target: Target, unit: Unit, on: datetime.date) -> ReportData:
    """The numbers of a report: the stored figures of the unit's subtree on `on`, brought up to date
    first (the same rows the dashboard shows), with each unit's forecast, and every missing cadre
    with the reasons."""
    figure_set = figures_fresh(target=target, on=on)
    rows = subtree_rows(figure_set, unit)
    forecasts = dict(RollupSnapshot.objects.filter(
        target=target, taken_on=figure_set.on, unit_id__in=[row.unit_id for row in rows]
    ).values_list("unit_id", "forecast_percent"))
    units = Unit.objects.in_bulk([row.unit_id for row in rows])
    missing = list(missing_in_set(figure_set=figure_set, unit=unit))
    return ReportData(target=target, unit=unit, on=figure_set.on, missing=missing, computed_at=figure_set.computed_at,
                      rows=[(units[row.unit_id], row, forecasts.get(row.unit_id)) for row in rows])


def _percent(value) -> str:
    return "—" if value is None else f"{value:.1f}%".replace(".", ",")


HEADER_FILL = PatternFill("solid", fgColor="F4C430")


def _missing_sheet(book: WorkbookWriter, title: str, rows: list[MissingCadre]) -> None:
    ws = book.sheet(_("Missing"), caption=title, header_fill=HEADER_FILL, widths=(28, 14, 40, 26, 12, 80),
                    header=[_("Full name"), _("Cadre code"), _("Unit"), _("Position"), _("Deadline"), _("Why")])
    wrap = Alignment(wrap_text=True, vertical="top")
    for item in rows:
        ws.append([safe_cell(ws, value) for value in (
            item.cadre.full_name, item.cadre.code, item.unit.name, item.position.name,
            item.deadline.strftime("%d/%m/%Y") if item.deadline else "",
        )] + [safe_cell(ws, "; ".join(item.reasons), alignment=wrap)])


def report_workbook(data: ReportData) -> bytes:
    book = WorkbookWriter()
    title = f"{data.target.name} — {data.unit.name} — {data.on:%d/%m/%Y}"
    top_depth = data.unit.depth
    depths = sorted({unit.depth for unit, _row, _f in data.rows})
    columns = [_("Code"), _("Unit"), _("Kind"), _("Population"), _("Met"), _("Percent"), _("Goal"),
               _("Forecast at the period's end")]
    for depth in depths:
        ws = book.sheet(_("Level %(n)s") % {"n": depth - top_depth + 1}, caption=title, header=columns,
                        header_fill=HEADER_FILL, widths=(14, 44, 22, 12, 10, 10, 10, 16))
        for unit, row, forecast in data.rows:
            if unit.depth != depth:
                continue
            plain = (unit.code, unit.name, unit.get_kind_display(), row.population, row.met)
            shares = (None if row.percent is None else row.percent / 100, data.target.goal_percent / 100,
                      None if forecast is None else forecast / 100)
            ws.append([safe_cell(ws, value) for value in plain]
                      + [safe_cell(ws, value, number_format="0.0%") for value in shares])
    _missing_sheet(book, title, data.missing)
    return book.getvalue()


class _ReportPDF(FPDF):
    footer_text = ""

    def footer(self):
        self.set_y(-12)
        self.set_font("DejaVu", "", 8)
        self.cell(0, 6, f"{self.footer_text} — {self.page_no()}/{{nb}}", align="C")


def report_pdf(data: ReportData) -> bytes:
    pdf = _ReportPDF(orientation="P", unit="mm", format="A4")
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_title(data.target.name)
    pdf.footer_text = f"KTLearn · {data.on:%d/%m/%Y}"
    pdf.set_auto_page_break(auto=True, margin=16)
    pdf.add_page()
    width = pdf.epw
    pdf.set_font("DejaVu", "B", 10)
    pdf.cell(width, 6, settings.KTLEARN_PROVINCE_NAME.upper(), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("DejaVu", "B", 14)
    pdf.multi_cell(width, 8, _("REPORT ON THE TRAINING TARGET"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 11)
    pdf.multi_cell(width, 6, data.target.name, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    total = data.total
    facts = [
        (_("Unit"), data.unit.name),
        (_("Period"), f"{data.target.period_start:%d/%m/%Y} – {data.target.period_end:%d/%m/%Y}"),
        (_("As of"), f"{data.on:%d/%m/%Y}"),
        (_("Population"), str(total.population)),
        (_("Met"), f"{total.met} ({_percent(total.percent)})"),
        (_("Goal"), f"{data.target.goal_percent}%"),
    ]
    pdf.set_font("DejaVu", "", 10)
    for label, value in facts:
        pdf.set_font("DejaVu", "B", 10)
        pdf.cell(45, 6, label)
        pdf.set_font("DejaVu", "", 10)
        pdf.multi_cell(width - 45, 6, value, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)

    pdf.set_font("DejaVu", "B", 11)
    pdf.cell(width, 7, _("Units directly under %(unit)s") % {"unit": data.unit.name}, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 9)
    heading = FontFace(emphasis="BOLD", fill_color=(244, 196, 48))
    children = [(u, r, f) for u, r, f in data.rows if u.depth == data.unit.depth + 1 and (u.is_active or r.population)]
    with pdf.table(col_widths=(70, 22, 18, 20, 30), headings_style=heading, line_height=5.5,
                   text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT")) as table:
        table.row([_("Unit"), _("Population"), _("Met"), _("Percent"), _("Forecast")])
        for unit, row, forecast in children:
            table.row([unit.name, str(row.population), str(row.met), _percent(row.percent), _percent(forecast)])
    pdf.ln(4)

    pdf.set_font("DejaVu", "B", 11)
    pdf.cell(width, 7, _("Cadres who do not meet the target (%(n)s)") % {"n": len(data.missing)},
             new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 8)
    if data.missing:
        with pdf.table(col_widths=(40, 45, 75), headings_style=heading, line_height=4.5) as table:
            table.row([_("Full name"), _("Unit"), _("Why")])
            for item in data.missing[:PDF_MISSING_LIMIT]:
                table.row([item.cadre.full_name, item.unit.name, "; ".join(item.reasons)])
        if len(data.missing) > PDF_MISSING_LIMIT:
            pdf.ln(2)
            pdf.multi_cell(width, 5, _("… and %(n)s more: see the Excel file.")
                           % {"n": len(data.missing) - PDF_MISSING_LIMIT}, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def report_build(*, job: BoardJob, progress: Callable[[int], None] = lambda percent: None) -> BoardJob:
    """Compute the report of `job` (its target, unit and date) and attach both files to it."""
    data = report_data(target=job.target, unit=job.unit, on=job.on)
    progress(40)
    stem = f"bao-cao-{job.target.code}-{job.unit.code}-{job.on:%Y%m%d}".lower()
    xlsx = report_workbook(data)
    progress(70)
    pdf = report_pdf(data)
    progress(95)
    job.xlsx.save(f"{stem}.xlsx", ContentFile(xlsx), save=False)
    job.pdf.save(f"{stem}.pdf", ContentFile(pdf), save=False)
    job.finished_at = timezone.now()
    job.save(update_fields=["xlsx", "pdf", "finished_at"])
    return job


def report_workbook_missing(*, target: Target, unit: Unit, on: datetime.date, rows: list[MissingCadre]) -> bytes:
    """Only the missing cadres sheet, for the dashboard's export of one unit."""
    book = WorkbookWriter()
    _missing_sheet(book, f"{target.name} — {unit.name} — {on:%d/%m/%Y}", rows)
    return book.getvalue()
