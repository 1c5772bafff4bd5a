"""The periodic report to the provincial committee, an official document: an .xlsx workbook (the
summary, the detail by unit, the cadres not met and those still in time) and a PDF in the Party's
document layout (Hướng dẫn 36-HD/VPTW), set in DejaVu Serif (embedded, so Vietnamese prints the
same everywhere; the DejaVu licence, fonts/LICENSE-DejaVu.txt, allows embedding and redistribution).

The header, number, place and date, recipients and signer come from the site's official documents
settings (cms.api.official_documents); the figures are the same stored figures every page reads."""

import datetime
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.fonts import FontFace
from openpyxl.styles import Alignment, Font, PatternFill

from cms.api import OfficialDocuments, date_line, official_documents
from lms.spreadsheets import WorkbookWriter, safe_cell
from organization.models import Unit

from .figures import PLACE_STEP, RollupRow, figures_fresh, subtree_rows
from .models import BoardJob, CadreState, ReportPeriod, RollupSnapshot, Target
from .selectors import MissingCadre, MissingCommittee, committees_missing_in_set, missing_in_set
from .services import report_number_assign

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
    in_time: list[MissingCadre] = field(default_factory=list)
    # A committee-level target: the committees not met (`missing` are then their untrained members).
    committees: list[MissingCommittee] = field(default_factory=list)

    @property
    def total(self) -> RollupRow:
        return self.rows[0][1]

    @property
    def below(self) -> list[tuple[Unit, RollupRow, float | None]]:
        """The units under the report's unit that count someone (0/0 units are left out)."""
        return [item for item in self.rows[1:] if item[1].population]

    def empty_units(self, *, directly_under: bool = False) -> int:
        """How many units under the report's unit (or directly under it) have no cadre in the population."""
        depth = self.total.depth + 1
        return sum(1 for _unit, row, _forecast in self.rows[1:]
                   if not row.population and (not directly_under or row.depth == depth))


def report_data(*, target: Target, unit: Unit, on: datetime.date) -> ReportData:
    """The numbers of a report: the stored figures of the unit's subtree on `on`, brought up to date
    first (the same rows the dashboard shows), with each unit's forecast, and every cadre not
    meeting the target (missing, with the reasons, and still in time)."""
    figure_set = figures_fresh(target=target, on=on)
    rows = subtree_rows(figure_set, unit)
    forecasts = dict(RollupSnapshot.objects.filter(
        target=target, taken_on=figure_set.on, unit_id__in=[row.unit_id for row in rows]
    ).values_list("unit_id", "forecast_percent"))
    units = Unit.objects.in_bulk([row.unit_id for row in rows])
    missing = list(missing_in_set(figure_set=figure_set, unit=unit))
    in_time = list(missing_in_set(figure_set=figure_set, unit=unit, state=CadreState.IN_TIME))
    committees = list(committees_missing_in_set(figure_set=figure_set, unit=unit)) if target.counts_committees else []
    return ReportData(target=target, unit=unit, on=figure_set.on, missing=missing, computed_at=figure_set.computed_at,
                      rows=[(units[row.unit_id], row, forecasts.get(row.unit_id)) for row in rows], in_time=in_time,
                      committees=committees)


def _percent(value) -> str:
    return "—" if value is None else f"{value:.1f}%".replace(".", ",")


HEADER_FILL = PatternFill("solid", fgColor="F4C430")


def _cadres_sheet(book: WorkbookWriter, sheet_title: str, title: str, rows: list[MissingCadre]) -> None:
    ws = book.sheet(sheet_title, caption=title, header_fill=HEADER_FILL, widths=(28, 14, 40, 26, 12, 80),
                    header=[_("Full name"), _("Cadre code"), _("Unit"), _("Position"), _("Deadline"), _("Why")])
    wrap = Alignment(wrap_text=True, vertical="top")
    for item in rows:
        ws.append([safe_cell(ws, value) for value in (
            item.cadre.full_name, item.cadre.code, item.unit.name, item.position.name,
            item.deadline.strftime("%d/%m/%Y") if item.deadline else "",
        )] + [safe_cell(ws, "; ".join(item.reasons), alignment=wrap)])


def _missing_sheet(book: WorkbookWriter, title: str, rows: list[MissingCadre]) -> None:
    _cadres_sheet(book, _("Cadres not met"), title, rows)


UNIT_COLUMNS_WIDTHS = (14, 44, 22, 12, 10, 12, 10, 10, 16)


def _unit_columns() -> list[str]:
    return [_("Code"), _("Unit"), _("Kind"), _("Population"), _("Met"), _("Still in time"), _("Percent"), _("Goal"),
            _("Forecast at the period's end")]


def _unit_cells(ws, data: ReportData, unit: Unit, row: RollupRow, forecast) -> list:
    plain = (unit.code, unit.name, unit.get_kind_display(), row.population, row.met, row.in_time)
    shares = (None if row.percent is None else row.percent / 100, data.target.goal_percent / 100,
              None if forecast is None else forecast / 100)
    return ([safe_cell(ws, value) for value in plain]
            + [safe_cell(ws, value, number_format="0.0%") for value in shares])


def _empty_units_note(ws, count: int) -> None:
    if count:
        ws.append([])
        ws.append([safe_cell(ws, _("%(n)s unit(s) with no cadre in the population (0/0) are left out.")
                             % {"n": count}, font=Font(italic=True))])


def report_workbook(data: ReportData) -> bytes:
    """Summary (the unit and the units directly under it), detail by unit (every unit below, with
    its level and the unit it is under on the figures' date), the cadres not met and the cadres
    still in time. Units with no cadre in the population are left out, and a note line says how
    many. Every cell goes through lms.spreadsheets.safe_cell: formula-like text stays text."""
    book = WorkbookWriter()
    title = f"{data.target.name} — {data.unit.name} — {data.on:%d/%m/%Y}"
    summary = book.sheet(_("Summary"), caption=title, header=_unit_columns(), header_fill=HEADER_FILL,
                         widths=UNIT_COLUMNS_WIDTHS)
    unit, row, forecast = data.rows[0]
    summary.append(_unit_cells(summary, data, unit, row, forecast))
    for unit, row, forecast in data.below:
        if row.depth == data.total.depth + 1:
            summary.append(_unit_cells(summary, data, unit, row, forecast))
    _empty_units_note(summary, data.empty_units(directly_under=True))

    detail = book.sheet(_("Detail by unit"), caption=title, header=[_("Level below"), *_unit_columns(), _("Under")],
                        header_fill=HEADER_FILL, widths=(10, *UNIT_COLUMNS_WIDTHS, 44))
    names_by_path = {row.path: unit.name for unit, row, _f in data.rows}  # the tree of the figures' date
    for unit, row, forecast in data.below:
        parent = names_by_path.get(row.path[:-PLACE_STEP], "")
        detail.append([safe_cell(detail, row.depth - data.total.depth)]
                      + _unit_cells(detail, data, unit, row, forecast) + [safe_cell(detail, parent)])
    _empty_units_note(detail, data.empty_units())
    if data.target.counts_committees:
        _committees_sheet(book, title, data.committees)
        _cadres_sheet(book, _("Untrained members"), title, data.missing)
        return book.getvalue()
    _missing_sheet(book, title, data.missing)
    _cadres_sheet(book, _("Cadres still in time"), title, data.in_time)
    return book.getvalue()


# The fixed wording of a Party document (Hướng dẫn 36-HD/VPTW) is Vietnamese whatever the interface
# language, as on the certificates: it is the document's form, not the site's text.
PARTY = "ĐẢNG CỘNG SẢN VIỆT NAM"


def report_subject(target: Target, on: datetime.date) -> str:
    return f"Kết quả thực hiện chỉ tiêu “{target.name}” đến ngày {on:%d/%m/%Y}"


def number_line(number: int | None, abbreviation: str) -> str:
    """'Số 12-BC/UBKT'; a report not numbered yet leaves the number blank to be written by hand."""
    return f"Số {number if number is not None else '    '}-BC/{abbreviation}"


class _ReportPDF(FPDF):
    def footer(self):
        if self.page_no() > 1 or self.pages_count > 1:
            self.set_y(-14)
            self.set_font("Serif", "", 9)
            self.cell(0, 6, f"{self.page_no()}/{{nb}}", align="C")


def _serif_pdf() -> _ReportPDF:
    pdf = _ReportPDF(orientation="P", unit="mm", format="A4")
    for style, name in (("", "DejaVuSerif"), ("B", "DejaVuSerif-Bold"), ("I", "DejaVuSerif-Italic"),
                        ("BI", "DejaVuSerif-BoldItalic")):
        pdf.add_font("Serif", style, str(FONTS / f"{name}.ttf"))
    # HD 36 margins: top and bottom 20–25 mm, left 30–35 mm, right 15–20 mm.
    pdf.set_margins(left=30, top=20, right=15)
    pdf.set_auto_page_break(auto=True, margin=20)
    return pdf


def _header(pdf: FPDF, document: OfficialDocuments, *, number: int | None, issued_on: datetime.date) -> None:
    left_w, gap = 72, 4
    right_x = pdf.l_margin + left_w + gap
    right_w = pdf.w - pdf.r_margin - right_x
    top = pdf.get_y()
    pdf.set_font("Serif", "", 12)
    pdf.set_xy(pdf.l_margin, top)
    pdf.cell(left_w, 6, document.superior_body.upper(), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Serif", "B", 12)
    pdf.multi_cell(left_w, 6, document.issuing_body.upper(), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Serif", "", 12)
    pdf.cell(left_w, 5, "*", align="C", new_x="LMARGIN", new_y="NEXT")
    number_y = pdf.get_y()
    pdf.cell(left_w, 6, number_line(number, document.issuing_body_abbreviation), align="C",
             new_x="LMARGIN", new_y="NEXT")
    bottom = pdf.get_y()
    pdf.set_font("Serif", "BU", 13)
    pdf.set_xy(right_x, top)
    pdf.cell(right_w, 6, PARTY, align="C")
    pdf.set_font("Serif", "I", 12)
    pdf.set_xy(right_x, number_y)
    pdf.cell(right_w, 6, date_line(document.place_name, issued_on), align="C")
    pdf.set_xy(pdf.l_margin, bottom + 6)


def _title(pdf: FPDF, target: Target, on: datetime.date) -> None:
    width = pdf.epw
    pdf.set_font("Serif", "B", 15)
    pdf.cell(width, 8, "BÁO CÁO", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Serif", "B", 13)
    pdf.multi_cell(width, 6.5, report_subject(target, on), align="C", new_x="LMARGIN", new_y="NEXT")
    y = pdf.get_y() + 1.5
    pdf.line(pdf.w / 2 - 15, y, pdf.w / 2 + 15, y)
    pdf.ln(6)


def _closing(pdf: FPDF, document: OfficialDocuments) -> None:
    """'Nơi nhận' at the bottom left, the signature block at the bottom right, kept on one page."""
    needed = 12 + 6 * max(len(document.recipients), 5) + 10
    if pdf.get_y() + needed > pdf.h - pdf.b_margin:
        pdf.add_page()
    pdf.ln(4)
    top = pdf.get_y()
    left_w = 72
    pdf.set_font("Serif", "BI", 11)
    pdf.cell(left_w, 6, "Nơi nhận:", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Serif", "", 10)
    for line in document.recipients:
        pdf.multi_cell(left_w, 5, line, new_x="LMARGIN", new_y="NEXT")
    right_x = pdf.l_margin + left_w + 4
    right_w = pdf.w - pdf.r_margin - right_x
    pdf.set_xy(right_x, top)
    pdf.set_font("Serif", "B", 12)
    pdf.multi_cell(right_w, 6, document.on_behalf_line.upper(), align="C", new_x="LEFT", new_y="NEXT")
    pdf.multi_cell(right_w, 6, document.signer_title.upper(), align="C", new_x="LEFT", new_y="NEXT")
    space_top = pdf.get_y()
    if document.seal_image:
        pdf.image(io.BytesIO(document.seal_image), x=right_x + right_w / 2 - 14, y=space_top + 1, h=26)
    pdf.set_xy(right_x, space_top + 28)
    pdf.multi_cell(right_w, 6, document.signer_name, align="C", new_x="LEFT", new_y="NEXT")


def report_pdf(data: ReportData, *, document: OfficialDocuments | None = None, number: int | None = None,
               issued_on: datetime.date | None = None, period: str = ReportPeriod.CUSTOM) -> bytes:
    """The report as a Party document: header (superior and issuing body, *, number; ĐẢNG CỘNG SẢN
    VIỆT NAM, place and date), title, the figures, 'Nơi nhận' and the signature block."""
    document = document or official_documents()
    issued_on = issued_on or timezone.localdate()
    pdf = _serif_pdf()
    pdf.set_title(report_subject(data.target, data.on))
    pdf.set_author(f"{document.issuing_body} {document.superior_body}")
    pdf.add_page()
    _header(pdf, document, number=number, issued_on=issued_on)
    _title(pdf, data.target, data.on)
    width = pdf.epw
    total = data.total
    facts = [
        (_("Unit"), data.unit.name),
        (_("Report"), ReportPeriod(period).label),
        (_("Period"), f"{data.target.period_start:%d/%m/%Y} – {data.target.period_end:%d/%m/%Y}"),
        (_("As of"), f"{data.on:%d/%m/%Y}"),
        (_("Population"), str(total.population)),
        (_("Met"), f"{total.met} ({_percent(total.percent)})"),
        (_("Still in time"), str(total.in_time)),
        (_("Goal"), f"{data.target.goal_percent}%"),
    ]
    for label, value in facts:
        pdf.set_font("Serif", "B", 11)
        pdf.cell(45, 6, label)
        pdf.set_font("Serif", "", 11)
        pdf.multi_cell(width - 45, 6, value, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)

    pdf.set_font("Serif", "B", 12)
    pdf.cell(width, 7, _("Units directly under %(unit)s") % {"unit": data.unit.name}, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Serif", "", 9.5)
    heading = FontFace(emphasis="BOLD", fill_color=(244, 196, 48))
    children = [(u, r, f) for u, r, f in data.below if r.depth == total.depth + 1]
    with pdf.table(col_widths=(70, 22, 18, 20, 30), headings_style=heading, line_height=5.5,
                   text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT")) as table:
        table.row([_("Unit"), _("Population"), _("Met"), _("Percent"), _("Forecast")])
        for unit, row, forecast in children:
            table.row([unit.name, str(row.population), str(row.met), _percent(row.percent), _percent(forecast)])
    if empty := data.empty_units(directly_under=True):
        pdf.set_font("Serif", "I", 9)
        pdf.multi_cell(width, 5, _("%(n)s unit(s) with no cadre in the population (0/0) are left out.")
                       % {"n": empty}, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)

    pdf.set_font("Serif", "B", 12)
    if data.target.counts_committees:
        _committees_pdf(pdf, data, width=width, heading=heading)
        _closing(pdf, document)
        return bytes(pdf.output())
    pdf.cell(width, 7, _("Cadres who do not meet the target (%(n)s)") % {"n": len(data.missing)},
             new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Serif", "", 8.5)
    if data.missing:
        with pdf.table(col_widths=(40, 45, 75), headings_style=heading, line_height=4.5) as table:
            table.row([_("Full name"), _("Unit"), _("Why")])
            for item in data.missing[:PDF_MISSING_LIMIT]:
                table.row([item.cadre.full_name, item.unit.name, "; ".join(item.reasons)])
        if len(data.missing) > PDF_MISSING_LIMIT:
            pdf.ln(2)
            pdf.multi_cell(width, 5, _("… and %(n)s more: see the Excel file.")
                           % {"n": len(data.missing) - PDF_MISSING_LIMIT}, new_x="LMARGIN", new_y="NEXT")
    _closing(pdf, document)
    return bytes(pdf.output())


def _committees_pdf(pdf: FPDF, data: ReportData, *, width, heading) -> None:
    pdf.cell(width, 7, _("Committees that do not meet the target (%(n)s)") % {"n": len(data.committees)},
             new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Serif", "", 8.5)
    if data.committees:
        with pdf.table(col_widths=(50, 20, 90), headings_style=heading, line_height=4.5) as table:
            table.row([_("Inspection committee of"), _("Members trained / in post"), _("Why")])
            for item in data.committees[:PDF_MISSING_LIMIT]:
                table.row([item.unit.name, f"{item.members_met}/{item.members}", "; ".join(map(str, item.reasons))])
        if len(data.committees) > PDF_MISSING_LIMIT:
            pdf.ln(2)
            pdf.multi_cell(width, 5, _("… and %(n)s more: see the Excel file.")
                           % {"n": len(data.committees) - PDF_MISSING_LIMIT}, new_x="LMARGIN", new_y="NEXT")


def report_build(*, job: BoardJob, progress: Callable[[int], None] = lambda percent: None,
                 issued_on: datetime.date | None = None) -> BoardJob:
    """Compute the report of `job` (its target, unit and date), give it its number and date (once:
    a rebuilt report keeps them; targets.services.report_number_assign) and attach both files."""
    document = official_documents()
    data = report_data(target=job.target, unit=job.unit, on=job.on)
    progress(40)
    job = report_number_assign(job=job, issuer_abbreviation=document.issuing_body_abbreviation,
                               issued_on=issued_on or timezone.localdate())
    stem = f"bao-cao-{job.target.code}-{job.unit.code}-{job.on:%Y%m%d}".lower()
    xlsx = report_workbook(data)
    progress(70)
    pdf = report_pdf(data, document=document, number=job.document_number, issued_on=job.issued_on,
                     period=job.period)
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


def report_workbook_committees(*, target: Target, unit: Unit, on: datetime.date,
                               rows: list[MissingCommittee]) -> bytes:
    """The committees not met under a unit (a committee-level target), one line each with its reasons."""
    book = WorkbookWriter()
    _committees_sheet(book, f"{target.name} — {unit.name} — {on:%d/%m/%Y}", rows)
    return book.getvalue()


def _committees_sheet(book: WorkbookWriter, title: str, rows: list[MissingCommittee]) -> None:
    ws = book.sheet(_("Committees not met"), caption=title,
                    header_fill=HEADER_FILL, widths=(14, 44, 12, 12, 28, 90),
                    header=[_("Unit code"), _("Committee of"), _("Members in post"), _("Members trained"),
                            _("Chair"), _("Why")])
    wrap = Alignment(wrap_text=True, vertical="top")
    for item in rows:
        ws.append([safe_cell(ws, value) for value in (
            item.unit.code, item.unit.name, item.members, item.members_met, item.chair.full_name if item.chair else "",
        )] + [safe_cell(ws, "; ".join(str(r) for r in item.reasons), alignment=wrap)])
