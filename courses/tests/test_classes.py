"""In-person classes: registration, attendance (bulk and .xlsx, all or nothing), closing the class,
external training, and the admin scoped by unit."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from courses import services
from courses.attendance import sheet_for
from courses.models import (
    Attendance,
    Certificate,
    ClassRegistration,
    ClassSession,
    Completion,
    ExternalTraining,
    TrainingClass,
)
from organization.models import UnitKind
from tests.factories import CadreFactory, add_unit, make_manager
from tests.spreadsheets import BOMB_MESSAGE, FORMULAS, NOT_EXCEL_MESSAGE, exe_bytes, png_bytes, text_cells, zip_bomb

from . import builders

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def units(province):
    body_a = add_unit(province, "A", name="Đảng bộ A")
    body_b = add_unit(province, "B", name="Đảng bộ B")
    return body_a, add_unit(body_a, "A-1", kind=UnitKind.COMMUNE), body_b


@pytest.fixture
def manager(units):
    return make_manager(units[0])


@pytest.fixture
def klass(units):
    course = builders.course(title="Tập huấn nghiệp vụ giám sát", hours=Decimal("16"))
    training_class = TrainingClass.objects.create(
        course=course, title="Lớp tập huấn giám sát 2026", unit=units[0], venue="Hội trường Tỉnh ủy",
        start_on=D(2026, 3, 2), end_on=D(2026, 3, 4), capacity=3, attendance_threshold=80)
    for day in (2, 3, 4):
        ClassSession.objects.create(training_class=training_class, date=D(2026, 3, day), topic=f"Buổi {day}")
    return training_class


@pytest.fixture
def cadres(units):
    return [CadreFactory(unit=units[1], full_name=f"Học viên {i}") for i in range(3)]


def sessions(training_class):
    return list(training_class.sessions.order_by("date"))


# --- registration --------------------------------------------------------------------------------


def test_manager_registers_cadres_of_their_units(klass, cadres, manager):
    services.class_register(training_class=klass, cadres=cadres[:2], by=manager)
    assert set(klass.registrations.values_list("cadre_id", flat=True)) == {cadres[0].pk, cadres[1].pk}


def test_registration_beyond_capacity_is_refused_and_registers_nobody(klass, cadres, manager, units):
    extra = CadreFactory(unit=units[1])
    with pytest.raises(ValidationError, match="3 places and 3 are left; 4 cadres were given"):
        services.class_register(training_class=klass, cadres=[*cadres, extra], by=manager)
    assert not ClassRegistration.objects.exists()


def test_manager_cannot_register_a_cadre_of_another_unit(klass, manager, units):
    outsider = CadreFactory(unit=units[2])
    with pytest.raises(PermissionDenied):
        services.class_register(training_class=klass, cadres=[outsider], by=manager)
    assert not ClassRegistration.objects.exists()


def test_manager_cannot_manage_a_class_of_another_unit(klass, units):
    other_manager = make_manager(units[2], username="manager-b")
    with pytest.raises(PermissionDenied):
        services.class_register(training_class=klass, cadres=[], by=other_manager)


# --- attendance ---------------------------------------------------------------------------------


@pytest.fixture
def registered(klass, cadres, manager):
    services.class_register(training_class=klass, cadres=cadres, by=manager)
    return cadres


def test_bulk_marking_through_the_attendance_page(client, klass, registered, manager):
    first, second, third = sessions(klass)
    client.force_login(manager)
    response = client.post(reverse("courses_class_attendance", args=[klass.pk]), {
        "present": [f"{first.pk}:{registered[0].pk}", f"{second.pk}:{registered[0].pk}"]})
    assert response.status_code == 302
    marks = {(a.session_id, a.cadre_id): a.present for a in Attendance.objects.all()}
    assert len(marks) == 9  # 3 sessions x 3 cadres, unticked ones recorded as absent
    assert marks[(first.pk, registered[0].pk)] and not marks[(third.pk, registered[0].pk)]
    assert not any(marks[(s.pk, registered[1].pk)] for s in (first, second, third))


def xlsx(rows) -> SimpleUploadedFile:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("diem-danh.xlsx", out.getvalue())


def test_the_downloaded_sheet_imports_back(klass, registered, manager):
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(sheet_for(klass)))
    rows = [list(r) for r in book.active.iter_rows(values_only=True)]
    assert rows[0] == ["Mã cán bộ", "Họ và tên", "02/03/2026", "03/03/2026", "04/03/2026"]
    for row in rows[1:]:
        row[2:] = ["x", "x", None]
    errors = services.attendance_import(training_class=klass, upload=xlsx(rows), by=manager)
    assert errors == []
    assert Attendance.objects.filter(present=True).count() == 6


def test_a_malformed_sheet_reports_every_row_and_writes_nothing(klass, registered, manager):
    upload = xlsx([
        ["Mã cán bộ", "Họ và tên", "02/03/2026", "05/03/2026"],
        [registered[0].code, "", "x", ""],
        ["KHONG-CO", "", "x", ""],
        [registered[1].code, "", "có mặt", ""],
        [registered[0].code, "", "x", ""],
    ])
    errors = services.attendance_import(training_class=klass, upload=upload, by=manager)
    assert errors == [
        "Column 4: “05/03/2026” is not the date of a session of this class.",
        "Row 3: KHONG-CO is not registered in this class.",
        "Row 4, column 3: “có mặt” is not a mark (x = present, empty = absent).",
        f"Row 5: cadre {registered[0].code} is already on row 2.",
    ]
    assert not Attendance.objects.exists()


def test_a_sheet_without_the_code_column_is_refused(klass, registered, manager):
    errors = services.attendance_import(training_class=klass, upload=xlsx([["Tên", "02/03/2026"]]), by=manager)
    assert errors == ["The first column must be headed “Mã cán bộ”."]


def test_a_file_that_is_not_xlsx_is_refused(klass, registered, manager):
    upload = SimpleUploadedFile("diem-danh.xlsx", b"not a zip at all")
    assert services.attendance_import(training_class=klass, upload=upload, by=manager) == [NOT_EXCEL_MESSAGE]
    upload = SimpleUploadedFile("diem-danh.csv", b"Ma,02/03/2026")
    assert services.attendance_import(training_class=klass, upload=upload, by=manager) == [
        "Only .xlsx (Excel) files can be imported here."]
    assert not Attendance.objects.exists()


def test_an_oversized_sheet_is_refused(klass, registered, manager, settings):
    settings.KTLEARN_IMPORT_MAX_BYTES = 2048
    errors = services.attendance_import(training_class=klass, upload=xlsx([["Mã cán bộ"]]), by=manager)
    assert errors == ["The file is 5 KB; the limit is 2 KB."]
    assert not Attendance.objects.exists()


def test_the_import_page_shows_the_errors(client, klass, registered, manager):
    client.force_login(manager)
    response = client.post(reverse("courses_class_attendance_import", args=[klass.pk]),
                           {"file": xlsx([["Mã cán bộ", "02/03/2026"], ["KHONG-CO", "x"]])})
    assert response.status_code == 400
    assert "Row 2: KHONG-CO is not registered in this class." in response.content.decode()
    assert not Attendance.objects.exists()


# --- closing the class --------------------------------------------------------------------------


def _attend(klass, cadre, days):
    for session in sessions(klass)[:days]:
        Attendance.objects.create(session=session, cadre=cadre, present=True)


def test_closing_the_class_completes_the_course_for_those_who_attended_enough(klass, registered, manager):
    _attend(klass, registered[0], 3)
    _attend(klass, registered[1], 2)  # 67% < 80%
    result = services.class_complete(training_class=klass, by=manager, today=D(2026, 3, 5))
    assert result.completed == [registered[0]] and set(result.not_met) == {registered[1], registered[2]}
    completion = Completion.objects.get()
    assert (completion.cadre, completion.source, completion.completed_on, completion.hours, completion.training_class) \
        == (registered[0], "class", D(2026, 3, 4), Decimal("16"), klass)
    assert Certificate.objects.filter(completion=completion).exists()


def test_closing_twice_completes_once(klass, registered, manager):
    _attend(klass, registered[0], 3)
    services.class_complete(training_class=klass, by=manager, today=D(2026, 3, 5))
    services.class_complete(training_class=klass, by=manager, today=D(2026, 3, 6))
    assert Completion.objects.count() == 1


def test_a_required_test_must_be_passed(klass, registered, manager):
    klass.requires_test = True
    klass.save()
    _attend(klass, registered[0], 3)
    _attend(klass, registered[1], 3)
    ClassRegistration.objects.filter(cadre=registered[1]).update(test_passed=True)
    result = services.class_complete(training_class=klass, by=manager, today=D(2026, 3, 5))
    assert result.completed == [registered[1]]


def test_a_class_cannot_be_closed_before_it_ends(klass, registered, manager):
    with pytest.raises(ValidationError, match="it can be closed from that day"):
        services.class_complete(training_class=klass, by=manager, today=D(2026, 3, 3))
    assert not Completion.objects.exists()


# --- admin, scoped ------------------------------------------------------------------------------


def test_manager_sees_only_their_units_classes_in_the_admin(client, klass, units, manager):
    course = klass.course
    TrainingClass.objects.create(course=course, title="Lớp của đơn vị B", unit=units[2], venue="B",
                                 start_on=D(2026, 4, 1), end_on=D(2026, 4, 1), capacity=10)
    client.force_login(manager)
    body = client.get(reverse("courses_class:index")).content.decode()
    assert "Lớp tập huấn giám sát 2026" in body and "Lớp của đơn vị B" not in body


def test_manager_gets_404_for_another_units_class(client, klass, units):
    client.force_login(make_manager(units[2], username="manager-b"))
    assert client.get(reverse("courses_class_attendance", args=[klass.pk])).status_code == 404
    assert client.get(reverse("courses_class:edit", args=[klass.pk])).status_code == 404


def test_external_training_entered_by_a_manager_counts_toward_hours(client, units, manager):
    cadre = CadreFactory(unit=units[1])
    client.force_login(manager)
    response = client.post(reverse("courses_external:add"), {
        "cadre_code": cadre.code, "course_name": "Bồi dưỡng nghiệp vụ kiểm tra", "provider": "UBKT Trung ương",
        "hours": "24", "start_on": "2026-05-04", "end_on": "2026-05-08"})
    assert response.status_code == 302
    from courses.selectors import training_hours

    assert training_hours(cadre=cadre, start=D(2026, 1, 1), end=D(2026, 12, 31)) == Decimal("24")


def test_external_training_for_a_cadre_outside_the_units_is_refused(client, units, manager):
    outsider = CadreFactory(unit=units[2])
    client.force_login(manager)
    response = client.post(reverse("courses_external:add"), {
        "cadre_code": outsider.code, "course_name": "Lớp", "provider": "Trường", "hours": "8",
        "start_on": "2026-05-04", "end_on": "2026-05-04"})
    assert response.status_code == 200
    assert "a cadre outside your units" in response.content.decode()
    assert not ExternalTraining.objects.exists()


def test_external_training_evidence_must_be_a_pdf_or_image(client, units, manager):
    cadre = CadreFactory(unit=units[1])
    client.force_login(manager)
    response = client.post(reverse("courses_external:add"), {
        "cadre_code": cadre.code, "course_name": "Lớp", "provider": "Trường", "hours": "8",
        "start_on": "2026-05-04", "end_on": "2026-05-04",
        "file": SimpleUploadedFile("chung-chi.exe", b"MZ")})
    assert "is not an allowed file type" in response.content.decode()
    assert not ExternalTraining.objects.exists()


def test_the_class_form_offers_only_the_managers_units(client, units, manager):
    client.force_login(manager)
    response = client.get(reverse("courses_class:add"))
    choices = [label for _value, label in response.context["form"].fields["unit"].choices]
    assert any("Đảng bộ A" in str(label) for label in choices)
    assert not any("Đảng bộ B" in str(label) for label in choices)


def test_the_attendance_page_lists_registered_cadres(client, klass, registered, manager):
    client.force_login(manager)
    body = client.get(reverse("courses_class_attendance", args=[klass.pk])).content.decode()
    assert all(c.full_name in body for c in registered)
    assert body.count('type="checkbox" name="present"') == 9


@pytest.mark.parametrize(("make", "message"), [(zip_bomb, BOMB_MESSAGE), (png_bytes, NOT_EXCEL_MESSAGE),
                                               (exe_bytes, NOT_EXCEL_MESSAGE)], ids=["zip-bomb", "png", "exe"])
def test_a_zip_bomb_or_a_renamed_file_is_refused_and_nothing_is_written(klass, registered, manager, make, message):
    upload = SimpleUploadedFile("diem-danh.xlsx", make())
    assert services.attendance_import(training_class=klass, upload=upload, by=manager) == [message]
    assert not Attendance.objects.exists()


def test_formula_like_names_come_out_of_the_attendance_sheet_as_text(klass, registered):
    names, code = FORMULAS[:3], FORMULAS[3]
    for cadre, name in zip(registered, names, strict=True):
        cadre.full_name = name
        cadre.save(update_fields=["full_name"])
    registered[0].code = code
    registered[0].save(update_fields=["code"])
    assert text_cells(sheet_for(klass)) == dict.fromkeys(FORMULAS, "s")
