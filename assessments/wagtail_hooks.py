"""Trainer side in the Wagtail admin: question banks, questions, quizzes."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Quiz


class QuizViewSet(SnippetViewSet):
    model = Quiz
    icon = "tasks"
    menu_label = _("Quizzes")
    list_display = ["title", "url", "pass_mark", "draft"]
    search_fields = ["title", "description"]
    panels = [
        FieldPanel("title"),
        FieldPanel("url"),
        FieldPanel("description"),
        FieldPanel("category"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("random_order"), FieldPanel("max_questions")]),
                InlinePanel("blueprint", label=_("Blueprint draws")),
                FieldPanel("layout"),
            ],
            heading=_("Questions"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("pass_mark"), FieldPanel("attests_level")]),
                FieldRowPanel([FieldPanel("single_attempt"), FieldPanel("max_attempts")]),
                FieldRowPanel([FieldPanel("time_limit_minutes"), FieldPanel("opens_at"), FieldPanel("closes_at")]),
            ],
            heading=_("Rules"),
        ),
        MultiFieldPanel(
            [FieldPanel("review_available"), FieldPanel("answers_at_end"), FieldPanel("exam_paper"),
             FieldPanel("success_text"), FieldPanel("fail_text")],
            heading=_("Results and review"),
        ),
        FieldPanel("editors"),
        FieldPanel("draft"),
    ]


register_snippet(QuizViewSet)
