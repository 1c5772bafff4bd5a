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
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from courses.models import Completion, ExternalTraining
from courses.tests import builders as course_builders
from organization import roles
from organization.models import ApiAccess, Unit, UnitKind, UnitLevel
from organization.reference_data import COMMUNE_LEVEL
from organization.services import api_client_create, unit_move
from targets.figures import figures_compute
from targets.models import Criterion, FigureCadre, FigureCommittee
from targets.selectors import committees_missing_in_set, target_rollup
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
    add_unit(p, "G3", kind=UnitKind.BODY, level=UnitLevel.objects.get(code=COMMUNE_LEVEL))
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


def test_untrained_members_are_the_figure_cadres_and_non_committee_holders_are_not_counted(world):
    figure_set = figures_compute(target=world["target"], on=AFTER)
    people = world["people"]
    assert list(FigureCadre.objects.filter(figure_set=figure_set).values_list("cadre_id", flat=True)) == [
        people["f"].pk]
    assert FigureCommittee.objects.filter(figure_set=figure_set).count() == 2


@pytest.fixture
def board(client, world):
    client.force_login(UserFactory(username="board", role=roles.BOARD))
    return client


def test_card_and_table_count_committees(board, world):
    response = board.get("/board/", {"target": world["target"].pk, "on": AFTER.isoformat()})
    data = response.context["data"]
    assert (data.total.population, data.total.met, data.missing_count) == (3, 1, 2)
    assert {(row.unit.code, row.population, row.met) for row in data.units} == {
        ("B", 1, 1), ("X", 1, 0), ("G3", 1, 0)}
    html = response.content.decode()
    assert "Committees met / counted" in html and "2 committees not met" in html
    assert "Committees that do not meet the target" in html
    assert "Cadres who do not meet the target" not in html


def test_table_rows_of_a_past_date_use_the_tree_of_that_date(board, world):
    b = Unit.objects.get(code="B")
    data = board.get("/board/", {"target": world["target"].pk, "unit": b.pk, "on": BEFORE.isoformat()}).context["data"]
    assert (data.total.population, data.total.met) == (2, 1)
    assert {(row.unit.code, row.population, row.met) for row in data.units} == {("G1", 1, 1), ("G2", 1, 0)}


def test_missing_page_lists_committees_with_reasons(board, world, django_assert_max_num_queries):
    query = {"target": world["target"].pk, "on": AFTER.isoformat()}
    board.get("/board/", query)  # the figures are computed once, then read
    with django_assert_max_num_queries(40):
        response = board.get("/board/missing/", query)
    assert response.context["total"] == 2
    html = response.content.decode()
    assert 'data-committee="G2"' in html and 'data-committee="G3"' in html
    assert "Member not trained: Lê Văn Thiếu (4 of 8 hours of training)" in html
    assert "No members in post" in html
    fragment = board.get("/board/missing/", {**query, "fragment": 1})
    assert fragment.context["total"] == 2 and 'data-committee="G2"' in fragment.content.decode()


def test_missing_export_lists_committees(board, world):
    response = board.get("/board/missing/export/", {"target": world["target"].pk, "on": AFTER.isoformat()})
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert ["G2", "G3"] == sorted(row[0] for row in values if row and row[0] in ("G2", "G3"))


def test_a_manager_sees_only_the_committees_of_the_own_subtree(client, world):
    b, x = Unit.objects.get(code="B"), Unit.objects.get(code="X")
    client.force_login(make_manager(b))
    query = {"target": world["target"].pk, "on": AFTER.isoformat()}
    data = client.get("/board/", query).context["data"]
    assert (data.unit.code, data.total.population, data.total.met) == ("B", 1, 1)
    assert client.get("/board/missing/", query).context["total"] == 0
    assert client.get("/board/", {**query, "unit": x.pk}).status_code == 404
    assert client.get("/board/missing/", {**query, "unit": x.pk}).status_code == 404


def test_api_figures_are_the_cards(board, world):
    target, root = world["target"], world["root"]
    _client, token = api_client_create(name="Board sync", unit=root, access=ApiAccess.READ)
    api = ApiCaller(token)
    body = api.get(f"/targets/{target.code}/rollup", {"on": AFTER.isoformat()}).json()
    assert (body["total"]["population"], body["total"]["met"], body["total"]["not_met"]) == (3, 1, 2)
    assert {(r["unit_code"], r["population"], r["met"]) for r in body["units"]} == {
        ("B", 1, 1), ("X", 1, 0), ("G3", 1, 0)}
    committees = api.get(f"/targets/{target.code}/committees", {"on": AFTER.isoformat()}).json()
    assert committees["count"] == 2
    g2 = next(item for item in committees["items"] if item["unit_code"] == "G2")
    assert (g2["members"], g2["members_met"], g2["chair_code"], g2["chair_done"], g2["untrained_codes"]) == (
        3, 2, world["people"]["d"].code, False, [world["people"]["f"].code])


def test_api_client_of_one_subtree_cannot_read_another(world):
    b = Unit.objects.get(code="B")
    _client, token = api_client_create(name="B sync", unit=b, access=ApiAccess.READ)
    api = ApiCaller(token)
    code = world["target"].code
    assert api.get(f"/targets/{code}/committees", {"unit": "X"}).status_code == 404
    assert api.get(f"/targets/{code}/committees", {"on": AFTER.isoformat()}).json()["count"] == 0


def test_the_chair_course_completed_later_makes_the_committee_met(world):
    people = world["people"]
    _hours(people["f"], 4, D(2025, 8, 1))
    Completion.objects.create(cadre=people["d"], course=world["supervision"], completed_on=D(2025, 8, 15), hours=8)
    assert _numbers(target_rollup(target=world["target"], root_unit=world["root"], on=AFTER))["G2"] == (1, 1)
    assert _numbers(target_rollup(target=world["target"], root_unit=world["root"], on=D(2025, 8, 10)))["G2"] == (1, 0)


def test_a_committee_without_a_chair_in_post_is_not_met(world):
    g3 = Unit.objects.get(code="G3")
    member = CadreFactory(full_name="Ngô Thị Hà", unit=g3, position=world["uv"])
    _hours(member, 8, D(2025, 4, 1))
    figure_set = figures_compute(target=world["target"], on=AFTER)
    [g3_row] = [m for m in committees_missing_in_set(figure_set=figure_set, unit=g3)]
    assert (g3_row.members, g3_row.members_met, g3_row.reasons) == (1, 1, ["No chair in post"])


def test_a_committee_target_needs_a_chair_and_the_chair_course(world):
    with pytest.raises(ValidationError) as error:
        target_create(code="x", name="x", period_start=D(2025, 1, 1), period_end=D(2030, 12, 31),
                      positions=[world["uv"]], criterion=Criterion.COMMITTEE, chair_position=world["cn"])
    assert set(error.value.message_dict) == {"min_hours", "chair_position", "chair_courses"}


def test_new_training_marks_the_committee_figures_stale(world, django_capture_on_commit_callbacks):
    figure_set = figures_compute(target=world["target"], on=AFTER)
    with django_capture_on_commit_callbacks(execute=True):
        Completion.objects.create(cadre=world["people"]["d"], course=world["supervision"],
                                  completed_on=D(2025, 8, 15), hours=8)
        _hours(world["people"]["f"], 4, D(2025, 8, 1))
    figure_set.refresh_from_db()
    assert figure_set.is_stale
    assert _numbers(target_rollup(target=world["target"], root_unit=world["root"], on=AFTER))["P"] == (3, 2)


def test_the_periodic_report_lists_the_committees(world):
    from targets.reports import report_data, report_pdf, report_workbook

    data = report_data(target=world["target"], unit=world["root"], on=AFTER)
    assert [(c.unit.code, c.members_met, c.members) for c in data.committees] == [("G3", 0, 0), ("G2", 2, 3)]
    book = load_workbook(io.BytesIO(report_workbook(data)))
    assert {"Committees not met", "Untrained members"} <= set(book.sheetnames)
    assert report_pdf(data)[:4] == b"%PDF"


def test_computing_committee_figures_is_a_fixed_number_of_queries(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(on):
        with CaptureQueriesContext(connection) as captured:
            figures_compute(target=world["target"], on=on)
        return len(captured)

    before = queries(AFTER)
    x = Unit.objects.get(code="X")
    for i in range(5):  # more committees with more members: the same statements
        unit = add_unit(x, f"W{i}", kind=UnitKind.WARD)
        CadreFactory.create_batch(3, unit=unit, position=world["uv"])
    assert queries(AFTER + datetime.timedelta(days=1)) == before


def test_the_target_form_refuses_a_committee_target_without_its_chair_course(world):
    from targets.forms import TargetForm

    data = {"code": "ubkt-2", "name": "Ủy ban kiểm tra", "period_start": "2025-01-01", "period_end": "2030-12-31",
            "positions": [world["cn"].pk, world["uv"].pk], "population_at": "period_end", "criterion": "committee",
            "min_hours": "8", "chair_position": world["cn"].pk, "goal_percent": 100, "order": 0}
    form = TargetForm(data=data)
    assert not form.is_valid()
    assert form.errors["chair_courses"] == ["A committee target needs the course the chair must complete."]
    form = TargetForm(data={**data, "chair_courses": [world["supervision"].pk]})
    assert form.is_valid(), form.errors
    assert list(form.save().chair_courses.all()) == [world["supervision"]]
