import pytest

from organization import roles
from organization.models import UnitKind
from tests.factories import CadreFactory, UserFactory, add_unit, unit_tree_root


@pytest.fixture
def province(db):
    return unit_tree_root()


@pytest.fixture
def commune(province):
    body = add_unit(province, "B1")
    return add_unit(body, "B1-X1", kind=UnitKind.COMMUNE)


@pytest.fixture
def cadre_user(commune):
    user = UserFactory(username="hoc-vien", role=roles.CADRE)
    cadre = CadreFactory(unit=commune, user=user, full_name="Nguyễn Thị Ánh")
    return cadre


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted on their English source text, whatever translations exist."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def client(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client
