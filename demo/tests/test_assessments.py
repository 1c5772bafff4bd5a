import datetime
import io
import random

import pytest

from assessments.models import Question, Quiz, Sitting, SittingAnswer
from demo import content
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


def _always_first(sitting) -> None:
    """Answer every question with the first option the cadre is shown ("True" for a true/false
    statement, the first listed answer of a multiple-choice one); leave essays blank."""
    from assessments import selectors, services

    for item in selectors.sitting_paper(sitting=sitting):
        if item.kind == "mc":
            services.sitting_answer(sitting_id=sitting.pk, by=sitting.user, question_id=item.question.pk,
                                    choice_ids=[item.options[0][0]])
        elif item.kind == "tf":
            services.sitting_answer(sitting_id=sitting.pk, by=sitting.user, question_id=item.question.pk,
                                    tf_answer=True)


def test_always_choosing_the_first_option_does_not_pass_the_demo_quizzes():
    """Before: every right answer was option 1 and answers were shown as written, so this strategy
    scored 100 % on every attempt. Now the options are shuffled per sitting, the demo's right answers
    are spread over the positions and its true/false statements over true and false, so the strategy
    is worth what blind guessing is: measured over 150 attempts per quiz, a mean of 29-42 % against
    pass marks of 60-80 %, and 0-2 % of attempts passing by luck. Twenty attempts per quiz: the mean
    stays far below the pass mark and at most a lucky few pass (4 or more of 20 happens with a
    chance below 1 in 1,000 per quiz)."""
    from assessments import services

    categories = demo._ensure_banks(io.StringIO())
    quizzes = demo._ensure_quizzes(categories, trainer=None)
    assert len(quizzes) == 6
    for quiz in quizzes:  # the course quizzes show to cadres once placed in a course (demo.steps.course_quizzes)
        quiz.attached = True
    unit = unit_tree_root()
    for quiz in quizzes:
        percents, passes = [], 0
        for i in range(20):
            user = UserFactory(username=f"first-option-{quiz.pk}-{i}", role=roles.CADRE)
            CadreFactory(unit=unit, user=user)
            sitting = services.sitting_start(by=user, quiz=quiz, rng=random.Random(i))
            _always_first(sitting)
            result = services.sitting_submit(sitting_id=sitting.pk, by=user)
            percents.append(result.percent)
            passes += bool(result.passed)
        assert sum(percents) / len(percents) < quiz.pass_mark - 15, (quiz.url, percents)
        assert passes <= 3, (quiz.url, percents)


def test_demo_right_answers_are_spread_over_the_positions():
    from collections import Counter

    questions = content.question_banks()["questions"]
    first_right = Counter(min(q["right"]) for q in questions if q["kind"] in ("mc", "mc_multi"))
    multiple_choice = sum(first_right.values())
    assert set(first_right) == {1, 2, 3, 4}
    assert max(first_right.values()) <= multiple_choice * 0.3  # no position holds much more than its quarter
    statements = [q["correct"] for q in questions if q["kind"] == "tf"]
    assert 0.4 <= statements.count(True) / len(statements) <= 0.6


def test_demo_multiple_choice_questions_are_shuffled_per_sitting():
    from assessments.models import AnswerOrder, MCQuestion

    demo._ensure_banks(io.StringIO())
    assert set(MCQuestion.objects.values_list("answer_order", flat=True)) == {AnswerOrder.RANDOM}
