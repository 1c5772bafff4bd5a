"""The committee-level target (II.2(6)/II.3(6)) against hand-computed numbers.

Tree (kinds in brackets; G2 moved from B to X on 01/07/2025):
  P  [province]                          members (cn = chair, uv = member), min 8 hours in 2025–2030,
  ├─ B  [body]        q                  the chair must have completed the supervision course S:
  │  └─ G1 [commune]  a(cn) b c            a  S (8 h) 01/03/2025       b 8 h   c 10 h   → G1 met
  ├─ X  [body]                           d  8 h, no S   e 8 h   f 4 h (Lê Văn Thiếu) → G2 not met
  │  └─ G2 [ward]     d(cn) e f          G3 has no one in post → not met ("no members in post")
  └─ G3 [body on the commune level]      q  holds uv at B, a body: not a committee, never counted

Committees (population, met) on 01/09/2025:  P 3/1 · B 1/1 · G1 1/1 · X 1/0 · G2 1/0 · G3 1/0
                           on 01/06/2025:  P 3/1 · B 2/1 · G1 1/1 · G2 1/0 · X 0/0 · G3 1/0
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from courses.models import Completion, ExternalTraining
from courses.tests import builders as course_builders
from organization import roles
from organization.models import ApiAccess, Unit, UnitKind, UnitLevel
from organization.reference_data import COMMUNE_LEVEL
from organization.services import api_client_create, unit_move
from targets.figures import figures_compute
from targets.models import Criterion, FigureCadre, FigureCommittee
from targets.selectors import committees_missing_in_set, dashboard_data, target_rollup
from targets.services import target_create
from tests.api.conftest import ApiCaller
from tests.factories import CadreFactory, PositionFactory, UserFactory, add_unit, make_manager, unit_tree_root

pytestmark = pytest.mark.django_db

D = datetime.date
AFTER, BEFORE = D(2025, 9, 1), D(2025, 6, 1)


def _hours(cadre, hours, on):
    ExternalTraining.objects.create(cadre=cadre, course_name="Bồi dưỡng nghiệp vụ", provider="Trường Chính trị",
                                    hours=Decimal(hours), start_on=on, end_on=on)


@pytest.fixture
def world():
    cn = PositionFactory(code="cn", name="Chủ nhiệm")
    uv = PositionFactory(code="uv", name="Ủy viên")
    supervision = course_builders.course(title="Kỹ năng giám sát thường xuyên")
    p = unit_tree_root()
    b = add_unit(p, "B")
    g1 = add_unit(b, "G1", kind=UnitKind.COMMUNE)
    add_unit(g1, "G1-CB", kind=UnitKind.CELL)
    x = add_unit(p, "X")
    g2 = add_unit(b, "G2", kind=UnitKind.WARD)
    g3 = add_unit(p, "G3", kind=UnitKind.BODY, level=UnitLevel.objects.get(code=COMMUNE_LEVEL))
    people = {
        "a": CadreFactory(full_name="Lê Văn An", unit=g1, position=cn),
        "b": CadreFactory(full_name="Trần Thị Bình", unit=g1, position=uv),
        "c": CadreFactory(full_name="Phạm Văn Cường", unit=g1, position=uv),
        "d": CadreFactory(full_name="Hoàng Văn Dũng", unit=g2, position=cn),
        "e": CadreFactory(full_name="Vũ Thị Em", unit=g2, position=uv),
        "f": CadreFactory(full_name="Lê Văn Thiếu", unit=g2, position=uv),
        "q": CadreFactory(full_name="Đỗ Văn Quý", unit=b, position=uv),
    }
    Completion.objects.create(cadre=people["a"], course=supervision, completed_on=D(2025, 3, 1), hours=8)
    for key, hours in (("b", 8), ("c", 10), ("d", 8), ("e", 8), ("f", 4), ("q", 8)):
        _hours(people[key], hours, D(2025, 4, 1))
    unit_move(unit=g2, parent=x, on=D(2025, 7, 1))
    target = target_create(
        code="ubkt-giam-sat", name="Ủy ban kiểm tra cơ sở đủ năng lực giám sát", period_start=D(2025, 1, 1),
        period_end=D(2030, 12, 31), positions=[cn, uv], criterion=Criterion.COMMITTEE, min_hours=Decimal(8),
        chair_position=cn, chair_courses=[supervision],
    )
    return {"target": target, "root": Unit.objects.get(pk=p.pk), "people": people, "supervision": supervision,
            "cn": cn, "uv": uv}


def _numbers(rows):
    codes = dict(Unit.objects.values_list("id", "code"))
    return {codes[r.unit_id]: (r.population, r.met) for r in rows}


def test_rollup_counts_committees(world):
    assert _numbers(target_rollup(target=world["target"], root_unit=world["root"], on=AFTER)) == {
        "P": (3, 1), "B": (1, 1), "G1": (1, 1), "G1-CB": (0, 0), "X": (1, 0), "G2": (1, 0), "G3": (1, 0),
    }


def test_rollup_before_the_move_counts_the_committee_under_its_old_parent(world):
    assert _numbers(target_rollup(target=world["target"], root_unit=world["root"], on=BEFORE)) == {
        "P": (3, 1), "B": (2, 1), "G1": (1, 1), "G1-CB": (0, 0), "G2": (1, 0), "X": (0, 0), "G3": (1, 0),
    }


def test_missing_committees_with_their_reasons(world):
    figure_set = figures_compute(target=world["target"], on=AFTER)
    missing = committees_missing_in_set(figure_set=figure_set, unit=world["root"])
    assert len(missing) == 2
    assert [(m.unit.code, m.members, m.members_met, m.reasons) for m in missing] == [
        ("G3", 0, 0, ["No members in post"]),
        ("G2", 3, 2, ["Member not trained: Lê Văn Thiếu (4 of 8 hours of training)",
                      "The chair Hoàng Văn Dũng has not completed: Kỹ năng giám sát thường xuyên"]),
    ]
