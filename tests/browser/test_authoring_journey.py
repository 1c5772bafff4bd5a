"""Trainers in the Wagtail admin, in a real browser: the lesson editor uploads two images in a row (on
SQLite, with the editing-session ping and autosave running: no 500, no image lost); a trainer writes
a course with a module, two lessons and a quiz with inline questions, submits the course once, the
approver approves once, and the cadre sees it all. Marked `browser`."""

import io

import pytest
from django.utils import translation
from PIL import Image as PILImage
from playwright.sync_api import expect

from courses.tests import builders
from organization import roles
from tests.browser.conftest import log_in, screenshot
from tests.factories import UserFactory

PASSWORD = "pw-Secret-123"


def _label(text: str) -> str:
    """A label as the admin shows it (Vietnamese)."""
    with translation.override("vi"):
        return str(translation.gettext(text))


def _png(path, colour):
    buffer = io.BytesIO()
    PILImage.new("RGB", (64, 48), colour).save(buffer, "PNG")
    path.write_bytes(buffer.getvalue())
    return path


def _server_errors(page):
    errors = []
    page.on("response", lambda response: errors.append(f"{response.status} {response.url}")
            if response.status >= 500 else None)
    return errors


def _add_block(page, label: str):
    page.locator(".c-sf-add-button").last.click()
    page.get_by_role("option", name=label, exact=True).first.click()


def _upload_in_chooser(page, image_path, title):
    modal = page.locator(".modal.show, .modal[aria-hidden=false], .modal:visible").first
    modal.locator("#tab-label-upload").click()
    modal.locator("input[type=file]").set_input_files(str(image_path))
    modal.locator("input[name$='title']").fill(title)
    modal.locator("#tab-upload form button[type=submit], #tab-upload form input[type=submit]").first.click()
    modal.wait_for(state="hidden")


@pytest.fixture
def trainer(db):
    builders.curriculum()  # the editorial groups and the workflow
    return UserFactory(username="giangvien", role=roles.TRAINER)


def test_the_lesson_editor_uploads_two_images_in_a_row(live_server, site, page, trainer, tmp_path):
    from wagtail.images.models import Image

    from courses.models import LessonPage

    course, lessons = builders.course_with_lessons(n_modules=1, n_lessons=1)
    errors = _server_errors(page)
    log_in(page, live_server.url, "giangvien", PASSWORD)
    page.goto(f"{live_server.url}/admin/pages/{lessons[0].pk}/edit/")
    for number, colour in ((1, "red"), (2, "blue")):
        _add_block(page, _label("Image"))
        # The new block's chooser: the only visible one once the block is rendered (before that, the
        # last in the page is the first block's, hidden after its image was chosen).
        page.locator("[data-chooser-action-choose]:visible").last.click()
        _upload_in_chooser(page, _png(tmp_path / f"so-do-{number}.png", colour), f"Sơ đồ {number}")
        page.locator(f"text=Sơ đồ {number}").first.wait_for()
    screenshot(page, "lesson-editor-two-images")
    page.locator("input[name$='-value-alt_text'], textarea[name$='-value-alt_text']").nth(0).fill("Sơ đồ một")
    page.locator("input[name$='-value-alt_text'], textarea[name$='-value-alt_text']").nth(1).fill("Sơ đồ hai")
    with page.expect_navigation():
        page.locator("footer .action-save, .action-save").first.click()
    assert errors == []
    assert set(Image.objects.values_list("title", flat=True)) == {"Sơ đồ 1", "Sơ đồ 2"}
    body = LessonPage.objects.get(pk=lessons[0].pk).get_latest_revision_as_object().body
    chosen = [block.value["image"].title for block in body if block.block_type == "image"]
    assert chosen == ["Sơ đồ 1", "Sơ đồ 2"]
    assert page.js_errors == []


def _save(page):
    with page.expect_navigation():
        page.locator(".action-save").first.click()


def _new_page(page, base_url, model, parent_pk, title):
    page.goto(f"{base_url}/admin/pages/add/courses/{model}/{parent_pk}/")
    page.locator("#id_title").press_sequentially(title)
    page.locator("#id_title").blur()
    # Filled by Wagtail's script as the title is typed (w-sync, debounced).
    expect(page.locator("#id_slug")).not_to_have_value("")
    return page.locator("#id_slug").input_value()


def test_a_trainer_writes_a_course_submits_once_and_the_approver_publishes_once(
        live_server, site, open_page, trainer, tmp_path):
    from assessments.models import MCQuestion, Quiz
    from courses.editorial import CURRICULUM_APPROVERS
    from courses.models import CoursePage, CurriculumPage, LessonPage, ModulePage
    from tests.factories import CadreFactory, unit_tree_root

    curriculum = CurriculumPage.objects.get()
    approver = UserFactory(username="duyet")
    from django.contrib.auth.models import Group

    approver.groups.add(Group.objects.get(name=CURRICULUM_APPROVERS))
    cadre_user = UserFactory(username="canbo", role=roles.CADRE)
    CadreFactory(user=cadre_user, unit=unit_tree_root(), full_name="Lê Văn Bình")
    base = live_server.url

    page = open_page()
    errors = _server_errors(page)
    log_in(page, base, "giangvien", PASSWORD)

    slug = _new_page(page, base, "coursepage", curriculum.pk, "Giám sát chuyên đề: Đối tượng và nội dung")
    assert slug == "giam-sat-chuyen-de-doi-tuong-va-noi-dung"  # ASCII, typed by nobody
    page.locator("#id_code").fill("KT-50")
    page.locator("#id_hours").fill("8")
    _save(page)
    course = CoursePage.objects.get(code="KT-50")
    assert course.slug == slug and not course.live

    assert _new_page(page, base, "modulepage", course.pk, "Chuyên đề 1: Đối tượng giám sát") == \
        "chuyen-de-1-doi-tuong-giam-sat"
    _save(page)
    module = ModulePage.objects.get(title="Chuyên đề 1: Đối tượng giám sát")
    for title in ("Bài 1: Ai là đối tượng giám sát", "Bài 2: Nội dung giám sát"):
        _new_page(page, base, "lessonpage", module.pk, title)
        _save(page)
    lessons = list(LessonPage.objects.child_of(module).order_by("path"))
    assert [lesson.slug for lesson in lessons] == ["bai-1-ai-la-doi-tuong-giam-sat", "bai-2-noi-dung-giam-sat"]

    # The quiz, its questions written in it.
    page.goto(f"{base}/admin/snippets/assessments/quiz/add/")
    page.locator("#id_title").press_sequentially("Kiểm tra: Đối tượng giám sát")
    page.locator("#id_title").blur()
    expect(page.locator("#id_url")).not_to_have_value("")
    assert page.locator("#id_url").input_value() == "kiem-tra-doi-tuong-giam-sat"
    for number, (content, right) in enumerate([("Ai giám sát tổ chức đảng cấp dưới?", "2"),
                                               ("Giám sát chuyên đề có kế hoạch trước không?", "1")]):
        page.locator("#id_inline_questions-ADD").click()
        prefix = f"#id_inline_questions-{number}"
        page.locator(f"{prefix}-content").fill(content)
        page.locator(f"{prefix}-option_1").fill("Có" if number else "Chi bộ")
        page.locator(f"{prefix}-option_2").fill("Không" if number else "Ủy ban Kiểm tra cấp trên")
        page.locator(f"{prefix}-correct").select_option(right)
    page.locator("#id_draft").uncheck()
    _save(page)
    quiz = Quiz.objects.get(url="kiem-tra-doi-tuong-giam-sat")
    assert MCQuestion.objects.filter(quiz=quiz).count() == 2 and not quiz.draft and not quiz.attached

    # The quiz goes into the second lesson.
    page.goto(f"{base}/admin/pages/{lessons[1].pk}/edit/")
    _add_block(page, _label("Quiz"))
    page.locator("[data-chooser-action-choose]").last.click()
    page.locator(".modal a", has_text="Kiểm tra: Đối tượng giám sát").first.click()
    page.locator(".modal").first.wait_for(state="hidden")
    _save(page)

    # One submission for the whole course.
    page.goto(f"{base}/admin/pages/{course.pk}/edit/")
    panel = page.locator("main").inner_text()
    assert "Bài 2: Nội dung giám sát" in panel  # what the approval will publish with the course
    with page.expect_navigation():
        page.locator("button[name='action-submit']").dispatch_event("click")
    screenshot(page, "course-submitted")
    assert errors == [] and page.js_errors == []

    # The approver approves once.
    approver_page = open_page()
    approver_errors = _server_errors(approver_page)
    log_in(approver_page, base, "duyet", PASSWORD)
    approver_page.goto(f"{base}/admin/pages/{course.pk}/edit/")
    with approver_page.expect_navigation():  # "Approve" in the editor's footer: approved, back to the explorer
        approver_page.locator("[data-workflow-action-name='approve']").first.dispatch_event("click")
    screenshot(approver_page, "course-approved")
    assert approver_errors == []
    for item in (course, module, *lessons):
        assert type(item).objects.get(pk=item.pk).live, item.title
    assert Quiz.objects.get(pk=quiz.pk).attached

    # The cadre sees the course, its lessons and the quiz.
    cadre_page = open_page()
    log_in(cadre_page, base, "canbo", PASSWORD)
    cadre_page.goto(f"{base}{CoursePage.objects.get(pk=course.pk).url}")
    text = cadre_page.locator("main").inner_text()
    assert "Giám sát chuyên đề: Đối tượng và nội dung" in text and "Bài 2: Nội dung giám sát" in text
    cadre_page.goto(f"{base}/quiz/")
    assert "Kiểm tra: Đối tượng giám sát" in cadre_page.locator("main").inner_text()
    cadre_page.goto(f"{base}/quiz/kiem-tra-doi-tuong-giam-sat/")
    assert "Kiểm tra: Đối tượng giám sát" in cadre_page.locator("main").inner_text()
    screenshot(cadre_page, "cadre-sees-approved-course")
