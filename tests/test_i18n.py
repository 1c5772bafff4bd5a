"""Vietnamese first: the default language, the navbar's language switcher, dates as dd/mm/yyyy."""

import datetime
import re

import pytest
from django.conf import settings
from django.forms import DateField
from django.utils import formats, translation

from organization import roles
from tests.factories import CadreFactory, UserFactory, add_unit, unit_tree_root

PASSWORD = "pw-Secret-123"


def _html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.content.decode()).group(1)


def _switcher(response) -> dict:
    """The navbar's language form as a browser would submit it: action, hidden fields, options."""
    html = response.content.decode()
    form = re.search(r'<form[^>]*action="([^"]*)"[^>]*method="post">(.*?)</form>', html, re.S)
    assert form, "no language form in the navbar"
    action, body = form.groups()
    return {
        "action": action,
        "next": re.search(r'name="next" type="hidden" value="([^"]*)"', body).group(1),
        "options": re.findall(r'<option value="([^"]+)"', body),
    }


@pytest.fixture
def cadre_client(client, db):
    root = unit_tree_root()
    body = add_unit(root, "UBKT-HC", name="Ủy ban Kiểm tra Huyện ủy Hòa Châu")
    user = UserFactory(username="an.pv", role=roles.CADRE)
    CadreFactory(user=user, unit=body, full_name="Phạm Văn An", appointed_on=datetime.date(2024, 3, 5))
    client.force_login(user)
    return client


def test_the_site_speaks_vietnamese_by_default(client, db):
    assert settings.LANGUAGE_CODE == "vi"

    response = client.get("/accounts/login/")

    assert _html_lang(response) == "vi"
    assert "Đăng nhập" in response.content.decode()


def test_the_navbar_offers_vietnamese_and_english(client, db):
    switcher = _switcher(client.get("/accounts/login/"))

    assert switcher["action"] == "/i18n/setlang/"
    assert switcher["options"] == ["vi", "en"]
    assert switcher["next"] == "/accounts/login/"


def test_switching_to_english_changes_the_page_language(client, db):
    switcher = _switcher(client.get("/accounts/login/"))

    response = client.post(switcher["action"], {"language": "en", "next": switcher["next"]}, follow=True)

    assert response.redirect_chain[-1][0] == "/accounts/login/"
    assert _html_lang(response) == "en"
    html = response.content.decode()
    assert "Log in" in html and "Đăng nhập" not in html
    assert _html_lang(client.get("/accounts/login/")) == "en"  # remembered for the next page


def test_switching_back_to_vietnamese(client, db):
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})

    response = client.post("/i18n/setlang/", {"language": "vi", "next": "/accounts/login/"}, follow=True)

    assert _html_lang(response) == "vi"


def test_an_unknown_language_is_ignored(client, db):
    response = client.post("/i18n/setlang/", {"language": "fr", "next": "/accounts/login/"}, follow=True)

    assert _html_lang(response) == "vi"


def test_profile_shows_the_appointment_date_as_dd_mm_yyyy(cadre_client):
    html = cadre_client.get("/org/me/").content.decode()

    assert "05/03/2024" in html
    assert "2024-03-05" not in html and "March" not in html and "tháng 3" not in html.lower()


def test_dates_stay_dd_mm_yyyy_in_english(cadre_client):
    cadre_client.post("/i18n/setlang/", {"language": "en", "next": "/org/me/"})

    response = cadre_client.get("/org/me/")

    assert _html_lang(response) == "en"
    assert "05/03/2024" in response.content.decode()


@pytest.mark.parametrize("language", ["vi", "en"])
def test_default_date_formats_are_dd_mm_yyyy(language):
    day = datetime.date(2025, 1, 9)
    with translation.override(language):
        assert formats.date_format(day) == "09/01/2025"
        assert formats.date_format(day, "SHORT_DATE_FORMAT") == "09/01/2025"


@pytest.mark.parametrize("language", ["vi", "en"])
def test_forms_read_dates_typed_as_dd_mm_yyyy(language):
    with translation.override(language):
        assert DateField().clean("09/01/2025") == datetime.date(2025, 1, 9)


def test_an_english_browser_still_gets_vietnamese_first(client, db):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="vi"' in response.content.decode()
    assert "Đăng nhập" in response.content.decode()


def test_the_switcher_choice_beats_the_default(client, db, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="vi")
    assert '<html lang="en"' in response.content.decode()
