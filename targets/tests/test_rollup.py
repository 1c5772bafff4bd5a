"""The roll-up against hand-computed numbers on a three-level tree with a move, a merge and a retirement.

Tree (kinds in brackets):           Cadres holding "uv" (the target's position) unless said otherwise:
  P  [province]                       a  C1  A1=2 A2=3            → competent
  ├─ B1 [body]          e             b  C1  A1=2 A2=2            → not (a commune needs A2=3)
  │  ├─ C1 [commune]    a, b, (m)     c  C2  A1=2 A2=2            → competent (an agency needs A2=2)
  │  └─ C2 [agency]     c, d          d  C2  holds another position → never counted
  └─ B2 [body]          r             e  B1  no evidence          → not
     ├─ W1 [ward]       g, (m), (f)   m  C1, moved to W1 on 01/06/2025, A1=2 A2=2
     └─ W2 [ward]       f             f  W2, merged into W1 on 01/03/2025, A1=2 A2=2
                                      g  W1  A1=2 expired 01/01/2025, A2=2 → not
                                      r  B2  retired 01/04/2025, no evidence
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from organization.models import Unit, UnitKind
from targets.figures import figures_compute
from targets.models import Criterion, PopulationAt, Target
from targets.selectors import target_missing, target_rollup
from targets.services import target_create
from tests.factories import CadreFactory, PositionFactory, add_unit

from .builders import build_world

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def world():
    return build_world()


def _numbers(rows):
    codes = dict(Unit.objects.values_list("id", "code"))
    return {codes[r.unit_id]: (r.population, r.met) for r in rows}


def test_rollup_after_the_move_and_the_merge(world):
    assert _numbers(target_rollup(target=world["target"], root_unit=world["root"], on=D(2025, 7, 1))) == {
        "P": (7, 4), "B1": (4, 2), "C1": (2, 1), "C2": (1, 1), "B2": (3, 2), "W1": (3, 2), "W2": (0, 0),
    }


def test_rollup_before_the_move_and_the_merge(world):
    assert _numbers(target_rollup(target=world["target"], root_unit=world["root"], on=D(2025, 2, 1))) == {
        "P": (8, 3), "B1": (5, 2), "C1": (3, 1), "C2": (1, 1), "B2": (3, 1), "W1": (1, 0), "W2": (1, 1),
    }


def test_rollup_of_a_subtree_covers_only_that_subtree(world):
    b1 = Unit.objects.get(code="B1")
    assert _numbers(target_rollup(target=world["target"], root_unit=b1, on=D(2025, 7, 1))) == {
        "B1": (4, 2), "C1": (2, 1), "C2": (1, 1),
    }


def test_rollup_percent(world):
    rows = target_rollup(target=world["target"], root_unit=world["root"], on=D(2025, 7, 1))
    by_code = dict(zip(Unit.objects.order_by("path").values_list("code", flat=True), rows, strict=True))
    assert (by_code["P"].percent, by_code["W2"].percent) == (57.1, None)


def test_population_at_the_period_end_for_a_closed_period(world):
    closed = target_create(
        code="cu", name="Giai đoạn trước", period_start=D(2022, 1, 1), period_end=D(2025, 3, 31),
        positions=[world["uv"]], criterion=Criterion.COMPETENT, population_at=PopulationAt.PERIOD_END,
    )
    # Counted as on 31/03/2025: f is in W1 after the merge, m still in C1, r not yet retired.
    assert _numbers(target_rollup(target=closed, root_unit=world["root"], on=D(2025, 7, 1))) == {
        "P": (8, 3), "B1": (5, 2), "C1": (3, 1), "C2": (1, 1), "B2": (3, 1), "W1": (2, 1), "W2": (0, 0),
    }


def test_unit_kinds_restrict_the_population(world):
    world["target"].unit_kinds = [UnitKind.WARD]
    world["target"].save()
    assert _numbers(target_rollup(target=world["target"], root_unit=world["root"], on=D(2025, 7, 1)))["P"] == (3, 2)


def test_no_active_framework_means_nobody_is_competent(world):
    world["fw"].is_active = False
    world["fw"].save()
    assert _numbers(target_rollup(target=world["target"], root_unit=world["root"], on=D(2025, 7, 1)))["P"] == (7, 0)


def _compute_queries(target, on):
    with CaptureQueriesContext(connection) as queries:
        figures_compute(target=target, on=on)
    return len(queries)


def test_computing_the_figures_is_a_fixed_number_of_queries(world):
    before = _compute_queries(world["target"], D(2025, 7, 1))
    b1 = Unit.objects.get(code="B1")
    for i in range(6):  # a bigger tree with more cadres: the same statements
        unit = add_unit(Unit.objects.get(pk=b1.pk), f"X{i}", kind=UnitKind.COMMUNE)
        CadreFactory.create_batch(3, unit=unit, position=world["uv"])
    assert _compute_queries(world["target"], D(2025, 7, 2)) == before
    # PostgreSQL adds four: the statement timeout, work_mem, and statistics of two staging tables.
    assert before <= (32 if connection.vendor == "postgresql" else 28)


def test_reading_computed_figures_is_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    figures_compute(target=world["target"], on=D(2025, 7, 1))
    with django_assert_max_num_queries(3):  # the set, the unit's row, its subtree
        target_rollup(target=world["target"], root_unit=world["root"], on=D(2025, 7, 1))


def test_missing_names_who_and_why(world):
    missing = target_missing(target=world["target"], unit=Unit.objects.get(code="B1"), on=D(2025, 7, 1))
    assert [(m.cadre.full_name, m.unit.code, m.reasons) for m in missing] == [
        ("Trần Thị Bình", "C1", ["A2 Năng lực A2: level 2 of 3"]),
        ("Vũ Thị Em", "B1", ["A1 Năng lực A1: level 0 of 2", "A2 Năng lực A2: level 0 of 2"]),
    ]


def test_missing_counts_match_the_rollup(world):
    on = D(2025, 2, 1)
    rows = target_rollup(target=world["target"], root_unit=world["root"], on=on)
    for row in rows:
        unit = Unit.objects.get(pk=row.unit_id)
        assert target_missing(target=world["target"], unit=unit, on=on).count() == row.population - row.met


def test_missing_page_costs_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    missing = target_missing(target=world["target"], unit=world["root"], on=D(2025, 2, 1))
    with django_assert_max_num_queries(6):
        list(missing[0:5])


def test_a_target_with_no_position_is_refused_and_not_written():
    with pytest.raises(ValidationError) as error:
        target_create(code="x", name="X", period_start=D(2025, 1, 1), period_end=D(2025, 12, 31), positions=[],
                      criterion=Criterion.TRAINED, min_hours=Decimal(8))
    assert error.value.message_dict == {"positions": ["The population is empty: choose at least one position."]}
    assert not Target.objects.exists()


def test_a_target_ending_before_it_starts_is_refused_and_not_written():
    with pytest.raises(ValidationError) as error:
        target_create(code="x", name="X", period_start=D(2025, 1, 1), period_end=D(2024, 12, 31),
                      positions=[PositionFactory()], criterion=Criterion.TRAINED, min_hours=Decimal(8))
    assert error.value.message_dict == {"period_end": ["The period ends before it starts."]}
    assert not Target.objects.exists()


def test_a_trained_target_needs_courses_or_hours():
    with pytest.raises(ValidationError, match="required courses or a minimum number of hours"):
        target_create(code="x", name="X", period_start=D(2025, 1, 1), period_end=D(2025, 12, 31),
                      positions=[PositionFactory()], criterion=Criterion.TRAINED)
    assert not Target.objects.exists()
