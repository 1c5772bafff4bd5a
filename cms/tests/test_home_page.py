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
