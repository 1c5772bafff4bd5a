import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments import services
from assessments.models import Sitting, SittingAnswer

from . import builders as b

pytestmark = pytest.mark.django_db


def _login(client, user):
    client.force_login(user)
    return client


def _start(client, quiz):
    response = client.post(f"/quiz/{quiz.url}/start/")
    assert response.status_code == 302
    return Sitting.objects.latest("id")


def test_cadre_takes_a_quiz_end_to_end(client):
    quiz, qs = b.quiz_with_mc(2, pass_mark=50, success_text="Chúc mừng đồng chí!")
    user, _ = b.cadre_user()
    _login(client, user)
    assert client.get(f"/quiz/{quiz.url}/").status_code == 200
    sitting = _start(client, quiz)
    page = client.get(f"/quiz/sitting/{sitting.pk}/")
    assert page.status_code == 200 and qs[0].content in page.content.decode()
    saved = client.post(f"/quiz/sitting/{sitting.pk}/answer/",
                        {"question": qs[0].pk, "choice": b.right_answer(qs[0]).pk}, HTTP_ACCEPT="application/json")
    assert saved.json()["saved"] is True
    response = client.post(f"/quiz/sitting/{sitting.pk}/submit/", follow=True)
    assert "Chúc mừng đồng chí!" in response.content.decode()
    assert "1/2" in response.content.decode()


def test_question_page_carries_no_answer_key(client):
    quiz = b.quiz()
    mc = b.mc_question(quiz=quiz, right=("Phương án đúng",), wrong=("Phương án sai",))
    b.tf_question(quiz=quiz, correct=True)
    user, _ = b.cadre_user()
    _login(client, user)
    sitting = _start(client, quiz)
    html = client.get(f"/quiz/sitting/{sitting.pk}/").content.decode().lower()
    saved = client.post(f"/quiz/sitting/{sitting.pk}/answer/",
                        {"question": mc.pk, "choice": b.right_answer(mc).pk}, HTTP_ACCEPT="application/json")
    assert "correct" not in html and "is_correct" not in html
    assert "correct" not in json.dumps(saved.json()).lower()


def test_resume_shows_the_saved_answers(client):
    quiz, qs = b.quiz_with_mc(2)
    user, _ = b.cadre_user()
    _login(client, user)
    sitting = _start(client, quiz)
    answer = b.right_answer(qs[1])
    client.post(f"/quiz/sitting/{sitting.pk}/answer/", {"question": qs[1].pk, "choice": answer.pk},
                HTTP_ACCEPT="application/json")
    client.logout()
    _login(client, user)  # a new browser session
    assert _start(client, quiz).pk == sitting.pk
    html = client.get(f"/quiz/sitting/{sitting.pk}/").content.decode()
    assert f'value="{answer.pk}" id="a-{answer.pk}" checked' in html


def test_forged_answer_gets_400_with_a_message(client):
    quiz, qs = b.quiz_with_mc(2)
    user, _ = b.cadre_user()
    _login(client, user)
    sitting = _start(client, quiz)
    response = client.post(f"/quiz/sitting/{sitting.pk}/answer/",
                           {"question": qs[0].pk, "choice": b.right_answer(qs[1]).pk}, HTTP_ACCEPT="application/json")
    assert response.status_code == 400
    assert response.json()["error"] == "The chosen answer does not belong to this question."
    assert not SittingAnswer.objects.exists()


def test_answer_after_deadline_gets_409_and_closes_the_sitting(client):
    quiz, qs = b.quiz_with_mc(2, time_limit_minutes=1)
    user, _ = b.cadre_user()
    _login(client, user)
    sitting = _start(client, quiz)
    Sitting.objects.filter(pk=sitting.pk).update(deadline=timezone.now() - datetime.timedelta(minutes=1))
    response = client.post(f"/quiz/sitting/{sitting.pk}/answer/",
                           {"question": qs[0].pk, "choice": b.right_answer(qs[0]).pk}, HTTP_ACCEPT="application/json")
    assert response.status_code == 409 and response.json()["closed"] is True
    sitting.refresh_from_db()
    assert sitting.complete and sitting.current_score == 0


def test_start_beyond_limit_shows_a_message(client):
    quiz, _ = b.quiz_with_mc(1, single_attempt=True)
    user, _ = b.cadre_user()
    _login(client, user)
    services.sitting_submit(sitting_id=services.sitting_start(by=user, quiz=quiz).pk, by=user)
    response = client.post(f"/quiz/{quiz.url}/start/", follow=True)
    assert "You have used all 1 attempt(s) allowed for this quiz." in response.content.decode()
    assert Sitting.objects.count() == 1


def test_cadre_cannot_open_another_cadres_sitting(client):
    quiz, _ = b.quiz_with_mc(1)
    owner, _ = b.cadre_user()
    sitting = services.sitting_start(by=owner, quiz=quiz)
    services.sitting_submit(sitting_id=sitting.pk, by=owner)
    other, _ = b.cadre_user()
    _login(client, other)
    assert client.get(f"/quiz/sitting/{sitting.pk}/result/").status_code == 404
    assert client.get(f"/quiz/sitting/{sitting.pk}/").status_code == 404
    assert client.post(f"/quiz/sitting/{sitting.pk}/submit/").status_code == 404


def test_trainer_sees_sittings_only_of_quizzes_they_edit(client):
    mine_trainer, other_trainer = b.trainer(), b.trainer()
    quiz, _ = b.quiz_with_mc(1, owner=mine_trainer)
    cadre, _ = b.cadre_user()
    sitting = services.sitting_start(by=cadre, quiz=quiz)
    services.sitting_submit(sitting_id=sitting.pk, by=cadre)
    _login(client, other_trainer)
    assert client.get(f"/quiz/sitting/{sitting.pk}/result/").status_code == 404
    assert client.get(f"/quiz/{quiz.url}/sittings/").status_code == 403
    _login(client, mine_trainer)
    assert client.get(f"/quiz/sitting/{sitting.pk}/result/").status_code == 200
    assert client.get(f"/quiz/{quiz.url}/sittings/").status_code == 200


def test_essay_html_is_shown_escaped(client):
    trainer = b.trainer()
    quiz = b.quiz(owner=trainer)
    essay = b.essay_question(quiz=quiz)
    user, _ = b.cadre_user()
    sitting = services.sitting_start(by=user, quiz=quiz)
    services.sitting_answer(sitting_id=sitting.pk, by=user, question_id=essay.pk,
                            essay_text="<script>alert('x')</script>")
    services.sitting_submit(sitting_id=sitting.pk, by=user)
    _login(client, trainer)
    for url in ("/quiz/marking/", f"/quiz/sitting/{sitting.pk}/result/"):
        html = client.get(url).content.decode()
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html and "<script>alert(" not in html


def test_trainer_marks_an_essay_from_the_queue(client):
    trainer = b.trainer()
    quiz = b.quiz(owner=trainer)
    essay = b.essay_question(quiz=quiz)
    user, _ = b.cadre_user()
    sitting = services.sitting_start(by=user, quiz=quiz)
    services.sitting_answer(sitting_id=sitting.pk, by=user, question_id=essay.pk, essay_text="Bài làm")
    services.sitting_submit(sitting_id=sitting.pk, by=user)
    _login(client, trainer)
    answer = SittingAnswer.objects.get(sitting=sitting)
    response = client.post(f"/quiz/marking/{answer.pk}/", {"verdict": "correct", "comment": "Đạt"})
    assert response.status_code == 302
    sitting.refresh_from_db()
    assert sitting.passed is True


def test_cadre_cannot_use_the_marking_queue(client):
    user, _ = b.cadre_user()
    _login(client, user)
    assert client.get("/quiz/marking/").status_code == 403


def test_review_hidden_when_the_quiz_says_never(client):
    quiz, qs = b.quiz_with_mc(1, review_available="never")
    user, _ = b.cadre_user()
    sitting = services.sitting_start(by=user, quiz=quiz)
    services.sitting_submit(sitting_id=sitting.pk, by=user)
    _login(client, user)
    html = client.get(f"/quiz/sitting/{sitting.pk}/result/").content.decode()
    assert qs[0].content not in html


def test_answers_at_end_shows_the_key_and_explanation_after_submission(client):
    quiz = b.quiz(answers_at_end=True)
    q = b.mc_question(quiz=quiz, right=("Ủy ban Kiểm tra",), wrong=("Ban Tổ chức",))
    q.explanation = "Theo Điều 32 Điều lệ Đảng."
    q.save()
    user, _ = b.cadre_user()
    sitting = services.sitting_start(by=user, quiz=quiz)
    services.sitting_submit(sitting_id=sitting.pk, by=user)
    _login(client, user)
    html = client.get(f"/quiz/sitting/{sitting.pk}/result/").content.decode()
    assert "Theo Điều 32 Điều lệ Đảng." in html and "Right answer" in html


def test_draft_quiz_is_hidden_from_cadres(client):
    quiz, _ = b.quiz_with_mc(1, draft=True)
    user, _ = b.cadre_user()
    _login(client, user)
    assert client.get(f"/quiz/{quiz.url}/").status_code == 404


# ---------------------------------------------------------------------------------------------
# Speed: the same number of queries for 5 and 40 questions.


def _flow_queries(client, n, assert_num_queries=None):
    """Queries of each step of a sitting; with `assert_num_queries` ({step: count}) each is asserted."""
    import contextlib

    from django.contrib.contenttypes.models import ContentType

    # The same start for every flow, whatever ran before in the process: the content types are read
    # once per process (for the audit entry), so each flow begins with that cache empty.
    ContentType.objects.clear_cache()
    quiz, qs = b.quiz_with_mc(n, cat=b.category())
    user, _ = b.cadre_user()
    _login(client, user)
    last_right = b.right_answer(qs[-1]).pk
    counts = {}

    def measure(step):
        if assert_num_queries is not None:
            return assert_num_queries[1](assert_num_queries[0][step])
        return contextlib.nullcontext()

    steps = {}
    with measure("start"), CaptureQueriesContext(connection) as steps["start"]:
        sitting = _start(client, quiz)
    with measure("page"), CaptureQueriesContext(connection) as steps["page"]:
        client.get(f"/quiz/sitting/{sitting.pk}/")
    with measure("answer"), CaptureQueriesContext(connection) as steps["answer"]:
        client.post(f"/quiz/sitting/{sitting.pk}/answer/", {"question": qs[-1].pk, "choice": last_right},
                    HTTP_ACCEPT="application/json")
    for q in qs[:-1]:
        services.sitting_answer(sitting_id=sitting.pk, by=user, question_id=q.pk, choice_ids=[b.right_answer(q).pk])
    with measure("submit"), CaptureQueriesContext(connection) as steps["submit"]:
        client.post(f"/quiz/sitting/{sitting.pk}/submit/")
    sitting.refresh_from_db()
    assert sitting.current_score == n
    counts = {step: len(ctx) for step, ctx in steps.items()}
    return counts


def test_start_answer_submit_queries_do_not_grow_with_questions(client, django_assert_num_queries):
    small = _flow_queries(client, 5)
    # Session, user and savepoints included (submit also runs other apps' quiz_passed receivers, and
    # writes its audit entry: a savepoint, the insert and its release). An answer is the session, the
    # user, the locked sitting, the question with its options, the upsert: five (issue 14).
    assert small["start"] <= 14 and small["page"] <= 10 and small["answer"] <= 5 and small["submit"] <= 23, small
    _flow_queries(client, 40, assert_num_queries=(small, django_assert_num_queries))


def _answer(client, sitting, question, choice, seq=None):
    data = {"question": question.pk, "choice": choice.pk}
    if seq is not None:
        data["seq"] = seq
    return client.post(f"/quiz/sitting/{sitting.pk}/answer/", data, HTTP_ACCEPT="application/json")


def test_an_answer_held_up_in_the_network_does_not_replace_a_later_one(client):
    """The page numbers its answers (seq): a request that reaches the server after a later one of the
    same question (held up, retried, or abandoned by its sender) leaves the later answer stored."""
    quiz, qs = b.quiz_with_mc(1)
    user, _ = b.cadre_user()
    _login(client, user)
    sitting = _start(client, quiz)
    first, second = list(qs[0].answers.order_by("pk"))[:2]
    assert _answer(client, sitting, qs[0], second, seq=2000).json()["superseded"] is False
    late = _answer(client, sitting, qs[0], first, seq=1000)  # sent before, arrives after
    assert late.status_code == 200 and late.json() == {**late.json(), "saved": True, "superseded": True}
    assert SittingAnswer.objects.get(sitting=sitting).choice_ids == [second.pk]
    assert _answer(client, sitting, qs[0], first, seq=3000).json()["superseded"] is False
    assert SittingAnswer.objects.get(sitting=sitting).choice_ids == [first.pk]
    # A sender without numbers (a form posted without the page's script) always replaces.
    assert _answer(client, sitting, qs[0], second).json()["superseded"] is False
    assert SittingAnswer.objects.get(sitting=sitting).choice_ids == [second.pk]
    assert SittingAnswer.objects.filter(sitting=sitting).count() == 1


@pytest.mark.parametrize("seq", ["abc", "-5", str(2**63)])
def test_a_bad_sequence_number_is_refused_and_nothing_is_stored(client, seq):
    quiz, qs = b.quiz_with_mc(1)
    user, _ = b.cadre_user()
    _login(client, user)
    sitting = _start(client, quiz)
    response = _answer(client, sitting, qs[0], b.right_answer(qs[0]), seq=seq)
    assert response.status_code == 400
    assert "sequence number" in response.json()["error"]
    assert not SittingAnswer.objects.exists()
