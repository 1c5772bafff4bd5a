"""StreamField blocks for lessons: a quiz inside a LessonPage."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock


class QuizBlock(blocks.StructBlock):
    """Points the cadre to a quiz (a lesson check or a course's final test). The block shows the quiz's
    rules and a link; the questions themselves are served by /quiz/<url>/, never inside the page."""

    quiz = SnippetChooserBlock("assessments.Quiz", label=_("Quiz"))
    intro = blocks.TextBlock(label=_("Introduction"), required=False)
    final_test = blocks.BooleanBlock(label=_("Final test of the course"), required=False)

    class Meta:
        icon = "tasks"
        label = _("Quiz")
        template = "assessments/blocks/quiz_block.html"
        preview_value = {"intro": "Kiểm tra nhanh sau bài học.", "final_test": False}
        preview_description = _("A quiz the cadre takes from this lesson")
