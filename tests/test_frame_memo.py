"""The site's frame (navbar menus, stylesheet and script links) is rendered once per process for each
combination of roles and language: a cadre never gets a manager's menus, nor a page in the other
language, whoever was served first. Rendered page parts kept in the process follow every content change."""

import pytest

from cms import routing
from organization import roles
from tests.factories import CadreFactory, UserFactory, add_unit, make_manager, unit_tree_root

pytestmark = pytest.mark.django_db

MANAGEMENT_MENU = 'data-bs-toggle="dropdown" aria-expanded="false"><i class="bi bi-diagram-3"></i>'


@pytest.fixture
def unit(db):
    return add_unit(unit_tree_root(), "A")


def _page(client, user, language):
    client.cookies["django_language"] = language
    client.force_login(user)
    response = client.get("/learn/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_cadre_served_after_a_manager_gets_no_management_menu(client, unit):
    manager = make_manager(unit, username="manager")
    cadre = CadreFactory(unit=unit, user=UserFactory(username="cadre", role=roles.CADRE)).user
    assert MANAGEMENT_MENU in _page(client, manager, "vi")
    html = _page(client, cadre, "vi")
    assert MANAGEMENT_MENU not in html
    assert "Học tập của tôi" in html  # the cadre's own menu, in Vietnamese
    assert MANAGEMENT_MENU in _page(client, manager, "vi")  # and the manager keeps theirs


def test_the_frame_follows_the_language(client, unit):
    cadre = CadreFactory(unit=unit, user=UserFactory(username="cadre", role=roles.CADRE)).user
    assert "Học tập của tôi" in _page(client, cadre, "vi")
    html = _page(client, cadre, "en")
    assert "My learning" in html and "Học tập của tôi" not in html
    assert "Học tập của tôi" in _page(client, cadre, "vi")


def test_a_part_kept_in_the_process_is_renewed_by_a_content_change(db):
    calls = []

    def render():
        calls.append(1)
        return f"html {len(calls)}"

    assert routing.cached_render(("test-part",), render) == "html 1"
    assert routing.cached_render(("test-part",), render) == "html 1"
    routing.content_changed()  # a page, image or document changed: a new version, so a new key
    assert routing.cached_render(("test-part",), render) == "html 2"
    assert len(calls) == 2
