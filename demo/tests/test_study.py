"""The demo's documents to study (demo.steps.study): the target, a believable figure, idempotent."""

import datetime
import io
import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses.models import Notice, NoticeKind, StudyAssignment
from demo.steps import cms as cms_demo
from demo.steps import competency as competency_demo
from demo.steps import organization as organization_demo
from demo.steps import study as demo
from targets.figures import figures_compute
from targets.models import Criterion, RollupSnapshot, Target
from targets.selectors import dashboard_data

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 29)


@pytest.fixture
def loaded():
    rng = random.Random(2026)
    out = io.StringIO()
    organization_demo.load(stdout=out, rng=rng, today=TODAY, grassroots=20, cadres=200)
    cms_demo.load(stdout=out, rng=rng, today=TODAY)
    competency_demo.load(stdout=out, rng=rng, today=TODAY)
    with CaptureQueriesContext(connection) as queries:
        demo.load(stdout=out, rng=rng, today=TODAY)
    return rng, len(queries)


def test_the_target_cites_its_basis_and_lists_recent_documents(loaded):
    target = Target.objects.get(code=demo.TARGET_CODE)
    assert target.criterion == Criterion.ACKNOWLEDGED
    assert "II.2(1)" in target.description and "34-KL/TW" in target.description
    assert sorted(target.regulations.values_list("number", flat=True)) == sorted(demo.DOCUMENTS)
    assert RollupSnapshot.objects.filter(target=target).values("taken_on").distinct().count() >= 4


def test_the_figure_today_is_believable(loaded):
    target = Target.objects.get(code=demo.TARGET_CODE)
    root = organization_demo.Unit.get_root_nodes().first()
    data = dashboard_data(target=target, unit=root, on=TODAY, figure_set=figures_compute(target=target, on=TODAY))
    assert data.total.population > 100
    assert 70 <= data.total.percent <= 85


def test_the_learner_has_the_newest_document_to_study_and_a_notice(loaded):
    open_rows = StudyAssignment.objects.filter(cadre__code=organization_demo.LEARNER_CADRE_CODE,
                                               acknowledged_on__isnull=True)
    assert list(open_rows.values_list("regulation__number", flat=True)) == [demo.DOCUMENTS[-1]]
    assert Notice.objects.filter(user__username="cadre", kind=NoticeKind.STUDY).count() == 1


def test_a_second_run_writes_nothing(loaded):
    rng, _queries = loaded
    before = (StudyAssignment.objects.count(), Target.objects.count(), RollupSnapshot.objects.count())
    demo.load(stdout=io.StringIO(), rng=rng, today=TODAY)
    assert (StudyAssignment.objects.count(), Target.objects.count(), RollupSnapshot.objects.count()) == before


def test_the_step_writes_in_bulk(loaded):
    _rng, queries = loaded
    assert StudyAssignment.objects.count() > 300
    # The rows in batches of 500 and ~25 statements per snapshot date (8 quarter ends): not per cadre.
    assert queries < 300
