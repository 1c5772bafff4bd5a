import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english(settings):
    """Assert on the English msgids, as the apps' own tests do (most of these tests came from them)."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
