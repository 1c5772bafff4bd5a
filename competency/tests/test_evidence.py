import datetime

import pytest
from django.core.exceptions import ValidationError

from competency.models import Area, Competency, Evidence, EvidenceSource, Framework, ProficiencyLevel
from competency.selectors import attained_levels
from competency.services import evidence_record
from tests.factories import CadreFactory, add_unit, unit_tree_root

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def competency():
    fw = Framework.objects.create(name="Khung", version="2025", is_active=True)
    for n in (1, 2, 3, 4):
        ProficiencyLevel.objects.create(framework=fw, level=n, name=f"Mức {n}")
    area = Area.objects.create(framework=fw, code="A", name="Giám sát")
    return Competency.objects.create(framework=fw, area=area, code="A1", name="Giám sát thường xuyên")


@pytest.fixture
def cadre():
    root = unit_tree_root()
    return CadreFactory(unit=add_unit(root, "B1"))


def test_same_source_ref_recorded_twice_is_one_row(cadre, competency):
    for _ in range(2):
        evidence_record(cadre=cadre, competency=competency, level=2, source=EvidenceSource.QUIZ,
                        obtained_on=D(2025, 3, 1), source_ref="quiz-sitting:7")
    assert Evidence.objects.count() == 1


def test_level_outside_the_scale_is_refused_and_nothing_written(cadre, competency):
    with pytest.raises(ValidationError, match="outside the scale"):
        evidence_record(cadre=cadre, competency=competency, level=5, source=EvidenceSource.QUIZ,
                        obtained_on=D(2025, 3, 1))
    assert not Evidence.objects.exists()


def test_manual_assessment_needs_assessor_and_note(cadre, competency):
    with pytest.raises(ValidationError, match="assessor"):
        evidence_record(cadre=cadre, competency=competency, level=2, source=EvidenceSource.MANUAL,
                        obtained_on=D(2025, 3, 1))
    assert not Evidence.objects.exists()


def test_attained_level_ignores_expired_and_future_evidence(cadre, competency):
    evidence_record(cadre=cadre, competency=competency, level=3, source=EvidenceSource.COURSE,
                    obtained_on=D(2023, 1, 1), expires_on=D(2024, 12, 31), source_ref="c:1")
    evidence_record(cadre=cadre, competency=competency, level=2, source=EvidenceSource.QUIZ,
                    obtained_on=D(2025, 1, 1), source_ref="q:1")
    evidence_record(cadre=cadre, competency=competency, level=4, source=EvidenceSource.QUIZ,
                    obtained_on=D(2026, 1, 1), source_ref="q:2")
    assert attained_levels(cadre=cadre, on=D(2024, 6, 1)) == {competency.pk: 3}
    assert attained_levels(cadre=cadre, on=D(2025, 6, 1)) == {competency.pk: 2}
