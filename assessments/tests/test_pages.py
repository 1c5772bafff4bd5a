"""Listing pages keep a fixed number of queries, the paged layout, the lesson block."""

import datetime

import pytest
from django.utils import timezone

from assessments import selectors, services
from assessments.blocks import QuizBlock
from assessments.models import SittingAnswer

from . import builders as b

pytestmark = pytest.mark.django_db


def _finished_sittings(user, n, owner=None):
    for _ in range(n):
        quiz, _qs = b.quiz_with_mc(2, owner=owner)
        services.sitting_submit(sitting_id=services.sitting_start(by=user, quiz=quiz).pk, by=user)


@pytest.mark.parametrize("n", [2, 12])
def test_my_results_queries_do_not_grow(client, django_assert_max_num_queries, n):
    user, _ = b.cadre_user()
    _finished_sittings(user, n)
    client.force_login(user)
    with django_assert_max_num_queries(8):
        assert client.get("/quiz/mine/").status_code == 200


@pytest.mark.parametrize("n", [2, 12])
def test_quiz_list_queries_do_not_grow(client, django_assert_max_num_queries, n):
    user, _ = b.cadre_user()
    for _ in range(n):
        b.quiz_with_mc(1)
    client.force_login(user)
    with django_assert_max_num_queries(8):
        response = client.get("/quiz/")
    assert response.status_code == 200 and len(response.context["quizzes"]) == n


@pytest.mark.parametrize("n", [1, 8])
def test_marking_queue_queries_do_not_grow(client, django_assert_max_num_queries, n):
    trainer = b.trainer()
    quiz = b.quiz(owner=trainer)
    essay = b.essay_question(quiz=quiz)
    for _ in range(n):
        user, _ = b.cadre_user()
        sitting = services.sitting_start(by=user, quiz=quiz)
        services.sitting_answer(sitting_id=sitting.pk, by=user, question_id=essay.pk, essay_text="Bài làm")
        services.sitting_submit(sitting_id=sitting.pk, by=user)
    client.force_login(trainer)
    with django_assert_max_num_queries(10):
        response = client.get("/quiz/marking/")
    assert response.context["page_obj"].paginator.count == n


@pytest.mark.parametrize("n", [1, 10])
def test_quiz_sittings_queries_do_not_grow(client, django_assert_max_num_queries, n):
    trainer = b.trainer()
    quiz, _ = b.quiz_with_mc(2, owner=trainer)
    for _ in range(n):
        user, _ = b.cadre_user()
        services.sitting_submit(sitting_id=services.sitting_start(by=user, quiz=quiz).pk, by=user)
    client.force_login(trainer)
    with django_assert_max_num_queries(12):
        assert client.get(f"/quiz/{quiz.url}/sittings/").status_code == 200


def test_paged_layout_shows_one_question_and_moves_on_without_javascript(client):
    quiz, qs = b.quiz_with_mc(3, layout="paged")
    user, _ = b.cadre_user()
    client.force_login(user)
    sitting = services.sitting_start(by=user, quiz=quiz)
    html = client.get(f"/quiz/sitting/{sitting.pk}/?q=2").content.decode()
    assert qs[1].content in html and qs[0].content not in html and qs[2].content not in html
    response = client.post(f"/quiz/sitting/{sitting.pk}/answer/",
                           {"question": qs[1].pk, "choice": b.right_answer(qs[1]).pk, "next_q": "3"})
    assert response.url == f"/quiz/sitting/{sitting.pk}/?q=3"
    assert SittingAnswer.objects.get(sitting=sitting).question_id == qs[1].pk


def test_review_after_close_waits_for_the_closing_date(client):
    now = timezone.now()
    quiz, qs = b.quiz_with_mc(1, review_available="close", closes_at=now + datetime.timedelta(days=1))
    user, _ = b.cadre_user()
    sitting = services.sitting_start(by=user, quiz=quiz)
    services.sitting_submit(sitting_id=sitting.pk, by=user)
    client.force_login(user)
    html = client.get(f"/quiz/sitting/{sitting.pk}/result/").content.decode()
    assert qs[0].content not in html and "after the quiz closes" in html


def test_passed_quiz_ids():
    passed_quiz, qs = b.quiz_with_mc(1, pass_mark=100)
    failed_quiz, _ = b.quiz_with_mc(1, pass_mark=100)
    user, _ = b.cadre_user()
    sitting = services.sitting_start(by=user, quiz=passed_quiz)
    services.sitting_answer(sitting_id=sitting.pk, by=user, question_id=qs[0].pk,
                            choice_ids=[b.right_answer(qs[0]).pk])
    services.sitting_submit(sitting_id=sitting.pk, by=user)
    services.sitting_submit(sitting_id=services.sitting_start(by=user, quiz=failed_quiz).pk, by=user)
    assert selectors.passed_quiz_ids(user=user, quiz_ids=[passed_quiz.pk, failed_quiz.pk]) == {passed_quiz.pk}


def test_quiz_block_links_to_the_quiz():
    quiz, _ = b.quiz_with_mc(1, time_limit_minutes=15, pass_mark=70)
    block = QuizBlock()
    html = block.render(block.to_python({"quiz": quiz.pk, "intro": "Kiểm tra nhanh", "final_test": True}))
    assert f'href="/quiz/{quiz.url}/"' in html and quiz.title in html and "Kiểm tra nhanh" in html


def test_question_deleted_during_the_sitting_is_refused_cleanly():
    quiz, qs = b.quiz_with_mc(2)
    user, _ = b.cadre_user()
    sitting = services.sitting_start(by=user, quiz=quiz)
    gone = qs[0].pk
    qs[0].delete()
    with pytest.raises(services.InvalidAnswer, match="no longer exists"):
        services.sitting_answer(sitting_id=sitting.pk, by=user, question_id=gone, choice_ids=[])
    assert services.sitting_submit(sitting_id=sitting.pk, by=user).max_score == 1
