"""The printable login slips: A4 portrait, ten slips a page (two columns of five) with dashed cut
lines, each unit starting on a new page under its name. DejaVu fonts are embedded (they cover
Vietnamese) so the PDF does not depend on what the server has installed.

The PDF is the only place the one-time passwords exist: it is built in memory and handed to the
person who asked for it, never stored.
"""

from collections.abc import Iterable
from itertools import groupby
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from fpdf import FPDF
from wagtail.models import Site

from .accounts import IssuedLogin

FONTS = Path(__file__).resolve().parent / "fonts"
COLUMNS, ROWS = 2, 5
MARGIN = 8  # mm
HEADER = 8  # mm above the slips for the unit's name


def site_login_url(request=None) -> str:
    """The address printed on the slips: the login page of the site the request came to, else of
    Wagtail's default Site (Settings › Sites), else WAGTAILADMIN_BASE_URL."""
    site = Site.find_for_request(request) if request is not None else None
    site = site or Site.objects.filter(is_default_site=True).first()
    root = site.root_url if site else settings.WAGTAILADMIN_BASE_URL
    return root.rstrip("/") + reverse("login")


class _SlipsPDF(FPDF):
    def __init__(self):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
        self.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        self.set_auto_page_break(False)
        self.set_title(_("KTLearn login slips"))
        self.set_creator("KTLearn")


def login_slips_pdf(logins: Iterable[IssuedLogin], *, login_url: str) -> bytes:
    """The slips for `logins` (ordered by unit, as the services return them), as PDF bytes."""
    pdf = _SlipsPDF()
    width = (pdf.w - 2 * MARGIN) / COLUMNS
    height = (pdf.h - 2 * MARGIN - HEADER) / ROWS
    for (_path, unit_name), unit_logins in groupby(logins, key=lambda item: (item.unit_path, item.unit_name)):
        unit_logins = list(unit_logins)
        pages = (len(unit_logins) + COLUMNS * ROWS - 1) // (COLUMNS * ROWS)
        for page in range(pages):
            pdf.add_page()
            pdf.set_font("DejaVu", "B", 10)
            pdf.set_xy(MARGIN, MARGIN)
            pdf.cell(pdf.w - 2 * MARGIN, HEADER - 2, f"{unit_name} — {page + 1}/{pages}")
            chunk = unit_logins[page * COLUMNS * ROWS:(page + 1) * COLUMNS * ROWS]
            _cut_lines(pdf, width, height, rows=(len(chunk) + COLUMNS - 1) // COLUMNS)
            for index, login in enumerate(chunk):
                row, column = divmod(index, COLUMNS)
                _slip(pdf, login, x=MARGIN + column * width, y=MARGIN + HEADER + row * height,
                      width=width, login_url=login_url)
    return bytes(pdf.output())


def _cut_lines(pdf: FPDF, width: float, height: float, *, rows: int) -> None:
    pdf.set_draw_color(150, 150, 150)
    pdf.set_line_width(0.2)
    top = MARGIN + HEADER
    with pdf.local_context():
        pdf.set_dash_pattern(dash=2, gap=1.5)
        for row in range(rows + 1):
            pdf.line(MARGIN, top + row * height, pdf.w - MARGIN, top + row * height)
        for column in range(COLUMNS + 1):
            pdf.line(MARGIN + column * width, top, MARGIN + column * width, top + rows * height)


def _slip(pdf: FPDF, login: IssuedLogin, *, x: float, y: float, width: float, login_url: str) -> None:
    inner = width - 8
    pdf.set_xy(x + 4, y + 4)
    pdf.set_font("DejaVu", "B", 10)
    pdf.cell(inner, 5, _("KTLearn — your login"), new_x="LEFT", new_y="NEXT")
    pdf.set_font("DejaVu", "", 9)
    pdf.cell(inner, 5, _("Comrade: %(name)s") % {"name": login.full_name}, new_x="LEFT", new_y="NEXT")
    pdf.multi_cell(inner, 4.5, _("Unit: %(unit)s") % {"unit": login.unit_name}, max_line_height=4.5,
                   new_x="LEFT", new_y="NEXT")
    pdf.cell(inner, 5, _("Address: %(url)s") % {"url": login_url}, new_x="LEFT", new_y="NEXT")
    pdf.cell(inner / 2, 5, _("Username:"))
    pdf.set_font("DejaVu", "B", 11)
    pdf.cell(inner / 2, 5, login.username, new_x="LEFT", new_y="NEXT")
    pdf.set_x(x + 4)
    pdf.set_font("DejaVu", "", 9)
    pdf.cell(inner / 2, 6, _("One-time password:"))
    pdf.set_font("DejaVu", "B", 12)
    pdf.cell(inner / 2, 6, login.password, new_x="LEFT", new_y="NEXT")
    pdf.set_x(x + 4)
    pdf.set_font("DejaVu", "", 7.5)
    pdf.multi_cell(inner, 3.5, _("You will be asked to choose your own password at the first login."),
                   new_x="LEFT", new_y="NEXT")
