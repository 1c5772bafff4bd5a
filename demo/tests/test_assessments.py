import datetime
import io
import random

import pytest

from assessments.models import Question, Quiz, Sitting, SittingAnswer
from demo.steps import assessments as demo
from organization import roles
from tests.factories import CadreFactory, UserFactory, unit_tree_root

pytestmark = pytest.mark.django_db


@pytest.fixture
def province():
    unit = unit_tree_root(code="HD", name="Đảng bộ tỉnh Hải Đông")
    UserFactory(username="trainer", role=roles.TRAINER)
    learner_user = UserFactory(username="cadre", role=roles.CADRE)
    CadreFactory(code="HD-CB-00001", full_name="Trần Thị Minh Thu", unit=unit, user=learner_user)
    for i in range(2, 40):
        CadreFactory(code=f"HD-CB-{i:05d}", unit=unit)
    return unit


def _load():
    out = io.StringIO()
    demo.load(stdout=out, rng=random.Random(2026), today=datetime.date(2026, 5, 4))
    return out.getvalue()


def test_demo_builds_banks_quizzes_and_sittings(province):
    _load()
    assert Question.objects.count() >= 60
    assert Question.objects.values("category").distinct().count() >= 6
    assert Quiz.objects.count() == 6
    assert Sitting.objects.filter(passed=True).exists() and Sitting.objects.filter(passed=False).exists()
    assert Sitting.objects.filter(essays_pending__gt=0).exists()  # the trainer's marking queue is not empty
    assert Sitting.objects.values("cadre").distinct().count() >= 30


def test_demo_scores_agree_with_the_answers(province):
    _load()
    for sitting in Sitting.objects.all()[:50]:
        right = SittingAnswer.objects.filter(sitting=sitting, is_correct=True).count()
        assert sitting.current_score == right and sitting.max_score == len(sitting.question_order)


def test_demo_is_idempotent(province):
    _load()
    counts = (Question.objects.count(), Quiz.objects.count(), Sitting.objects.count(), SittingAnswer.objects.count())
    _load()
    assert (Question.objects.count(), Quiz.objects.count(), Sitting.objects.count(),
            SittingAnswer.objects.count()) == counts


def test_demo_links_banks_to_competencies_and_records_evidence(province):
    from competency.models import Area, Competency, Evidence, Framework, ProficiencyLevel

    fw = Framework.objects.create(name="Khung", version="2025", is_active=True)
    for level in range(1, 5):
        ProficiencyLevel.objects.create(framework=fw, level=level, name=f"Mức {level}")
    area = Area.objects.create(framework=fw, code="KL", name="Thi hành kỷ luật đảng")
    Competency.objects.create(framework=fw, area=area, code="KL1", name="Áp dụng quy định về kỷ luật đảng")
    _load()
    assert Evidence.objects.filter(competency__code="KL1", source="quiz").exists()
    assert Evidence.objects.filter(source="quiz").count() == Evidence.objects.values("source_ref", "competency").count()
