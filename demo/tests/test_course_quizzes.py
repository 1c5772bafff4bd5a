"""The demo step that puts each demo course's quiz into its last lesson (after demo.steps.assessments)."""

import io
from unittest import mock

import pytest
from django.core.management import call_command

from courses.models import CoursePage, LessonPage
from demo.management.commands import load_demo as load_demo_command
from demo.steps.assessments import COURSE_QUIZZES

pytestmark = pytest.mark.django_db

STEPS = ("demo.steps.organization", "demo.steps.cms", "demo.steps.courses", "demo.steps.competency",
         "demo.steps.assessments", "demo.steps.course_quizzes")


def _load():
    with mock.patch.object(load_demo_command, "STEPS", STEPS):
        call_command("load_demo", stdout=io.StringIO(), grassroots=20, cadres=200)


def test_each_demo_course_ends_with_its_quiz_and_a_second_run_publishes_nothing():
    _load()
    revisions_after_first = {lesson.pk: lesson.latest_revision_id for lesson in LessonPage.objects.all()}
    _load()

    for course in CoursePage.objects.filter(code__in=COURSE_QUIZZES):
        last_lesson = LessonPage.objects.descendant_of(course).order_by("-path").first().specific
        quizzes = [block.value["quiz"].url for block in last_lesson.body if block.block_type == "quiz"]
        assert quizzes == [COURSE_QUIZZES[course.code]], course.code
    assert {lesson.pk: lesson.latest_revision_id for lesson in LessonPage.objects.all()} == revisions_after_first
