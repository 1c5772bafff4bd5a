"""Small builders for assessments tests."""

import itertools

from assessments.models import Answer, Category, EssayQuestion, MCQuestion, Quiz, TFQuestion
from organization import roles
from organization.models import Unit
from tests.factories import CadreFactory, UserFactory, unit_tree_root

_seq = itertools.count(1)


def category(name=None, competency=None) -> Category:
    return Category.objects.create(category=name or f"Ngân hàng {next(_seq)}", competency=competency)


def mc_question(*, quiz=None, cat=None, content=None, right=("Đúng",), wrong=("Sai 1", "Sai 2"), multiple=False):
    q = MCQuestion.objects.create(content=content or f"Câu hỏi {next(_seq)}", category=cat, multiple=multiple)
    for text in right:
        Answer.objects.create(question=q, content=text, correct=True)
    for text in wrong:
        Answer.objects.create(question=q, content=text, correct=False)
    if quiz is not None:
        q.quiz.add(quiz)
    return q


def tf_question(*, quiz=None, cat=None, correct=True, content=None):
    q = TFQuestion.objects.create(content=content or f"Nhận định {next(_seq)}", category=cat, correct=correct)
    if quiz is not None:
        q.quiz.add(quiz)
    return q


def essay_question(*, quiz=None, cat=None, content=None):
    q = EssayQuestion.objects.create(content=content or f"Trình bày {next(_seq)}", category=cat)
    if quiz is not None:
        q.quiz.add(quiz)
    return q


def quiz(**fields) -> Quiz:
    n = next(_seq)
    fields.setdefault("title", f"Bài kiểm tra {n}")
    fields.setdefault("url", f"bai-kiem-tra-{n}")
    fields.setdefault("open_to_all", True)  # listed for cadres without being placed in a course
    return Quiz.objects.create(**fields)


def quiz_with_mc(n_questions=5, cat=None, **fields):
    """A quiz of n single-answer multiple-choice questions."""
    q = quiz(**fields)
    cat = cat or category()
    questions = [mc_question(quiz=q, cat=cat) for _ in range(n_questions)]
    return q, questions


def cadre_user(username=None):
    user = UserFactory(username=username or f"cadre{next(_seq)}", role=roles.CADRE)
    unit = Unit.objects.filter(depth=1).first() or unit_tree_root()
    cadre = CadreFactory(user=user, unit=unit)
    return user, cadre


def trainer(username=None):
    return UserFactory(username=username or f"trainer{next(_seq)}", role=roles.TRAINER)


def right_answer(question) -> Answer:
    return question.answers.get(correct=True)


def wrong_answer(question) -> Answer:
    return question.answers.filter(correct=False).first()


def competency(code="GS1"):
    """A competency in an active framework with a four-level scale."""
    from competency.models import Area, Competency, Framework, ProficiencyLevel

    fw = Framework.objects.filter(is_active=True).first() or Framework.objects.create(
        name="Khung năng lực", version=f"v{next(_seq)}", is_active=True
    )
    for level in range(1, 5):
        ProficiencyLevel.objects.get_or_create(framework=fw, level=level, defaults={"name": f"Mức {level}"})
    area, _ = Area.objects.get_or_create(framework=fw, code="GS", defaults={"name": "Giám sát"})
    return Competency.objects.create(framework=fw, area=area, code=code, name=f"Năng lực {code}")
