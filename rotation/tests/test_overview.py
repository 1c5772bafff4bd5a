"""/org/rotations/: plan vs done, ending soon, overdue returns and the training of rotated-in cadres."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from courses.models import Completion, Enrollment, EnrollmentSource
from courses.tests.builders import course
from organization import roles
from rotation.models import RotationDirection, RotationPlan, RotationPlanLine
from tests.factories import CadreFactory, UserFactory

from .builders import english, record  # noqa: F401 -- fixtures

URL = reverse("rotation:overview")
OUT, INTO = RotationDirection.OUT, RotationDirection.INTO


def _today():
    return timezone.localdate()


def _days(n):
    return _today() + datetime.timedelta(days=n)


@pytest.fixture
def register(province):
    """This year's plan for A, one rotation out of A1 ending in 30 days, one overdue out of B1, and a
    cadre rotated into A1 as chair with one of two required courses done and the other overdue."""
    year = _today().year
    plan = RotationPlan.objects.create(unit=province.a, year=year)
    RotationPlanLine.objects.create(plan=plan, direction=INTO, position=province.chair, planned_count=2)
    ending = record(CadreFactory(full_name="Phạm Thị Dung", unit=province.a1, position=province.member),
                    direction=OUT, start=_days(-1000), planned_end=_days(30))
    overdue = record(CadreFactory(full_name="Võ Văn Em", unit=province.b1, position=province.member),
                     direction=OUT, start=_days(-1200), planned_end=_days(-5))
    newcomer = CadreFactory(code="CB-MOI", full_name="Đặng Văn Giang", unit=province.a1, position=province.chair)
    rotated_in = record(newcomer, direction=INTO, start=datetime.date(year, 1, 2))
    done, late = (course(title=t, positions=[province.chair], mandatory=True) for t in ("Chủ nhiệm 1", "Chủ nhiệm 2"))
    Completion.objects.create(cadre=newcomer, course=done, completed_on=_days(-3), hours=Decimal("8"))
    Enrollment.objects.create(cadre=newcomer, course=late, source=EnrollmentSource.RULE_ROTATION, due_on=_days(-1))
    return {"ending": ending, "overdue": overdue, "rotated_in": rotated_in}


def test_the_board_sees_plan_vs_done_alerts_and_training(client, board_user, register):
    client.force_login(board_user)
    response = client.get(URL)
    assert response.status_code == 200
    context = response.context
    [plan] = context["plans"]
    assert (plan.planned_total, plan.done_total) == (2, 1)
    assert [r.cadre.full_name for r in context["ending"]] == ["Phạm Thị Dung"]
    assert [r.cadre.full_name for r in context["overdue"]] == ["Võ Văn Em"]
    [row] = context["rotated_in"]
    assert (len(row.required), row.completed, row.enrolled, row.overdue) == (2, 1, 1, 1)
    assert "1/2 completed" in response.text and "1 overdue" in response.text


def test_a_manager_sees_only_rotations_into_or_out_of_his_subtree(client, manager_a, register):
    client.force_login(manager_a)
    context = client.get(URL).context
    assert [r.cadre.full_name for r in context["ending"]] == ["Phạm Thị Dung"]
    assert context["overdue"] == []
    assert [row.rotation.cadre.code for row in context["rotated_in"]] == ["CB-MOI"]


def test_another_year_shows_that_years_plans(client, board_user, register):
    client.force_login(board_user)
    assert client.get(URL, {"year": _today().year - 1}).context["plans"] == []
    assert client.get(URL, {"year": "nonsense"}).context["year"] == _today().year


def test_a_cadre_may_not_open_the_page(client, db):
    client.force_login(UserFactory(username="hoc-vien", role=roles.CADRE))
    assert client.get(URL).status_code == 403


def test_an_anonymous_visitor_is_sent_to_log_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_the_page_costs_the_same_queries_however_many_rotations(client, board_user, register, province,
                                                              django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(board_user)
    client.get(URL)  # warm the session and content types
    with CaptureQueriesContext(connection) as small:
        client.get(URL)
    for n in range(8):
        cadre = CadreFactory(unit=province.a1, position=province.chair)
        record(cadre, direction=INTO, start=_days(-20 - n))
        record(CadreFactory(unit=province.a1, position=province.member), direction=OUT, start=_days(-1050 + n),
               planned_end=_days(10 + n))
    with django_assert_max_num_queries(len(small)):
        response = client.get(URL)
    assert len(response.context["rotated_in"]) == 9
    # session, user, permissions (2), groups, alerts (2), plans + lines + the plan-vs-done count,
    # rotated-in cadres, their courses, completions, enrollments; and the request's savepoint pair.
    assert len(small) <= 16


def _rotate_in(province, n, offset=0):
    for i in range(n):
        record(CadreFactory(full_name=f"Cán bộ {offset + i:03d}", unit=province.a1, position=province.chair),
               direction=INTO, start=_days(-20 - i))


def _rows(response) -> int:
    return response.text.count("<tr data-cadre=")


def test_the_rotated_in_list_is_paginated_fifty_a_page_and_keeps_the_year(client, board_user, province):
    _rotate_in(province, 120)
    client.force_login(board_user)
    first = client.get(URL)
    assert _rows(first) == 50
    assert '<span class="badge text-bg-secondary">120</span>' in first.text  # the badge counts them all
    assert f"?year={_today().year}&amp;page=2" in first.text
    last = client.get(URL, {"year": _today().year, "page": 3})
    assert _rows(last) == 20
    assert client.get(URL, {"page": "nonsense"}).context["page_obj"].number == 1
    assert client.get(URL, {"page": 99}).context["page_obj"].number == 3


def test_the_page_costs_the_same_queries_for_10_and_200_rotated_in_cadres(client, board_user, province,
                                                                          django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _rotate_in(province, 10)
    client.force_login(board_user)
    client.get(URL)  # warm the session and content types
    with CaptureQueriesContext(connection) as ten:
        client.get(URL)
    _rotate_in(province, 190, offset=10)
    with django_assert_max_num_queries(len(ten)):
        response = client.get(URL, {"page": 4})
    assert _rows(response) == 50 and response.context["rotated_in_total"] == 200
    assert len(ten) <= 16
