"""A framework version as an .xlsx workbook: sheets levels, areas, competencies, requirements.

`framework_workbook_parse` reads and checks a workbook without writing anything; every problem is
reported with its sheet and row so the author can fix the file. `framework_workbook_export` writes
the same layout, so an exported framework can be edited and imported as the next version.
"""

import io
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from organization.models import Position, UnitKind

from .models import Framework

SHEETS = {
    "levels": ["level", "name", "descriptor"],
    "areas": ["code", "name", "order"],
    "competencies": ["code", "area", "name", "description", "order"],
    "requirements": ["competency", "position", "unit_kind", "required_level"],
}


@dataclass
class RowError:
    sheet: str
    row: int | None
    message: str

    def __str__(self):
        where = f"{self.sheet}, {_('row')} {self.row}" if self.row else self.sheet
        return f"{where}: {self.message}"


@dataclass
class ParsedFramework:
    levels: list[dict] = field(default_factory=list)
    areas: list[dict] = field(default_factory=list)
    competencies: list[dict] = field(default_factory=list)
    requirements: list[dict] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _int(value) -> int | None:
    text = _text(value)
    try:
        return int(text)
    except ValueError:
        return None


def _rows(ws, sheet: str, errors: list[RowError]):
    """Yield (row number, {column: value}) for the non-empty rows under the header."""
    rows = ws.iter_rows(values_only=True)
    header = next(rows, None)
    if header is None:
        errors.append(RowError(sheet, None, _("The sheet is empty: it needs a header row.")))
        return
    names = [_text(h).lower() for h in header]
    missing = [col for col in SHEETS[sheet] if col not in names and col not in ("descriptor", "description", "order")]
    if missing:
        errors.append(RowError(sheet, 1, _("Missing column(s): %(cols)s.") % {"cols": ", ".join(missing)}))
        return
    for number, values in enumerate(rows, start=2):
        if values is None or all(_text(v) == "" for v in values):
            continue
        yield number, {name: values[i] if i < len(values) else None for i, name in enumerate(names) if name}


def framework_workbook_parse(file) -> ParsedFramework:
    """Read and check a framework workbook. Writes nothing; the result lists every error found."""
    parsed = ParsedFramework()
    errors = parsed.errors
    size = getattr(file, "size", None)
    if size is not None and size > settings.KTLEARN_IMPORT_MAX_BYTES:
        errors.append(RowError(_("file"), None, _("The file is too large.")))
        return parsed
    try:
        wb = load_workbook(file, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of errors for a file that is not a workbook
        errors.append(RowError(_("file"), None, _("This is not an Excel (.xlsx) file.")))
        return parsed
    sheets = {name.strip().lower(): wb[name] for name in wb.sheetnames}
    for sheet in SHEETS:
        if sheet not in sheets:
            errors.append(RowError(sheet, None, _("The workbook has no sheet named '%(sheet)s'.") % {"sheet": sheet}))
    if errors:
        return parsed

    # Levels: a scale 1..n without gaps.
    seen_levels: set[int] = set()
    for number, row in _rows(sheets["levels"], "levels", errors):
        level = _int(row.get("level"))
        name = _text(row.get("name"))
        if level is None or level < 1:
            errors.append(RowError("levels", number, _("The level must be a whole number from 1.")))
            continue
        if level in seen_levels:
            errors.append(RowError("levels", number, _("Duplicate level %(level)s.") % {"level": level}))
            continue
        if not name:
            errors.append(RowError("levels", number, _("The level needs a name.")))
        seen_levels.add(level)
        parsed.levels.append({"level": level, "name": name, "descriptor": _text(row.get("descriptor"))})
    if not seen_levels:
        errors.append(RowError("levels", None, _("The scale has no levels.")))
    elif seen_levels != set(range(1, max(seen_levels) + 1)):
        errors.append(RowError("levels", None, _("The scale must run 1, 2, 3… without gaps.")))

    area_codes: set[str] = set()
    for number, row in _rows(sheets["areas"], "areas", errors):
        code, name = _text(row.get("code")), _text(row.get("name"))
        if not code:
            errors.append(RowError("areas", number, _("The area needs a code.")))
            continue
        if code in area_codes:
            errors.append(RowError("areas", number, _("Duplicate area code %(code)s.") % {"code": code}))
            continue
        if not name:
            errors.append(RowError("areas", number, _("The area needs a name.")))
        area_codes.add(code)
        parsed.areas.append({"code": code, "name": name, "order": _int(row.get("order")) or len(parsed.areas) + 1})

    competency_codes: set[str] = set()
    for number, row in _rows(sheets["competencies"], "competencies", errors):
        code, area, name = _text(row.get("code")), _text(row.get("area")), _text(row.get("name"))
        if not code:
            errors.append(RowError("competencies", number, _("The competency needs a code.")))
            continue
        if code in competency_codes:
            errors.append(RowError("competencies", number, _("Duplicate competency code %(code)s.") % {"code": code}))
            continue
        competency_codes.add(code)
        if area not in area_codes:
            errors.append(RowError("competencies", number, _("Unknown area code '%(code)s'.") % {"code": area}))
        if not name:
            errors.append(RowError("competencies", number, _("The competency needs a name.")))
        parsed.competencies.append({
            "code": code, "area": area, "name": name, "description": _text(row.get("description")),
            "order": _int(row.get("order")) or len(parsed.competencies) + 1,
        })

    position_codes = set(Position.objects.values_list("code", flat=True))
    max_level = max(seen_levels) if seen_levels else 0
    seen_requirements: set[tuple] = set()
    for number, row in _rows(sheets["requirements"], "requirements", errors):
        competency, position = _text(row.get("competency")), _text(row.get("position"))
        kind = _text(row.get("unit_kind"))
        level = _int(row.get("required_level"))
        problems = []
        if competency not in competency_codes:
            problems.append(_("Unknown competency code '%(code)s'.") % {"code": competency})
        if position not in position_codes:
            problems.append(_("Unknown position code '%(code)s'.") % {"code": position})
        if kind and kind not in UnitKind.values:
            problems.append(
                _("Unknown unit kind '%(kind)s' (use one of: %(kinds)s, or leave empty for every kind).")
                % {"kind": kind, "kinds": ", ".join(UnitKind.values)}
            )
        if level is None or not 1 <= level <= max_level:
            problems.append(
                _("Required level '%(level)s' is outside the scale (1–%(max)s).")
                % {"level": _text(row.get("required_level")), "max": max_level}
            )
        key = (competency, position, kind)
        if key in seen_requirements:
            problems.append(_("Duplicate requirement for this competency, position and unit kind."))
        seen_requirements.add(key)
        errors.extend(RowError("requirements", number, p) for p in problems)
        if not problems:
            parsed.requirements.append(
                {"competency": competency, "position": position, "unit_kind": kind, "required_level": level}
            )
    return parsed


def framework_workbook_export(framework: Framework) -> bytes:
    """The framework version as a workbook in the layout `framework_workbook_parse` reads."""
    wb = Workbook()
    wb.remove(wb.active)
    bold = Font(bold=True)

    def sheet(name, rows):
        ws = wb.create_sheet(name)
        ws.append(SHEETS[name])
        for cell in ws[1]:
            cell.font = bold
        for row in rows:
            ws.append(list(row))
        for column, width in zip("ABCDE", (14, 40, 60, 50, 10), strict=False):
            ws.column_dimensions[column].width = width

    sheet("levels", framework.levels.order_by("level").values_list("level", "name", "descriptor"))
    sheet("areas", framework.areas.order_by("order", "code").values_list("code", "name", "order"))
    sheet(
        "competencies",
        framework.competencies.order_by("area__order", "order", "code").values_list(
            "code", "area__code", "name", "description", "order"
        ),
    )
    sheet(
        "requirements",
        framework.requirements.order_by("competency__code", "position__order", "unit_kind").values_list(
            "competency__code", "position__code", "unit_kind", "required_level"
        ),
    )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
