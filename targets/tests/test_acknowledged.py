"""The “studied” target (II.2(1)/II.3(1): the Party's documents on inspection work studied by every
cadre concerned), pinned by hand.

    P
    ├── A   x, y   (Ủy viên)
    └── B   z      (Ủy viên)        and q (Văn phòng: not in the population)

    Documents of the target: R1 issued 01/09/2025, R2 issued 01/02/2026, R3 issued 01/06/2026.
    Confirmations:  x  R1 01/10/2025, R2 10/02/2026          (not R3)
                    y  R1 01/10/2025                          (not R2)
                    z  R1 01/10/2025, R2 05/03/2026
                    q  R1, R2, R3

    On 01/03/2026 (R3 not issued yet): x meets it; y lacks R2; z confirmed R2 only later → 1 of 3
      (A 1 of 2, B 0 of 1).
    On 10/03/2026: x and z → 2 of 3.
    On 01/07/2026 (R3 issued): nobody has R3 → 0 of 3; x's reason names R3, y's R2 and R3.
"""

import datetime

import pytest
from django.core.cache import cache

from cms.models import Regulation
from courses.models import StudyAssignment
from organization import roles
from organization.models import ApiAccess, Unit
from organization.services import api_client_create
from targets.figures import figures_compute
from targets.models import Criterion, PopulationAt
from targets.selectors import dashboard_data, missing_in_set
from targets.services import target_create
from tests.api.conftest import ApiCaller
from tests.factories import CadreFactory, PositionFactory, UserFactory, add_unit, unit_tree_root

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def world():
    cache.clear()
    roles.ensure_groups()
    uv = PositionFactory(code="uv", name="Ủy viên")
    vp = PositionFactory(code="vp", name="Văn phòng")
    p = unit_tree_root()
    a, b = add_unit(p, "A"), add_unit(p, "B")
    people = {
        "x": CadreFactory(code="x", full_name="Lê Văn Xuân", unit=a, position=uv),
        "y": CadreFactory(code="y", full_name="Trần Thị Yến", unit=a, position=uv),
        "z": CadreFactory(code="z", full_name="Phạm Văn Zung", unit=b, position=uv),
        "q": CadreFactory(code="q", full_name="Ngô Văn Quang", unit=b, position=vp),
    }
    regs = {
        "R1": Regulation.objects.create(number="R1", title="Văn bản 1", issued_on=D(2025, 9, 1)),
        "R2": Regulation.objects.create(number="R2", title="Văn bản 2", issued_on=D(2026, 2, 1)),
        "R3": Regulation.objects.create(number="R3", title="Văn bản 3", issued_on=D(2026, 6, 1)),
    }
    confirmed = {
        "x": {"R1": D(2025, 10, 1), "R2": D(2026, 2, 10), "R3": None},
        "y": {"R1": D(2025, 10, 1), "R2": None},
        "z": {"R1": D(2025, 10, 1), "R2": D(2026, 3, 5)},
        "q": {"R1": D(2025, 10, 1), "R2": D(2026, 2, 10), "R3": D(2026, 6, 5)},
    }
    StudyAssignment.objects.bulk_create([
        StudyAssignment(cadre=people[c], regulation=regs[r], assigned_on=D(2025, 9, 5), due_on=D(2025, 10, 5),
                        acknowledged_on=on)
        for c, by_reg in confirmed.items() for r, on in by_reg.items()
    ])
    target = target_create(
        code="quan-triet", name="Quán triệt văn bản", period_start=D(2025, 7, 1), period_end=D(2030, 12, 31),
        positions=[uv], criterion=Criterion.ACKNOWLEDGED, population_at=PopulationAt.TODAY,
        regulations=list(regs.values()),
    )
    return {"target": target, "root": Unit.objects.get(pk=p.pk), "A": a, "B": b, "people": people}


def _figures(target, unit, on):
    data = dashboard_data(target=target, unit=unit, on=on, figure_set=figures_compute(target=target, on=on))
    return data.total.population, data.total.met


def test_met_only_with_every_document_issued_by_the_date_confirmed_by_the_date(world):
    target, root = world["target"], world["root"]
    assert _figures(target, root, D(2026, 3, 1)) == (3, 1)
    assert _figures(target, world["A"], D(2026, 3, 1)) == (2, 1)
    assert _figures(target, world["B"], D(2026, 3, 1)) == (1, 0)
    assert _figures(target, root, D(2026, 3, 10)) == (3, 2)
    assert _figures(target, root, D(2026, 7, 1)) == (3, 0)


def test_the_missing_list_names_the_documents_not_yet_studied(world):
    target, root = world["target"], world["root"]
    missing = missing_in_set(figure_set=figures_compute(target=target, on=D(2026, 7, 1)), unit=root)
    reasons = {m.cadre.code: m.reasons for m in missing}
    assert reasons == {"x": ["Not yet studied: R3"], "y": ["Not yet studied: R2, R3"],
                       "z": ["Not yet studied: R3"]}


def test_a_confirmation_marks_the_figures_stale_and_the_next_computation_counts_it(
    world, django_capture_on_commit_callbacks
):
    target, root = world["target"], world["root"]
    on = D(2026, 3, 1)
    figure_set = figures_compute(target=target, on=on)
    y = StudyAssignment.objects.get(cadre__code="y", regulation__number="R2")
    y.acknowledged_on = D(2026, 2, 20)
    with django_capture_on_commit_callbacks(execute=True):
        y.save()
    figure_set.refresh_from_db()
    assert figure_set.is_stale
    assert _figures(target, root, on) == (3, 2)


def test_a_studied_target_needs_its_documents(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="documents to study"):
        target_create(code="rong", name="Không văn bản", period_start=D(2025, 1, 1), period_end=D(2030, 12, 31),
                      positions=[world["people"]["x"].position], criterion=Criterion.ACKNOWLEDGED)


def test_the_api_and_the_board_show_the_same_figure(world, client):
    target, root = world["target"], world["root"]
    _client, token = api_client_create(name="Board sync", unit=root, access=ApiAccess.READ)
    api = ApiCaller(token)
    client.force_login(UserFactory(username="board", role=roles.BOARD))
    on = D(2026, 3, 1)
    body = api.get(f"/targets/{target.code}/rollup", {"on": on.isoformat()}).json()
    card = client.get("/board/", {"target": target.pk, "unit": root.pk, "on": on.isoformat()}).context["data"]
    assert (body["total"]["population"], body["total"]["met"]) == (card.total.population, card.total.met) == (3, 1)
    missing = api.get(f"/targets/{target.code}/missing", {"on": on.isoformat()}).json()
    assert missing["count"] == card.missing_count == 2
    assert {m["cadre_code"]: m["reasons"] for m in missing["items"]} == {
        "y": ["Not yet studied: R2"], "z": ["Not yet studied: R2"]}


def test_the_target_editor_asks_for_the_documents_of_a_studied_target(world):
    from targets.forms import TargetForm

    data = {"code": "qt-2", "name": "Quán triệt", "period_start": "2025-01-01", "period_end": "2030-12-31",
            "positions": [world["people"]["x"].position.pk], "population_at": PopulationAt.TODAY,
            "criterion": Criterion.ACKNOWLEDGED, "goal_percent": 100, "order": 0}
    form = TargetForm(data=data)
    assert not form.is_valid() and "regulations" in form.errors
    form = TargetForm(data={**data, "regulations": [Regulation.objects.get(number="R1").pk]})
    assert form.is_valid(), form.errors
