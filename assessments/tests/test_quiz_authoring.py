"""Authoring a quiz in the admin: questions written inline, an ASCII address from the title, and a new
quiz hidden from cadres until it is published and placed in a course (or opened to all)."""

import pytest
from django.urls import reverse

from assessments import services
from assessments.models import Answer, InlineQuestion, MCQuestion, Quiz, Sitting, TFQuestion

from . import builders as b

pytestmark = pytest.mark.django_db

ADD = "/admin/snippets/assessments/quiz/add/"


def _formset(prefix, rows):
    initial = sum(1 for r in rows if r.get("id"))
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": str(initial),
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}
    for i, row in enumerate(rows):
        data.update({f"{prefix}-{i}-{key}": value for key, value in row.items()})
        data.setdefault(f"{prefix}-{i}-ORDER", str(i + 1))
        data.setdefault(f"{prefix}-{i}-id", "")
    return data


def _quiz_post(title="Kỷ luật Đảng viên", url="", questions=(), **extra):
    data = {"title": title, "url": url, "description": "", "layout": "all", "pass_mark": "50",
            "review_available": "submit", "exam_paper": "on", "success_text": "", "fail_text": ""}
    data.update(_formset("blueprint", []))
    data.update(_formset("inline_questions", list(questions)))
    data.update(extra)
    return data


MC = {"kind": "mc", "content": "Cơ quan nào thi hành kỷ luật?", "option_1": "Chi bộ", "option_2": "Ủy ban Kiểm tra",
      "option_3": "", "option_4": "", "correct": "2", "explanation": ""}
TF = {"kind": "tf", "content": "Ủy ban Kiểm tra do cấp ủy cùng cấp bầu.", "option_1": "", "option_2": "",
      "option_3": "", "option_4": "", "correct": "true", "explanation": ""}


def test_a_new_quiz_form_starts_as_a_draft(client):
    import re

    client.force_login(b.trainer())
    page = client.get(ADD).content.decode()
    assert re.search(r'<input[^>]*name="draft"[^>]*checked', page)
    assert 'name="inline_questions-TOTAL_FORMS"' in page


def test_trainer_writes_questions_inside_the_quiz(client):
    client.force_login(b.trainer())
    response = client.post(ADD, _quiz_post(questions=[MC, TF]))
    assert response.status_code == 302, response.content.decode()[:3000]
    quiz = Quiz.objects.get()
    assert quiz.url == "ky-luat-dang-vien"  # from the title, ASCII
    mc = MCQuestion.objects.get(quiz=quiz)
    assert list(mc.answers.values_list("content", "correct")) == [("Chi bộ", False), ("Ủy ban Kiểm tra", True)]
    assert TFQuestion.objects.get(quiz=quiz).correct is True
    assert quiz.questions.count() == 2


def test_bank_questions_and_inline_questions_sit_together(client):
    bank_question = b.mc_question()
    trainer = b.trainer()
    client.force_login(trainer)
    client.post(ADD, _quiz_post(questions=[MC]))
    quiz = Quiz.objects.get()
    bank_question.quiz.add(quiz)
    quiz.draft, quiz.open_to_all = False, True
    quiz.save()
    cadre_user, _cadre = b.cadre_user()
    sitting = services.sitting_start(by=cadre_user, quiz=quiz)
    inline_question = MCQuestion.objects.get(inline_source__quiz=quiz)
    assert sorted(sitting.question_order) == sorted([bank_question.pk, inline_question.pk])


def test_an_inline_mc_question_needs_two_options_and_a_filled_right_one(client):
    client.force_login(b.trainer())
    response = client.post(ADD, _quiz_post(questions=[{**MC, "option_2": "", "correct": "2"}]))
    assert response.status_code == 200
    assert "Give at least two options." in response.content.decode() or "Choose the option that is right" in \
        response.content.decode()
    response = client.post(ADD, _quiz_post(questions=[{**MC, "correct": "3"}]))
    assert response.status_code == 200 and "Choose the option that is right" in response.content.decode()
    assert not Quiz.objects.exists() and not MCQuestion.objects.exists()  # nothing half-written


def test_editing_an_inline_question_keeps_the_answers_sittings_chose(client):
    trainer = b.trainer()
    client.force_login(trainer)
    client.post(ADD, _quiz_post(questions=[MC]))
    quiz = Quiz.objects.get()
    inline = InlineQuestion.objects.get()
    answer_ids = list(Answer.objects.filter(question_id=inline.question_id).order_by("sort_order")
                      .values_list("pk", flat=True))
    edit = reverse("wagtailsnippets_assessments_quiz:edit", args=[quiz.pk])
    row = {**MC, "id": str(inline.pk), "option_1": "Chi bộ (sửa)", "correct": "1"}
    response = client.post(edit, _quiz_post(url=quiz.url, questions=[row]))
    assert response.status_code == 302, response.content.decode()[:3000]
    answers = list(Answer.objects.filter(question_id=inline.question_id).order_by("sort_order")
                   .values_list("pk", "content", "correct"))
    assert answers == [(answer_ids[0], "Chi bộ (sửa)", True), (answer_ids[1], "Ủy ban Kiểm tra", False)]


def test_removing_an_inline_question_takes_it_out_of_the_quiz_not_out_of_sittings(client):
    trainer = b.trainer()
    client.force_login(trainer)
    client.post(ADD, _quiz_post(questions=[MC, TF]))
    quiz = Quiz.objects.get()
    quiz.draft, quiz.open_to_all = False, True
    quiz.save()
    cadre_user, _cadre = b.cadre_user()
    sitting = services.sitting_start(by=cadre_user, quiz=quiz)
    rows = [{**MC, "id": str(q.pk), **({"DELETE": "on"} if q.kind == "tf" else {})}
            for q in InlineQuestion.objects.order_by("sort_order")]
    for row, q in zip(rows, InlineQuestion.objects.order_by("sort_order"), strict=True):
        row["kind"], row["content"], row["correct"] = q.kind, q.content, q.correct
    response = client.post(reverse("wagtailsnippets_assessments_quiz:edit", args=[quiz.pk]),
                           _quiz_post(url=quiz.url, questions=rows, open_to_all="on"))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert quiz.questions.count() == 1
    assert TFQuestion.objects.count() == 1  # still there for the sitting that drew it
    assert Sitting.objects.get(pk=sitting.pk).question_order == sitting.question_order


def test_a_quiz_address_is_ascii_and_unique_when_left_empty():
    first = Quiz.objects.create(title="Tố cáo, khiếu nại")
    second = Quiz.objects.create(title="Tố cáo, khiếu nại")
    assert (first.url, second.url) == ("to-cao-khieu-nai", "to-cao-khieu-nai-2")
    assert Quiz.objects.create(title="Marking").url == "marking-2"  # "marking" is a reserved /quiz/ path


# --- who sees a quiz --------------------------------------------------------------------------------


@pytest.mark.parametrize("fields, listed", [
    ({"draft": True, "open_to_all": True}, False),   # a draft, even if opened to all
    ({"draft": False, "open_to_all": False}, False),  # published but in no course
    ({"draft": False, "open_to_all": True}, True),    # opened explicitly
    ({"draft": False, "attached": True}, True),       # in a published course
    ({"draft": True, "attached": True}, False),
])
def test_a_cadre_sees_only_published_quizzes_in_a_course_or_open_to_all(client, fields, listed):
    fields.setdefault("open_to_all", False)
    quiz, _questions = b.quiz_with_mc(2, **fields)
    cadre_user, _cadre = b.cadre_user()
    client.force_login(cadre_user)
    assert (quiz.title in client.get(reverse("assessments:quiz_list")).content.decode()) is listed
    assert client.get(quiz.get_absolute_url()).status_code == (200 if listed else 404)
    response = client.post(reverse("assessments:quiz_start", args=[quiz.url]))
    assert response.status_code == (302 if listed else 404)
    assert Sitting.objects.filter(quiz=quiz).exists() is listed


def test_its_author_previews_a_quiz_cadres_cannot_see(client):
    trainer = b.trainer()
    quiz, _questions = b.quiz_with_mc(2, draft=False, open_to_all=False, owner=trainer)
    client.force_login(trainer)
    assert quiz.title in client.get(reverse("assessments:quiz_list")).content.decode()
    assert client.get(quiz.get_absolute_url()).status_code == 200


def test_starting_an_unlisted_quiz_through_the_service_is_refused():
    quiz, _questions = b.quiz_with_mc(2, draft=False, open_to_all=False)
    cadre_user, _cadre = b.cadre_user()
    with pytest.raises(services.QuizUnavailable, match="not in a published course"):
        services.sitting_start(by=cadre_user, quiz=quiz)
