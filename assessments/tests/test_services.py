import datetime
import random

import pytest
from django.utils import timezone

from assessments import services
from assessments.models import Progress, QuizBlueprint, Sitting, SittingAnswer, SittingEnd
from assessments.signals import quiz_passed

from . import builders as b

pytestmark = pytest.mark.django_db


def _answer_mc(sitting, user, question, answer):
    return services.sitting_answer(sitting_id=sitting.pk, by=user, question_id=question.pk,
                                   choice_ids=[answer.pk])


def test_start_draws_every_question_of_the_quiz():
    quiz, questions = b.quiz_with_mc(4)
    user, _cadre = b.cadre_user()
    sitting = services.sitting_start(by=user, quiz=quiz)
    assert sorted(sitting.question_order) == sorted(q.pk for q in questions)
    assert sitting.attempt_no == 1 and sitting.cadre.user == user


def test_start_resumes_the_open_attempt():
    quiz, _ = b.quiz_with_mc(3)
    user, _ = b.cadre_user()
    first = services.sitting_start(by=user, quiz=quiz)
    assert services.sitting_start(by=user, quiz=quiz).pk == first.pk
    assert Sitting.objects.count() == 1


def test_max_questions_limits_the_draw():
    quiz, _ = b.quiz_with_mc(6, max_questions=4, random_order=True)
    user, _ = b.cadre_user()
    assert len(services.sitting_start(by=user, quiz=quiz, rng=random.Random(1)).question_order) == 4


def test_blueprint_draws_the_counts_from_each_category():
    cat_a, cat_b = b.category("A"), b.category("B")
    a_ids = {b.mc_question(cat=cat_a).pk for _ in range(6)}
    b_ids = {b.tf_question(cat=cat_b).pk for _ in range(4)}
    quiz = b.quiz()
    QuizBlueprint.objects.create(quiz=quiz, category=cat_a, count=3)
    QuizBlueprint.objects.create(quiz=quiz, category=cat_b, count=2)
    user, _ = b.cadre_user()
    order = services.sitting_start(by=user, quiz=quiz, rng=random.Random(7)).question_order
    assert len(set(order) & a_ids) == 3 and len(set(order) & b_ids) == 2 and len(order) == 5


def test_scoring_counts_right_answers_and_passes_at_the_mark():
    quiz, qs = b.quiz_with_mc(4, pass_mark=75)
    user, _ = b.cadre_user()
    sitting = services.sitting_start(by=user, quiz=quiz)
    for q in qs[:3]:
        _answer_mc(sitting, user, q, b.right_answer(q))
    _answer_mc(sitting, user, qs[3], b.wrong_answer(qs[3]))
    result = services.sitting_submit(sitting_id=sitting.pk, by=user)
    assert (result.current_score, result.max_score, result.passed) == (3, 4, True)
    assert result.incorrect_questions == [qs[3].pk] or set(result.incorrect_questions) == {qs[3].pk}


def test_unanswered_questions_count_as_wrong():
    quiz, qs = b.quiz_with_mc(2, pass_mark=50)
    user, _ = b.cadre_user()
    sitting = services.sitting_start(by=user, quiz=quiz)
    result = services.sitting_submit(sitting_id=sitting.pk, by=user)
    assert (result.current_score, result.passed) == (0, False)
    assert SittingAnswer.objects.filter(sitting=sitting, is_correct=False).count() == 2


def test_multiple_answer_question_needs_exactly_the_right_set():
    quiz = b.quiz(pass_mark=100)
    q = b.mc_question(quiz=quiz, right=("A", "B"), wrong=("C",), multiple=True)
    user, _ = b.cadre_user()
    sitting = services.sitting_start(by=user, quiz=quiz)
    a, b_, _c = q.answers.order_by("id")
    services.sitting_answer(sitting_id=sitting.pk, by=user, question_id=q.pk, choice_ids=[a.pk])
    assert services.sitting_submit(sitting_id=sitting.pk, by=user).current_score == 0

    sitting2 = services.sitting_start(by=user, quiz=quiz)
    services.sitting_answer(sitting_id=sitting2.pk, by=user, question_id=q.pk, choice_ids=[a.pk, b_.pk])
    assert services.sitting_submit(sitting_id=sitting2.pk, by=user).current_score == 1


def test_true_false_scoring():
    quiz = b.quiz()
    q = b.tf_question(quiz=quiz, correct=False)
    user, _ = b.cadre_user()
    sitting = services.sitting_start(by=user, quiz=quiz)
    services.sitting_answer(sitting_id=sitting.pk, by=user, question_id=q.pk, tf_answer="false")
    assert services.sitting_submit(sitting_id=sitting.pk, by=user).current_score == 1


def test_changing_an_answer_replaces_it():
    quiz, qs = b.quiz_with_mc(1)
    user, _ = b.cadre_user()
    sitting = services.sitting_start(by=user, quiz=quiz)
    _answer_mc(sitting, user, qs[0], b.wrong_answer(qs[0]))
    _answer_mc(sitting, user, qs[0], b.right_answer(qs[0]))
    assert SittingAnswer.objects.get(sitting=sitting).choice_ids == [b.right_answer(qs[0]).pk]


def test_submitting_twice_scores_once():
    quiz, qs = b.quiz_with_mc(2)
    user, _ = b.cadre_user()
    sitting = services.sitting_start(by=user, quiz=quiz)
    _answer_mc(sitting, user, qs[0], b.right_answer(qs[0]))
    received = []
    quiz_passed.connect(lambda **kw: received.append(kw["sitting"].pk), weak=False, dispatch_uid="t-twice")
    try:
        first = services.sitting_submit(sitting_id=sitting.pk, by=user)
        second = services.sitting_submit(sitting_id=sitting.pk, by=user)
    finally:
        quiz_passed.disconnect(dispatch_uid="t-twice")
    assert (first.current_score, second.current_score, second.end) == (1, 1, first.end)
    assert received == [sitting.pk]


def test_progress_by_category_accumulates_over_sittings():
    cat = b.category("Kỷ luật đảng")
    quiz, qs = b.quiz_with_mc(2, cat=cat)
    user, _ = b.cadre_user()
    for _ in range(2):
        sitting = services.sitting_start(by=user, quiz=quiz)
        _answer_mc(sitting, user, qs[0], b.right_answer(qs[0]))
        services.sitting_submit(sitting_id=sitting.pk, by=user)
    progress = Progress.objects.get(user=user, category=cat)
    assert (progress.score, progress.possible) == (2, 4)


def test_expired_sitting_is_closed_when_the_cadre_starts_again():
    quiz, qs = b.quiz_with_mc(2, time_limit_minutes=10)
    user, _ = b.cadre_user()
    t0 = timezone.now()
    old = services.sitting_start(by=user, quiz=quiz, now=t0)
    new = services.sitting_start(by=user, quiz=quiz, now=t0 + datetime.timedelta(minutes=30))
    old.refresh_from_db()
    assert old.complete and old.ended_by == SittingEnd.TIME_UP and new.attempt_no == 2


def test_deadline_is_capped_by_the_closing_date():
    now = timezone.now()
    quiz, _ = b.quiz_with_mc(1, time_limit_minutes=60, closes_at=now + datetime.timedelta(minutes=20))
    user, _ = b.cadre_user()
    sitting = services.sitting_start(by=user, quiz=quiz, now=now)
    assert sitting.deadline == quiz.closes_at


def test_periodic_close_scores_abandoned_sittings():
    quiz, qs = b.quiz_with_mc(1, time_limit_minutes=5)
    user, _ = b.cadre_user()
    t0 = timezone.now()
    sitting = services.sitting_start(by=user, quiz=quiz, now=t0)
    _answer_mc(sitting, user, qs[0], b.right_answer(qs[0]))
    closed = services.sittings_close_expired(now=t0 + datetime.timedelta(minutes=6))
    sitting.refresh_from_db()
    assert closed == 1 and sitting.complete and sitting.current_score == 1


def test_close_expired_task_closes_abandoned_sittings():
    from assessments.tasks import sittings_close_expired_task

    quiz, _ = b.quiz_with_mc(1, time_limit_minutes=1)
    user, _ = b.cadre_user()
    sitting = services.sitting_start(by=user, quiz=quiz, now=timezone.now() - datetime.timedelta(minutes=5))
    assert sittings_close_expired_task.delay().get() == 1
    sitting.refresh_from_db()
    assert sitting.complete and sitting.ended_by == SittingEnd.TIME_UP


def test_periodic_task_is_scheduled_once_every_five_minutes():
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    task = PeriodicTask.objects.get(task="assessments.sittings_close_expired")
    assert task.enabled and (task.interval.every, task.interval.period) == (5 * 60, IntervalSchedule.SECONDS)
