"""Demo step after assessments: puts each demo course's quiz into its last lesson.

It runs after ``demo.steps.assessments`` because the quizzes exist only then (the courses step runs
first, before the competency framework the quiz banks point at). Idempotent: a lesson that already
holds a quiz block is left alone, so a second run publishes nothing.
"""

from assessments.models import Quiz
from courses.models import CoursePage, LessonPage
from demo.steps.assessments import COURSE_QUIZZES

INTRO = "Kiểm tra cuối khóa: làm bài để hoàn thành khóa học và ghi nhận năng lực."


def load(*, stdout, rng, today):
    quizzes = {quiz.url: quiz for quiz in Quiz.objects.filter(url__in=set(COURSE_QUIZZES.values()))}
    added = 0
    for course in CoursePage.objects.filter(code__in=COURSE_QUIZZES.keys()):
        quiz = quizzes.get(COURSE_QUIZZES[course.code])
        lesson = LessonPage.objects.descendant_of(course).order_by("-path").first()
        if quiz is None or lesson is None:
            continue
        lesson = lesson.specific
        if any(block.block_type == "quiz" for block in lesson.body):
            continue
        quiz_block = lesson.body.stream_block.child_blocks["quiz"]
        lesson.body.append(("quiz", quiz_block.to_python({"quiz": quiz.pk, "intro": INTRO, "final_test": True})))
        lesson.save_revision().publish()
        added += 1
    stdout.write(f"Quizzes placed in {added} demo lessons.")
