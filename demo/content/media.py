"""The demo courses' pictures and handouts, made at load time from the course files.

- ``diagram_png(spec)``: a diagram drawn with Pillow from a lesson's ``{"image": {...}}`` block:
  ``kind`` ``flow`` (``steps``: boxes top to bottom, each ``[title, detail]``) or ``tree``
  (``root``: ``{"label", "children": [...]}``, drawn level by level). Fonts are the DejaVu faces
  shipped in courses/fonts/, which cover Vietnamese.
- ``handout_pdf(course, regulations)``: the course's handout (A4, fpdf2): code, hours, audience,
  summary, each module and lesson with its text, callouts and citations (a printable copy of the
  course), and the regulations the lessons cite, as they stand in the regulations library.
  Everything it prints comes from the course file and the library, so it says nothing the lessons
  do not.
- ``template_docx(template)``: a model document of the templates library as a Word file.

Small files (a PNG of 10-25 KB, a PDF of about 35 KB with the font subset, a .docx of 2 KB), a
fraction of a second each.
"""

import functools
import io
import re
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFont

FONTS = Path(__file__).resolve().parents[2] / "courses" / "fonts"
WIDTH = 1200
RED = (167, 29, 42)
INK = (33, 37, 41)
GREY = (108, 117, 125)
PALE = (253, 242, 242)
WHITE = (255, 255, 255)


@functools.lru_cache
def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONTS / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")), size)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, width: int) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if draw.textlength(candidate, font=font) <= width or not line:
            line = candidate
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines


def _arrow(draw, start, end, color=GREY):
    draw.line([start, end], fill=color, width=4)
    x, y = end
    if start[0] == end[0]:  # vertical, pointing down
        draw.polygon([(x - 10, y - 14), (x + 10, y - 14), (x, y)], fill=color)
    else:
        draw.polygon([(x - 14, y - 10), (x - 14, y + 10), (x, y)], fill=color)


def _title(draw, text) -> int:
    font = _font(34, bold=True)
    y = 28
    for line in _wrap(draw, text, font, WIDTH - 80):
        draw.text((WIDTH // 2, y), line, font=font, fill=RED, anchor="ma")
        y += 44
    return y + 16


def _flow(spec) -> Image.Image:
    scratch = ImageDraw.Draw(Image.new("RGB", (10, 10)))
    head, body = _font(26, bold=True), _font(22)
    box_w = WIDTH - 240
    boxes = []
    for number, (title, detail) in enumerate(spec["steps"], start=1):
        title_lines = _wrap(scratch, f"{number}. {title}", head, box_w - 40)
        detail_lines = _wrap(scratch, detail, body, box_w - 40) if detail else []
        boxes.append((title_lines, detail_lines, 24 + 34 * len(title_lines) + 29 * len(detail_lines) + 18))
    gap = 56
    height = 140 + sum(h for _t, _d, h in boxes) + gap * (len(boxes) - 1) + 40
    image = Image.new("RGB", (WIDTH, height), WHITE)
    draw = ImageDraw.Draw(image)
    y = _title(draw, spec["title"])
    left = (WIDTH - box_w) // 2
    for index, (title_lines, detail_lines, box_h) in enumerate(boxes):
        draw.rounded_rectangle([left, y, left + box_w, y + box_h], radius=16, fill=PALE, outline=RED, width=3)
        ty = y + 20
        for line in title_lines:
            draw.text((left + 20, ty), line, font=head, fill=INK)
            ty += 34
        for line in detail_lines:
            draw.text((left + 20, ty), line, font=body, fill=GREY)
            ty += 29
        y += box_h
        if index < len(boxes) - 1:
            _arrow(draw, (WIDTH // 2, y + 4), (WIDTH // 2, y + gap - 4))
            y += gap
    return image.crop((0, 0, WIDTH, y + 30))


def _levels(node, depth=0, rows=None):
    rows = rows if rows is not None else []
    if len(rows) <= depth:
        rows.append([])
    rows[depth].append(node)
    for child in node.get("children", []):
        _levels(child, depth + 1, rows)
    return rows


def _tree(spec) -> Image.Image:
    rows = _levels(spec["root"])
    font = _font(21, bold=False)
    bold = _font(22, bold=True)
    scratch = ImageDraw.Draw(Image.new("RGB", (10, 10)))
    row_h, gap = [], 70
    layout = []
    for depth, nodes in enumerate(rows):
        slot = (WIDTH - 60) // len(nodes)
        box_w = min(slot - 24, 520)
        entries = []
        for i, node in enumerate(nodes):
            lines = _wrap(scratch, node["label"], bold if depth == 0 else font, box_w - 24)
            cx = 30 + slot * i + slot // 2
            entries.append((node, lines, cx, box_w))
        row_h.append(max(24 + 28 * len(lines) for _n, lines, _c, _w in entries))
        layout.append(entries)
    height = 140 + sum(row_h) + gap * (len(rows) - 1) + 40
    image = Image.new("RGB", (WIDTH, height), WHITE)
    draw = ImageDraw.Draw(image)
    y = _title(draw, spec["title"])
    centers = {}
    for depth, entries in enumerate(layout):
        for node, lines, cx, box_w in entries:
            top, bottom = y, y + row_h[depth]
            draw.rounded_rectangle([cx - box_w // 2, top, cx + box_w // 2, bottom], radius=14,
                                   fill=PALE if depth else RED, outline=RED, width=3)
            ty = top + (row_h[depth] - 28 * len(lines)) // 2
            for line in lines:
                draw.text((cx, ty), line, font=bold if depth == 0 else font, fill=WHITE if depth == 0 else INK,
                          anchor="ma")
                ty += 28
            centers[id(node)] = (cx, top, bottom)
            for child in node.get("children", []):
                centers.setdefault(("parent", id(child)), (cx, bottom))
        y += row_h[depth] + gap
    for entries in layout[1:]:
        for node, _lines, cx, _w in entries:
            px, pbottom = centers[("parent", id(node))]
            top = centers[id(node)][1]
            mid = pbottom + (top - pbottom) // 2
            draw.line([(px, pbottom), (px, mid), (cx, mid)], fill=GREY, width=3)
            _arrow(draw, (cx, mid), (cx, top - 2))
    return image.crop((0, 0, WIDTH, y - gap + 30))


def diagram_png(spec: dict) -> bytes:
    image = _flow(spec) if spec["kind"] == "flow" else _tree(spec)
    buffer = io.BytesIO()
    image.convert("P", palette=Image.Palette.ADAPTIVE, colors=32).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html or "")).strip()


def _lines(html: str) -> list[str]:
    """Paragraphs and list items of a rich-text block as plain lines ("• " before list items)."""
    html = re.sub(r"<li>", "\n• ", html or "")
    html = re.sub(r"</(p|li|ol|ul)>|<br\s*/?>", "\n", html)
    return [line for line in (_text(part) for part in html.split("\n")) if line]


def handout_pdf(course: dict, regulations: dict) -> bytes:
    """`regulations`: {number: object with .number, .title, .issuer, .issued_on} for the citations."""
    pdf = FPDF(unit="mm", format="A4")
    pdf.set_title(f"{course['code']} — {course['title']}")
    pdf.set_author("Ủy ban Kiểm tra Tỉnh ủy")
    pdf.set_creator("KTLearn")
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(True, margin=18)
    pdf.set_margins(20, 18, 20)
    pdf.add_page()
    width = pdf.w - 40

    widths: dict[tuple, float] = {}

    def para(text, size=11, style="", color=INK, height=5.6, after=2):
        # Wrapped here, word by word with cached widths: fpdf2's multi_cell measures each line
        # character by character, several times slower for pages of text.
        pdf.set_font("DejaVu", style, size)
        pdf.set_text_color(*color)
        space = pdf.get_string_width(" ")
        line, line_width = [], 0.0
        for word in text.split():
            key = (word, style, size)
            if key not in widths:
                widths[key] = pdf.get_string_width(word)
            extra = widths[key] + (space if line else 0)
            if line and line_width + extra > width:
                pdf.cell(width, height, " ".join(line), new_x="LMARGIN", new_y="NEXT")
                line, line_width = [word], widths[key]
            else:
                line.append(word)
                line_width += extra
        if line:
            pdf.cell(width, height, " ".join(line), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(after)

    para("TÀI LIỆU THAM KHẢO KHÓA HỌC", 10, "B", GREY, after=1)
    para(f"{course['code']} · {course['title']}", 16, "B", RED, height=8, after=3)
    para(f"Thời lượng: {course['hours']} giờ. Đối tượng: {course['audience']}", 10, color=GREY)
    para(course["summary"])
    cited = []
    for module_number, module in enumerate(course["modules"], start=1):
        para(f"Phần {module_number}. {module['title']}", 13, "B", RED, height=7, after=1)
        if module.get("intro"):
            para(module["intro"], 10, color=GREY)
        for lesson in module["lessons"]:
            para(f"{lesson['title']} ({lesson['minutes']} phút)", 12, "B", after=1)
            if lesson.get("summary"):
                para(lesson["summary"], 10, color=GREY)
            for block in lesson["body"]:
                if "heading" in block:
                    para(block["heading"], 11, "B", after=0.5)
                elif "paragraph" in block:
                    for line in _lines(block["paragraph"]):
                        para(line, 10, height=5.2, after=1)
                elif "callout" in block:
                    para(f"{block['title']}: " if block.get("title") else "", 10, "B", height=5.2, after=0)
                    for line in _lines(block["text"]):
                        para(line, 10, height=5.2, after=1)
                elif "cite" in block:
                    if block["cite"] not in cited:
                        cited.append(block["cite"])
                    where = " ".join(filter(None, [block["cite"], block.get("article", "")]))
                    text = f"“{block['quote']}”" if block.get("quote") else block.get("note", "")
                    para(f"[{where}] {text}", 9, color=GREY, height=4.8, after=1)
            pdf.ln(2)
    para("Văn bản được viện dẫn trong khóa học", 13, "B", RED, height=7, after=1)
    for number in cited:
        regulation = regulations[number]
        issued = f", ngày {regulation.issued_on:%d/%m/%Y}" if regulation.issued_on else ""
        para(f"• {regulation.number}{issued} ({regulation.issuer}): {regulation.title}", 10, after=1)
    para("Tài liệu dùng cho học tập trên KTLearn; khi áp dụng, đối chiếu nguyên văn văn bản trong thư viện "
         "văn bản và hướng dẫn mới nhất của cấp có thẩm quyền.", 9, color=GREY, height=4.8)
    return bytes(pdf.output())


_DOCX_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
_DOCX_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/></Relationships>'
)


def _docx_paragraph(text: str, *, bold=False, center=False, size=26) -> str:
    paragraph_props = '<w:pPr><w:jc w:val="center"/></w:pPr>' if center else ""
    run_props = ('<w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:cs="Times New Roman"/>'
                 + ("<w:b/>" if bold else "") + f'<w:sz w:val="{size}"/></w:rPr>')
    return (f"<w:p>{paragraph_props}<w:r>{run_props}"
            f'<w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>')


def template_docx(template: dict) -> bytes:
    """A model document as a Word file (.docx, Times New Roman 13 as Party documents use): the
    header lines, the title, then each line of the body; ``**…**`` lines are bold headings and
    dotted lines are left for the unit to fill in. Standard library only (a zip of three XML parts)."""
    parts = [_docx_paragraph(line, bold=index == 0, center=True) for index, line in enumerate(template["header"])]
    parts.append(_docx_paragraph(""))
    parts.append(_docx_paragraph(template["heading"].upper(), bold=True, center=True, size=28))
    parts.append(_docx_paragraph(""))
    for line in template["lines"]:
        if line.startswith("**") and line.endswith("**"):
            parts.append(_docx_paragraph(line.strip("*"), bold=True))
        else:
            parts.append(_docx_paragraph(line))
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
        + "".join(parts)
        + '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/>'
        '<w:pgMar w:top="1134" w:right="1134" w:bottom="1134" w:left="1701" w:header="0" w:footer="0" w:gutter="0"/>'
        "</w:sectPr></w:body></w:document>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _DOCX_TYPES)
        archive.writestr("_rels/.rels", _DOCX_RELS)
        archive.writestr("word/document.xml", document)
    return buffer.getvalue()
