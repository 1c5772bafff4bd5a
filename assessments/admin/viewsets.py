"""The assessments app's Wagtail admin: viewsets, forms and admin views (registered in wagtail_hooks.py)."""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import path
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TitleFieldPanel,
)
from wagtail.admin.ui.tables import BooleanColumn
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.snippets.views.chooser import SnippetChooserViewSet
from wagtail.snippets.views.snippets import (
    CreateView,
    DeleteView,
    EditView,
    IndexView,
    SnippetViewSet,
    SnippetViewSetGroup,
)

from competency.selectors import framework_active
from organization.admin.scoped import forbidden_as_403

from ..admin import views as admin_views
from ..models import Category, EssayQuestion, MCQuestion, Quiz, SubCategory, TFQuestion
from ..permissions import can_author, quizzes_editable_by


class MCQuestionForm(WagtailAdminModelForm):
    """At least two answers; exactly one right one, or one or more when several may be right."""

    def clean(self):
        cleaned = super().clean()
        formset = self.formsets.get("answers")
        if formset is None or not all(f.is_valid() for f in formset.forms):
            return cleaned
        kept = [f.cleaned_data for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        right = sum(1 for data in kept if data.get("correct"))
        if len(kept) < 2:
            raise ValidationError(_("Give at least two answers."))
        if right == 0:
            raise ValidationError(_("Mark the right answer."))
        if right > 1 and not cleaned.get("multiple"):
            raise ValidationError(_("Several answers are marked right: tick “several correct answers” or keep one."))
        return cleaned


class QuizForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk and "draft" in self.fields:
            self.fields["draft"].initial = True  # a new quiz is a draft until its author publishes it

    def clean(self):
        cleaned = super().clean()
        level = cleaned.get("attests_level")
        if level:

            framework = framework_active()
            top = framework.levels.order_by("-level").values_list("level", flat=True).first() if framework else None
            if top is not None and level > top:
                self.add_error("attests_level", _("The framework's scale stops at level %(top)s.") % {"top": top})
        return cleaned


class QuizPermissionPolicy(ModelPermissionPolicy):
    """Model permissions (what a role may do) narrowed to the quizzes the user owns or co-edits."""

    def user_has_permission_for_instance(self, user, action, instance):
        if not self.user_has_permission(user, action):
            return False
        if action in ("view", "choose"):
            return True
        return quizzes_editable_by(user).filter(pk=instance.pk).exists()

    def instances_user_has_any_permission_for(self, user, actions):
        if not self.user_has_any_permission(user, actions):
            return Quiz.objects.none()
        if set(actions) & {"view", "choose"}:
            return Quiz.objects.all()
        return quizzes_editable_by(user)


quiz_permission_policy = QuizPermissionPolicy(Quiz)


class _EditableQuizMixin:
    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        if not quiz_permission_policy.user_has_permission_for_instance(self.request.user, "change", obj):
            raise PermissionDenied
        return obj


class QuizIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().filter(pk__in=quizzes_editable_by(self.request.user).values("pk"))


class QuizCreateView(CreateView):
    def save_instance(self):
        instance = super().save_instance()
        if instance.owner_id is None:
            instance.owner = self.request.user
            instance.save(update_fields=["owner"])
        return instance


class QuizEditView(_EditableQuizMixin, EditView):
    pass


class QuizDeleteView(_EditableQuizMixin, DeleteView):
    pass


_question_panels = [
    FieldRowPanel([FieldPanel("category"), FieldPanel("sub_category")]),
    FieldPanel("content"),
    FieldPanel("figure"),
    FieldPanel("explanation"),
    FieldPanel("quiz", widget=forms.CheckboxSelectMultiple),
]


class PermissionCheckedChooserViewSet(SnippetChooserViewSet):
    """The chooser of a bank, question or quiz (its modal, results, chosen and create endpoints)
    answers 403 to anyone without a permission on the model: Wagtail's snippet chooser checks
    none, so `/admin/snippets/choose/assessments/mcquestion/results/?q=` showed exam questions to
    every admin user (managers, the board)."""

    def construct_view(self, view_class, **kwargs):
        view = super().construct_view(view_class, **kwargs)
        policy = ModelPermissionPolicy(self.model)

        def checked(request, *args, **kw):
            if not policy.user_has_any_permission(request.user, ["add", "change", "delete", "view"]):
                raise PermissionDenied
            return view(request, *args, **kw)

        return forbidden_as_403(checked)


class AssessmentsSnippetViewSet(SnippetViewSet):
    chooser_viewset_class = PermissionCheckedChooserViewSet


class CategoryViewSet(AssessmentsSnippetViewSet):
    model = Category
    icon = "folder-open-inverse"
    menu_label = _("Question banks")
    list_display = ["category", "competency"]
    search_fields = ["category", "description"]
    panels = [FieldPanel("category"), FieldPanel("competency"), FieldPanel("description")]


class SubCategoryViewSet(AssessmentsSnippetViewSet):
    model = SubCategory
    icon = "folder-inverse"
    menu_label = _("Sub-categories")
    list_display = ["sub_category", "category"]
    list_filter = ["category"]
    search_fields = ["sub_category"]


def _boolean_column(model, name: str) -> BooleanColumn:
    """A yes/no field as a tick or a cross (a plain column printed "True"/"False", in English)."""
    return BooleanColumn(name, label=capfirst(model._meta.get_field(name).verbose_name), sort_key=name)


class MCQuestionViewSet(AssessmentsSnippetViewSet):
    model = MCQuestion
    icon = "list-ul"
    menu_label = _("Multiple choice")
    list_display = ["content", "category", _boolean_column(MCQuestion, "multiple")]
    list_filter = ["category"]
    search_fields = ["content"]
    edit_handler = ObjectList(
        [
            *_question_panels,
            FieldRowPanel([FieldPanel("answer_order"), FieldPanel("multiple")]),
            InlinePanel("answers", label=_("Answers"), min_num=2),
        ],
        base_form_class=MCQuestionForm,
    )


class TFQuestionViewSet(AssessmentsSnippetViewSet):
    model = TFQuestion
    icon = "tick-inverse"
    menu_label = _("True / false")
    list_display = ["content", "category", _boolean_column(TFQuestion, "correct")]
    list_filter = ["category"]
    search_fields = ["content"]
    panels = [*_question_panels, FieldPanel("correct")]


class EssayQuestionViewSet(AssessmentsSnippetViewSet):
    model = EssayQuestion
    icon = "edit"
    menu_label = _("Essay")
    list_display = ["content", "category"]
    list_filter = ["category"]
    search_fields = ["content"]
    panels = _question_panels


class QuizViewSet(AssessmentsSnippetViewSet):
    model = Quiz
    icon = "tasks"
    menu_label = _("Quizzes")
    list_display = ["title", "url", "pass_mark", "draft", "attached", "open_to_all"]
    list_filter = ["draft", "attached", "open_to_all"]
    search_fields = ["title", "description"]
    index_view_class = QuizIndexView
    add_view_class = QuizCreateView
    edit_view_class = QuizEditView
    delete_view_class = QuizDeleteView
    edit_handler = ObjectList(
        [
            TitleFieldPanel("title", targets=["url"]),
            FieldPanel("url"),
            FieldPanel("description"),
            FieldPanel("category"),
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("random_order"), FieldPanel("max_questions")]),
                    FieldPanel("layout"),
                    InlinePanel("inline_questions", label=_("Question"), heading=_("Questions written here"),
                                help_text=_("Write questions straight into the quiz; questions from the banks "
                                            "are added by ticking this quiz on the question")),
                    InlinePanel("blueprint", label=_("Blueprint draw (instead of the questions ticked in the bank)")),
                ],
                heading=_("Questions"),
            ),
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("pass_mark"), FieldPanel("attests_level")]),
                    FieldRowPanel([FieldPanel("single_attempt"), FieldPanel("max_attempts")]),
                    FieldRowPanel([FieldPanel("time_limit_minutes"), FieldPanel("opens_at"),
                                   FieldPanel("closes_at")]),
                ],
                heading=_("Rules"),
            ),
            MultiFieldPanel(
                [FieldPanel("review_available"), FieldPanel("answers_at_end"), FieldPanel("exam_paper"),
                 FieldPanel("success_text"), FieldPanel("fail_text")],
                heading=_("Results and review"),
            ),
            FieldPanel("editors"),
            MultiFieldPanel([FieldPanel("draft"), FieldPanel("open_to_all")], heading=_("Who sees it")),
        ],
        base_form_class=QuizForm,
    )


class AssessmentsGroup(SnippetViewSetGroup):
    menu_label = _("Quizzes")
    menu_icon = "tasks"
    menu_order = 250
    items = (QuizViewSet, CategoryViewSet, SubCategoryViewSet, MCQuestionViewSet, TFQuestionViewSet,
             EssayQuestionViewSet)
    submenu_hook = "register_assessments_menu_item"


class AuthorMenuItem(MenuItem):
    def is_shown(self, request):
        return can_author(request.user)


admin_urlpatterns = (
    [
        path("import/", admin_views.bank_import, name="bank_import"),
        path("export/", admin_views.bank_export, name="bank_export"),
        path("statistics/", admin_views.statistics_index, name="statistics_index"),
        path("statistics/<int:pk>/", admin_views.quiz_statistics, name="quiz_statistics"),
    ],
    "assessments_admin",
)

