"""Builders and fixtures for the rotation tests (imported by rotation/tests/test_*.py)."""

import datetime
import io
import itertools

import pytest
from openpyxl import Workbook

from rotation import services
from rotation.imports import COLUMNS
from rotation.models import Rotation, RotationDirection, RotationStatus, rotation_default_end

_numbers = itertools.count(100)
ISSUER = "Ban Thường vụ Tỉnh ủy"


@pytest.fixture(autouse=True)
def english(settings):
    """Messages are asserted on their English source text, whatever translations exist: in the
    test itself, in requests (LocaleMiddleware falls back to LANGUAGE_CODE) and in emails."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def d(text: str) -> datetime.date:
    """A date written dd/mm/yyyy, as users write them."""
    day, month, year = (int(part) for part in text.split("/"))
    return datetime.date(year, month, day)


def decision(start: datetime.date) -> dict:
    return {"decision_number": f"{next(_numbers)}-QĐ/TU", "decision_date": start - datetime.timedelta(days=10),
            "decision_issuer": ISSUER}


def rotate_out(cadre, start, *, by=None, **fields) -> Rotation:
    fields.setdefault("to_post_title", "Phó Chủ tịch UBND xã")
    return services.rotation_create(by=by, cadre=cadre, direction=RotationDirection.OUT, start_date=start,
                                    **{**decision(start), **fields})


def rotate_in(cadre, start, *, to_unit, to_position, by=None, **fields) -> Rotation:
    fields.setdefault("from_post_title", "Phó Bí thư Đảng ủy xã")
    return services.rotation_create(by=by, cadre=cadre, direction=RotationDirection.INTO, start_date=start,
                                    to_unit=to_unit, to_position=to_position, **{**decision(start), **fields})


def rotate_within(cadre, start, *, to_unit, to_position, by=None, **fields) -> Rotation:
    return services.rotation_create(by=by, cadre=cadre, direction=RotationDirection.WITHIN, start_date=start,
                                    to_unit=to_unit, to_position=to_position, **{**decision(start), **fields})


def record(cadre, *, direction, start, status=RotationStatus.IN_PROGRESS, planned_end=None, actual_end=None,
           **fields) -> Rotation:
    """A register row written directly (no services, no history): for selector and page tests."""
    if direction == RotationDirection.OUT:
        fields.setdefault("from_unit", cadre.unit)
        fields.setdefault("from_position", cadre.position)
        fields.setdefault("to_post_title", "Phó Chủ tịch UBND xã")
    elif direction == RotationDirection.INTO:
        fields.setdefault("from_post_title", "Phó Bí thư Đảng ủy xã")
        fields.setdefault("to_unit", cadre.unit)
        fields.setdefault("to_position", cadre.position)
    return Rotation.objects.create(
        cadre=cadre, direction=direction, start_date=start, status=status,
        planned_end=planned_end or rotation_default_end(start), actual_end=actual_end,
        **{**decision(start), **fields},
    )


def rotation_file(rows: list[dict], header=None) -> bytes:
    """An .xlsx in the rotation layout; each row a dict of column keys."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header if header is not None else [c.heading for c in COLUMNS])
    for values in rows:
        sheet.append([values.get(c.key, "") for c in COLUMNS])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def file_row(cadre_code="CB-A1", **values) -> dict:
    row = {
        "cadre_code": cadre_code, "direction": "out", "from_unit_code": "A1", "from_position": "uv-kiem-nhiem",
        "to_post_title": "Phó Chủ tịch UBND xã", "decision_number": "15-QĐ/TU", "decision_date": "01/02/2022",
        "decision_issuer": ISSUER, "legal_basis": "QĐ 65", "start_date": "01/03/2022", "planned_end": "",
        "actual_end": "28/02/2025", "status": "completed",
    }
    row.update(values)
    return row
