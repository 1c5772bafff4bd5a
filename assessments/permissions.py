"""Who may edit which quiz: the one rule the admin, the marking queue and the sitting views share."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from organization import roles

from .models import Quiz, Sitting


def can_author(user) -> bool:
    """Trainers and administrators build question banks and quizzes."""
    return user.is_authenticated and (roles.is_administrator(user) or roles.is_trainer(user))


def quizzes_editable_by(user) -> QuerySet[Quiz]:
    """Administrators edit every quiz; a trainer the quizzes they own or were named an editor of."""
    if not user.is_authenticated:
        return Quiz.objects.none()
    if roles.is_administrator(user):
        return Quiz.objects.all()
    if roles.is_trainer(user):
        editor = Quiz.editors.through.objects.filter(quiz_id=OuterRef("pk"), user_id=user.pk)
        return Quiz.objects.filter(Q(owner=user) | Exists(editor))
    return Quiz.objects.none()


def can_edit_quiz(user, quiz: Quiz) -> bool:
    return quizzes_editable_by(user).filter(pk=quiz.pk).exists()


def sittings_visible_to(user) -> QuerySet[Sitting]:
    """A cadre sees their own sittings; a trainer also those of the quizzes they can edit."""
    if not user.is_authenticated:
        return Sitting.objects.none()
    if roles.is_administrator(user):
        return Sitting.objects.all()
    condition = Q(user=user)
    if roles.is_trainer(user):
        condition |= Q(quiz__in=quizzes_editable_by(user))
    return Sitting.objects.filter(condition)
