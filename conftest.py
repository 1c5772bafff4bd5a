import pytest


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private-media")


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: a rolled-back database leaves cached pages, sites and
    sessions behind (cms.routing keys them by content, not by test)."""
    from django.core.cache import cache

    cache.clear()


def pytest_collection_modifyitems(config, items):
    """Give every transactional test (live server, real Celery worker, concurrency) a serialized rollback.

    Such a test ends by flushing every table, which also drops what the data migrations wrote:
    Wagtail's root page and root collection, the home page, the default site. Serialized rollback
    writes that back at the start of each transactional test (and keeps the flush from re-creating
    content types with new ids), so their order does not matter.
    """
    for item in items:
        marker = item.get_closest_marker("django_db")
        kwargs = dict(marker.kwargs) if marker else {}
        fixtures = getattr(item, "fixturenames", ())
        transactional = kwargs.get("transaction") or "transactional_db" in fixtures or "live_server" in fixtures
        if transactional and not kwargs.get("serialized_rollback"):
            kwargs.update(transaction=True, serialized_rollback=True)
            item.add_marker(pytest.mark.django_db(*(marker.args if marker else ()), **kwargs), append=False)

    _deselect_postgres_only(config, items)


def _deselect_postgres_only(config, items):
    """Tests marked `postgres` (row-lock concurrency) only mean something on PostgreSQL: on SQLite they are
    deselected, not skipped; CI's second run (`make test-postgres`) runs them."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return
    keep = [item for item in items if item.get_closest_marker("postgres") is None]
    dropped = [item for item in items if item.get_closest_marker("postgres") is not None]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep


@pytest.fixture(autouse=True)
def _force_login_passes_the_second_factor(monkeypatch):
    """`client.force_login` skips the login form, and with it the second factor staff must pass
    (organization.two_factor). As Django's force_login stands in for the password, this stands in
    for the code, the way django-otp itself records one: a confirmed device of the user's and its
    id in the session (DEVICE_ID_SESSION_KEY). Tests of the second factor log in through the form.
    Test-only: production has no switch that turns the second factor off."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        from organization import two_factor

        if two_factor.required_for(user):
            from django_otp.plugins.otp_static.models import StaticDevice

            device, _ = StaticDevice.objects.get_or_create(user=user, name="test force_login", confirmed=True)
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()

    monkeypatch.setattr(Client, "force_login", force_login)
