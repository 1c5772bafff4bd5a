"""Rotation plans: plan vs done, computed from the register in one query."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from rotation import selectors
from rotation.models import RotationDirection, RotationPlan, RotationPlanLine, RotationStatus
from tests.factories import CadreFactory

from .builders import d, english, record  # noqa: F401 -- fixtures

OUT, INTO, WITHIN = RotationDirection.OUT, RotationDirection.INTO, RotationDirection.WITHIN


def _plan(unit, year, lines):
    plan = RotationPlan.objects.create(unit=unit, year=year)
    for direction, position, planned in lines:
        RotationPlanLine.objects.create(plan=plan, direction=direction, position=position, planned_count=planned)
    return plan


def _done(plan) -> dict:
    plan = RotationPlan.objects.prefetch_related("lines").get(pk=plan.pk)
    progress = selectors.rotation_plan_progress([plan])[plan.pk]
    return {(line.direction, line.position_id): done for line, done in progress}


def test_plan_vs_done_counts_what_started_in_the_year_in_the_plans_subtree(province):
    a1, b1 = province.a1, province.b1
    plan = _plan(province.a, 2024, [(OUT, None, 3), (INTO, province.chair, 1), (WITHIN, province.member, 2)])

    def cadre(unit=a1, position=None):
        return CadreFactory(unit=unit, position=position or province.member)

    # Out of A's subtree in 2024: two count (in progress, completed).
    record(cadre(), direction=OUT, start=d("01/03/2024"))
    record(cadre(), direction=OUT, start=d("01/06/2024"), status=RotationStatus.COMPLETED, actual_end=d("01/06/2025"))
    # …and these do not: not started, cancelled, another year, another subtree.
    record(cadre(), direction=OUT, start=d("01/09/2024"), status=RotationStatus.PLANNED)
    record(cadre(), direction=OUT, start=d("01/09/2024"), status=RotationStatus.CANCELLED)
    record(cadre(), direction=OUT, start=d("31/12/2023"))
    record(cadre(b1), direction=OUT, start=d("01/03/2024"))
    # Into A's subtree as chair: one counts; a member does not (the line names the chair).
    record(cadre(a1, province.chair), direction=INTO, start=d("15/04/2024"))
    record(cadre(), direction=INTO, start=d("15/04/2024"))
    # Within the sector into A1 as a member: counts; from A1 to B1: arrives elsewhere, does not.
    record(cadre(b1), direction=WITHIN, start=d("01/05/2024"), from_unit=b1, from_position=province.member,
           to_unit=a1, to_position=province.member)
    record(cadre(), direction=WITHIN, start=d("01/05/2024"), from_unit=a1, from_position=province.member,
           to_unit=b1, to_position=province.member)

    assert _done(plan) == {(OUT, None): 2, (INTO, province.chair.pk): 1, (WITHIN, province.member.pk): 1}


def test_every_line_of_every_plan_is_counted_in_one_query(province):
    plans = [
        _plan(province.a, 2024, [(OUT, None, 3), (INTO, province.chair, 1)]),
        _plan(province.b, 2024, [(OUT, None, 2), (WITHIN, province.member, 1), (INTO, None, 4)]),
    ]
    loaded = list(RotationPlan.objects.filter(pk__in=[p.pk for p in plans]).select_related("unit")
                  .prefetch_related("lines"))
    with CaptureQueriesContext(connection) as queries:
        progress = selectors.rotation_plan_progress(loaded)
    assert len(queries) == 1
    assert sum(len(lines) for lines in progress.values()) == 5


def test_the_years_plans_carry_their_totals(province, board_user):
    _plan(province.a, 2024, [(OUT, None, 3), (INTO, province.chair, 1)])
    record(CadreFactory(unit=province.a1, position=province.member), direction=OUT, start=d("01/03/2024"))
    plans = selectors.rotation_plans_for_year(user=board_user, year=2024)
    assert [(p.unit.code, p.planned_total, p.done_total) for p in plans] == [("A", 4, 1)]


def test_a_manager_sees_only_the_plans_of_his_subtree(province, manager_a):
    _plan(province.a1, 2024, [(OUT, None, 1)])
    _plan(province.b, 2024, [(OUT, None, 1)])
    assert [p.unit.code for p in selectors.rotation_plans_for_year(user=manager_a, year=2024)] == ["A1"]


def test_a_line_for_any_position_is_its_directions_total(province, board_user):
    _plan(province.a, 2024, [(INTO, None, 5), (INTO, province.chair, 2), (OUT, province.chair, 1),
                             (OUT, province.member, 2)])
    record(CadreFactory(unit=province.a1, position=province.chair), direction=INTO, start=d("01/03/2024"))
    record(CadreFactory(unit=province.a1, position=province.member), direction=OUT, start=d("01/03/2024"))
    [plan] = selectors.rotation_plans_for_year(user=board_user, year=2024)
    assert (plan.planned_total, plan.done_total) == (8, 2)
