"""Files for the spreadsheet tests of every app: a zip bomb named .xlsx, other files renamed .xlsx, formula-like
text, and reading an export back the way Excel would see its cells."""

import functools
import io
import struct
import zipfile
import zlib

from openpyxl import load_workbook

# What an attacker types in a name or a title, hoping the export evaluates it.
FORMULAS = ('=HYPERLINK("http://x","y")', "+1", "-2+3", "@SUM(A1)")
BOMB_MESSAGE = "The file expands to an unreasonable size and was refused."
NOT_EXCEL_MESSAGE = "The file is not a valid Excel workbook (.xlsx). Save it again from Excel as .xlsx."


@functools.cache
def zip_bomb(megabytes: int = 200) -> bytes:
    """A ~200 KB zip with the parts of a workbook, whose sheet inflates to `megabytes` MB of zeros."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook/>')
        chunk = b"0" * (1024 * 1024)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            for _ in range(megabytes):
                member.write(chunk)
    data = buffer.getvalue()
    assert len(data) < 1024 * 1024, "the bomb must be small enough to pass the upload size limit"
    return data


def png_bytes() -> bytes:
    """A real 1×1 PNG, to be renamed .xlsx."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\x00"))
            + chunk(b"IEND", b""))


def exe_bytes() -> bytes:
    """The start of a Windows executable (the MZ header), to be renamed .xlsx."""
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"This program cannot be run"


def cells(data: bytes, sheet: str | int = 0) -> list[list]:
    """Every cell of a sheet of an .xlsx as openpyxl reads it back."""
    book = load_workbook(io.BytesIO(data))
    worksheet = book.worksheets[sheet] if isinstance(sheet, int) else book[sheet]
    return [list(row) for row in worksheet.iter_rows()]


def text_cells(data: bytes, sheet: str | int = 0) -> dict[str, str]:
    """value -> data type of every formula-like text in the sheet, for the values of FORMULAS found there."""
    return {cell.value: cell.data_type for row in cells(data, sheet) for cell in row if cell.value in FORMULAS}
