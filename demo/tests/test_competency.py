"""The competency demo step: a full framework, the targets (the committee-level one needs the courses
step), evidence and a trend, idempotent."""

import datetime
import io
import random

import pytest

from competency.models import Evidence, Framework, Requirement
from competency.selectors import competency_gap
from courses.models import Completion, CoursePage
from demo.steps import cms as cms_demo
from demo.steps import competency as demo
from demo.steps import courses as courses_demo
from demo.steps import organization as organization_demo
from organization.models import Cadre, Position, Unit
from targets.models import RollupSnapshot, Target
from targets.selectors import dashboard_data

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 29)


@pytest.fixture
def loaded():
    rng = random.Random(2026)
    out = io.StringIO()
    organization_demo.load(stdout=out, rng=rng, today=TODAY, grassroots=20, cadres=200)
    cms_demo.load(stdout=out, rng=rng, today=TODAY)
    demo.load(stdout=out, rng=rng, today=TODAY)
    return rng


def _counts():
    return (Framework.objects.count(), Requirement.objects.count(), Evidence.objects.count(), Target.objects.count(),
            RollupSnapshot.objects.count())


def test_demo_framework_has_areas_competencies_and_a_four_level_scale(loaded):
    fw = Framework.objects.get(is_active=True)
    assert (fw.areas.count(), fw.competencies.count(), fw.levels.count()) == (10, 30, 4)
    assert all(level.descriptor for level in fw.levels.all())


def test_every_position_has_requirements(loaded):
    assert set(Position.objects.values_list("code", flat=True)) == set(
        Requirement.objects.values_list("position__code", flat=True))


def test_the_source_targets_are_loaded(loaded):
    assert list(Target.objects.values_list("code", "criterion", "newly_elected_deadline_days")) == [
        ("dao-tao-2022-2025", "trained", None),
        ("khung-nang-luc-2025-2030", "competent", None),
        ("uy-vien-moi-bau-2025-2030", "trained", 90),
        ("tieu-chuan-2025-2030", "standard", None),
        ("chu-chot-2025-2030", "trained", None),
    ]


def test_the_thresholds_say_their_source_and_the_local_choices(loaded):
    trained = Target.objects.get(code="dao-tao-2022-2025")
    assert (trained.hours_local_choice, trained.professional_only) == (True, True)
    assert Target.objects.get(code="uy-vien-moi-bau-2025-2030").deadline_local_choice
    assert all(rule.local_choice and rule.source for rule in Target.objects.get(
        code="tieu-chuan-2025-2030").standard_rules.all())
    assert list(Target.objects.get(code="chu-chot-2025-2030").position_groups.values_list("code", flat=True)) == [
        "can-bo-chu-chot"]
    assert not CoursePage.objects.filter(code__in=("KT-08", "KT-09"), counts_as_professional=True).exists()


def test_snapshots_give_a_trend_for_every_target(loaded):
    for target in Target.objects.all():
        days = RollupSnapshot.objects.filter(target=target).values("taken_on").distinct().count()
        assert days >= 4


def test_the_demo_learner_has_gaps_to_close(loaded):
    learner = Cadre.objects.get(code=organization_demo.LEARNER_CADRE_CODE)
    rows = competency_gap(cadre=learner, on=TODAY)
    assert sum(1 for row in rows if row.gap) == 3


def test_a_second_run_writes_nothing(loaded):
    before = _counts()
    demo.load(stdout=io.StringIO(), rng=loaded, today=TODAY)
    assert _counts() == before


def test_the_committee_target_counts_committees_with_chairs_through_the_supervision_course():
    rng = random.Random(2026)
    out = io.StringIO()
    organization_demo.load(stdout=out, rng=rng, today=TODAY, grassroots=20, cadres=200)
    cms_demo.load(stdout=out, rng=rng, today=TODAY)
    courses_demo.load(stdout=out, rng=rng, today=TODAY)
    demo.load(stdout=out, rng=rng, today=TODAY)
    target = Target.objects.get(code=demo.COMMITTEE_TARGET_CODE)
    assert (target.criterion, target.chair_position.code) == ("committee", demo.CHAIR_POSITION_CODE)
    assert list(target.chair_courses.values_list("code", flat=True)) == [demo.SUPERVISION_COURSE_CODE]
    total = dashboard_data(target=target, unit=Unit.get_root_nodes().first(), on=TODAY).total
    assert 0 < total.met < total.population
    completions = Completion.objects.count()
    demo.load(stdout=out, rng=rng, today=TODAY)
    assert Completion.objects.count() == completions
