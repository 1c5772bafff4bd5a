"""Search takes whatever a user types: punctuation and operators are not search syntax."""

import pytest

from . import builders

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("typed", ['"', '"kiểm tra', "kiểm tra)", "NOT", "* OR -", "'; DROP", "^~"])
def test_odd_characters_give_a_results_page_not_an_error(client, typed):
    builders.course(title="Nghiệp vụ kiểm tra")
    response = client.get("/learn/search/", {"q": typed})
    assert response.status_code == 200


def test_the_words_around_the_punctuation_are_still_found(client):
    builders.course(title="Nghiệp vụ kiểm tra")
    response = client.get("/learn/search/", {"q": '"kiểm tra"'})
    assert "Nghiệp vụ kiểm tra" in response.content.decode()
