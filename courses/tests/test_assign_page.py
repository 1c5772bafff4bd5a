"""The assign page (/learn/assign/): a manager ticks cadres in a filtered list of their units (or gives a
unit/position rule), sees live whom it will reach and who is already enrolled, and assigns; bad input
is refused with a clear message and writes nothing."""

import datetime

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from courses import services
from courses.models import Completion, Enrollment
from organization import roles
from organization.models import CadreStatus, UnitKind
from tests.factories import CadreFactory, PositionFactory, UserFactory, add_unit, make_manager

from . import builders

ASSIGN = "/learn/assign/"
PREVIEW = "/learn/assign/preview/"


@pytest.fixture
def client(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    return client


@pytest.fixture
def world(province):
    body_a = add_unit(province, "A", name="Ủy ban Kiểm tra A")
    body_b = add_unit(province, "B", name="Ủy ban Kiểm tra B")
    commune = add_unit(body_a, "A-1", kind=UnitKind.COMMUNE, name="Đảng ủy xã A1")
    member, chief = PositionFactory(code="uy-vien", name="Ủy viên"), PositionFactory(code="chu-nhiem", name="Chủ nhiệm")
    return {
        "a": body_a, "b": body_b, "commune": commune, "member": member, "chief": chief,
        "manager": make_manager(body_a, username="ql.a"),
        "course": builders.course(title="Nghiệp vụ kiểm tra", code="KT-01"),
        "an": CadreFactory(unit=commune, position=member, full_name="Nguyễn Văn An"),
        "binh": CadreFactory(unit=commune, position=chief, full_name="Lê Thị Bình"),
        "cuong": CadreFactory(unit=body_a, position=member, full_name="Trần Văn Cường"),
        "outsider": CadreFactory(unit=body_b, position=member, full_name="Phạm Thị Ngoài"),
        "retired": CadreFactory(unit=commune, position=member, full_name="Hoàng Văn Hưu", status=CadreStatus.RETIRED),
    }


def _page(client, world, query=""):
    client.force_login(world["manager"])
    response = client.get(f"{ASSIGN}{query}")
    assert response.status_code == 200
    return response.content.decode()


def test_the_list_shows_the_active_cadres_of_the_managers_units_only(client, world):
    html = _page(client, world)

    for name in ("Nguyễn Văn An", "Lê Thị Bình", "Trần Văn Cường"):
        assert name in html
    assert "Phạm Thị Ngoài" not in html  # another body's cadre
    assert "Hoàng Văn Hưu" not in html  # retired


def test_the_list_is_filtered_by_unit_position_and_search(client, world):
    by_unit_and_position = _page(client, world, f"?unit={world['commune'].pk}&position={world['member'].pk}")
    by_search = _page(client, world, "?q=Bình")

    assert "Nguyễn Văn An" in by_unit_and_position
    assert "Lê Thị Bình" not in by_unit_and_position and "Trần Văn Cường" not in by_unit_and_position
    assert "Lê Thị Bình" in by_search and "Nguyễn Văn An" not in by_search


def test_a_unit_outside_the_managers_scope_is_not_found(client, world):
    client.force_login(world["manager"])

    assert client.get(f"{ASSIGN}?unit={world['b'].pk}").status_code == 404


def test_ticked_cadres_are_assigned_and_the_manager_lands_on_the_matrix(client, world):
    client.force_login(world["manager"])
    course = world["course"]

    response = client.post(ASSIGN, {"course": course.pk, "target": "ticked",
                                    "cadres": [world["an"].pk, world["binh"].pk]}, follow=True)

    assert response.redirect_chain[-1][0] == f"/org/team/?course={course.pk}"
    assert "Đã giao khóa học “Nghiệp vụ kiểm tra” cho 2 cán bộ." in response.content.decode()
    assert set(Enrollment.objects.values_list("cadre_id", flat=True)) == {world["an"].pk, world["binh"].pk}


def test_a_rule_assigns_every_active_cadre_of_the_unit_and_position(client, world):
    client.force_login(world["manager"])

    response = client.post(ASSIGN, {"course": world["course"].pk, "target": "rule",
                                    "unit": world["commune"].pk, "position": world["member"].pk})

    assert response.status_code == 302
    assert list(Enrollment.objects.values_list("cadre_id", flat=True)) == [world["an"].pk]


@pytest.mark.parametrize(
    ("post", "message"),
    [
        ({"target": "ticked"}, "Hãy chọn ít nhất một cán bộ."),
        ({"target": "rule"}, "Chọn một đơn vị hoặc một chức vụ cho quy tắc giao."),
        ({"target": "ticked", "cadres": ["OUTSIDER"]}, "cán bộ được chọn không thuộc các đơn vị của đồng chí."),
        ({"target": "ticked", "cadres": ["RETIRED"]}, "cán bộ được chọn không thuộc các đơn vị của đồng chí."),
        ({"target": "rule", "unit": "UNIT_B"}, "Đơn vị này không thuộc các đơn vị của đồng chí."),
        ({"target": "ticked", "cadres": ["AN"], "due_on": "YESTERDAY"}, "Hạn hoàn thành không thể là ngày đã qua."),
        ({"target": "ticked", "cadres": ["AN"], "course": ""}, "Trường này là bắt buộc."),
    ],
)
def test_bad_input_is_refused_clearly_and_writes_nothing(client, world, post, message):
    values = {"OUTSIDER": world["outsider"].pk, "RETIRED": world["retired"].pk, "AN": world["an"].pk,
              "UNIT_B": world["b"].pk, "YESTERDAY": (timezone.localdate() - datetime.timedelta(days=1)).isoformat()}
    data = {"course": world["course"].pk}
    for key, value in post.items():
        data[key] = [values.get(v, v) for v in value] if isinstance(value, list) else values.get(value, value)
    client.force_login(world["manager"])

    response = client.post(ASSIGN, data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Enrollment.objects.exists()


def test_the_live_count_says_who_will_be_assigned_and_who_already_is(client, world):
    course = world["course"]
    services.enrollment_assign(by=world["manager"], course=course, cadres=[world["an"]])
    Completion.objects.create(cadre=world["binh"], course=course, completed_on=timezone.localdate(), hours=4)
    client.force_login(world["manager"])

    ticked = client.get(PREVIEW, {"course": course.pk, "target": "ticked",
                                  "cadres": [world["an"].pk, world["binh"].pk, world["cuong"].pk]}).content.decode()
    rule = client.get(PREVIEW, {"course": course.pk, "target": "rule", "unit": world["a"].pk}).content.decode()
    no_course = client.get(PREVIEW, {"target": "rule", "position": world["member"].pk}).content.decode()

    assert "Sẽ giao cho 1 cán bộ." in ticked
    assert "Trong 3 cán bộ được chọn: 1 đã ghi danh, 1 có kết quả hoàn thành còn hiệu lực (bỏ qua)." in ticked
    assert "Sẽ giao cho 1 cán bộ." in rule and "Trong 3 cán bộ được chọn" in rule  # retired and outsider not counted
    assert "Đã chọn 2 cán bộ. Chọn khóa học để xem ai đã ghi danh." in no_course


def test_the_live_count_refuses_a_forged_cadre(client, world):
    client.force_login(world["manager"])

    html = client.get(PREVIEW, {"course": world["course"].pk, "target": "ticked",
                                "cadres": [world["outsider"].pk]}).content.decode()

    assert "cán bộ được chọn không thuộc các đơn vị của đồng chí." in html
    assert "Sẽ giao" not in html


@pytest.mark.parametrize("url", [ASSIGN, PREVIEW])
def test_the_board_and_cadres_may_not_assign(client, world, url):
    cadre_user = UserFactory(username="cb", role=roles.CADRE)
    for user in (UserFactory(username="btc", role=roles.BOARD), cadre_user):
        client.force_login(user)
        assert client.get(url).status_code == 403


def _queries(client, url, data=None) -> int:
    client.get(url, data)  # warm: the navbar's unread badge is cached per user after the first page
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, data).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", [ASSIGN, PREVIEW])
def test_the_page_and_the_live_count_cost_the_same_queries_for_10_or_200_cadres(client, world, url):
    client.force_login(world["manager"])
    course = world["course"]

    def figures():
        ids = list(world["commune"].cadres.values_list("pk", flat=True))
        return (_queries(client, url, {"course": course.pk, "target": "rule", "unit": world["a"].pk}),
                _queries(client, url, {"course": course.pk, "target": "ticked", "cadres": ids}))

    CadreFactory.create_batch(7, unit=world["commune"], position=world["member"])
    at_10 = figures()
    CadreFactory.create_batch(190, unit=world["commune"], position=world["member"])
    at_200 = figures()

    print(f"{url}: queries at 10 cadres {at_10}, at 200 cadres {at_200}")
    assert at_10 == at_200
    assert max(at_200) <= 20
