import pytest
from django.db import IntegrityError

from assessments.models import MCQuestion, QuestionKind, Quiz, Sitting, TFQuestion
from tests.factories import UserFactory


@pytest.mark.django_db
def test_concrete_questions_record_their_kind():
    mc = MCQuestion.objects.create(content="Câu hỏi trắc nghiệm")
    tf = TFQuestion.objects.create(content="Đúng hay sai?", correct=True)
    assert (mc.kind, tf.kind) == (QuestionKind.MC, QuestionKind.TF)


@pytest.mark.django_db
def test_only_one_open_sitting_per_user_and_quiz():
    quiz = Quiz.objects.create(title="Kiểm tra", url="kiem-tra")
    user = UserFactory()
    Sitting.objects.create(user=user, quiz=quiz, attempt_no=1)
    with pytest.raises(IntegrityError):
        Sitting.objects.create(user=user, quiz=quiz, attempt_no=2)
