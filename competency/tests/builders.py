"""Small builders for the competency tests."""

import io

from openpyxl import Workbook

from competency.models import Area, Competency, Framework, ProficiencyLevel, Requirement

LEVELS = [(1, "Biết", "Nắm được khái niệm"), (2, "Hiểu", "Giải thích được"), (3, "Vận dụng", "Làm được độc lập"),
          (4, "Thành thạo", "Hướng dẫn người khác")]


def make_framework(version="2025", active=True, competencies=("A1", "A2"), name="Khung năng lực") -> Framework:
    fw = Framework.objects.create(name=name, version=version, is_active=active)
    for level, level_name, descriptor in LEVELS:
        ProficiencyLevel.objects.create(framework=fw, level=level, name=level_name, descriptor=descriptor)
    area = Area.objects.create(framework=fw, code="A", name="Giám sát", order=1)
    for i, code in enumerate(competencies, start=1):
        Competency.objects.create(framework=fw, area=area, code=code, name=f"Năng lực {code}", order=i)
    return fw


def require(fw, code, position, level, kind=""):
    return Requirement.objects.create(
        framework=fw, competency=fw.competencies.get(code=code), position=position, unit_kind=kind,
        required_level=level,
    )


def workbook(*, levels=None, areas=None, competencies=None, requirements=None, drop=()) -> io.BytesIO:
    """An import workbook; each argument is a list of rows (header added), defaults are valid."""
    sheets = {
        "levels": (["level", "name", "descriptor"], levels if levels is not None else [list(r) for r in LEVELS]),
        "areas": (["code", "name", "order"], areas if areas is not None else [["CT", "Chính trị, đạo đức", 1],
                                                                            ["GS", "Giám sát", 2]]),
        "competencies": (["code", "area", "name", "description", "order"],
                         competencies if competencies is not None else [
                             ["CT1", "CT", "Bản lĩnh chính trị", "", 1],
                             ["GS1", "GS", "Giám sát thường xuyên", "Theo QĐ 296", 1]]),
        "requirements": (["competency", "position", "unit_kind", "required_level"],
                         requirements if requirements is not None else [
                             ["CT1", "uv", "", 2], ["GS1", "uv", "", 2], ["GS1", "uv", "commune", 3]]),
    }
    wb = Workbook()
    wb.remove(wb.active)
    for name, (header, rows) in sheets.items():
        if name in drop:
            continue
        ws = wb.create_sheet(name)
        ws.append(header)
        for row in rows:
            ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    out.name = "khung.xlsx"
    return out
