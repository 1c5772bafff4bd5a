"""The demo content files (demo/content/) and the pages and questions the steps build from them."""

import io
import re
import subprocess
from pathlib import Path

import pytest

from assessments.models import Category, Question, Quiz
from cms.models import Regulation
from courses.models import CoursePage, LessonPage, ModulePage
from demo import content
from demo.steps import assessments as assessments_step
from demo.steps import competency as competency_step
from demo.steps import courses as courses_step

pytestmark = pytest.mark.django_db


def _lessons(course):
    return [lesson for module in course["modules"] for lesson in module["lessons"]]


def _words(lesson) -> int:
    """Words a learner reads in a lesson: headings, text, callouts, quotes and notes (tags stripped)."""
    text = []
    for block in lesson["body"]:
        text += [block.get(key, "") for key in ("heading", "paragraph", "title", "text", "quote", "note")]
    return len(re.sub(r"<[^>]+>", " ", " ".join(text)).split())


def test_lessons_have_substance_three_hundred_words_on_average():
    words = [_words(lesson) for course in content.courses() for lesson in _lessons(course)]

    assert sum(words) / len(words) >= 300
    assert min(words) >= 150  # no lesson is a stub


def test_every_course_has_a_diagram_a_pdf_handout_a_citation_and_its_competencies():
    levels = {code for _area, _name, competencies in competency_step.AREAS for code, *_rest in competencies}
    for course in content.courses():
        blocks = [block for lesson in _lessons(course) for block in lesson["body"]]
        assert any("image" in block and block["image"]["alt"] for block in blocks), course["code"]
        assert sum("document" in block for block in blocks) >= 1, course["code"]
        assert any("cite" in block for block in blocks), course["code"]
        assert course["competencies"] and set(course["competencies"]) <= levels, course["code"]
        assert all(1 <= level <= 4 for level in course["competencies"].values()), course["code"]


def test_quotes_from_the_action_program_are_word_for_word():
    """Citation quotes of the province's action program are copied from it, never paraphrased."""
    source = " ".join(
        (Path(__file__).resolve().parents[1] / "content" / "action_program.txt").read_text(encoding="utf-8").split())
    for course in content.courses():
        for lesson in _lessons(course):
            for block in lesson["body"]:
                if block.get("cite") == "CTHĐ-KL34" and block["quote"]:
                    assert " ".join(block["quote"].split()) in source, (course["code"], block["quote"][:60])


def test_the_files_hold_the_whole_demo_curriculum_and_question_banks():
    courses = content.courses()

    assert [course["code"] for course in courses] == [f"KT-{n:02d}" for n in range(1, 10)]
    assert sum(len(_lessons(course)) for course in courses) == 35
    assert len(content.regulations()) == 22
    assert len(content.question_banks()["banks"]) == 7
    assert len(content.question_banks()["questions"]) == 77
    assert len(content.quizzes()["quizzes"]) == 6


def test_every_reference_in_the_files_points_at_something_defined_before_it():
    numbers = {row["number"] for row in content.regulations()}
    banks = {bank["key"] for bank in content.question_banks()["banks"]}
    seen = set()
    for course in content.courses():
        assert set(course["prerequisites"]) <= seen, course["code"]
        seen.add(course["code"])
        for lesson in _lessons(course):
            for block in lesson["body"]:
                assert len(block.keys() & {"heading", "paragraph", "cite", "callout", "image", "document",
                                                  "practice"}) == 1, block
                assert block.get("cite", next(iter(numbers))) in numbers, block
    assert all(row["replaced_by"] in numbers for row in content.regulations() if row["replaced_by"])
    assert {question["bank"] for question in content.question_banks()["questions"]} == banks
    for quiz in content.quizzes()["quizzes"]:
        assert {key for key, _count in quiz.get("blueprint", [])} | {quiz.get("bank", "gs")} <= banks


def test_the_pages_built_are_the_courses_and_lessons_of_the_files():
    regulations = courses_step._regulations()
    courses_step._curriculum(regulations, owner=None)

    assert sorted(Regulation.objects.values_list("number", flat=True)) == sorted(
        row["number"] for row in content.regulations()
    )
    assert list(CoursePage.objects.order_by("path").values_list("code", "title")) == [
        (course["code"], course["title"]) for course in content.courses()
    ]
    assert list(ModulePage.objects.order_by("path").values_list("title", flat=True)) == [
        module["title"] for course in content.courses() for module in course["modules"]
    ]
    assert list(LessonPage.objects.order_by("path").values_list("title", flat=True)) == [
        lesson["title"] for course in content.courses() for lesson in _lessons(course)
    ]
    assert [len(lesson.body) for lesson in LessonPage.objects.order_by("path")] == [
        len(lesson["body"]) for course in content.courses() for lesson in _lessons(course)
    ]


def test_each_course_built_shows_a_diagram_offers_a_pdf_handout_and_cites_the_library():
    courses_step._curriculum(courses_step._regulations(), owner=None)

    for course in CoursePage.objects.order_by("path"):
        blocks = [block for lesson in LessonPage.objects.descendant_of(course) for block in lesson.body]
        images = [block.value["image"] for block in blocks if block.block_type == "image"]
        documents = [block.value["document"] for block in blocks if block.block_type == "document"]
        assert images and all(image.width == 1200 and image.file.size > 1000 for image in images), course.code
        assert len(documents) == 1, course.code
        assert documents[0].file_extension == "pdf", course.code
        text = subprocess.run(["pdftotext", documents[0].file.path, "-"], capture_output=True, text=True,
                              check=True).stdout
        assert course.title.split(":")[0] in " ".join(text.split()), course.code  # its own handout
        assert "Văn bản được viện dẫn trong khóa học" in text, course.code
        assert any(isinstance(block.value["regulation"], Regulation) for block in blocks
                   if block.block_type == "citation"), course.code


def test_the_question_banks_built_are_the_questions_of_the_files():
    categories = assessments_step._ensure_banks(io.StringIO())
    assessments_step._ensure_quizzes(categories, trainer=None)

    banks = content.question_banks()
    names = {bank["key"]: bank["name"] for bank in banks["banks"]}
    assert sorted(Category.objects.values_list("category", flat=True)) == sorted(names.values())
    assert sorted(Question.objects.values_list("category__category", "kind", "content")) == sorted(
        (names[q["bank"]], "mc" if q["kind"] == "mc_multi" else q["kind"], q["text"]) for q in banks["questions"]
    )
    assert sorted(Quiz.objects.values_list("url", "title")) == sorted(
        (quiz["url"], quiz["title"]) for quiz in content.quizzes()["quizzes"]
    )
