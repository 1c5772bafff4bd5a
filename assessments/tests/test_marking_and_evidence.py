import pytest

from assessments import services
from assessments.models import Progress, SittingAnswer
from assessments.signals import quiz_passed
from competency.models import Evidence, EvidenceSource

from . import builders as b

pytestmark = pytest.mark.django_db


@pytest.fixture
def passed_events():
    received = []

    def receiver(sender, sitting, **kwargs):
        received.append(sitting.pk)

    quiz_passed.connect(receiver, dispatch_uid="test-passed-events")
    yield received
    quiz_passed.disconnect(dispatch_uid="test-passed-events")


def _essay_sitting(trainer_user, pass_mark=100):
    quiz = b.quiz(pass_mark=pass_mark, owner=trainer_user)
    mc = b.mc_question(quiz=quiz)
    essay = b.essay_question(quiz=quiz)
    user, cadre = b.cadre_user()
    sitting = services.sitting_start(by=user, quiz=quiz)
    services.sitting_answer(sitting_id=sitting.pk, by=user, question_id=mc.pk, choice_ids=[b.right_answer(mc).pk])
    services.sitting_answer(sitting_id=sitting.pk, by=user, question_id=essay.pk, essay_text="Bài làm")
    sitting = services.sitting_submit(sitting_id=sitting.pk, by=user)
    return sitting, SittingAnswer.objects.get(sitting=sitting, question=essay)


def test_essay_waits_for_marking_before_pass_or_fail(passed_events):
    sitting, _answer = _essay_sitting(b.trainer())
    assert (sitting.passed, sitting.essays_pending, sitting.current_score) == (None, 1, 1)
    assert passed_events == []


def test_marking_the_last_essay_passes_the_sitting(passed_events):
    trainer = b.trainer()
    sitting, answer = _essay_sitting(trainer)
    marked = services.essay_mark(answer_id=answer.pk, by=trainer, correct=True, comment="Tốt")
    assert (marked.passed, marked.current_score, marked.essays_pending) == (True, 2, 0)
    assert passed_events == [sitting.pk]


def test_marking_an_essay_wrong_fails_the_sitting(passed_events):
    trainer = b.trainer()
    sitting, answer = _essay_sitting(trainer)
    marked = services.essay_mark(answer_id=answer.pk, by=trainer, correct=False)
    assert marked.passed is False and passed_events == []


def test_essay_cannot_be_marked_twice():
    trainer = b.trainer()
    _sitting, answer = _essay_sitting(trainer)
    services.essay_mark(answer_id=answer.pk, by=trainer, correct=False)
    with pytest.raises(services.InvalidAnswer, match="already been marked"):
        services.essay_mark(answer_id=answer.pk, by=trainer, correct=True)
    answer.refresh_from_db()
    assert answer.is_correct is False


def test_a_trainer_who_cannot_edit_the_quiz_cannot_mark():
    _sitting, answer = _essay_sitting(b.trainer())
    with pytest.raises(services.SittingNotFound):
        services.essay_mark(answer_id=answer.pk, by=b.trainer(), correct=True)
    answer.refresh_from_db()
    assert answer.is_correct is None


def test_marking_updates_progress():
    trainer = b.trainer()
    cat = b.category()
    quiz = b.quiz(owner=trainer)
    essay = b.essay_question(quiz=quiz, cat=cat)
    user, _ = b.cadre_user()
    sitting = services.sitting_start(by=user, quiz=quiz)
    services.sitting_answer(sitting_id=sitting.pk, by=user, question_id=essay.pk, essay_text="Bài làm")
    services.sitting_submit(sitting_id=sitting.pk, by=user)
    answer = SittingAnswer.objects.get(sitting=sitting)
    services.essay_mark(answer_id=answer.pk, by=trainer, correct=True)
    assert (Progress.objects.get(user=user, category=cat).score,) == (1,)


def test_passing_records_evidence_for_each_category_competency():
    comp_a, comp_b = b.competency("GS1"), b.competency("KL1")
    cat_a, cat_b = b.category("Giám sát", competency=comp_a), b.category("Kỷ luật", competency=comp_b)
    quiz = b.quiz(attests_level=2, pass_mark=50)
    qa, qb = b.mc_question(quiz=quiz, cat=cat_a), b.tf_question(quiz=quiz, cat=cat_b, correct=True)
    user, cadre = b.cadre_user()
    sitting = services.sitting_start(by=user, quiz=quiz)
    services.sitting_answer(sitting_id=sitting.pk, by=user, question_id=qa.pk, choice_ids=[b.right_answer(qa).pk])
    services.sitting_answer(sitting_id=sitting.pk, by=user, question_id=qb.pk, tf_answer=True)
    services.sitting_submit(sitting_id=sitting.pk, by=user)
    evidence = Evidence.objects.filter(cadre=cadre).order_by("competency__code")
    assert [(e.competency.code, e.level, e.source, e.source_ref) for e in evidence] == [
        ("GS1", 2, EvidenceSource.QUIZ, f"sitting:{sitting.pk}"),
        ("KL1", 2, EvidenceSource.QUIZ, f"sitting:{sitting.pk}"),
    ]


def test_failing_records_no_evidence():
    comp = b.competency("GS1")
    quiz, qs = b.quiz_with_mc(2, cat=b.category(competency=comp), attests_level=2, pass_mark=100)
    user, cadre = b.cadre_user()
    sitting = services.sitting_start(by=user, quiz=quiz)
    services.sitting_submit(sitting_id=sitting.pk, by=user)
    assert not Evidence.objects.filter(cadre=cadre).exists()


def test_evidence_after_essay_marking():
    trainer = b.trainer()
    comp = b.competency("GS1")
    cat = b.category(competency=comp)
    quiz = b.quiz(attests_level=3, owner=trainer)
    essay = b.essay_question(quiz=quiz, cat=cat)
    user, cadre = b.cadre_user()
    sitting = services.sitting_start(by=user, quiz=quiz)
    services.sitting_answer(sitting_id=sitting.pk, by=user, question_id=essay.pk, essay_text="Bài làm")
    services.sitting_submit(sitting_id=sitting.pk, by=user)
    assert not Evidence.objects.exists()
    services.essay_mark(answer_id=SittingAnswer.objects.get(sitting=sitting).pk, by=trainer, correct=True)
    assert Evidence.objects.get(cadre=cadre).level == 3
