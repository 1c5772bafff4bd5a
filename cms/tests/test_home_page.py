"""The home page: served at the root, the default site's root, created (and reversed) by a data migration."""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.db import connection
from wagtail.models import Page, Site

from cms.models import HomePage

pytestmark = pytest.mark.django_db

HOME_TITLE = "KTLearn — Bồi dưỡng cán bộ kiểm tra"


def test_home_page_is_served_at_the_root_with_its_title(client):
    response = client.get("/")

    assert response.status_code == 200
    assert HOME_TITLE in response.content.decode()


def test_the_default_site_points_at_the_home_page():
    site = Site.objects.get(is_default_site=True)

    assert (site.hostname, site.port) == ("localhost", 80)
    assert isinstance(site.root_page.specific, HomePage)
    assert site.root_page.title == HOME_TITLE
    assert not Page.objects.filter(title="Welcome to your new Wagtail site!").exists()


def test_home_page_migration_reverses_to_wagtails_welcome_page_and_forward_again():
    migration = importlib.import_module("cms.migrations.0002_home_page")
    schema_editor = SimpleNamespace(connection=connection)

    migration.restore_wagtail_welcome_page(django_apps, schema_editor)
    welcome = Site.objects.get(is_default_site=True).root_page
    assert welcome.title == "Welcome to your new Wagtail site!"
    assert not HomePage.objects.exists()

    migration.create_home_page(django_apps, schema_editor)
    migration.create_home_page(django_apps, schema_editor)  # a second run is a no-op
    assert HomePage.objects.get().title == HOME_TITLE
    assert Site.objects.get(is_default_site=True).root_page.specific_class is HomePage
    assert Page.find_problems() == ([], [], [], [], [])


def test_home_page_shows_its_published_body_only(client):
    """The body's HTML is cached for the live revision: a draft never shows, a publication at once."""
    home = HomePage.objects.get()
    home.body = "<p>Lời chào thứ nhất</p>"
    home.save_revision().publish()
    assert "Lời chào thứ nhất" in client.get("/").content.decode()

    home = HomePage.objects.get()
    home.body = "<p>Bản nháp lời chào</p>"
    draft = home.save_revision()
    body = client.get("/").content.decode()
    assert "Lời chào thứ nhất" in body and "Bản nháp lời chào" not in body

    draft.publish()
    body = client.get("/").content.decode()
    assert "Bản nháp lời chào" in body and "Lời chào thứ nhất" not in body


# --- The page an anonymous visitor gets, rendered once (cms.routing.serve_anonymous_cached) ---------------


def _language_form_token(html: str) -> str:
    import re

    form = html[html.index('action="/i18n/setlang/"'):]
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)


def test_each_anonymous_visitor_of_the_rendered_home_gets_a_working_token_of_their_own():
    from django.test import Client

    tokens = []
    for _ in range(2):
        visitor = Client(enforce_csrf_checks=True)
        html = visitor.get("/").content.decode()
        assert HOME_TITLE in html
        token = _language_form_token(html)
        assert "ktlearn-csrf" not in html
        response = visitor.post("/i18n/setlang/", {"language": "en", "next": "/", "csrfmiddlewaretoken": token})
        assert response.status_code == 302  # not 403: the token goes with the visitor's own cookie
        tokens.append(visitor.cookies["csrftoken"].value)
    assert tokens[0] != tokens[1]


def test_the_rendered_home_follows_a_publication_and_the_language(client):
    home = HomePage.objects.get()
    home.intro = "Lời giới thiệu cũ"
    home.save_revision().publish()
    assert "Lời giới thiệu cũ" in client.get("/").content.decode()
    home = HomePage.objects.get()
    home.intro = "Lời giới thiệu mới"
    home.save_revision().publish()
    html = client.get("/").content.decode()
    assert "Lời giới thiệu mới" in html and "Lời giới thiệu cũ" not in html
    client.cookies["django_language"] = "en"
    assert "Log in to start learning" in client.get("/").content.decode()
    client.cookies["django_language"] = "vi"
    assert "Log in to start learning" not in client.get("/").content.decode()


def test_a_signed_in_cadre_never_gets_the_anonymous_home(client):
    from organization import roles
    from tests.factories import CadreFactory, UserFactory, add_unit, unit_tree_root

    client.get("/")  # the anonymous page is rendered and kept
    cadre = CadreFactory(unit=add_unit(unit_tree_root(), "A"), full_name="Lê Thị Hoa",
                         user=UserFactory(username="hoa", role=roles.CADRE))
    client.force_login(cadre.user)
    response = client.get("/", follow=True)
    assert "Lê Thị Hoa" in response.content.decode()
