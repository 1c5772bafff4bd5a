"""A cadre takes a timed quiz on a phone: answers autosave, survive a dropped connection and a reload."""

import pytest

from assessments.models import Sitting, SittingAnswer
from organization import roles
from tests.browser.conftest import PHONE, log_in, open_page, playwright, screenshot, site  # noqa: F401
from tests.factories import CadreFactory, UserFactory, unit_tree_root

from . import builders as b

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_answers_autosave_through_a_dropped_connection_and_a_reload(live_server, site, open_page):  # noqa: F811
    quiz, qs = b.quiz_with_mc(3, time_limit_minutes=30, pass_mark=50)
    user = UserFactory(username="thu.tm", role=roles.CADRE)
    CadreFactory(user=user, unit=unit_tree_root(), full_name="Trần Thị Minh Thu")
    page = open_page(PHONE)
    log_in(page, live_server.url, "thu.tm", "pw-Secret-123")

    page.goto(f"{live_server.url}/quiz/{quiz.url}/")
    with page.expect_navigation():
        page.locator("form[action$='/start/'] button").click()
    assert page.locator("#kt-timer").is_visible()  # a limit, so a timer

    first, second = page.locator(".kt-answer-form").nth(0), page.locator(".kt-answer-form").nth(1)
    first.locator(f"input[name='choice'][value='{b.right_answer(qs[0]).pk}']").check()
    first.locator(".kt-save-status .bi-cloud-check").wait_for()

    page.context.set_offline(True)
    second.locator(f"input[name='choice'][value='{b.right_answer(qs[1]).pk}']").check()
    second.locator(".kt-save-status .bi-wifi-off").wait_for()  # "not saved yet — retrying"
    page.context.set_offline(False)
    second.locator(".kt-save-status .bi-cloud-check").wait_for(timeout=20_000)
    screenshot(page, "quiz-autosave-phone", full_page=False)

    sitting = Sitting.objects.get(user=user)
    assert SittingAnswer.objects.filter(sitting=sitting).count() == 2

    page.reload()
    assert page.locator(f"input[name='choice'][value='{b.right_answer(qs[1]).pk}']").is_checked()

    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.locator("#kt-submit-form button").click()
    assert "/result/" in page.url and "2/3" in page.locator("main").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.js_errors == []
