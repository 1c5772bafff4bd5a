"""Rotation services: recording, starting, completing and cancelling, and every refusal writing nothing."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from organization.models import CadreStatus, PositionAssignment
from rotation import services
from rotation.models import Rotation, RotationDirection, RotationStatus
from tests.factories import CadreFactory, add_unit

from .builders import (  # noqa: F401 -- fixtures
    d,
    decision,
    english,
    rotate_in,
    rotate_out,
    rotate_within,
)

TODAY = d("29/11/2026")


def _history(cadre):
    entries = PositionAssignment.objects.filter(cadre=cadre).select_related("unit", "position")
    return [(a.unit.code, a.position.code, a.start_date, a.end_date) for a in entries.order_by("start_date")]


def _messages(excinfo) -> str:
    return " ".join(excinfo.value.messages)


# --- recording ---------------------------------------------------------------------------------


def test_the_planned_end_defaults_to_36_months_after_the_start(cadre_a):
    rotation = rotate_out(cadre_a, d("15/03/2024"))
    assert rotation.planned_end == d("15/03/2027")
    assert rotation.status == RotationStatus.PLANNED


def test_a_rotation_out_leaves_the_cadres_current_post_by_default(cadre_a, province):
    rotation = rotate_out(cadre_a, d("01/03/2024"))
    assert (rotation.from_unit, rotation.from_position) == (province.a1, province.member)


def test_recording_a_rotation_changes_neither_history_nor_status(cadre_a):
    before = _history(cadre_a)
    rotate_out(cadre_a, d("01/03/2024"))
    cadre_a.refresh_from_db()
    assert _history(cadre_a) == before
    assert cadre_a.status == CadreStatus.ACTIVE


def test_an_end_before_the_start_is_refused_and_nothing_is_written(cadre_a):
    with pytest.raises(ValidationError) as excinfo:
        rotate_out(cadre_a, d("01/03/2024"), planned_end=d("01/01/2024"))
    assert "The planned end cannot be before the start date." in _messages(excinfo)
    assert not Rotation.objects.exists()


def test_a_decision_dated_after_the_start_is_refused(cadre_a):
    with pytest.raises(ValidationError) as excinfo:
        services.rotation_create(
            by=None, cadre=cadre_a, direction=RotationDirection.OUT, start_date=d("01/03/2024"),
            decision_number="1-QĐ/TU", decision_date=d("05/03/2024"), decision_issuer="BTV",
            to_post_title="Phó Chủ tịch UBND xã",
        )
    assert "The decision must be dated on or before the start date." in _messages(excinfo)
    assert not Rotation.objects.exists()


def test_overlapping_rotations_are_refused_with_the_other_rotations_dates(cadre_a):
    first = rotate_out(cadre_a, d("01/03/2024"))
    with pytest.raises(ValidationError) as excinfo:
        rotate_out(cadre_a, d("01/01/2026"))
    message = _messages(excinfo)
    assert "already has a rotation from 01/03/2024 to 01/03/2027" in message
    assert first.decision_number in message
    assert Rotation.objects.count() == 1


def test_a_rotation_ending_the_day_before_another_starts_does_not_overlap(cadre_a):
    rotate_out(cadre_a, d("01/03/2021"), planned_end=d("28/02/2024"))
    rotate_out(cadre_a, d("01/03/2024"))
    assert Rotation.objects.filter(cadre=cadre_a).count() == 2


def test_a_cancelled_rotation_does_not_block_another(cadre_a):
    first = rotate_out(cadre_a, d("01/03/2024"))
    services.rotation_cancel(by=None, rotation=first)
    rotate_out(cadre_a, d("01/06/2024"))
    assert Rotation.objects.filter(cadre=cadre_a, status=RotationStatus.PLANNED).count() == 1


def test_a_destination_closed_at_the_start_date_is_refused(cadre_a, province):
    closed = add_unit(province.b, "B9", is_active=False, closed_on=d("30/06/2025"))
    with pytest.raises(ValidationError) as excinfo:
        rotate_within(cadre_a, d("01/07/2025"), to_unit=closed, to_position=province.member)
    assert "is closed on 01/07/2025 and cannot receive a rotated cadre" in _messages(excinfo)
    assert not Rotation.objects.exists()


def test_a_destination_closed_only_later_is_accepted_for_an_earlier_rotation(cadre_a, province):
    closed = add_unit(province.b, "B9", is_active=False, closed_on=d("30/06/2025"))
    rotation = rotate_within(cadre_a, d("01/07/2022"), to_unit=closed, to_position=province.member)
    assert rotation.to_unit == closed


@pytest.mark.parametrize(
    ("direction", "fields", "message"),
    [
        (RotationDirection.OUT, {"to_post_title": ""}, "Give the post the cadre takes up outside inspection work."),
        (RotationDirection.INTO, {"from_post_title": ""}, "Give the post the cadre held outside inspection work."),
        (RotationDirection.INTO, {"from_post_title": "Phó Bí thư"}, "Give the inspection unit the cadre goes to."),
        (RotationDirection.WITHIN, {}, "Give the inspection unit the cadre goes to."),
    ],
)
def test_each_direction_needs_its_posts(cadre_a, direction, fields, message):
    with pytest.raises(ValidationError) as excinfo:
        services.rotation_create(by=None, cadre=cadre_a, direction=direction, start_date=d("01/03/2024"),
                                 **decision(d("01/03/2024")), **fields)
    assert message in _messages(excinfo)
    assert not Rotation.objects.exists()


def test_a_manager_cannot_record_a_rotation_between_units_outside_his_subtree(cadre_b, province, manager_a):
    with pytest.raises(PermissionDenied) as excinfo:
        rotate_within(cadre_b, d("01/03/2024"), to_unit=province.b, to_position=province.member, by=manager_a)
    assert str(excinfo.value) == "You can only record rotations into or out of the units you manage."
    assert not Rotation.objects.exists()


def test_a_manager_may_rotate_a_cadre_into_his_subtree_from_another(cadre_b, province, manager_a):
    rotation = rotate_within(cadre_b, d("01/03/2024"), to_unit=province.a1, to_position=province.member,
                             by=manager_a)
    assert rotation.from_unit == province.b1
    assert rotation.created_by == manager_a


def test_the_board_records_rotations_anywhere(cadre_b, board_user):
    assert rotate_out(cadre_b, d("01/03/2024"), by=board_user).created_by == board_user


def test_few_years_of_service_left_is_flagged_not_refused(cadre_a):
    rotation = rotate_out(cadre_a, d("01/03/2024"), years_of_service_left=7)
    assert rotation.short_service_left
    assert not rotate_out(CadreFactory(unit=cadre_a.unit, position=cadre_a.position), d("01/03/2024"),
                          years_of_service_left=12).short_service_left


# --- the decision file ---------------------------------------------------------------------------


def test_a_pdf_decision_is_stored(cadre_a):
    upload = SimpleUploadedFile("qd-15.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n", content_type="application/pdf")
    rotation = rotate_out(cadre_a, d("01/03/2024"), decision_file=upload)
    assert rotation.decision_file.name.startswith("rotations/")


def test_a_file_that_is_not_what_its_name_says_is_refused(cadre_a):
    upload = SimpleUploadedFile("qd-15.pdf", b"MZ\x90\x00 an executable", content_type="application/pdf")
    with pytest.raises(ValidationError) as excinfo:
        rotate_out(cadre_a, d("01/03/2024"), decision_file=upload)
    assert "“qd-15.pdf” is not a real .pdf file." in _messages(excinfo)
    assert not Rotation.objects.exists()


def test_a_decision_file_of_another_type_is_refused(cadre_a):
    upload = SimpleUploadedFile("qd-15.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    with pytest.raises(ValidationError) as excinfo:
        rotate_out(cadre_a, d("01/03/2024"), decision_file=upload)
    assert "is not an allowed file type. Upload one of .pdf" in _messages(excinfo)


def test_a_decision_file_over_the_limit_is_refused(cadre_a, settings):
    settings.KTLEARN_DECISION_FILE_MAX_BYTES = 100
    upload = SimpleUploadedFile("qd-15.pdf", b"%PDF-1.4\n" + b"0" * 200, content_type="application/pdf")
    with pytest.raises(ValidationError) as excinfo:
        rotate_out(cadre_a, d("01/03/2024"), decision_file=upload)
    assert "files may be at most 100" in _messages(excinfo)
    assert not Rotation.objects.exists()


# --- starting ------------------------------------------------------------------------------------


def test_starting_a_rotation_out_ends_the_post_and_marks_the_cadre_rotated(cadre_a):
    rotation = rotate_out(cadre_a, d("01/03/2024"))
    services.rotation_start(by=None, rotation=rotation, today=TODAY)
    cadre_a.refresh_from_db()
    assert cadre_a.status == CadreStatus.ROTATED
    assert _history(cadre_a) == [("A1", "uv-kiem-nhiem", d("01/01/2020"), d("29/02/2024"))]
    rotation.refresh_from_db()
    assert rotation.status == RotationStatus.IN_PROGRESS


def test_starting_a_rotation_into_inspection_records_the_new_post_and_activates_the_cadre(province):
    cadre = CadreFactory(unit=province.b1, position=province.member, status=CadreStatus.LEFT)
    PositionAssignment.objects.filter(cadre=cadre).update(end_date=d("31/12/2022"))
    rotation = rotate_in(cadre, d("01/04/2024"), to_unit=province.a1, to_position=province.chair)
    services.rotation_start(by=None, rotation=rotation, today=TODAY)
    cadre.refresh_from_db()
    assert (cadre.unit, cadre.position, cadre.status) == (province.a1, province.chair, CadreStatus.ACTIVE)
    assert _history(cadre)[-1] == ("A1", "chu-nhiem", d("01/04/2024"), None)
    assert "Rotation" in PositionAssignment.objects.get(cadre=cadre, end_date=None).reason


def test_starting_a_rotation_within_the_sector_moves_the_cadre(cadre_a, province):
    rotation = rotate_within(cadre_a, d("01/03/2024"), to_unit=province.b1, to_position=province.deputy)
    services.rotation_start(by=None, rotation=rotation, today=TODAY)
    assert _history(cadre_a) == [
        ("A1", "uv-kiem-nhiem", d("01/01/2020"), d("29/02/2024")),
        ("B1", "pcn-chuyen-trach", d("01/03/2024"), None),
    ]


def test_a_rotation_cannot_start_before_its_start_date(cadre_a):
    rotation = rotate_out(cadre_a, TODAY + datetime.timedelta(days=5))
    with pytest.raises(ValidationError) as excinfo:
        services.rotation_start(by=None, rotation=rotation, today=TODAY)
    assert "it can be started from that day on" in _messages(excinfo)
    rotation.refresh_from_db()
    assert rotation.status == RotationStatus.PLANNED


def test_starting_a_started_rotation_is_refused_and_changes_nothing(cadre_a):
    rotation = rotate_out(cadre_a, d("01/03/2024"))
    services.rotation_start(by=None, rotation=rotation, today=TODAY)
    history = _history(cadre_a)
    with pytest.raises(ValidationError) as excinfo:
        services.rotation_start(by=None, rotation=rotation, today=TODAY)
    assert _messages(excinfo) == "Only a planned rotation can be started; this one is in progress."
    assert _history(cadre_a) == history


def test_a_started_rotation_cannot_be_cancelled(cadre_a):
    rotation = rotate_out(cadre_a, d("01/03/2024"))
    services.rotation_start(by=None, rotation=rotation, today=TODAY)
    with pytest.raises(ValidationError) as excinfo:
        services.rotation_cancel(by=None, rotation=rotation)
    assert _messages(excinfo) == "Only a planned rotation can be cancelled; this one is in progress."
    rotation.refresh_from_db()
    assert rotation.status == RotationStatus.IN_PROGRESS


def test_a_second_rotation_cannot_start_while_one_is_in_progress(cadre_a, province):
    first = rotate_out(cadre_a, d("01/03/2021"), planned_end=d("28/02/2024"))
    services.rotation_start(by=None, rotation=first, today=TODAY)
    second = rotate_out(cadre_a, d("01/03/2024"))
    with pytest.raises(ValidationError) as excinfo:
        services.rotation_start(by=None, rotation=second, today=TODAY)
    assert f"is still on the rotation of decision {first.decision_number}; complete it first" in _messages(excinfo)


def test_a_manager_cannot_start_a_rotation_of_another_subtree(cadre_b, manager_a):
    rotation = rotate_out(cadre_b, d("01/03/2024"))
    with pytest.raises(PermissionDenied):
        services.rotation_start(by=manager_a, rotation=rotation, today=TODAY)
    rotation.refresh_from_db()
    assert rotation.status == RotationStatus.PLANNED


# --- completing ----------------------------------------------------------------------------------


def _started_out(cadre):
    rotation = rotate_out(cadre, d("01/03/2024"))
    return services.rotation_start(by=None, rotation=rotation, today=TODAY).rotation


def test_completing_a_rotation_out_returns_the_cadre_to_the_post_left(cadre_a):
    rotation = _started_out(cadre_a)
    services.rotation_complete(by=None, rotation=rotation, on=d("31/08/2026"), today=TODAY)
    cadre_a.refresh_from_db()
    assert cadre_a.status == CadreStatus.ACTIVE
    assert _history(cadre_a)[-1] == ("A1", "uv-kiem-nhiem", d("01/09/2026"), None)
    rotation.refresh_from_db()
    assert (rotation.status, rotation.actual_end) == (RotationStatus.COMPLETED, d("31/08/2026"))


def test_completing_with_a_new_placement_puts_the_cadre_there(cadre_a, province):
    rotation = _started_out(cadre_a)
    services.rotation_complete(by=None, rotation=rotation, on=d("31/08/2026"), unit=province.b1,
                               position=province.deputy, today=TODAY)
    cadre_a.refresh_from_db()
    assert (cadre_a.unit, cadre_a.position) == (province.b1, province.deputy)


def test_completing_a_rotation_into_inspection_without_placement_ends_inspection_work(province):
    cadre = CadreFactory(unit=province.a1, position=province.member, appointed_on=d("01/04/2024"))
    rotation = rotate_in(cadre, d("01/04/2024"), to_unit=province.a1, to_position=province.member)
    services.rotation_start(by=None, rotation=rotation, today=TODAY)
    services.rotation_complete(by=None, rotation=rotation, on=d("31/10/2026"), today=TODAY)
    cadre.refresh_from_db()
    assert cadre.status == CadreStatus.LEFT
    assert _history(cadre) == [("A1", "uv-kiem-nhiem", d("01/04/2024"), d("31/10/2026"))]


def test_a_closed_return_unit_asks_for_a_new_placement(cadre_a, province):
    rotation = _started_out(cadre_a)
    province.a1.__class__.objects.filter(pk=province.a1.pk).update(is_active=False, closed_on=d("01/01/2026"))
    with pytest.raises(ValidationError) as excinfo:
        services.rotation_complete(by=None, rotation=rotation, on=d("31/08/2026"), today=TODAY)
    assert "is closed: choose the unit and position of the new placement" in _messages(excinfo)
    rotation.refresh_from_db()
    assert rotation.status == RotationStatus.IN_PROGRESS


@pytest.mark.parametrize(
    ("on", "message"),
    [
        (d("28/02/2024"), "The actual end cannot be before the start date (01/03/2024)."),
        (TODAY + datetime.timedelta(days=1), "The actual end cannot be in the future."),
    ],
)
def test_an_actual_end_out_of_range_is_refused(cadre_a, on, message):
    rotation = _started_out(cadre_a)
    with pytest.raises(ValidationError) as excinfo:
        services.rotation_complete(by=None, rotation=rotation, on=on, today=TODAY)
    assert _messages(excinfo) == message
    cadre_a.refresh_from_db()
    assert cadre_a.status == CadreStatus.ROTATED


def test_a_planned_rotation_cannot_be_completed(cadre_a):
    rotation = rotate_out(cadre_a, d("01/03/2024"))
    with pytest.raises(ValidationError) as excinfo:
        services.rotation_complete(by=None, rotation=rotation, on=d("01/06/2024"), today=TODAY)
    assert _messages(excinfo) == "Only a rotation in progress can be completed; this one is planned."


def test_a_late_actual_end_that_would_overlap_the_next_rotation_is_refused(cadre_a):
    rotation = rotate_out(cadre_a, d("01/03/2022"), planned_end=d("28/02/2025"))
    services.rotation_start(by=None, rotation=rotation, today=TODAY)
    rotate_out(cadre_a, d("01/06/2025"))
    with pytest.raises(ValidationError) as excinfo:
        services.rotation_complete(by=None, rotation=rotation, on=d("30/06/2025"), today=TODAY)
    assert "a cadre's rotations cannot overlap" in _messages(excinfo)
    rotation.refresh_from_db()
    assert rotation.actual_end is None


# --- cancelling and editing ----------------------------------------------------------------------


def test_cancelling_keeps_the_rotation_with_the_reason_in_its_notes(cadre_a):
    rotation = rotate_out(cadre_a, d("01/03/2024"))
    services.rotation_cancel(by=None, rotation=rotation, reason="Quyết định bị thu hồi")
    rotation.refresh_from_db()
    assert rotation.status == RotationStatus.CANCELLED
    assert "Quyết định bị thu hồi" in rotation.notes


def test_a_planned_rotation_can_change_its_posts(cadre_a, province):
    rotation = rotate_within(cadre_a, d("01/03/2024"), to_unit=province.b1, to_position=province.member)
    services.rotation_update(by=None, rotation=rotation, to_position=province.deputy)
    rotation.refresh_from_db()
    assert rotation.to_position == province.deputy


def test_a_started_rotation_keeps_its_posts_but_its_decision_details_can_change(cadre_a, province):
    rotation = _started_out(cadre_a)
    with pytest.raises(ValidationError) as excinfo:
        services.rotation_update(by=None, rotation=rotation, start_date=d("01/04/2024"))
    assert "can no longer be changed" in _messages(excinfo)
    services.rotation_update(by=None, rotation=rotation, decision_number="99-QĐ/TU", planned_end=d("01/03/2028"))
    rotation.refresh_from_db()
    assert (rotation.start_date, rotation.decision_number, rotation.planned_end) == (
        d("01/03/2024"), "99-QĐ/TU", d("01/03/2028"))
