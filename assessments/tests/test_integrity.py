"""Bad input and integrity: each refusal has a clear message and changes nothing."""

import datetime

import pytest
from django.utils import timezone

from assessments import services
from assessments.models import Sitting, SittingAnswer, SittingEnd

from . import builders as b

pytestmark = pytest.mark.django_db


@pytest.fixture
def started():
    quiz, qs = b.quiz_with_mc(3)
    user, _ = b.cadre_user()
    return quiz, qs, user, services.sitting_start(by=user, quiz=quiz)


def test_forged_answer_id_is_refused(started):
    _quiz, qs, user, sitting = started
    other = b.mc_question()  # an answer of a question outside the quiz
    with pytest.raises(services.InvalidAnswer, match="does not belong to this question"):
        services.sitting_answer(sitting_id=sitting.pk, by=user, question_id=qs[0].pk,
                                choice_ids=[b.right_answer(other).pk])
    assert not SittingAnswer.objects.exists()


def test_answer_of_another_question_of_the_same_sitting_is_refused(started):
    _quiz, qs, user, sitting = started
    with pytest.raises(services.InvalidAnswer, match="does not belong to this question"):
        services.sitting_answer(sitting_id=sitting.pk, by=user, question_id=qs[0].pk,
                                choice_ids=[b.right_answer(qs[1]).pk])
    assert not SittingAnswer.objects.exists()


def test_non_numeric_answer_id_is_refused(started):
    _quiz, qs, user, sitting = started
    with pytest.raises(services.InvalidAnswer, match="not a number"):
        services.sitting_answer(sitting_id=sitting.pk, by=user, question_id=qs[0].pk, choice_ids=["1 OR 1=1"])
    assert not SittingAnswer.objects.exists()


def test_question_outside_the_sitting_is_refused(started):
    _quiz, _qs, user, sitting = started
    stranger = b.mc_question()
    with pytest.raises(services.InvalidAnswer, match="not part of your attempt"):
        services.sitting_answer(sitting_id=sitting.pk, by=user, question_id=stranger.pk,
                                choice_ids=[b.right_answer(stranger).pk])
    assert not SittingAnswer.objects.exists()


def test_answer_to_another_users_sitting_is_refused(started):
    _quiz, qs, _user, sitting = started
    intruder, _ = b.cadre_user()
    with pytest.raises(services.SittingNotFound):
        services.sitting_answer(sitting_id=sitting.pk, by=intruder, question_id=qs[0].pk,
                                choice_ids=[b.right_answer(qs[0]).pk])
    assert not SittingAnswer.objects.exists()


def test_two_answers_to_a_single_answer_question_are_refused(started):
    _quiz, qs, user, sitting = started
    ids = list(qs[0].answers.values_list("id", flat=True))[:2]
    with pytest.raises(services.InvalidAnswer, match="only one"):
        services.sitting_answer(sitting_id=sitting.pk, by=user, question_id=qs[0].pk, choice_ids=ids)
    assert not SittingAnswer.objects.exists()


def test_answer_after_the_deadline_is_refused_and_the_sitting_closes():
    quiz, qs = b.quiz_with_mc(2, time_limit_minutes=10)
    user, _ = b.cadre_user()
    t0 = timezone.now()
    sitting = services.sitting_start(by=user, quiz=quiz, now=t0)
    services.sitting_answer(sitting_id=sitting.pk, by=user, question_id=qs[0].pk,
                            choice_ids=[b.right_answer(qs[0]).pk], now=t0 + datetime.timedelta(minutes=5))
    with pytest.raises(services.SittingClosed, match="Time is up"):
        services.sitting_answer(sitting_id=sitting.pk, by=user, question_id=qs[1].pk,
                                choice_ids=[b.right_answer(qs[1]).pk], now=t0 + datetime.timedelta(minutes=11))
    sitting.refresh_from_db()
    assert sitting.complete and sitting.ended_by == SittingEnd.TIME_UP
    assert sitting.current_score == 1  # the late answer was not stored
    assert SittingAnswer.objects.get(sitting=sitting, question=qs[1]).choice_ids == []


def test_answer_after_submission_is_refused(started):
    _quiz, qs, user, sitting = started
    services.sitting_submit(sitting_id=sitting.pk, by=user)
    with pytest.raises(services.SittingClosed, match="already been submitted"):
        services.sitting_answer(sitting_id=sitting.pk, by=user, question_id=qs[0].pk,
                                choice_ids=[b.right_answer(qs[0]).pk])
    assert SittingAnswer.objects.get(sitting=sitting, question=qs[0]).choice_ids == []


def test_start_beyond_the_attempt_limit_is_refused():
    quiz, _ = b.quiz_with_mc(1, max_attempts=2)
    user, _ = b.cadre_user()
    for _ in range(2):
        services.sitting_submit(sitting_id=services.sitting_start(by=user, quiz=quiz).pk, by=user)
    with pytest.raises(services.AttemptLimitReached, match="all 2 attempt"):
        services.sitting_start(by=user, quiz=quiz)
    assert Sitting.objects.filter(user=user).count() == 2


def test_single_attempt_allows_one_sitting():
    quiz, _ = b.quiz_with_mc(1, single_attempt=True)
    user, _ = b.cadre_user()
    services.sitting_submit(sitting_id=services.sitting_start(by=user, quiz=quiz).pk, by=user)
    with pytest.raises(services.AttemptLimitReached):
        services.sitting_start(by=user, quiz=quiz)
    assert Sitting.objects.filter(user=user).count() == 1


def test_unlimited_attempts():
    quiz, _ = b.quiz_with_mc(1)
    user, _ = b.cadre_user()
    for _ in range(4):
        services.sitting_submit(sitting_id=services.sitting_start(by=user, quiz=quiz).pk, by=user)
    assert Sitting.objects.filter(user=user, complete=True).count() == 4


def test_quiz_not_yet_open_cannot_be_started():
    quiz, _ = b.quiz_with_mc(1, opens_at=timezone.now() + datetime.timedelta(days=1))
    user, _ = b.cadre_user()
    with pytest.raises(services.QuizUnavailable, match="opens on"):
        services.sitting_start(by=user, quiz=quiz)
    assert not Sitting.objects.exists()


def test_closed_quiz_cannot_be_started():
    quiz, _ = b.quiz_with_mc(1, closes_at=timezone.now() - datetime.timedelta(minutes=1),
                             opens_at=timezone.now() - datetime.timedelta(days=1))
    user, _ = b.cadre_user()
    with pytest.raises(services.QuizUnavailable, match="closed"):
        services.sitting_start(by=user, quiz=quiz)
    assert not Sitting.objects.exists()


def test_draft_quiz_cannot_be_started_by_a_cadre():
    quiz, _ = b.quiz_with_mc(1, draft=True)
    user, _ = b.cadre_user()
    with pytest.raises(services.QuizUnavailable, match="not published"):
        services.sitting_start(by=user, quiz=quiz)
    assert not Sitting.objects.exists()


def test_essay_with_html_is_stored_as_text():
    quiz = b.quiz()
    q = b.essay_question(quiz=quiz)
    user, _ = b.cadre_user()
    sitting = services.sitting_start(by=user, quiz=quiz)
    text = "<script>alert('x')</script><b>Trả lời</b>"
    services.sitting_answer(sitting_id=sitting.pk, by=user, question_id=q.pk, essay_text=text)
    assert SittingAnswer.objects.get(sitting=sitting).essay_text == text


def test_oversized_essay_is_refused():
    quiz = b.quiz()
    q = b.essay_question(quiz=quiz)
    user, _ = b.cadre_user()
    sitting = services.sitting_start(by=user, quiz=quiz)
    with pytest.raises(services.InvalidAnswer, match="longer than"):
        services.sitting_answer(sitting_id=sitting.pk, by=user, question_id=q.pk, essay_text="x" * 20001)
    assert not SittingAnswer.objects.exists()
