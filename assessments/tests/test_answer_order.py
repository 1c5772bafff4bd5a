"""Answer order: shuffled per sitting by default (stable on reload), the author's order on request."""

import importlib
import re

import pytest
from django.apps import apps

from assessments.models import AnswerOrder, MCQuestion, Sitting

from . import builders as b

pytestmark = pytest.mark.django_db

WRONG = ("Sai 1", "Sai 2", "Sai 3")


def _shown_order(client, sitting) -> list[int]:
    html = client.get(f"/quiz/sitting/{sitting.pk}/").content.decode()
    return [int(value) for value in re.findall(r'name="choice"\s+value="(\d+)"', html)]


def _start(client, user, quiz) -> Sitting:
    client.force_login(user)
    assert client.post(f"/quiz/{quiz.url}/start/").status_code == 302
    return Sitting.objects.get(user=user, quiz=quiz, complete=False)


def test_a_new_multiple_choice_question_is_shuffled_by_default():
    assert MCQuestion().answer_order == AnswerOrder.RANDOM


def test_the_order_shown_is_stable_for_one_sitting_and_differs_between_sittings(client):
    quiz = b.quiz()
    for _ in range(6):
        b.mc_question(quiz=quiz, wrong=WRONG)
    first_user, _ = b.cadre_user()
    second_user, _ = b.cadre_user()

    first = _start(client, first_user, quiz)
    shown = _shown_order(client, first)
    assert len(shown) == 24
    assert _shown_order(client, first) == shown  # a reload shows the same order

    second = _start(client, second_user, quiz)
    other = _shown_order(client, second)
    assert sorted(other) == sorted(shown) and other != shown


def test_the_right_answer_is_not_always_first_over_sittings(client):
    quiz = b.quiz()
    question = b.mc_question(quiz=quiz, wrong=WRONG)
    right = b.right_answer(question).pk
    positions = set()
    for _ in range(12):
        user, _ = b.cadre_user()
        positions.add(_shown_order(client, _start(client, user, quiz)).index(right))
    assert len(positions) >= 2


def test_as_written_keeps_the_authors_order_in_every_sitting(client):
    quiz = b.quiz()
    question = b.mc_question(quiz=quiz, wrong=WRONG)
    question.answer_order = AnswerOrder.NONE
    question.save()
    written = list(question.answers.order_by("sort_order", "id").values_list("id", flat=True))
    for _ in range(3):
        user, _ = b.cadre_user()
        assert _shown_order(client, _start(client, user, quiz)) == written


def test_the_shuffled_page_carries_no_answer_key(client):
    quiz = b.quiz()
    b.mc_question(quiz=quiz, right=("Phương án đúng",), wrong=WRONG)
    user, _ = b.cadre_user()
    sitting = _start(client, user, quiz)
    html = client.get(f"/quiz/sitting/{sitting.pk}/").content.decode().lower()
    assert "phương án đúng" in html
    assert "correct" not in html


def test_the_migration_moves_questions_on_as_written_to_random_and_leaves_alphabetical():
    migration = importlib.import_module("assessments.migrations.0003_mc_answer_order_random_per_sitting")
    as_written = b.mc_question()
    alphabetical = b.mc_question()
    MCQuestion.objects.filter(pk=as_written.pk).update(answer_order=AnswerOrder.NONE)
    MCQuestion.objects.filter(pk=alphabetical.pk).update(answer_order=AnswerOrder.CONTENT)

    migration.none_to_random(apps, schema_editor=None)

    assert MCQuestion.objects.get(pk=as_written.pk).answer_order == AnswerOrder.RANDOM
    assert MCQuestion.objects.get(pk=alphabetical.pk).answer_order == AnswerOrder.CONTENT
