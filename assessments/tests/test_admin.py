import pytest

from assessments import selectors, services
from assessments.models import MCQuestion, Quiz

from . import builders as b

pytestmark = pytest.mark.django_db


def _mc_payload(answers, multiple=False):
    data = {
        "content": "Cơ quan nào thi hành kỷ luật đảng viên?", "explanation": "", "answer_order": "none",
        "answers-TOTAL_FORMS": str(len(answers)), "answers-INITIAL_FORMS": "0", "answers-MIN_NUM_FORMS": "2",
        "answers-MAX_NUM_FORMS": "1000",
    }
    if multiple:
        data["multiple"] = "on"
    for i, (text, correct) in enumerate(answers):
        data[f"answers-{i}-content"] = text
        data[f"answers-{i}-ORDER"] = str(i + 1)
        data[f"answers-{i}-id"] = ""
        if correct:
            data[f"answers-{i}-correct"] = "on"
    return data


def test_trainer_creates_a_multiple_choice_question_with_answers(client):
    client.force_login(b.trainer())
    response = client.post("/admin/snippets/assessments/mcquestion/add/",
                           _mc_payload([("Chi bộ", False), ("Ủy ban Kiểm tra", True)]))
    assert response.status_code == 302, response.content.decode()[:2000]
    question = MCQuestion.objects.get()
    assert list(question.answers.values_list("content", "correct")) == [("Chi bộ", False), ("Ủy ban Kiểm tra", True)]


def test_two_right_answers_need_the_multiple_flag(client):
    client.force_login(b.trainer())
    response = client.post("/admin/snippets/assessments/mcquestion/add/",
                           _mc_payload([("A", True), ("B", True), ("C", False)]))
    assert response.status_code == 200
    assert "Several answers are marked right" in response.content.decode()
    assert not MCQuestion.objects.exists()


def test_question_without_a_right_answer_is_refused(client):
    client.force_login(b.trainer())
    response = client.post("/admin/snippets/assessments/mcquestion/add/", _mc_payload([("A", False), ("B", False)]))
    assert "Mark the right answer." in response.content.decode()
    assert not MCQuestion.objects.exists()


def test_trainer_lists_only_their_quizzes(client):
    me, other = b.trainer(), b.trainer()
    b.quiz(title="Của tôi", owner=me)
    b.quiz(title="Đồng biên soạn").editors.add(me)
    b.quiz(title="Của người khác", owner=other)
    client.force_login(me)
    html = client.get("/admin/snippets/assessments/quiz/").content.decode()
    assert "Của tôi" in html and "Đồng biên soạn" in html and "Của người khác" not in html


def test_trainer_cannot_edit_another_trainers_quiz(client):
    me, other = b.trainer(), b.trainer()
    quiz = b.quiz(owner=other)
    client.force_login(me)
    response = client.get(f"/admin/snippets/assessments/quiz/edit/{quiz.pk}/")
    assert (response.status_code, response.url) == (302, "/admin/")  # Wagtail's "permission denied"
    client.post(f"/admin/snippets/assessments/quiz/edit/{quiz.pk}/", {"title": "Đổi tên", "url": quiz.url})
    quiz.refresh_from_db()
    assert quiz.title != "Đổi tên"


def test_a_new_quiz_belongs_to_its_author(client):
    me = b.trainer()
    client.force_login(me)
    response = client.post("/admin/snippets/assessments/quiz/add/", {
        "title": "Kiểm tra QĐ 296", "url": "kiem-tra-qd-296", "pass_mark": "60", "layout": "all",
        "review_available": "submit", "exam_paper": "on",
        "blueprint-TOTAL_FORMS": "0", "blueprint-INITIAL_FORMS": "0", "blueprint-MIN_NUM_FORMS": "0",
        "blueprint-MAX_NUM_FORMS": "1000",
        "inline_questions-TOTAL_FORMS": "0", "inline_questions-INITIAL_FORMS": "0",
        "inline_questions-MIN_NUM_FORMS": "0", "inline_questions-MAX_NUM_FORMS": "1000",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Quiz.objects.get(url="kiem-tra-qd-296").owner == me


def test_reserved_quiz_address_is_refused(client):
    client.force_login(b.trainer())
    response = client.post("/admin/snippets/assessments/quiz/add/", {
        "title": "X", "url": "marking", "pass_mark": "60", "layout": "all", "review_available": "submit",
        "blueprint-TOTAL_FORMS": "0", "blueprint-INITIAL_FORMS": "0", "blueprint-MIN_NUM_FORMS": "0",
        "blueprint-MAX_NUM_FORMS": "1000",
        "inline_questions-TOTAL_FORMS": "0", "inline_questions-INITIAL_FORMS": "0",
        "inline_questions-MIN_NUM_FORMS": "0", "inline_questions-MAX_NUM_FORMS": "1000",
    })
    assert response.status_code == 200 and not Quiz.objects.filter(url="marking").exists()
    assert "This address is reserved" in response.content.decode()


def test_item_analysis_hand_computed():
    """4 sittings × 3 questions (R = right, W = wrong):
        a: R R R (3)   b: R W R (2)   c: W R W (1)   d: W R W (1)
    27% of 4 → groups of 1: upper = a, lower = d (ties: the later sitting ranks lower).
    q1: facility 2/4 = .50, D = 1 − 0 = 1;  q2: 3/4 = .75, D = 1 − 1 = 0 (weak);  q3: .50, D = 1."""
    quiz = b.quiz(pass_mark=50)
    qs = [b.mc_question(quiz=quiz) for _ in range(3)]
    patterns = ["RRR", "RWR", "WRW", "WRW"]
    for pattern in patterns:
        user, _ = b.cadre_user()
        sitting = services.sitting_start(by=user, quiz=quiz)
        for q, mark in zip(qs, pattern, strict=True):
            answer = b.right_answer(q) if mark == "R" else b.wrong_answer(q)
            services.sitting_answer(sitting_id=sitting.pk, by=user, question_id=q.pk, choice_ids=[answer.pk])
        services.sitting_submit(sitting_id=sitting.pk, by=user)
    rows, used = selectors.item_analysis(quiz=quiz)
    by_id = {r.question_id: r for r in rows}
    assert used == 4
    assert [(by_id[q.pk].facility, by_id[q.pk].discrimination) for q in qs] == [(0.5, 1.0), (0.75, 0.0), (0.5, 1.0)]
    assert by_id[qs[1].pk].flag == "weak"


def test_statistics_page_for_the_quiz_editor(client, django_assert_max_num_queries):
    me = b.trainer()
    quiz, qs = b.quiz_with_mc(3, owner=me)
    for _ in range(3):
        user, _ = b.cadre_user()
        services.sitting_submit(sitting_id=services.sitting_start(by=user, quiz=quiz).pk, by=user)
    client.force_login(me)
    with django_assert_max_num_queries(20):
        response = client.get(f"/admin/quiz-bank/statistics/{quiz.pk}/")
    assert response.status_code == 200 and qs[0].content in response.content.decode()


def test_statistics_of_another_trainers_quiz_are_hidden(client):
    quiz, _ = b.quiz_with_mc(1, owner=b.trainer())
    client.force_login(b.trainer())
    assert client.get(f"/admin/quiz-bank/statistics/{quiz.pk}/").status_code == 404
