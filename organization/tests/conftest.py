"""A small province for the organization tests.

    P  (province)
    ├── A  (body)           manager_a
    │   └── A1 (commune, 350 members)
    │       └── A1C (cell)
    └── B  (body)           manager_b
        └── B1 (ward)
"""

from dataclasses import dataclass

import pytest

from organization import roles
from organization.models import Position, Unit, UnitKind
from tests.factories import CadreFactory, PositionFactory, UserFactory, add_unit, make_manager, unit_tree_root


@dataclass
class Province:
    root: Unit
    a: Unit
    a1: Unit
    a1c: Unit
    b: Unit
    b1: Unit
    member: Position
    deputy: Position
    chair: Position

    def refresh(self):
        for name in ("root", "a", "a1", "a1c", "b", "b1"):
            setattr(self, name, Unit.objects.get(pk=getattr(self, name).pk))
        return self


@pytest.fixture
def province(db) -> Province:
    root = unit_tree_root()
    a = add_unit(root, "A", name="Đảng ủy khối A")
    b = add_unit(root, "B", name="Đảng ủy khối B")
    a1 = add_unit(a, "A1", kind=UnitKind.COMMUNE, name="Đảng ủy xã A1", party_member_count=350)
    a1c = add_unit(a1, "A1C", kind=UnitKind.CELL, name="Chi bộ A1C")
    b1 = add_unit(b, "B1", kind=UnitKind.WARD, name="Đảng ủy phường B1")
    member = PositionFactory(code="uv-kiem-nhiem", name="Ủy viên kiêm nhiệm", order=5)
    deputy = PositionFactory(code="pcn-chuyen-trach", name="Phó Chủ nhiệm chuyên trách", order=2,
                             is_fulltime=True, is_deputy_chair=True)
    chair = PositionFactory(code="chu-nhiem", name="Chủ nhiệm", order=1, is_fulltime=True)
    return Province(root=root, a=a, a1=a1, a1c=a1c, b=b, b1=b1, member=member, deputy=deputy, chair=chair).refresh()


@pytest.fixture
def manager_a(province):
    return make_manager(province.a, username="manager_a")


@pytest.fixture
def manager_b(province):
    return make_manager(province.b, username="manager_b")


@pytest.fixture
def board_user(db):
    return UserFactory(username="board", role=roles.BOARD)


@pytest.fixture
def admin_user(db):
    return UserFactory(username="administrator", role=roles.ADMINISTRATOR)


@pytest.fixture
def cadre_a(province):
    return CadreFactory(code="CB-A1", full_name="Nguyễn Văn An", unit=province.a1, position=province.member)


@pytest.fixture
def cadre_b(province):
    return CadreFactory(code="CB-B1", full_name="Trần Thị Bình", unit=province.b1, position=province.member)
