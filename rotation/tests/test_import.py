"""Importing historical rotations from .xlsx: preview with per-row errors, all or nothing, re-import adds nothing."""

import pytest
from django.urls import reverse

from organization.models import ImportUpload
from rotation import imports as rotations
from rotation import selectors, services
from rotation.models import Rotation, RotationStatus
from tests.factories import add_unit
from tests.spreadsheets import BOMB_MESSAGE, FORMULAS, NOT_EXCEL_MESSAGE, exe_bytes, png_bytes, text_cells, zip_bomb

from .builders import (  # noqa: F401 -- fixtures
    d,
    english,
    file_row,
    record,
    rotation_file,
)

UPLOAD = reverse("rotation_import")


def _report(user, rows, **kwargs):
    from rotation.admin.viewsets import prepare_report

    return prepare_report(user, "luan-chuyen.xlsx", rotation_file(rows, **kwargs))


def _errors(report):
    return {row.number: row.errors for row in report.error_rows}


def test_a_valid_file_is_ready_to_import(cadre_a, board_user):
    report = _report(board_user, [file_row()])
    assert report.is_valid
    [row] = report.valid_rows
    assert (row.direction, row.status, row.legal_basis) == ("out", "completed", "qd65")
    assert (row.start_date, row.planned_end, row.actual_end) == (d("01/03/2022"), d("01/03/2025"), d("28/02/2025"))


def test_vietnamese_words_and_document_numbers_are_understood(cadre_a, board_user):
    report = _report(board_user, [file_row(direction="Ra ngoài ngành kiểm tra", status="Đã kết thúc",
                                           legal_basis="35-KL/TW", in_succession_plan="x")])
    [row] = report.valid_rows
    assert (row.direction, row.status, row.legal_basis, row.in_succession_plan) == ("out", "completed", "kl35", True)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"cadre_code": "CB-KHONG-CO"}, "Unknown cadre code CB-KHONG-CO."),
        ({"from_unit_code": "ZZ9"}, "Unknown unit code ZZ9."),
        ({"from_position": "bí thư"}, "Unknown position “bí thư”."),
        ({"direction": "sideways"}, "Direction: “sideways” is not a known value."),
        ({"start_date": "31/02/2022"}, "Start date: “31/02/2022” is not a date; write dd/mm/yyyy (or yyyy-mm-dd)."),
        ({"planned_end": "01/01/2022"}, "The planned end cannot be before the start date."),
        ({"actual_end": ""}, "A completed rotation needs its actual end."),
        ({"status": "planned"}, "Only a completed rotation has an actual end."),
        ({"decision_number": ""}, "Decision number is missing."),
        ({"to_post_title": ""}, "Give the post the cadre takes up outside inspection work."),
        ({"years_of_service_left": "nhiều"}, "Years of service left: “nhiều” is not a number of years."),
    ],
)
def test_each_bad_row_gets_a_clear_message(cadre_a, board_user, values, message):
    report = _report(board_user, [file_row(**values)])
    assert not report.is_valid
    assert message in _errors(report)[2]


def test_a_destination_closed_at_the_start_is_refused(cadre_a, province, board_user):
    add_unit(province.b, "B9", is_active=False, closed_on=d("30/06/2021"))
    report = _report(board_user, [file_row(direction="within", to_unit_code="B9", to_position="uv-kiem-nhiem",
                                           to_post_title="")])
    assert "is closed on 01/03/2022 and cannot receive a rotated cadre" in " ".join(_errors(report)[2])


def test_an_overlap_with_the_register_is_refused(cadre_a, board_user):
    existing = record(cadre_a, direction="out", start=d("01/01/2024"))
    report = _report(board_user, [file_row(start_date="01/06/2024", actual_end="01/06/2025",
                                           decision_number="99-QĐ/TU")])
    [message] = _errors(report)[2]
    assert f"already has a rotation from 01/01/2024 to 01/01/2027 (decision {existing.decision_number})" in message


def test_two_overlapping_rows_in_the_file_are_refused(cadre_a, board_user):
    report = _report(board_user, [file_row(), file_row(decision_number="16-QĐ/TU", start_date="01/01/2023",
                                                       actual_end="01/01/2024")])
    assert _errors(report) == {3: ["This rotation overlaps the rotation of Nguyễn Văn An on row 2."]}


def test_a_manager_cannot_import_rotations_of_another_subtree(cadre_b, manager_a):
    report = _report(manager_a, [file_row(cadre_code="CB-B1", from_unit_code="B1")])
    assert _errors(report) == {2: ["This rotation is neither into nor out of the units you manage."]}


def test_a_row_already_in_the_register_is_skipped(cadre_a, board_user):
    report = _report(board_user, [file_row()])
    services.rotation_import(by=board_user, rows=report.valid_rows)
    again = _report(board_user, [file_row()])
    assert again.count(rotations.UNCHANGED) == 1
    assert services.rotation_import(by=board_user, rows=again.valid_rows).created == 0
    assert Rotation.objects.count() == 1


def test_few_years_of_service_left_is_a_warning_not_an_error(cadre_a, board_user):
    report = _report(board_user, [file_row(years_of_service_left=6)])
    assert report.is_valid
    assert report.rows[0].warnings == ["Fewer than 10 years of service left (QĐ 65-QĐ/TW)."]


def test_a_file_without_the_required_columns_is_refused(cadre_a, board_user):
    report = _report(board_user, [], header=["Mã cán bộ", "Họ tên"])
    assert any("Missing column(s)" in message for message in report.file_errors)


def test_the_context_costs_a_fixed_number_of_queries(cadre_a, cadre_b, board_user, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        selectors.rotation_import_context(user=board_user, cadre_codes={"CB-A1", "CB-B1", "X"},
                                          unit_codes={"A1", "B1", "ZZ"})


# --- through the admin ------------------------------------------------------------------------------


def _upload(client, data: bytes, name="luan-chuyen.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(UPLOAD, {"file": SimpleUploadedFile(name, data)})


def test_upload_preview_and_confirm_writes_the_rotations(client, cadre_a, cadre_b, board_user):
    client.force_login(board_user)
    response = _upload(client, rotation_file([file_row(), file_row(cadre_code="CB-B1", from_unit_code="B1")]))
    assert response.status_code == 302
    preview = client.get(response["Location"])
    assert "2 rows: 2 new, 0 already in the register, 0 with errors." in preview.text
    assert not Rotation.objects.exists()
    done = client.post(response["Location"])
    assert done.status_code == 302
    assert Rotation.objects.filter(status=RotationStatus.COMPLETED).count() == 2
    assert not ImportUpload.objects.exists()


def test_one_bad_row_means_nothing_is_imported(client, cadre_a, board_user):
    client.force_login(board_user)
    response = _upload(client, rotation_file([file_row(), file_row(cadre_code="CB-KHONG-CO")]))
    preview = client.get(response["Location"])
    assert "Unknown cadre code CB-KHONG-CO." in preview.text
    confirm = client.post(response["Location"])
    assert "Nothing was imported" in confirm.text
    assert not Rotation.objects.exists()


def test_a_change_since_the_preview_is_caught_at_confirmation(client, cadre_a, board_user):
    client.force_login(board_user)
    response = _upload(client, rotation_file([file_row()]))
    record(cadre_a, direction="out", start=d("01/01/2023"), decision_number="7-QĐ/TU")
    confirm = client.post(response["Location"])
    assert "Nothing was imported" in confirm.text
    assert Rotation.objects.count() == 1


def test_a_file_that_is_not_excel_is_refused_at_upload(client, board_user, db):
    client.force_login(board_user)
    response = _upload(client, b"not a workbook", name="luan-chuyen.xlsx")
    assert response.status_code == 200
    assert "not a valid Excel workbook" in response.text


def test_a_cadre_cannot_import(client, db):
    from organization import roles
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="giang-vien", role=roles.TRAINER))
    assert client.get(UPLOAD).status_code == 403


def test_the_export_imports_back_unchanged(client, cadre_a, board_user):
    from organization.tests.builders import read_xlsx

    record(cadre_a, direction="out", start=d("01/03/2022"), status=RotationStatus.COMPLETED,
           actual_end=d("28/02/2025"), years_of_service_left=12, in_succession_plan=True)
    client.force_login(board_user)
    exported = client.get(reverse("rotation_rotation:index"), {"export": "xlsx"})
    assert exported["Content-Type"] == rotations.XLSX_CONTENT_TYPE
    header, rows, _sheet = read_xlsx(exported.content)
    assert header[0] == "Cadre code" and rows[0][0] == "CB-A1"
    from rotation.admin.viewsets import prepare_report

    report = prepare_report(board_user, "export.xlsx", exported.content)
    assert report.is_valid and report.count(rotations.UNCHANGED) == 1


def test_the_import_service_checks_the_scope_again_and_writes_nothing(cadre_a, cadre_b, board_user, manager_a):
    from django.core.exceptions import PermissionDenied

    rows = _report(board_user, [file_row(), file_row(cadre_code="CB-B1", from_unit_code="B1")]).valid_rows
    with pytest.raises(PermissionDenied) as excinfo:
        services.rotation_import(by=manager_a, rows=rows)
    assert str(excinfo.value) == "Row 3: You can only record rotations into or out of the units you manage."
    assert not Rotation.objects.exists()


def test_the_import_service_writes_a_file_in_a_fixed_number_of_queries(cadre_a, cadre_b, board_user,
                                                                       django_assert_max_num_queries):
    rows = _report(board_user, [file_row(), file_row(cadre_code="CB-B1", from_unit_code="B1")]).valid_rows
    with django_assert_max_num_queries(8):
        assert services.rotation_import(by=board_user, rows=rows).created == 2


@pytest.mark.parametrize(("make", "message"), [(zip_bomb, BOMB_MESSAGE), (png_bytes, NOT_EXCEL_MESSAGE),
                                               (exe_bytes, NOT_EXCEL_MESSAGE)], ids=["zip-bomb", "png", "exe"])
def test_a_zip_bomb_or_a_renamed_file_is_refused_and_nothing_is_written(client, cadre_a, board_user, make, message):
    client.force_login(board_user)
    response = _upload(client, make(), name="luan-chuyen.xlsx")
    assert response.status_code == 200
    assert message in response.text
    assert not ImportUpload.objects.exists()
    assert not Rotation.objects.exists()


def test_a_rotation_upload_opens_the_rotation_preview_only(client, cadre_a, board_user, admin_user):
    client.force_login(admin_user)
    response = _upload(client, rotation_file([file_row()]))
    upload = ImportUpload.objects.get()
    assert upload.kind == ImportUpload.Kind.ROTATIONS
    assert client.get(response["Location"]).status_code == 200
    cadre_preview = reverse("organization_cadre_import_preview", kwargs={"token": upload.token})
    assert client.get(cadre_preview).status_code == 404


def test_formula_like_text_is_exported_as_text(client, cadre_a, board_user):
    cadre_a.full_name = FORMULAS[0]
    cadre_a.save(update_fields=["full_name"])
    record(cadre_a, direction="out", start=d("01/03/2022"), status=RotationStatus.COMPLETED,
           actual_end=d("28/02/2025"), decision_issuer=FORMULAS[1], to_post_title=FORMULAS[2], notes=FORMULAS[3])
    client.force_login(board_user)
    exported = client.get(reverse("rotation_rotation:index"), {"export": "xlsx"})
    assert text_cells(exported.content) == dict.fromkeys(FORMULAS, "s")


def test_a_confirmed_import_is_audited_with_who_the_file_and_the_rows(client, cadre_a, cadre_b, board_user):
    from wagtail.models import ModelLogEntry

    client.force_login(board_user)
    response = _upload(client, rotation_file([file_row(), file_row(cadre_code="CB-B1", from_unit_code="B1")]))
    client.post(response["Location"])
    [entry] = ModelLogEntry.objects.filter(action="ktlearn.import")
    assert entry.user == board_user
    assert (entry.data["kind"], entry.data["filename"], entry.data["created"], entry.data["unchanged"]) == (
        "rotations", "luan-chuyen.xlsx", 2, 0)
