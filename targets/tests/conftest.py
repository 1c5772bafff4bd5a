import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english(settings):
    """Assert on the English msgids: the Vietnamese catalogue is written separately and changes."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
