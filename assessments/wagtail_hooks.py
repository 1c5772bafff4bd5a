"""Trainer side in the Wagtail admin: question banks, questions, quizzes, import/export, statistics.

All models are snippets (grouped under one "Quizzes" menu) so that lessons can choose a quiz with
a SnippetChooserBlock. Trainers edit every bank and question; a quiz only when they own it or are
among its editors (QuizPermissionPolicy).
"""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from .admin.viewsets import (
    AssessmentsGroup,
    AuthorMenuItem,
    admin_urlpatterns,
    quiz_permission_policy,
)
from .models import Quiz

register_permission_policy(Quiz, quiz_permission_policy, exact_class=True)

register_snippet(AssessmentsGroup)


@hooks.register("register_assessments_menu_item")
def _menu_import():
    return AuthorMenuItem(_("Import / export bank"), reverse("assessments_admin:bank_import"), icon_name="upload",
                          order=900)


@hooks.register("register_assessments_menu_item")
def _menu_statistics():
    return AuthorMenuItem(_("Statistics"), reverse("assessments_admin:statistics_index"), icon_name="table",
                          order=910)


@hooks.register("register_assessments_menu_item")
def _menu_marking():
    return AuthorMenuItem(_("Essays to mark"), reverse("assessments:marking_queue"), icon_name="edit", order=920)


@hooks.register("register_admin_urls")
def _admin_urls():
    return [path("quiz-bank/", include(admin_urlpatterns))]


@hooks.register("register_audit_scope")
def register_assessments_audit_scope(user):
    from .selectors import audit_scope

    return audit_scope(user)


@hooks.register("register_personal_data")
def register_assessments_personal_data(cadre):
    from .selectors import personal_data

    return personal_data(cadre)
