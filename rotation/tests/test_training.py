"""Rotation-aware training: a cadre rotated into an inspection post gets that post's required courses,
once, due from the rotation's start; what they learnt before still counts."""

import datetime
from decimal import Decimal

import pytest

from competency.models import EvidenceSource
from competency.selectors import competency_gap
from competency.services import evidence_record
from competency.tests.builders import make_framework, require
from courses.models import Completion, Enrollment, EnrollmentSource, EnrollmentStatus
from courses.tests.builders import course
from organization.models import CadreStatus, UnitKind
from rotation import services
from tests.factories import CadreFactory, PositionAssignment

from .builders import english, rotate_in, rotate_out, rotate_within  # noqa: F401 -- fixtures

TODAY = datetime.date(2026, 11, 29)
START = TODAY - datetime.timedelta(days=10)


@pytest.fixture
def courses_for_chair(province):
    """Two mandatory courses for a committee chair (one only in communes), and three that must not be
    assigned to a chair of a commune: for another position, not mandatory, only in wards."""
    return {
        "chair": course(title="Nghiệp vụ chủ nhiệm", positions=[province.chair], mandatory=True,
                        due_days_after_appointment=60),
        "chair_commune": course(title="Kiểm tra ở xã", positions=[province.chair], mandatory=True,
                                due_days_after_appointment=90, target_unit_kinds=[UnitKind.COMMUNE]),
        "member": course(title="Nghiệp vụ ủy viên", positions=[province.member], mandatory=True),
        "optional": course(title="Kỹ năng số", positions=[province.chair], mandatory=False),
        "ward": course(title="Kiểm tra ở phường", positions=[province.chair], mandatory=True,
                       target_unit_kinds=[UnitKind.WARD]),
    }


@pytest.fixture
def outsider(province):
    """A leader from another sector, on record as a cadre who left inspection work years ago."""
    cadre = CadreFactory(code="CB-NGOAI", full_name="Lê Văn Cường", unit=province.b1, position=province.member,
                         status=CadreStatus.LEFT)
    PositionAssignment.objects.filter(cadre=cadre).update(end_date=datetime.date(2021, 12, 31))
    return cadre


def _enrolled(cadre):
    return sorted(
        (e.course.title, e.source, e.due_on)
        for e in Enrollment.objects.filter(cadre=cadre, status=EnrollmentStatus.ACTIVE).select_related("course")
    )


def test_a_rotated_in_cadre_gets_exactly_their_new_posts_required_courses_once(
    province, outsider, courses_for_chair, django_capture_on_commit_callbacks
):
    rotation = rotate_in(outsider, START, to_unit=province.a1, to_position=province.chair)
    # The courses app also reacts to the new position assignment (after commit): it must add nothing.
    with django_capture_on_commit_callbacks(execute=True):
        started = services.rotation_start(by=None, rotation=rotation, today=TODAY)
    expected = [
        ("Kiểm tra ở xã", EnrollmentSource.RULE_ROTATION, START + datetime.timedelta(days=90)),
        ("Nghiệp vụ chủ nhiệm", EnrollmentSource.RULE_ROTATION, START + datetime.timedelta(days=60)),
    ]
    assert len(started.enrollments) == 2
    assert _enrolled(outsider) == expected
    assert services.rotation_training_assign(rotation=rotation, today=TODAY) == []
    assert _enrolled(outsider) == expected


def test_a_rotation_within_the_sector_assigns_the_new_posts_courses(province, cadre_a, courses_for_chair):
    rotation = rotate_within(cadre_a, START, to_unit=province.a1, to_position=province.chair)
    services.rotation_start(by=None, rotation=rotation, today=TODAY)
    assert {title for title, _source, _due in _enrolled(cadre_a)} == {"Nghiệp vụ chủ nhiệm", "Kiểm tra ở xã"}


def test_a_course_completed_before_the_rotation_is_not_assigned_again(province, outsider, courses_for_chair):
    Completion.objects.create(cadre=outsider, course=courses_for_chair["chair"], completed_on=datetime.date(2021, 5, 1),
                              hours=Decimal("8"))
    rotation = rotate_in(outsider, START, to_unit=province.a1, to_position=province.chair)
    services.rotation_start(by=None, rotation=rotation, today=TODAY)
    assert [title for title, _source, _due in _enrolled(outsider)] == ["Kiểm tra ở xã"]


def test_a_rotation_out_of_inspection_assigns_nothing(cadre_a, courses_for_chair):
    rotation = rotate_out(cadre_a, START)
    assert services.rotation_start(by=None, rotation=rotation, today=TODAY).enrollments == []
    assert _enrolled(cadre_a) == []


def test_evidence_earned_before_the_rotation_stays_valid_and_counts_for_the_new_post(province, outsider):
    framework = make_framework(competencies=("GS1", "KT1"))
    require(framework, "GS1", province.chair, 3)
    require(framework, "KT1", province.chair, 2)
    evidence_record(cadre=outsider, competency=framework.competencies.get(code="GS1"), level=3,
                    source=EvidenceSource.QUIZ, source_ref="sitting:1", obtained_on=datetime.date(2020, 6, 1))
    rotation = rotate_in(outsider, START, to_unit=province.a1, to_position=province.chair)
    services.rotation_start(by=None, rotation=rotation, today=TODAY)
    outsider.refresh_from_db()
    gap = {row.competency.code: (row.required, row.attained) for row in competency_gap(cadre=outsider, on=TODAY)}
    assert gap == {"GS1": (3, 3), "KT1": (2, 0)}
