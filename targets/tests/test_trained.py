"""The 'trained' criterion: hours in the period (courses and recognised external training), and the
deadline of newly elected members."""

import datetime
from decimal import Decimal

import pytest

from courses.models import Completion, ExternalTraining
from courses.tests import builders as course_builders
from organization.models import Unit, UnitKind
from targets.models import Criterion, PopulationAt
from targets.selectors import target_missing, target_rollup
from targets.services import target_create
from tests.factories import CadreFactory, PositionFactory, add_unit, unit_tree_root

pytestmark = pytest.mark.django_db

D = datetime.date


def _train(cadre, hours, end_on):
    ExternalTraining.objects.create(cadre=cadre, course_name="Bồi dưỡng nghiệp vụ kiểm tra",
                                    provider="Trường Chính trị", hours=Decimal(hours), start_on=end_on, end_on=end_on)


@pytest.fixture
def tree():
    uv = PositionFactory(code="uv", name="Ủy viên")
    p = unit_tree_root()
    b = add_unit(p, "B")
    c = add_unit(b, "C", kind=UnitKind.COMMUNE)
    return uv, Unit.objects.get(pk=p.pk), b, c


def _numbers(rows):
    codes = dict(Unit.objects.values_list("id", "code"))
    return {codes[r.unit_id]: (r.population, r.met) for r in rows}


def test_hours_within_the_period_count(tree):
    uv, p, b, c = tree
    target = target_create(code="dao-tao", name="Đào tạo", period_start=D(2022, 1, 1), period_end=D(2025, 12, 31),
                           positions=[uv], criterion=Criterion.TRAINED, min_hours=Decimal(16))
    enough = CadreFactory(unit=c, position=uv)
    _train(enough, 8, D(2022, 5, 1))
    _train(enough, 8, D(2024, 5, 1))
    before = CadreFactory(unit=c, position=uv)
    _train(before, 16, D(2021, 12, 31))  # before the period
    short = CadreFactory(unit=b, position=uv, full_name="Lê Văn Thiếu")
    _train(short, 12, D(2023, 1, 1))
    assert _numbers(target_rollup(target=target, root_unit=p, on=D(2025, 1, 1))) == {
        "P": (3, 1), "B": (3, 1), "C": (2, 1),
    }
    missing = target_missing(target=target, unit=b, on=D(2025, 1, 1))
    assert [m.reasons for m in missing if m.cadre == short] == [["12 of 16 hours of training"]]


def test_training_after_the_as_of_date_does_not_count_yet(tree):
    uv, p, b, c = tree
    target = target_create(code="dao-tao", name="Đào tạo", period_start=D(2022, 1, 1), period_end=D(2025, 12, 31),
                           positions=[uv], criterion=Criterion.TRAINED, min_hours=Decimal(8))
    cadre = CadreFactory(unit=c, position=uv)
    _train(cadre, 8, D(2025, 3, 1))
    assert _numbers(target_rollup(target=target, root_unit=p, on=D(2025, 2, 1)))["P"] == (1, 0)
    assert _numbers(target_rollup(target=target, root_unit=p, on=D(2025, 3, 1)))["P"] == (1, 1)


def test_newly_elected_must_be_trained_by_their_deadline(tree):
    uv, p, b, c = tree
    target = target_create(
        code="moi-bau", name="Bồi dưỡng ủy viên mới được bầu", period_start=D(2025, 1, 1),
        period_end=D(2030, 12, 31), positions=[uv], criterion=Criterion.TRAINED, min_hours=Decimal(8),
        newly_elected_deadline_days=90, population_at=PopulationAt.TODAY,
    )
    on_time = CadreFactory(unit=c, position=uv, appointed_on=D(2025, 1, 10))
    _train(on_time, 8, D(2025, 4, 10))  # the 90th day
    late = CadreFactory(unit=c, position=uv, appointed_on=D(2025, 1, 10), full_name="Trần Văn Muộn")
    _train(late, 8, D(2025, 4, 11))
    CadreFactory(unit=c, position=uv, appointed_on=D(2019, 6, 1))  # elected before the period: not counted
    assert _numbers(target_rollup(target=target, root_unit=p, on=D(2025, 7, 1)))["C"] == (2, 1)
    [missing] = list(target_missing(target=target, unit=p, on=D(2025, 7, 1)))
    assert (missing.cadre, missing.deadline) == (late, D(2025, 4, 10))


def _complete(cadre, course, on):
    Completion.objects.create(cadre=cadre, course=course, completed_on=on, hours=course.hours)


def test_required_courses_completed_within_the_period(tree):
    uv, p, b, c = tree
    k1 = course_builders.course(title="Nghiệp vụ kiểm tra cơ bản")
    k2 = course_builders.course(title="Giám sát thường xuyên")
    target = target_create(code="dao-tao", name="Đào tạo", period_start=D(2022, 1, 1), period_end=D(2025, 12, 31),
                           positions=[uv], criterion=Criterion.TRAINED, required_courses=[k1, k2])
    both = CadreFactory(unit=c, position=uv)
    _complete(both, k1, D(2022, 3, 1))
    _complete(both, k2, D(2023, 3, 1))
    one = CadreFactory(unit=c, position=uv, full_name="Lê Thị Một")
    _complete(one, k1, D(2022, 3, 1))
    early = CadreFactory(unit=b, position=uv, full_name="Phạm Văn Sớm")
    _complete(early, k1, D(2021, 3, 1))  # before the period
    _complete(early, k2, D(2023, 3, 1))
    assert _numbers(target_rollup(target=target, root_unit=p, on=D(2025, 12, 31))) == {
        "P": (3, 1), "B": (3, 1), "C": (2, 1),
    }
    reasons = {m.cadre.full_name: m.reasons for m in target_missing(target=target, unit=p, on=D(2025, 12, 31))}
    assert reasons == {"Lê Thị Một": ["Course not completed: Giám sát thường xuyên"],
                       "Phạm Văn Sớm": ["Course not completed: Nghiệp vụ kiểm tra cơ bản"]}


def test_courses_or_hours_either_counts(tree):
    uv, p, b, c = tree
    k1 = course_builders.course(title="Nghiệp vụ kiểm tra cơ bản", hours=Decimal(8))
    target = target_create(code="dao-tao", name="Đào tạo", period_start=D(2022, 1, 1), period_end=D(2025, 12, 31),
                           positions=[uv], criterion=Criterion.TRAINED, required_courses=[k1],
                           min_hours=Decimal(20))
    by_course = CadreFactory(unit=c, position=uv)
    _complete(by_course, k1, D(2023, 1, 1))
    by_hours = CadreFactory(unit=c, position=uv)
    _train(by_hours, 20, D(2023, 1, 1))
    CadreFactory(unit=c, position=uv)
    assert _numbers(target_rollup(target=target, root_unit=p, on=D(2025, 1, 1)))["C"] == (3, 2)
