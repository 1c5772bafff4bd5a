"""The certificate PDF: A4 landscape, DejaVu fonts embedded (they cover Vietnamese), a QR code
pointing at the public verification page, and the signature block of the official documents
settings (place and date, signer's title and name copied on the certificate at issue; the optional
seal or signature image read from the settings when rendering).

The fonts ship in courses/fonts/ so the PDF never depends on what is installed on the server.
"""

import io
from pathlib import Path

import qrcode
from django.conf import settings
from django.urls import reverse
from django.utils.formats import number_format
from fpdf import FPDF

from cms.api import date_line, official_documents

from .models import Certificate

FONTS = Path(__file__).resolve().parent / "fonts"
RED = (167, 29, 42)
GOLD = (191, 144, 0)
INK = (33, 37, 41)
GREY = (108, 117, 125)


def verification_url(certificate: Certificate) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("verify", args=[certificate.code])


def _qr_png(text: str) -> io.BytesIO:
    image = qrcode.make(text, box_size=8, border=1)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    buffer.seek(0)
    return buffer


def _hours(value) -> str:
    text = number_format(value, decimal_pos=1)
    return text[:-2] if text.endswith((",0", ".0")) else text


def render_certificate_pdf(certificate: Certificate) -> bytes:
    """The certificate as PDF bytes. Text is Vietnamese data (names, course titles) and the fixed
    wording of a Vietnamese certificate; the layout fits long names and titles on two lines."""
    pdf = FPDF(orientation="landscape", unit="mm", format="A4")
    pdf.set_title(f"Giấy chứng nhận {certificate.number}")
    pdf.set_author(certificate.issuer)
    pdf.set_creator("KTLearn")
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.add_font("DejaVuSerif", "B", str(FONTS / "DejaVuSerif-Bold.ttf"))
    pdf.set_auto_page_break(False)
    pdf.add_page()
    width, height = pdf.w, pdf.h

    # Double border.
    pdf.set_draw_color(*RED)
    pdf.set_line_width(1.6)
    pdf.rect(8, 8, width - 16, height - 16)
    pdf.set_draw_color(*GOLD)
    pdf.set_line_width(0.5)
    pdf.rect(12, 12, width - 24, height - 24)

    pdf.set_text_color(*INK)
    pdf.set_font("DejaVu", "B", 12)
    pdf.set_xy(20, 20)
    pdf.cell(width - 40, 7, "ĐẢNG CỘNG SẢN VIỆT NAM", align="C")
    pdf.set_font("DejaVu", "", 12)
    pdf.set_xy(20, 27)
    pdf.cell(width - 40, 7, certificate.issuer.upper(), align="C")

    pdf.set_text_color(*RED)
    pdf.set_font("DejaVuSerif", "B", 30)
    pdf.set_xy(20, 44)
    pdf.cell(width - 40, 14, "GIẤY CHỨNG NHẬN", align="C")
    pdf.set_text_color(*INK)
    pdf.set_font("DejaVu", "", 13)
    pdf.set_xy(20, 60)
    pdf.cell(width - 40, 8, "hoàn thành chương trình bồi dưỡng nghiệp vụ công tác kiểm tra, giám sát", align="C")

    pdf.set_font("DejaVu", "", 13)
    pdf.set_xy(20, 76)
    pdf.cell(width - 40, 8, "Chứng nhận đồng chí", align="C")
    pdf.set_font("DejaVuSerif", "B", 24)
    pdf.set_xy(30, 85)
    pdf.multi_cell(width - 60, 11, certificate.full_name, align="C")

    pdf.set_font("DejaVu", "", 13)
    pdf.set_x(20)
    pdf.cell(width - 40, 9, "đã hoàn thành khóa học", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "B", 16)
    pdf.set_x(35)
    pdf.multi_cell(width - 70, 8, certificate.course_title, align="C", new_x="LMARGIN", new_y="NEXT")

    pdf.set_font("DejaVu", "", 12)
    pdf.set_x(20)
    completion = certificate.completion
    line = (f"Thời lượng: {_hours(certificate.hours)} giờ  ·  "
            f"Ngày hoàn thành: {certificate.issued_on:%d/%m/%Y}")
    if completion.expires_on:
        line += f"  ·  Có giá trị đến: {completion.expires_on:%d/%m/%Y}"
    pdf.cell(width - 40, 9, line, align="C")

    # Footer: number and code on the left, QR on the right.
    pdf.set_text_color(*GREY)
    pdf.set_font("DejaVu", "", 10)
    pdf.set_xy(22, height - 44)
    pdf.cell(150, 6, f"Số: {certificate.number}")
    pdf.set_xy(22, height - 38)
    pdf.cell(150, 6, f"Mã xác thực: {certificate.code}")
    pdf.set_xy(22, height - 32)
    url = verification_url(certificate)
    pdf.cell(170, 6, f"Tra cứu: {url}", link=url)

    # Signature block, centred on the right half, left of the QR code: place and date, the signer's
    # title, the seal or signature image (optional, from the settings), the signer's name.
    pdf.set_text_color(*INK)
    issued = certificate.issued_on
    block_x, block_w = width / 2, width / 2 - 60
    pdf.set_font("DejaVu", "", 11)
    pdf.set_xy(block_x, height - 78)
    when = (date_line(certificate.place, issued) if certificate.place
            else f"Ngày {issued.day:02d} tháng {issued.month:02d} năm {issued.year}")
    pdf.cell(block_w, 6, when, align="C")
    pdf.set_font("DejaVu", "B", 11)
    pdf.set_xy(block_x, height - 71)
    pdf.multi_cell(block_w, 6, (certificate.signer_title or certificate.issuer).upper(), align="C")
    seal = official_documents().seal_image
    if seal:
        pdf.image(io.BytesIO(seal), x=block_x + block_w / 2 - 12, y=height - 58, h=22)
    if certificate.signer_name:
        pdf.set_xy(block_x, height - 34)
        pdf.cell(block_w, 6, certificate.signer_name, align="C")
    pdf.image(_qr_png(url), x=width - 50, y=height - 50, w=30, h=30)
    return bytes(pdf.output())
