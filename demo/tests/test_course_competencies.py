"""The demo courses are linked to the competencies they build, so a cadre's gap recommends a course
(demo.steps.course_competencies, after the framework)."""

import datetime
import io
import random

import pytest
from django.db import transaction
from django.urls import reverse

from competency.selectors import competency_gap
from courses.models import CourseCompetency, CoursePage
from demo import content
from demo.steps import cms as cms_demo
from demo.steps import competency as competency_demo
from demo.steps import course_competencies
from demo.steps import courses as courses_demo
from demo.steps import organization as organization_demo
from organization.models import Cadre

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 29)


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    """Loaded once for the module inside a transaction rolled back afterwards (as test_courses.py)."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            rng = random.Random(2026)
            out = io.StringIO()
            organization_demo.load(stdout=out, rng=rng, today=TODAY, grassroots=20, cadres=200)
            cms_demo.load(stdout=out, rng=rng, today=TODAY)
            courses_demo.load(stdout=out, rng=rng, today=TODAY)
            competency_demo.load(stdout=out, rng=rng, today=TODAY)
            course_competencies.load(stdout=out, rng=rng, today=TODAY)
            yield rng
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def test_every_demo_course_builds_the_competencies_of_its_file_at_their_levels(loaded):
    links = set(CourseCompetency.objects.values_list("course__code", "competency__code", "level"))
    assert links == {(course["code"], code, level) for course in content.courses()
                     for code, level in course["competencies"].items()}
    # Published as the course's live content, so the next edit in the admin keeps them.
    for course in CoursePage.objects.all():
        assert len(course.get_latest_revision_as_object().competency_links.all()) == len(
            content.courses()[int(course.code[-2:]) - 1]["competencies"])


def test_the_demo_learners_gaps_recommend_a_course_on_their_competency_page(loaded, client):
    learner = Cadre.objects.select_related("user").get(code=organization_demo.LEARNER_CADRE_CODE)
    gaps = [row for row in competency_gap(cadre=learner, on=TODAY) if row.gap]
    assert gaps and all(row.courses for row in gaps)
    for row in gaps:  # each recommended course builds the competency to at least the level required
        assert all(CourseCompetency.objects.filter(course=course, competency=row.competency,
                                                   level__gte=row.required).exists() for course in row.courses)

    client.force_login(learner.user)
    page = client.get(reverse("competency:my_competency")).content.decode()
    assert "No course builds this level yet." not in page
    for row in gaps:
        assert row.courses[0].title in page


def test_a_second_run_links_nothing_new(loaded):
    before = list(CourseCompetency.objects.order_by("pk").values_list("pk", flat=True))
    revisions = sum(course.revisions.count() for course in CoursePage.objects.all())
    course_competencies.load(stdout=io.StringIO(), rng=loaded, today=TODAY)
    assert list(CourseCompetency.objects.order_by("pk").values_list("pk", flat=True)) == before
    assert sum(course.revisions.count() for course in CoursePage.objects.all()) == revisions
