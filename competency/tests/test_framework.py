import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from competency.imports import framework_workbook_export, framework_workbook_parse
from competency.models import Framework, Requirement
from competency.services import framework_activate, framework_import
from tests.factories import PositionFactory, UserFactory
from tests.spreadsheets import BOMB_MESSAGE, FORMULAS, NOT_EXCEL_MESSAGE, exe_bytes, png_bytes, text_cells, zip_bomb

from .builders import make_framework, require, workbook

pytestmark = pytest.mark.django_db


@pytest.fixture
def position():
    return PositionFactory(code="uv", name="Ủy viên")


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    return client


def _errors(file):
    return [str(e) for e in framework_workbook_parse(file).errors]


def test_activating_a_version_deactivates_the_previous_one():
    old = make_framework(version="2022", active=True)
    new = make_framework(version="2025", active=False)
    framework_activate(framework=new)
    assert list(Framework.objects.filter(is_active=True)) == [new]
    old.refresh_from_db()
    assert not old.is_active


def test_a_framework_without_competencies_cannot_be_activated():
    old = make_framework(version="2022", active=True)
    empty = make_framework(version="2025", active=False, competencies=())
    with pytest.raises(ValidationError, match="without competencies"):
        framework_activate(framework=empty)
    old.refresh_from_db()
    assert old.is_active


def test_import_creates_an_inactive_version_with_everything(position):
    fw = framework_import(file=workbook(), name="Khung 2025", version="2025")
    assert not fw.is_active
    assert fw.levels.count() == 4
    assert list(fw.competencies.values_list("code", "area__code")) == [("CT1", "CT"), ("GS1", "GS")]
    assert Requirement.objects.get(framework=fw, competency__code="GS1", unit_kind="commune").required_level == 3


def test_export_then_import_gives_the_same_framework(position):
    fw = make_framework(version="2022")
    require(fw, "A1", position, 2)
    require(fw, "A2", position, 3, kind="ward")
    data = io.BytesIO(framework_workbook_export(fw))
    copy = framework_import(file=data, name="Bản sao", version="2022-b")
    assert list(copy.requirements.values_list("competency__code", "unit_kind", "required_level").order_by(
        "competency__code")) == [("A1", "", 2), ("A2", "ward", 3)]
    assert list(copy.levels.values_list("name", flat=True)) == ["Biết", "Hiểu", "Vận dụng", "Thành thạo"]


def test_export_has_the_four_sheets():
    wb = load_workbook(io.BytesIO(framework_workbook_export(make_framework())))
    assert wb.sheetnames == ["levels", "areas", "competencies", "requirements"]


def test_unknown_codes_are_reported_with_their_row(position):
    errors = _errors(workbook(
        competencies=[["CT1", "XX", "Bản lĩnh", "", 1]],
        requirements=[["ZZ9", "uv", "", 1], ["CT1", "khong-co", "", 1]],
    ))
    assert "competencies, row 2: Unknown area code 'XX'." in errors
    assert "requirements, row 2: Unknown competency code 'ZZ9'." in errors
    assert "requirements, row 3: Unknown position code 'khong-co'." in errors


def test_duplicate_codes_are_reported(position):
    errors = _errors(workbook(
        areas=[["CT", "Chính trị", 1], ["CT", "Lặp", 2]],
        competencies=[["CT1", "CT", "A", "", 1], ["CT1", "CT", "B", "", 2]],
        requirements=[["CT1", "uv", "", 1], ["CT1", "uv", "", 2]],
    ))
    assert "areas, row 3: Duplicate area code CT." in errors
    assert "competencies, row 3: Duplicate competency code CT1." in errors
    assert "requirements, row 3: Duplicate requirement for this competency, position and unit kind." in errors


def test_levels_outside_the_scale_are_refused(position):
    errors = _errors(workbook(requirements=[["CT1", "uv", "", 5], ["GS1", "uv", "", 0]]))
    assert "requirements, row 2: Required level '5' is outside the scale (1–4)." in errors
    assert "requirements, row 3: Required level '0' is outside the scale (1–4)." in errors


def test_a_scale_with_gaps_is_refused(position):
    errors = _errors(workbook(levels=[[1, "Biết", ""], [3, "Vận dụng", ""]]))
    assert "levels: The scale must run 1, 2, 3… without gaps." in errors


def test_unknown_unit_kind_is_refused(position):
    errors = _errors(workbook(requirements=[["CT1", "uv", "huyen", 2]]))
    assert any("Unknown unit kind 'huyen'" in e for e in errors)


def test_missing_sheet_is_reported():
    assert "requirements: The workbook has no sheet named 'requirements'." in _errors(workbook(drop=("requirements",)))


def test_a_file_that_is_not_a_workbook_is_refused():
    assert _errors(io.BytesIO(b"not a workbook")) == [f"file: {NOT_EXCEL_MESSAGE}"]


def test_import_with_one_bad_row_writes_nothing(position):
    with pytest.raises(ValidationError, match="Unknown position code"):
        framework_import(file=workbook(requirements=[["CT1", "uv", "", 2], ["GS1", "nobody", "", 2]]),
                         name="Khung", version="2025")
    assert not Framework.objects.exists()


def test_import_of_an_existing_version_is_refused():
    make_framework(version="2025")
    with pytest.raises(ValidationError, match="already exists"):
        framework_import(file=workbook(), name="Khung", version="2025")
    assert Framework.objects.count() == 1


def test_admin_import_shows_preview_then_writes_on_confirmation(admin_client, position):
    upload = SimpleUploadedFile("khung.xlsx", workbook().read())
    response = admin_client.post("/admin/competency/framework-import/",
                                 {"name": "Khung 2025", "version": "2025", "file": upload})
    assert response.status_code == 200
    assert "Giám sát thường xuyên" in response.content.decode()
    assert not Framework.objects.exists()
    confirm = response.context["confirm_form"]
    response = admin_client.post("/admin/competency/framework-import/confirm/",
                                 {f.name: f.value() or "" for f in confirm})
    assert response.status_code == 302
    assert Framework.objects.get().competencies.count() == 2


def test_admin_import_lists_every_error_and_writes_nothing(admin_client, position):
    upload = SimpleUploadedFile("khung.xlsx", workbook(requirements=[["CT1", "uv", "", 9]]).read())
    response = admin_client.post("/admin/competency/framework-import/",
                                 {"name": "Khung", "version": "2025", "file": upload})
    body = response.content.decode()
    assert "outside the scale (1–4)" in body
    assert "confirm_form" not in response.context or response.context["confirm_form"] is None
    assert not Framework.objects.exists()


def test_admin_activate_action(admin_client):
    make_framework(version="2022", active=True)
    new = make_framework(version="2025", active=False)
    response = admin_client.post(f"/admin/competency/frameworks/{new.pk}/activate/")
    assert response.status_code == 302
    assert Framework.objects.get(is_active=True) == new


def test_admin_framework_list_offers_activate_and_export(admin_client):
    new = make_framework(version="2025", active=False)
    body = admin_client.get("/admin/competency/frameworks/").content.decode()
    assert f"/admin/competency/frameworks/{new.pk}/activate/" in body
    assert f"/admin/competency/frameworks/{new.pk}/export/" in body


def test_admin_export_downloads_a_workbook(admin_client):
    fw = make_framework(version="2025")
    response = admin_client.get(f"/admin/competency/frameworks/{fw.pk}/export/")
    assert response["Content-Disposition"] == 'attachment; filename="khung-nang-luc-2025.xlsx"'
    assert load_workbook(io.BytesIO(response.content)).sheetnames[0] == "levels"


def test_a_user_without_permission_cannot_activate(client):
    fw = make_framework(version="2025", active=False)
    client.force_login(UserFactory(username="plain", is_staff=True))
    response = client.post(f"/admin/competency/frameworks/{fw.pk}/activate/")
    assert response.status_code in (302, 403)
    fw.refresh_from_db()
    assert not fw.is_active


@pytest.mark.parametrize("url", ["frameworks", "levels", "areas", "competencies", "requirements", "targets"])
def test_admin_listings_open(admin_client, url):
    make_framework()
    assert admin_client.get(f"/admin/competency/{url}/").status_code == 200


def test_assessor_records_a_manual_assessment_in_the_admin(admin_client):
    from competency.models import Evidence
    from tests.factories import CadreFactory, add_unit, unit_tree_root

    fw = make_framework()
    cadre = CadreFactory(unit=add_unit(unit_tree_root(), "B1"))
    competency = fw.competencies.get(code="A1")
    response = admin_client.post("/admin/competency/evidence/new/", {
        "cadre_code": cadre.code, "competency": competency.pk, "level": 3, "source": "manual",
        "obtained_on": "2025-05-01", "note": "Đánh giá qua cuộc kiểm tra tại cơ sở",
    })
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert (evidence.cadre, evidence.level, evidence.assessor.username) == (cadre, 3, "root")


def test_a_manual_assessment_without_a_note_is_refused(admin_client):
    from competency.models import Evidence
    from tests.factories import CadreFactory, add_unit, unit_tree_root

    fw = make_framework()
    cadre = CadreFactory(unit=add_unit(unit_tree_root(), "B1"))
    response = admin_client.post("/admin/competency/evidence/new/", {
        "cadre_code": cadre.code, "competency": fw.competencies.get(code="A1").pk, "level": 9, "source": "manual",
        "obtained_on": "2025-05-01", "note": "",
    })
    assert response.status_code == 200
    assert "A manual assessment needs a note." in response.content.decode()
    assert "outside the scale (1–4)" in response.content.decode()
    assert not Evidence.objects.exists()


def test_evidence_listing_search(admin_client):
    make_framework()
    assert admin_client.get("/admin/competency/evidence/", {"q": "CB"}).status_code == 200


def test_admin_target_with_empty_population_and_reversed_period_is_refused(admin_client):
    from targets.models import Target

    response = admin_client.post("/admin/competency/targets/new/", {
        "code": "x", "name": "Chỉ tiêu thử", "period_start": "2025-01-01", "period_end": "2024-12-31",
        "population_at": "period_end", "criterion": "trained", "min_hours": "8", "goal_percent": "100",
        "order": "0", "is_active": "on",
    })
    body = response.content.decode()
    assert response.status_code == 200
    assert "The period ends before it starts." in body
    assert "The population is empty: choose at least one position." in body
    assert not Target.objects.exists()


def test_admin_creates_a_target(admin_client, position):
    from targets.models import Target

    response = admin_client.post("/admin/competency/targets/new/", {
        "code": "dao-tao", "name": "Đào tạo 2022–2025", "period_start": "2022-01-01", "period_end": "2025-12-31",
        "positions": [position.pk], "unit_kinds": ["commune", "ward"], "population_at": "period_end",
        "criterion": "trained", "min_hours": "40", "goal_percent": "100", "order": "0", "is_active": "on",
        # The inline criteria and standards (targets.StandardRule): none.
        "standard_rules-TOTAL_FORMS": "0", "standard_rules-INITIAL_FORMS": "0",
    })
    assert response.status_code == 302
    target = Target.objects.get()
    assert (target.unit_kinds, list(target.positions.all())) == (["commune", "ward"], [position])


def test_the_nightly_jobs_are_scheduled():
    from django_celery_beat.models import PeriodicTask

    assert {"competency.rollup_snapshots_nightly", "competency.reports_monthly", "competency.reminders_daily"} <= set(
        PeriodicTask.objects.values_list("task", flat=True))


@pytest.mark.parametrize(("make", "message"), [(zip_bomb, BOMB_MESSAGE), (png_bytes, NOT_EXCEL_MESSAGE),
                                               (exe_bytes, NOT_EXCEL_MESSAGE)], ids=["zip-bomb", "png", "exe"])
def test_a_zip_bomb_or_a_renamed_file_is_refused_and_nothing_is_written(admin_client, make, message):
    upload = SimpleUploadedFile("khung.xlsx", make())
    response = admin_client.post("/admin/competency/framework-import/",
                                 {"file": upload, "name": "Khung", "version": "2031"})
    assert message in response.content.decode()
    assert not Framework.objects.filter(version="2031").exists()
    with pytest.raises(ValidationError) as exc:
        framework_import(file=io.BytesIO(make()), name="Khung", version="2032")
    assert exc.value.messages == [f"file: {message}"]
    assert not Framework.objects.filter(version="2032").exists()


def test_formula_like_names_are_exported_as_text():
    fw = make_framework(competencies=("C1", "C2", "C3"))
    area = fw.areas.get()
    area.name = FORMULAS[0]
    area.save(update_fields=["name"])
    for competency, name in zip(fw.competencies.order_by("code"), FORMULAS[1:], strict=True):
        competency.name = name
        competency.save(update_fields=["name"])
    exported = framework_workbook_export(fw)
    assert text_cells(exported, "areas") == {FORMULAS[0]: "s"}
    assert text_cells(exported, "competencies") == dict.fromkeys(FORMULAS[1:], "s")
    again = framework_workbook_parse(io.BytesIO(exported))
    assert [c["name"] for c in again.competencies] == list(FORMULAS[1:])
