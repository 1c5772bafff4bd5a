"""A framework version as an .xlsx workbook: sheets levels, areas, competencies, requirements.

`framework_workbook_parse` reads and checks a workbook without writing anything; every problem is
reported with its sheet and row so the author can fix the file. `framework_workbook_export` writes
the same layout, so an exported framework can be edited and imported as the next version.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from lms.spreadsheets import XLSX, SpreadsheetError, WorkbookWriter, open_workbook, plain_text, read_upload, sheet_rows
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


def _int(value) -> int | None:
    text = plain_text(value)
    try:
        return int(text)
    except ValueError:
        return None


def _rows(table: list[tuple], sheet: str, errors: list[RowError]):
    """Yield (row number, {column: value}) for the non-empty rows under the header."""
    rows = iter(table)
    header = next(rows, None)
    if header is None:
        errors.append(RowError(sheet, None, _("The sheet is empty: it needs a header row.")))
        return
    names = [plain_text(h).lower() for h in header]
    missing = [col for col in SHEETS[sheet] if col not in names and col not in ("descriptor", "description", "order")]
    if missing:
        errors.append(RowError(sheet, 1, _("Missing column(s): %(cols)s.") % {"cols": ", ".join(missing)}))
        return
    for number, values in enumerate(rows, start=2):
        if values is None or all(plain_text(v) == "" for v in values):
            continue
        yield number, {name: values[i] if i < len(values) else None for i, name in enumerate(names) if name}


def framework_workbook_parse(file) -> ParsedFramework:
    """Read and check a framework workbook. Writes nothing; the result lists every error found. The file
    goes through lms.spreadsheets first (type by content, size, zip bomb): openpyxl never opens a refused one."""
    parsed = ParsedFramework()
    errors = parsed.errors
    try:
        name, _extension, data = read_upload(file, allowed=(XLSX,), default_name="framework.xlsx")
        with open_workbook(name, data, max_bytes=settings.KTLEARN_IMPORT_MAX_BYTES) as wb:
            sheets = {title.strip().lower(): sheet_rows(wb[title]) for title in wb.sheetnames}
    except SpreadsheetError as exc:
        errors.extend(RowError(_("file"), None, message) for message in exc.messages)
        return parsed
    for sheet in SHEETS:
        if sheet not in sheets:
            errors.append(RowError(sheet, None, _("The workbook has no sheet named '%(sheet)s'.") % {"sheet": sheet}))
    if errors:
        return parsed

    # Levels: a scale 1..n without gaps.
    seen_levels: set[int] = set()
    for number, row in _rows(sheets["levels"], "levels", errors):
        level = _int(row.get("level"))
        name = plain_text(row.get("name"))
        if level is None or level < 1:
            errors.append(RowError("levels", number, _("The level must be a whole number from 1.")))
            continue
        if level in seen_levels:
            errors.append(RowError("levels", number, _("Duplicate level %(level)s.") % {"level": level}))
            continue
        if not name:
            errors.append(RowError("levels", number, _("The level needs a name.")))
        seen_levels.add(level)
        parsed.levels.append({"level": level, "name": name, "descriptor": plain_text(row.get("descriptor"))})
    if not seen_levels:
        errors.append(RowError("levels", None, _("The scale has no levels.")))
    elif seen_levels != set(range(1, max(seen_levels) + 1)):
        errors.append(RowError("levels", None, _("The scale must run 1, 2, 3… without gaps.")))

    area_codes: set[str] = set()
    for number, row in _rows(sheets["areas"], "areas", errors):
        code, name = plain_text(row.get("code")), plain_text(row.get("name"))
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
        code, area, name = plain_text(row.get("code")), plain_text(row.get("area")), plain_text(row.get("name"))
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
            "code": code, "area": area, "name": name, "description": plain_text(row.get("description")),
            "order": _int(row.get("order")) or len(parsed.competencies) + 1,
        })

    position_codes = set(Position.objects.values_list("code", flat=True))
    max_level = max(seen_levels) if seen_levels else 0
    seen_requirements: set[tuple] = set()
    for number, row in _rows(sheets["requirements"], "requirements", errors):
        competency, position = plain_text(row.get("competency")), plain_text(row.get("position"))
        kind = plain_text(row.get("unit_kind"))
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
                % {"level": plain_text(row.get("required_level")), "max": max_level}
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
    """The framework version as a workbook in the layout `framework_workbook_parse` reads; names and
    descriptors are stored as text (lms.spreadsheets), never as formulas."""
    writer = WorkbookWriter()

    def sheet(name, rows):
        ws = writer.sheet(name, header=SHEETS[name], widths=(14, 40, 60, 50, 10))
        for row in rows:
            writer.row(ws, row)

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
    return writer.getvalue()
