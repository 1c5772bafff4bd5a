"""The hand-drawn province the roll-up, dashboard and report tests count on (see build_world)."""

import datetime

from competency.models import EvidenceSource
from competency.services import evidence_record
from competency.tests.builders import make_framework, require
from organization.models import CadreStatus, Unit, UnitKind
from organization.services import cadre_position_change, cadre_status_set, unit_merge
from targets.models import Criterion, PopulationAt
from targets.services import target_create
from tests.factories import CadreFactory, PositionFactory, add_unit, unit_tree_root

EARLIER = datetime.date(2024, 1, 1)


D = datetime.date


def build_world():
    """The three-level tree of test_rollup (see its docstring), after the merge, retirement and move."""
    uv = PositionFactory(code="uv", name="Ủy viên")
    other = PositionFactory(code="vp", name="Văn phòng")
    fw = make_framework(competencies=("A1", "A2"))
    require(fw, "A1", uv, 2)
    require(fw, "A2", uv, 2)
    require(fw, "A2", uv, 3, kind=UnitKind.COMMUNE)
    p = unit_tree_root()
    b1 = add_unit(p, "B1")
    c1 = add_unit(b1, "C1", kind=UnitKind.COMMUNE)
    c2 = add_unit(b1, "C2", kind=UnitKind.AGENCY)
    b2 = add_unit(p, "B2")
    w1 = add_unit(b2, "W1", kind=UnitKind.WARD)
    w2 = add_unit(b2, "W2", kind=UnitKind.WARD)
    a1, a2 = fw.competencies.get(code="A1"), fw.competencies.get(code="A2")

    def cadre(name, unit, levels=(), position=uv, expires=None):
        c = CadreFactory(full_name=name, unit=unit, position=position)
        for comp, level in zip((a1, a2), levels, strict=False):
            evidence_record(cadre=c, competency=comp, level=level, source=EvidenceSource.QUIZ, obtained_on=EARLIER,
                            expires_on=expires if comp is a1 else None, source_ref=f"{name}:{comp.code}")
        return c

    people = {
        "a": cadre("Lê Văn An", c1, (2, 3)),
        "b": cadre("Trần Thị Bình", c1, (2, 2)),
        "c": cadre("Phạm Văn Cường", c2, (2, 2)),
        "d": cadre("Hoàng Văn Dũng", c2, (2, 2), position=other),
        "e": cadre("Vũ Thị Em", b1),
        "m": cadre("Đỗ Văn Minh", c1, (2, 2)),
        "f": cadre("Ngô Thị Phương", w2, (2, 2)),
        "g": cadre("Bùi Văn Giang", w1, (2, 2), expires=D(2025, 1, 1)),
        "r": cadre("Đặng Văn Rạng", b2),
    }
    unit_merge(source=Unit.objects.get(pk=w2.pk), target=Unit.objects.get(pk=w1.pk), on=D(2025, 3, 1))
    cadre_status_set(cadre=people["r"], status=CadreStatus.RETIRED, on=D(2025, 4, 1))
    cadre_position_change(cadre=people["m"], unit=Unit.objects.get(pk=w1.pk), position=uv, on=D(2025, 6, 1))
    target = target_create(
        code="nang-luc", name="Đạt khung năng lực", period_start=D(2025, 1, 1), period_end=D(2030, 12, 31),
        positions=[uv], criterion=Criterion.COMPETENT, population_at=PopulationAt.TODAY,
    )
    return {"target": target, "root": Unit.objects.get(pk=p.pk), "fw": fw, "uv": uv, "people": people}

