"""Builders for import files."""

import csv
import datetime
import io

from openpyxl import Workbook
from openpyxl import load_workbook as _load

from organization.imports import COLUMNS

HEADER = [column.heading for column in COLUMNS]


def row(code="CB001", full_name="Nguyễn Thị Ánh", unit_code="A1", position="uv-kiem-nhiem", **extra):
    values = {"code": code, "full_name": full_name, "unit_code": unit_code, "position": position, **extra}
    return [values.get(column.key, "") for column in COLUMNS]


def xlsx_bytes(rows, header=None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER if header is None else header)
    for values in rows:
        sheet.append(values)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def csv_bytes(rows, header=None, delimiter=",", encoding="utf-8-sig") -> bytes:
    output = io.StringIO()
    writer = csv.writer(output, delimiter=delimiter)
    writer.writerow(HEADER if header is None else header)
    for values in rows:
        writer.writerow(["" if v is None else (v.strftime("%d/%m/%Y") if isinstance(v, datetime.date) else v)
                         for v in values])
    return output.getvalue().encode(encoding)


def read_xlsx(data: bytes):
    """(header, rows, worksheet) of the first sheet."""
    workbook = _load(io.BytesIO(data))
    sheet = workbook.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    return list(rows[0]), [list(r) for r in rows[1:]], sheet
