"""The demo rotation register (demo.steps.rotation, a load_demo step)."""

import datetime
import io
import random
import time
from collections import Counter

import pytest

from demo.steps import organization as organization_demo
from demo.steps import rotation as rotation_demo
from organization.models import Cadre, CadreStatus, PositionAssignment
from rotation import selectors
from rotation.models import Rotation, RotationDirection, RotationPlan, RotationStatus

TODAY = datetime.date(2026, 11, 29)


@pytest.fixture
def demo(db):
    rng = random.Random(2026)
    organization_demo.load(stdout=io.StringIO(), rng=rng, today=TODAY, grassroots=30, cadres=600)
    started = time.monotonic()
    out = io.StringIO()
    rotation_demo.load(stdout=out, rng=rng, today=TODAY)
    return {"seconds": time.monotonic() - started, "out": out.getvalue(), "rng": rng}


def test_five_years_of_rotations_about_five_percent_a_year_both_ways(demo):
    active = Cadre.objects.filter(status=CadreStatus.ACTIVE).count()
    per_year = Counter(Rotation.objects.filter(start_date__year__lte=TODAY.year).values_list("start_date__year",
                                                                                              flat=True))
    for year in range(TODAY.year - 4, TODAY.year + 1):
        assert 0.03 * active <= per_year[year] <= 0.07 * active, (year, per_year[year], active)
    directions = Counter(Rotation.objects.values_list("direction", flat=True))
    assert all(directions[d] >= 5 for d in RotationDirection.values), directions


def test_some_rotations_end_within_90_days_and_exactly_one_is_overdue(demo):
    alerts = selectors.rotation_alerts(user=_board(), on=TODAY)
    assert len(alerts["ending"]) >= 5
    assert len(alerts["overdue"]) == 1


def test_there_is_a_plan_for_the_current_year_partly_done(demo):
    plan = RotationPlan.objects.get(year=TODAY.year, unit__code=organization_demo.PROVINCE_CODE)
    [loaded] = selectors.rotation_plans_for_year(user=_board(), year=TODAY.year)[:1]
    assert loaded.pk == plan.pk
    assert 0 < loaded.done_total < loaded.planned_total


def test_the_rotations_fit_the_position_history(demo):
    """No cadre holds two posts at once, and a cadre rotated out now is marked rotated with no open post."""
    entries = sorted(PositionAssignment.objects.values_list("cadre_id", "start_date", "end_date"))
    for (cadre, _start, end), (next_cadre, next_start, _end) in zip(entries, entries[1:], strict=False):
        if cadre == next_cadre:
            assert end is not None and end < next_start, cadre
    away = Rotation.objects.filter(direction=RotationDirection.OUT, status=RotationStatus.IN_PROGRESS)
    assert away.exists()
    assert not away.exclude(cadre__status=CadreStatus.ROTATED).exists()
    assert not PositionAssignment.objects.filter(cadre__in=away.values("cadre"), end_date__isnull=True).exists()


def test_rotations_are_valid_by_the_model_rules(demo):
    for rotation in Rotation.objects.all():
        rotation.full_clean(exclude=["decision_file"])


def test_a_second_run_writes_nothing(demo):
    counts = (Rotation.objects.count(), PositionAssignment.objects.count(), RotationPlan.objects.count())
    out = io.StringIO()
    rotation_demo.load(stdout=out, rng=demo["rng"], today=TODAY)
    assert (Rotation.objects.count(), PositionAssignment.objects.count(), RotationPlan.objects.count()) == counts
    assert "already loaded" in out.getvalue()


def test_the_demo_loads_fast(demo):
    assert demo["seconds"] < 10, demo["out"]


def _board():
    from organization import roles
    from tests.factories import UserFactory

    return UserFactory(username="board-demo", role=roles.BOARD)


def test_recent_rotations_into_full_time_seats_change_the_cadres_post(demo):
    """The rotations that trigger rotation-aware training: part-time grassroots members rotated lately
    into a full-time seat of a commune-level committee, their post changed on the rotation's start."""
    promoted = Rotation.objects.filter(direction=RotationDirection.WITHIN, status=RotationStatus.IN_PROGRESS,
                                       to_position__code=organization_demo.MEMBER_FT,
                                       start_date__gte=TODAY - datetime.timedelta(days=rotation_demo.RECENT_DAYS))
    assert promoted.count() == rotation_demo.PROMOTIONS
    for rotation in promoted.select_related("cadre"):
        cadre = rotation.cadre
        assert (cadre.unit_id, cadre.position_id) == (rotation.to_unit_id, rotation.to_position_id)
        assert rotation.from_position.code == organization_demo.MEMBER_PT
        current = cadre.assignments.get(end_date__isnull=True)
        assert current.start_date == rotation.start_date and not current.first_term
        assert cadre.assignments.filter(end_date=rotation.start_date - datetime.timedelta(days=1)).exists()
