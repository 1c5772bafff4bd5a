"""The bulk writes do what one write at a time did — the required courses of a new position, the
board's figures marked, the history closed the day before — in a number of queries that does not
grow with the rows (bench/api_bench.py times 1,000)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses.models import Enrollment
from courses.tests.builders import course
from lms.models import OutboxMessage
from organization.models import Cadre, PositionAssignment
from targets import freshness


def _new(i, unit="A1"):
    return {"code": f"N-{i}", "full_name": f"Đỗ Văn Mới {i}", "unit_code": unit, "position_code": "uv-ubkt"}


@pytest.fixture
def marks(monkeypatch):
    marks = []
    monkeypatch.setattr(freshness, "_mark", lambda **kwargs: marks.append(kwargs))
    return marks


def test_new_cadres_get_the_required_courses_through_one_outbox_message_and_one_mark(
    alpha, tree, marks, django_capture_on_commit_callbacks
):
    required = course(title="Nghiệp vụ cho ủy viên", mandatory=True, positions=[tree["position"]])
    with django_capture_on_commit_callbacks(execute=True):
        response = alpha.post("/cadres/bulk", {"rows": [_new(i) for i in range(3)]})
    assert response.status_code == 200, response.content
    messages = OutboxMessage.objects.filter(task_name="courses.required_courses_for_assignments")
    assert [len(m.args[0]) for m in messages] == [3]
    assert messages.get().dispatched_at is not None  # run (eagerly here; by the worker in production)
    assert set(Enrollment.objects.filter(course=required).values_list("cadre__code", flat=True)) == {
        "N-0", "N-1", "N-2"}
    assert [a.unit.code for a in PositionAssignment.objects.filter(cadre__code="N-1")] == ["A1"]
    assert len(marks) == 1


def test_moves_end_each_open_assignment_the_day_before_and_keep_the_term_in_one_mark(
    alpha, tree, marks, django_capture_on_commit_callbacks
):
    required = course(title="Nghiệp vụ cho ủy viên", mandatory=True, positions=[tree["position"]])
    PositionAssignment.objects.filter(cadre__code="CA-2").update(first_term=False)
    before = Cadre.objects.get(code="CA-1").updated_at
    rows = [
        {"cadre_code": "CA-1", "unit_code": "A1", "position_code": "uv-ubkt", "start_date": "2026-02-01"},
        {"cadre_code": "CA-2", "unit_code": "A", "position_code": "uv-ubkt", "start_date": "2026-02-01"},
        {"cadre_code": "CA-1", "unit_code": "A", "position_code": "uv-ubkt", "start_date": "2026-03-01"},
    ]
    with django_capture_on_commit_callbacks(execute=True):
        response = alpha.post("/position-assignments/bulk", {"rows": rows})
    assert response.status_code == 200, response.content
    assert response.json()["created"] == 3
    history = [(a.unit.code, a.start_date.isoformat(), a.end_date and a.end_date.isoformat())
               for a in PositionAssignment.objects.filter(cadre__code="CA-1").order_by("start_date")]
    assert history == [("A", "2020-01-01", "2026-01-31"), ("A1", "2026-02-01", "2026-02-28"), ("A", "2026-03-01", None)]
    ca2 = PositionAssignment.objects.filter(cadre__code="CA-2").order_by("start_date")
    assert [(a.unit.code, a.first_term) for a in ca2] == [("A1", False), ("A", False)]  # a move keeps the term
    ca1 = Cadre.objects.get(code="CA-1")
    assert ca1.unit.code == "A" and ca1.updated_at > before
    assert Cadre.objects.get(code="CA-2").unit.code == "A"
    # The still-open new assignments bring the position's courses (one message for the request).
    assert set(Enrollment.objects.filter(course=required).values_list("cadre__code", flat=True)) == {"CA-1", "CA-2"}
    assert OutboxMessage.objects.filter(task_name="courses.required_courses_for_assignments").count() == 1
    assert len(marks) == 1 and marks[0]["on"] == datetime.date(2020, 1, 1)  # from the ended one's start

    again = alpha.post("/position-assignments/bulk", {"rows": rows[2:]})
    assert again.json()["unchanged"] == 1
    assert PositionAssignment.objects.filter(cadre__code="CA-1").count() == 3


def test_a_refused_move_writes_nothing(alpha, tree):
    rows = [{"cadre_code": "CA-1", "unit_code": "A1", "position_code": "uv-ubkt", "start_date": "2026-02-01"},
            {"cadre_code": "CA-2", "unit_code": "A", "position_code": "uv-ubkt", "start_date": "2019-01-01"}]
    response = alpha.post("/position-assignments/bulk", {"rows": rows})
    assert response.status_code == 409
    assert Cadre.objects.get(code="CA-1").unit.code == "A"
    assert PositionAssignment.objects.filter(cadre__code="CA-1").count() == 1


def _queries(caller, path, payload) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = caller.post(path, payload)
    assert response.status_code == 200, response.content
    return len(queries)


def test_a_bulk_write_costs_the_same_queries_for_3_rows_or_60(alpha, tree):
    created = [_queries(alpha, "/cadres/bulk", {"rows": [_new(f"{n}-{i}") for i in range(n)]}) for n in (3, 60)]
    assert created[0] == created[1]
    renamed = [_queries(alpha, "/cadres/bulk", {"rows": [{**_new(f"{n}-{i}"), "full_name": f"Tên Mới {i}"}
                                                         for i in range(n)]}) for n in (3, 60)]
    assert renamed[0] == renamed[1]
    moved = [_queries(alpha, "/position-assignments/bulk", {"rows": [
        {"cadre_code": f"N-{n}-{i}", "unit_code": "A", "position_code": "uv-ubkt", "start_date": "2030-01-01"}
        for i in range(n)]}) for n in (3, 60)]
    assert moved[0] == moved[1]
