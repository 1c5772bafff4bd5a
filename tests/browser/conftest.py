"""Browser tests: pytest-django's live server + Debian's headless Chromium driven by Playwright.

Never `playwright install`: the browser is /usr/bin/chromium from the distribution (.ci/run installs
it). Each page gets a fresh Chromium profile directory. Tests here are marked `browser`.

The live server runs in a thread of this process and needs the data committed, so every test here
uses a transactional database (pytest-django does that for `live_server`); on SQLite the test
database is a file (lms/settings/test.py) so the server's thread sees it.
"""

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections

# Playwright's sync API runs an event loop in this thread; Django would otherwise refuse ORM calls
# made from the test body ("You cannot call this from an async context").
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from playwright.sync_api import Page, Playwright, sync_playwright  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
SCREENSHOT_DIR = Path(os.environ.get("KTLEARN_SCREENSHOT_DIR", "/tmp/ktlearn-browser"))  # noqa: S108
TIMEOUT_MS = 15_000


def pytest_collection_modifyitems(items):
    browser_dir = Path(__file__).parent
    for item in items:
        if browser_dir in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture
def playwright() -> Iterator[Playwright]:
    """A Playwright driver for one test.

    Not session-wide on purpose: while the driver runs, its event loop is running in this thread,
    and Django then hands out a separate set of database connections (asgiref keeps them per task).
    Starting after pytest-django has prepared the database and stopping before it flushes keeps
    that bookkeeping (serialized rollback, the flush) on Django's own connections.
    """
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: apt-get install -y chromium (see .ci/run)"
    driver = sync_playwright().start()
    try:
        yield driver
    finally:
        # Close the connections the test body opened while the loop ran; an open one would keep
        # PostgreSQL from dropping the test database at the end of the run.
        connections.close_all()
        driver.stop()


@pytest.fixture
def open_page(playwright, tmp_path, request) -> Iterator[Callable[..., Page]]:
    """Factory: open_page(viewport=PHONE, **context options) -> a Page in a fresh Chromium profile.

    The page fails the test on any JavaScript error; its screenshot is saved if the test fails."""
    contexts = []
    failures_before = request.session.testsfailed

    def _open(viewport=DESKTOP, *, locale="vi-VN", **options) -> Page:
        context = playwright.chromium.launch_persistent_context(
            user_data_dir=str(tmp_path / f"chromium-profile-{len(contexts)}"),
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
            headless=True,
            viewport=viewport,
            locale=locale,
            timezone_id=settings.TIME_ZONE,
            is_mobile=viewport["width"] < 576,
            has_touch=viewport["width"] < 576,
            **options,
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.pages[0] if context.pages else context.new_page()
        page.js_errors = []
        page.on("pageerror", lambda error: page.js_errors.append(str(error)))
        return page

    yield _open

    # The call phase's report is logged before fixtures are torn down, so a failure has been counted.
    failed = request.session.testsfailed > failures_before
    for number, context in enumerate(contexts):
        if failed and context.pages:
            SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
            name = re.sub(r"[^\w.-]+", "_", request.node.name)
            context.pages[0].screenshot(path=str(SCREENSHOT_DIR / f"FAILED-{name}-{number}.png"), full_page=True)
        context.close()


@pytest.fixture
def page(open_page) -> Page:
    """A desktop-sized page."""
    return open_page(DESKTOP)


@pytest.fixture
def phone_page(open_page) -> Page:
    """A phone-sized page (390x844, touch), as most cadres will see the site."""
    return open_page(PHONE)


@pytest.fixture
def site(live_server):
    """The Wagtail site and KTLearn home page. The cms migration creates them, but a transactional
    test before this one may have flushed the tables, so they are rebuilt when missing."""
    from wagtail.coreutils import get_supported_content_language_variant
    from wagtail.models import Locale, Page, Site

    from cms.models import HomePage

    existing = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if existing is not None:
        return existing
    Locale.objects.get_or_create(language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE))
    root = Page.get_first_root_node() or Page.add_root(title="Root", slug="root")
    home = HomePage.objects.first() or root.add_child(instance=HomePage(title="KTLearn", slug="home"))
    return Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="KTLearn")


def screenshot(page: Page, name: str, *, full_page: bool = True) -> Path:
    """Save a screenshot under SCREENSHOT_DIR and return its path."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def _staff_authenticator(username: str):
    """Staff pass a second factor after the password (organization.two_factor): give them a
    confirmed TOTP device, as if enrolled, and return it to compute codes; None for cadres."""
    from django.contrib.auth import get_user_model
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from organization import two_factor

    user = get_user_model().objects.filter(username=username).first()
    if user is None or not two_factor.required_for(user):
        return None
    return TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="browser test", confirmed=True)


def _totp_code(device) -> str:
    import time

    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"


def log_in(page: Page, base_url: str, username: str, password: str) -> None:
    """Log in through the login form, as a person would (staff also type the code of their
    authenticator app), and wait for the next page."""
    device = _staff_authenticator(username)
    page.goto(f"{base_url}/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    with page.expect_navigation():
        page.locator("form[action$='/accounts/login/'] button[type=submit]").click()
    if device is not None:
        page.locator("#id_token").fill(_totp_code(device))
        with page.expect_navigation():
            page.locator("form:has(#id_token) button[type=submit]").click()
