"""Every list costs the same number of queries for a page of 3 rows or of 60."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from organization.models import Cadre
from tests.factories import CadreFactory, add_unit

from .records import give_records

LISTS = ["/cadres", "/units", "/position-assignments", "/enrolments", "/completions", "/certificates",
         "/quiz-results", "/external-training", "/tombstones"]


def _queries(caller, path) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = caller.get(path, {"limit": 100})
    assert response.status_code == 200, response.content
    return len(queries)


@pytest.mark.parametrize("path", LISTS)
def test_a_page_costs_the_same_queries_for_3_or_60_rows(tree, alpha, path):
    a_course, a_quiz = give_records(Cadre.objects.filter(code__in=["CA-1", "CA-2"]))
    small = _queries(alpha, path)
    more = [CadreFactory(code=f"M-{i}", unit=tree["A1"], position=tree["position"]) for i in range(58)]
    give_records(more, a_course=a_course, a_quiz=a_quiz)
    for i in range(20):
        add_unit(tree["A1"], f"A1-{i}")
    Cadre.objects.filter(code__in=["M-0", "M-1"]).delete()  # tombstones too
    assert _queries(alpha, path) == small
    assert small <= 6  # the client, the page, and for units their placements and parents
