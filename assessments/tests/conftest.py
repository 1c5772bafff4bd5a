import pytest


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted on their English source text; tests/test_translations.py checks the Vietnamese."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def client(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client
