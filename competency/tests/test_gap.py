import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from competency.models import Competency, EvidenceSource
from competency.selectors import competency_gap
from competency.services import evidence_record
from organization.models import UnitKind
from tests.factories import CadreFactory, PositionFactory, UserFactory, add_unit, unit_tree_root

from .builders import make_framework, require

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def setup():
    position = PositionFactory(code="uv", name="Ủy viên")
    fw = make_framework(competencies=("A1", "A2", "A3"))
    require(fw, "A1", position, 2)
    require(fw, "A2", position, 2)
    require(fw, "A2", position, 3, kind=UnitKind.COMMUNE)
    root = unit_tree_root()
    commune = add_unit(root, "X1", kind=UnitKind.COMMUNE)
    user = UserFactory(username="canbo")
    cadre = CadreFactory(unit=commune, position=position, user=user)
    return fw, cadre, user


def _by_code(rows):
    return {row.competency.code: row for row in rows}


def test_a_kind_specific_requirement_overrides_the_general_one(setup):
    fw, cadre, _user = setup
    rows = _by_code(competency_gap(cadre=cadre, on=D(2025, 6, 1)))
    assert {code: row.required for code, row in rows.items()} == {"A1": 2, "A2": 3}


def test_gap_uses_valid_evidence_only(setup):
    fw, cadre, _user = setup
    a1 = fw.competencies.get(code="A1")
    evidence_record(cadre=cadre, competency=a1, level=3, source=EvidenceSource.COURSE, obtained_on=D(2022, 1, 1),
                    expires_on=D(2024, 1, 1), source_ref="c:1")
    evidence_record(cadre=cadre, competency=a1, level=1, source=EvidenceSource.QUIZ, obtained_on=D(2025, 1, 1),
                    source_ref="q:1")
    row = _by_code(competency_gap(cadre=cadre, on=D(2025, 6, 1)))["A1"]
    assert (row.attained, row.gap, [e.level for e in row.evidence]) == (1, 1, [1])


def test_no_gap_when_level_reached(setup):
    fw, cadre, _user = setup
    evidence_record(cadre=cadre, competency=fw.competencies.get(code="A1"), level=2, source=EvidenceSource.QUIZ,
                    obtained_on=D(2025, 1, 1), source_ref="q:1")
    assert _by_code(competency_gap(cadre=cadre, on=D(2025, 6, 1)))["A1"].gap == 0


def test_no_active_framework_gives_no_rows(setup):
    fw, cadre, _user = setup
    fw.is_active = False
    fw.save()
    assert competency_gap(cadre=cadre) == []


def test_profile_page_shows_required_and_attained_levels(setup, client):
    fw, cadre, user = setup
    evidence_record(cadre=cadre, competency=fw.competencies.get(code="A1"), level=2, source=EvidenceSource.QUIZ,
                    obtained_on=D(2025, 1, 1), source_ref="q:1")
    client.force_login(user)
    body = client.get("/board/me/competency/").content.decode()
    assert "My competency profile" in body
    assert "Năng lực A2" in body
    assert "1 competency below the required level" in body


def test_profile_page_query_count_does_not_grow_with_the_framework(setup, client, django_assert_num_queries):
    fw, cadre, user = setup
    client.force_login(user)
    client.get("/board/me/competency/")  # warm caches (site root paths, roles)
    with CaptureQueriesContext(connection) as ctx:
        client.get("/board/me/competency/")
    small = len(ctx.captured_queries)
    for i in range(10):
        code = f"B{i}"
        c = Competency.objects.create(framework=fw, area=fw.areas.first(), code=code, name=code)
        require(fw, code, cadre.position, 2)
        evidence_record(cadre=cadre, competency=c, level=1, source=EvidenceSource.QUIZ, obtained_on=D(2025, 1, 1),
                        source_ref=f"q:{code}")
    with django_assert_num_queries(small):
        client.get("/board/me/competency/")


def test_profile_page_for_a_login_without_cadre(client):
    client.force_login(UserFactory(username="nobody"))
    assert "not linked to a cadre" in client.get("/board/me/competency/").content.decode()


def test_recommended_courses_build_the_competency_to_the_required_level(setup):
    from courses.models import CourseCompetency
    from courses.tests import builders as course_builders

    fw, cadre, _user = setup
    a2 = fw.competencies.get(code="A2")
    enough = course_builders.course(title="Giám sát nâng cao")
    too_low = course_builders.course(title="Giám sát nhập môn")
    CourseCompetency.objects.create(course=enough, competency=a2, level=3)
    CourseCompetency.objects.create(course=too_low, competency=a2, level=2)
    row = _by_code(competency_gap(cadre=cadre, on=D(2025, 6, 1)))["A2"]
    assert [course.title for course in row.courses] == ["Giám sát nâng cao"]
