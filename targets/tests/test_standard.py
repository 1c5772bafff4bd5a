"""The 'standard' criterion (II.2(3)/II.3(3)): trained, meeting every criterion and standard of the
target (grade, theory level, qualification, years of service) and the competency framework; the
training that counts (professional courses only); the key cadres' population; thresholds' sources."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from competency.models import EvidenceSource
from competency.services import evidence_record
from competency.tests.builders import make_framework, require
from courses.models import Completion, ExternalTraining
from courses.tests import builders as course_builders
from organization.models import Grade, Position, PositionAssignment, PositionGroup, TheoryLevel, Unit, UnitKind
from organization.reference_data import KEY_CADRES_GROUP
from targets.models import Criterion, RuleKind, StandardRule, Target
from targets.selectors import target_missing, target_rollup
from targets.services import target_create
from tests.factories import CadreFactory, PositionFactory, add_unit, unit_tree_root

pytestmark = pytest.mark.django_db

D = datetime.date
ON = D(2025, 6, 30)


TRAINED_ON = D(2025, 3, 1)
LONG_AGO = D(2015, 1, 1)


def _train(cadre, hours, end_on=TRAINED_ON):
    ExternalTraining.objects.create(cadre=cadre, course_name="Bồi dưỡng nghiệp vụ kiểm tra",
                                    provider="Trường Chính trị", hours=Decimal(hours), start_on=end_on, end_on=end_on)


@pytest.fixture
def world():
    uv = PositionFactory(code="uv", name="Ủy viên")
    fw = make_framework(competencies=("A1",))
    require(fw, "A1", uv, 2)
    p = unit_tree_root()
    c = add_unit(add_unit(p, "B"), "C", kind=UnitKind.COMMUNE)
    qualification = course_builders.course(title="Chứng chỉ nghiệp vụ kiểm tra", code="CC-KT")
    return {"uv": uv, "fw": fw, "p": Unit.objects.get(pk=p.pk), "c": c, "q": qualification}


def _cadre(world, name, *, grade=Grade.PRINCIPAL, theory=TheoryLevel.INTERMEDIATE, since=LONG_AGO, hours=24,
           level=2, qualified=True):
    cadre = CadreFactory(full_name=name, unit=world["c"], position=world["uv"], grade=grade, theory_level=theory,
                         appointed_on=since)
    if hours:
        _train(cadre, hours)
    if level:
        evidence_record(cadre=cadre, competency=world["fw"].competencies.get(code="A1"), level=level,
                        source=EvidenceSource.QUIZ, obtained_on=D(2024, 1, 1), source_ref=f"{name}:A1")
    if qualified:
        Completion.objects.create(cadre=cadre, course=world["q"], completed_on=D(2020, 5, 1), hours=Decimal(0))
    return cadre


def _standard(world, rules, **fields):
    return target_create(
        code="tieu-chuan", name="Đạt tiêu chí, tiêu chuẩn", period_start=D(2025, 1, 1), period_end=D(2030, 12, 31),
        positions=[world["uv"]], criterion=Criterion.STANDARD, min_hours=Decimal(24), standard_rules=rules, **fields)


def _figures(target, unit, on=ON):
    row = target_rollup(target=target, root_unit=unit, on=on)[0]
    return row.population, row.met


def _reasons(target, unit, on=ON):
    return {m.cadre.full_name: m.reasons for m in target_missing(target=target, unit=unit, on=on)}


def test_four_cadres_one_fails_grade_one_years_one_untrained_one_meets_all(world):
    """Hand-computed: of four, only Đạt meets training, grade ≥ principal, ≥ 5 years and the framework → 1/4."""
    target = _standard(world, [
        {"kind": RuleKind.MIN_GRADE, "value": "ktvc", "source": "Quy định 22-QĐ/TW"},
        {"kind": RuleKind.MIN_YEARS_OF_SERVICE, "value": "5", "local_choice": True},
    ])
    _cadre(world, "Lê Văn Đạt")
    _cadre(world, "Trần Văn Ngạch", grade=Grade.INSPECTOR)
    _cadre(world, "Phạm Văn Mới", since=D(2022, 1, 1))  # 3½ years on 30/06/2025
    _cadre(world, "Hoàng Văn Học", hours=0)
    assert _figures(target, world["p"]) == (4, 1)
    reasons = _reasons(target, world["p"])
    assert reasons["Trần Văn Ngạch"] == ["Grade: Inspector, at least Principal inspector required"]
    assert reasons["Phạm Văn Mới"] == ["Years of service: since 01/01/2022, at least 5 required"]
    assert reasons["Hoàng Văn Học"] == ["Training: 0 of 24 hours of training"]
    assert "Lê Văn Đạt" not in reasons


def test_years_of_service_count_to_the_evaluation_date(world):
    target = _standard(world, [{"kind": RuleKind.MIN_YEARS_OF_SERVICE, "value": "5"}])
    _cadre(world, "Phạm Văn Mới", since=D(2020, 7, 1))
    assert _figures(target, world["p"], D(2025, 6, 30)) == (1, 0)
    assert _figures(target, world["p"], D(2025, 7, 1)) == (1, 1)  # five years to the day


def test_theory_level_qualification_and_framework(world):
    target = _standard(world, [
        {"kind": RuleKind.MIN_THEORY_LEVEL, "value": "intermediate"},
        {"kind": RuleKind.QUALIFICATION, "value": "CC-KT"},
    ])
    _cadre(world, "Lê Văn Đạt", theory=TheoryLevel.ADVANCED)  # above the minimum counts
    _cadre(world, "Vũ Văn Sơ", theory=TheoryLevel.ELEMENTARY)
    _cadre(world, "Đỗ Văn Chưa", qualified=False)
    _cadre(world, "Bùi Văn Khung", level=1)
    assert _figures(target, world["p"]) == (4, 1)
    reasons = _reasons(target, world["p"])
    assert reasons["Vũ Văn Sơ"] == ["Political theory: Elementary, at least Intermediate required"]
    assert reasons["Đỗ Văn Chưa"] == ["Qualification missing: course CC-KT"]
    assert reasons["Bùi Văn Khung"] == ["Framework: A1 Năng lực A1: level 1 of 2"]


def test_a_grade_raised_changes_the_figure(world, django_capture_on_commit_callbacks):
    target = _standard(world, [{"kind": RuleKind.MIN_GRADE, "value": "ktvc"}])
    cadre = _cadre(world, "Trần Văn Ngạch", grade=Grade.INSPECTOR)
    assert _figures(target, world["p"]) == (1, 0)
    with django_capture_on_commit_callbacks(execute=True):
        cadre.grade = Grade.SENIOR
        cadre.save()
    assert _figures(target, world["p"]) == (1, 1)


def test_a_standard_target_without_rules_is_trained_and_competent(world):
    target = _standard(world, [])
    _cadre(world, "Lê Văn Đạt", grade=Grade.NONE)
    _cadre(world, "Bùi Văn Khung", level=0)
    assert _figures(target, world["p"]) == (2, 1)


@pytest.mark.parametrize(("kind", "value", "message"), [
    (RuleKind.MIN_GRADE, "chuyen-vien", "Enter a grade code: ktv (inspector), ktvc (principal) or ktvcc (senior)."),
    (RuleKind.MIN_THEORY_LEVEL, "cao", "Enter a theory level: elementary, intermediate, advanced or bachelor."),
    (RuleKind.QUALIFICATION, "KHONG-CO", "No course has the code KHONG-CO."),
    (RuleKind.MIN_YEARS_OF_SERVICE, "năm", "Enter a whole number of years between 1 and 50."),
])
def test_a_bad_rule_value_is_refused_and_nothing_is_written(world, kind, value, message):
    with pytest.raises(ValidationError) as error:
        _standard(world, [{"kind": kind, "value": value}])
    assert error.value.message_dict == {"standard_rules": [message]}
    assert not Target.objects.exists() and not StandardRule.objects.exists()


def test_only_professional_courses_count_towards_the_hours(world):
    uv, c = world["uv"], world["c"]
    professional = course_builders.course(title="Nghiệp vụ kiểm tra", hours=Decimal(16))
    ethics = course_builders.course(title="Đạo đức công vụ", hours=Decimal(8), counts_as_professional=False)
    kwargs = {"period_start": D(2022, 1, 1), "period_end": D(2025, 12, 31), "positions": [uv],
              "criterion": Criterion.TRAINED, "min_hours": Decimal(24)}
    every = target_create(code="moi-khoa", name="Mọi khóa", **kwargs)
    only = target_create(code="chuyen-mon", name="Chỉ chuyên môn", professional_only=True, **kwargs)
    cadre = CadreFactory(unit=c, position=uv, full_name="Lê Văn Học")
    Completion.objects.create(cadre=cadre, course=professional, completed_on=D(2023, 1, 1), hours=Decimal(16))
    Completion.objects.create(cadre=cadre, course=ethics, completed_on=D(2023, 2, 1), hours=Decimal(8))
    other = CadreFactory(unit=c, position=uv, full_name="Trần Văn Ngoài")
    Completion.objects.create(cadre=other, course=professional, completed_on=D(2023, 1, 1), hours=Decimal(16))
    _train(other, 8, D(2024, 1, 1))  # external training keeps counting
    assert _figures(every, world["p"], D(2025, 1, 1)) == (2, 2)
    assert _figures(only, world["p"], D(2025, 1, 1)) == (2, 1)
    assert _reasons(only, world["p"], D(2025, 1, 1)) == {"Lê Văn Học": ["16 of 24 hours of training"]}


def test_key_cadres_are_counted_by_their_position_group(world, django_capture_on_commit_callbacks):
    secretary, deputy = Position.objects.get(code="bi-thu"), Position.objects.get(code="pho-bi-thu")
    group = PositionGroup.objects.get(code=KEY_CADRES_GROUP)
    assert set(group.positions.all()) == {secretary, deputy}
    target = target_create(code="chu-chot", name="Cán bộ chủ chốt", period_start=D(2025, 1, 1),
                           period_end=D(2030, 12, 31), positions=[], position_groups=[group],
                           criterion=Criterion.TRAINED, min_hours=Decimal(8))
    trained = CadreFactory(unit=world["c"], position=secretary)
    _train(trained, 8)
    CadreFactory(unit=world["c"], position=deputy)
    CadreFactory(unit=world["c"], position=world["uv"])  # an inspection committee member: not a key cadre
    assert _figures(target, world["p"]) == (2, 1)
    # A position added to the group later counts from then on, with no change to the target.
    with django_capture_on_commit_callbacks(execute=True):
        group.positions.add(world["uv"])
    assert _figures(target, world["p"]) == (3, 1)


def test_a_target_needs_positions_or_a_position_group(world):
    with pytest.raises(ValidationError) as error:
        target_create(code="x", name="x", period_start=D(2025, 1, 1), period_end=D(2030, 12, 31), positions=[],
                      criterion=Criterion.TRAINED, min_hours=Decimal(8))
    assert error.value.message_dict == {"positions": ["The population is empty: choose at least one position."]}


def test_years_rule_reads_the_first_position_assignment(world, django_capture_on_commit_callbacks):
    target = _standard(world, [{"kind": RuleKind.MIN_YEARS_OF_SERVICE, "value": "10"}])
    cadre = _cadre(world, "Lê Văn Lâu", since=D(2021, 1, 1))
    assert _figures(target, world["p"]) == (1, 0)
    with django_capture_on_commit_callbacks(execute=True):
        PositionAssignment.objects.create(cadre=cadre, unit=world["c"], position=world["uv"],
                                          start_date=D(2012, 1, 1), end_date=D(2020, 12, 31))
    assert _figures(target, world["p"]) == (1, 1)


def _admin_post(world, **extra):
    data = {
        "code": "tieu-chuan", "name": "Đạt tiêu chí, tiêu chuẩn", "period_start": "2025-01-01",
        "period_end": "2030-12-31", "positions": [world["uv"].pk], "population_at": "period_end",
        "criterion": "standard", "min_hours": "24", "hours_source": "Hướng dẫn 12-HD/UBKTTW",
        "deadline_local_choice": "", "courses_local_choice": "on", "professional_only": "on", "goal_percent": "100",
        "order": "0", "is_active": "on",
        "standard_rules-TOTAL_FORMS": "1", "standard_rules-INITIAL_FORMS": "0",
        "standard_rules-MIN_NUM_FORMS": "0", "standard_rules-MAX_NUM_FORMS": "1000",
        "standard_rules-0-kind": "min_grade", "standard_rules-0-value": "ktvc",
        "standard_rules-0-source": "Quy định 22-QĐ/TW", "standard_rules-0-local_choice": "",
        "standard_rules-0-ORDER": "1", "standard_rules-0-id": "",
    }
    data.update(extra)
    return data


def test_admin_saves_a_standard_target_with_its_rules_and_sources(world, admin_client):
    response = admin_client.post("/admin/competency/targets/new/", _admin_post(world))
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    target = Target.objects.get()
    assert (target.criterion, target.hours_source, target.courses_local_choice, target.professional_only) == (
        "standard", "Hướng dẫn 12-HD/UBKTTW", True, True)
    assert [(r.kind, r.value, r.source) for r in target.standard_rules.all()] == [
        ("min_grade", "ktvc", "Quy định 22-QĐ/TW")]
    edit = admin_client.get(f"/admin/competency/targets/edit/{target.pk}/").content.decode()
    assert "Thresholds and their sources" in edit and "Quy định 22-QĐ/TW" in edit


def test_admin_refuses_a_bad_rule_value_and_saves_nothing(world, admin_client):
    response = admin_client.post("/admin/competency/targets/new/", _admin_post(world, **{
        "standard_rules-0-kind": "min_years_of_service", "standard_rules-0-value": "mười"}))
    assert response.status_code == 200
    assert "Enter a whole number of years between 1 and 50." in response.content.decode()
    assert not Target.objects.exists() and not StandardRule.objects.exists()


def test_the_board_shows_the_thresholds_and_their_sources(world, client):
    from organization import roles
    from tests.factories import UserFactory

    target = _standard(world, [{"kind": RuleKind.MIN_GRADE, "value": "ktvc", "source": "Quy định 22-QĐ/TW"},
                               {"kind": RuleKind.MIN_YEARS_OF_SERVICE, "value": "5", "local_choice": True}],
                       sources={"hours_source": "Hướng dẫn 12-HD/UBKTTW", "courses_local_choice": True},
                       professional_only=True)
    client.force_login(UserFactory(username="board", role=roles.BOARD))
    body = client.get("/board/", {"target": target.pk, "unit": world["p"].pk}).content.decode()
    section = body[body.index('data-kt="thresholds"'):body.index("</details>")]
    assert "Minimum hours" in section and "Hướng dẫn 12-HD/UBKTTW" in section
    assert "Courses that count as professional training, and external training" in section
    assert "Principal inspector" in section and "Quy định 22-QĐ/TW" in section
    assert section.count("local choice") == 2  # the courses that count and the years of service


def test_the_api_gives_the_dashboards_standard_figure(world, client):
    from organization import roles
    from organization.models import ApiAccess
    from organization.services import api_client_create
    from targets.selectors import dashboard_data
    from tests.api.conftest import ApiCaller
    from tests.factories import UserFactory

    roles.ensure_groups()
    target = _standard(world, [{"kind": RuleKind.MIN_GRADE, "value": "ktvc"}])
    _cadre(world, "Lê Văn Đạt")
    _cadre(world, "Trần Văn Ngạch", grade=Grade.INSPECTOR)
    _client, token = api_client_create(name="Board sync", unit=world["p"], access=ApiAccess.READ)
    body = ApiCaller(token).get(f"/targets/{target.code}/rollup", {"on": "2025-06-30"}).json()
    card = dashboard_data(target=target, unit=world["p"], on=ON)
    assert (body["total"]["population"], body["total"]["met"]) == (card.total.population, card.total.met) == (2, 1)
    client.force_login(UserFactory(username="board", role=roles.BOARD))
    listed = client.get("/board/missing/", {"target": target.pk, "unit": world["p"].pk, "on": "2025-06-30"})
    assert listed.context["total"] == ApiCaller(token).get(
        f"/targets/{target.code}/missing", {"on": "2025-06-30"}).json()["count"] == 1


def test_an_administrator_edits_the_key_cadres_group(world, admin_client):
    group = PositionGroup.objects.get(code=KEY_CADRES_GROUP)
    assert "Cán bộ chủ chốt" in admin_client.get("/admin/organization/position-groups/").content.decode()
    response = admin_client.post(f"/admin/organization/position-groups/edit/{group.pk}/", {
        "code": group.code, "name": group.name,
        "positions": [Position.objects.get(code="bi-thu").pk, world["uv"].pk]})
    assert response.status_code == 302
    assert set(group.positions.values_list("code", flat=True)) == {"bi-thu", "uv"}
