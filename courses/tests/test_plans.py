"""Annual training plans: editing in the admin (scoped, validated), plan vs done from the completions,
the board's page and its export.

    Province P
    ├── A (manager-a)  plan 2026: course K, 5 "deputy chairs"          → done 3
    │   │                cadres: d1 d2 d3 completed K in 2026, d4 in 2025 (deputy chairs),
    │   │                        m1 completed K in 2026 but is a member (not covered)
    │   └── A-1         plan 2026: course K, 2, every position        → done 2 (d3, a11)
    │                    cadres: d3 (deputy chair, above), a11 member completed K in 2026
    └── B (manager-b)   b1 completed K in 2026 (outside A)

Roll-up for A: course K planned 5 + 2 = 7; done = {d1, d2, d3, a11} = 4 (d3 counted once).
"""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from courses.exports import plan_workbook
from courses.models import Completion, PlanItem, TrainingPlan
from courses.selectors import plan_progress
from tests.factories import CadreFactory, PositionFactory, add_unit, make_manager
from tests.spreadsheets import FORMULAS, text_cells

from . import builders

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def world(province):
    a = add_unit(province, "A", name="Đảng bộ A")
    a1 = add_unit(a, "A-1", name="Xã A-1")
    b = add_unit(province, "B", name="Đảng bộ B")
    deputy = PositionFactory(code="pho-chu-nhiem", name="Phó Chủ nhiệm")
    member = PositionFactory(code="uy-vien", name="Ủy viên")
    course = builders.course(title="Nghiệp vụ kiểm tra", hours=Decimal("8"))
    other_course = builders.course(title="Khóa khác", hours=Decimal("4"))
    w = {"province": province, "a": a, "a1": a1, "b": b, "deputy": deputy, "member": member, "course": course,
         "other_course": other_course}
    people = {"d1": (a, deputy, 2026), "d2": (a, deputy, 2026), "d3": (a1, deputy, 2026), "d4": (a, deputy, 2025),
              "m1": (a, member, 2026), "a11": (a1, member, 2026), "b1": (b, deputy, 2026)}
    for name, (unit, position, year) in people.items():
        cadre = CadreFactory(unit=unit, position=position, full_name=f"Cán bộ {name}")
        Completion.objects.create(cadre=cadre, course=course, completed_on=D(year, 6, 15), hours=8)
        w[name] = cadre
    # A completion of another course in the year never counts for K.
    Completion.objects.create(cadre=CadreFactory(unit=a, position=deputy), course=other_course,
                              completed_on=D(2026, 3, 1), hours=4)
    plan_a = TrainingPlan.objects.create(unit=a, year=2026)
    item_a = PlanItem.objects.create(plan=plan_a, course=course, planned_count=5, planned_quarter=2)
    item_a.positions.set([deputy])
    item_a.save()  # a ParentalManyToManyField is written when its item is saved
    plan_a1 = TrainingPlan.objects.create(unit=a1, year=2026)
    PlanItem.objects.create(plan=plan_a1, course=course, planned_count=2, planned_month=9)
    w.update(plan_a=plan_a, plan_a1=plan_a1, manager_a=make_manager(a, username="manager-a"),
             manager_b=make_manager(b, username="manager-b"))
    return w


# --- plan vs done --------------------------------------------------------------------------------


def test_done_counts_the_covered_positions_completions_in_the_year_in_the_subtree(world):
    progress = plan_progress(unit=world["a"], year=2026)
    by_unit = {line.plan.unit.code: line for line in progress.lines}
    assert (by_unit["A"].planned, by_unit["A"].done, by_unit["A"].percent) == (5, 3, 60)
    assert (by_unit["A-1"].planned, by_unit["A-1"].done) == (2, 2)


def test_the_rollup_counts_each_cadre_once(world):
    progress = plan_progress(unit=world["a"], year=2026)
    assert [(r.course.title, r.planned, r.done) for r in progress.rollup] == [("Nghiệp vụ kiểm tra", 7, 4)]
    assert (progress.planned, progress.done) == (7, 4)


def test_a_unit_below_sees_only_its_own_plans(world):
    progress = plan_progress(unit=world["a1"], year=2026)
    assert [(line.plan.unit.code, line.done) for line in progress.lines] == [("A-1", 2)]


def test_another_year_has_no_plans(world):
    assert plan_progress(unit=world["a"], year=2025).lines == []


def test_an_item_for_a_class_counts_its_course(world, province):
    from courses.models import TrainingClass

    klass = TrainingClass.objects.create(course=world["course"], title="Lớp K", unit=world["a"], venue="V",
                                         start_on=D(2026, 6, 1), end_on=D(2026, 6, 2), capacity=20)
    plan_b = TrainingPlan.objects.create(unit=world["b"], year=2026)
    item = PlanItem(plan=plan_b, training_class=klass, planned_count=1)
    item.full_clean()
    item.save()
    assert item.course_id == world["course"].pk
    assert plan_progress(unit=world["b"], year=2026).lines[0].done == 1


# --- the board's page and its export -----------------------------------------------------------------


def test_the_board_page_shows_plan_and_done(client, world):
    client.force_login(world["manager_a"])
    response = client.get(reverse("targets:plans"), {"year": "2026"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Nghiệp vụ kiểm tra" in body and "Phó Chủ nhiệm" in body and "60%" in body
    assert response.context["progress"].done == 4


def test_the_dashboard_links_to_the_plans_page(client, world):
    client.force_login(world["manager_a"])
    assert reverse("targets:plans") in client.get(reverse("targets:dashboard")).content.decode()


def test_a_manager_cannot_see_another_units_plans_on_the_board(client, world):
    client.force_login(world["manager_b"])
    assert client.get(reverse("targets:plans"), {"unit": world["a"].pk, "year": "2026"}).status_code == 404
    assert client.get(reverse("targets:plans_export"), {"unit": world["a"].pk, "year": "2026"}).status_code == 404
    response = client.get(reverse("targets:plans"), {"year": "2026"})
    assert response.context["progress"].lines == []


@pytest.mark.parametrize("year", ["1999", "abc", "3000"])
def test_a_bad_year_on_the_board_page_is_a_404(client, world, year):
    client.force_login(world["manager_a"])
    assert client.get(reverse("targets:plans"), {"year": year}).status_code == 404


def _add_items(world, n):
    plan = world["plan_a"]
    PlanItem.objects.bulk_create([PlanItem(plan=plan, course=world["other_course"], planned_count=1, sort_order=10 + i)
                                  for i in range(n)])
    for item in PlanItem.objects.filter(plan=plan, course=world["other_course"]):
        item.positions.set([world["member"]])
        item.save()


def test_the_board_page_costs_the_same_queries_for_1_and_10_items(client, world, django_assert_num_queries):
    client.force_login(world["manager_a"])
    url = reverse("targets:plans") + "?year=2026"
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(url)
    _add_items(world, 9)
    with CaptureQueriesContext(connection) as ten:
        response = client.get(url)
    assert len(response.context["progress"].lines) == 11
    assert len(ten) == len(one)
    with django_assert_num_queries(len(one)):
        client.get(url)


def test_the_plans_admin_list_costs_the_same_queries_for_1_and_10_plans(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world["manager_a"])
    url = reverse("courses_plan:index")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for year in range(2015, 2023):
        TrainingPlan.objects.create(unit=world["a"], year=year)
    with CaptureQueriesContext(connection) as many:
        body = client.get(url).content.decode()
    assert body.count("Đảng bộ A") >= 9
    assert len(many) == len(few)


def test_the_export_has_the_pages_figures(client, world):
    client.force_login(world["manager_a"])
    response = client.get(reverse("targets:plans_export"), {"year": "2026"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    items, rollup = book.worksheets
    rows = [list(r) for r in items.iter_rows(min_row=2, values_only=True)]
    assert rows == [["Đảng bộ A", "Nghiệp vụ kiểm tra", "Phó Chủ nhiệm", "Q2/2026", 5, 3, 60],
                    ["Xã A-1", "Nghiệp vụ kiểm tra", "All positions", "09/2026", 2, 2, 100]]
    assert [list(r) for r in rollup.iter_rows(min_row=2, values_only=True)] == [["Nghiệp vụ kiểm tra", 7, 4, 57]]


def test_formula_like_names_come_out_of_the_export_as_text(world):
    world["a"].name = FORMULAS[0]
    world["a"].save(update_fields=["name"])
    world["course"].title = FORMULAS[1]
    world["course"].save(update_fields=["title"])
    cells = text_cells(plan_workbook(plan_progress(unit=world["province"], year=2026)))
    assert cells[FORMULAS[0]] == "s" and cells[FORMULAS[1]] == "s"


# --- editing plans in the admin ------------------------------------------------------------------------


def plan_form(world, *, unit=None, year="2027", count="4", month="", quarter="3"):
    return {
        "unit": (unit or world["a"]).pk, "year": year, "status": "draft", "note": "",
        "items-TOTAL_FORMS": "1", "items-INITIAL_FORMS": "0", "items-MIN_NUM_FORMS": "1", "items-MAX_NUM_FORMS": "1000",
        "items-0-course": world["course"].pk, "items-0-training_class": "", "items-0-positions": [world["deputy"].pk],
        "items-0-planned_quarter": quarter, "items-0-planned_month": month, "items-0-planned_count": count,
        "items-0-ORDER": "1", "items-0-id": "", "items-0-DELETE": "",
    }


def test_a_manager_adds_a_plan_for_their_unit(client, world):
    client.force_login(world["manager_a"])
    response = client.post(reverse("courses_plan:add"), plan_form(world))
    assert response.status_code == 302
    plan = TrainingPlan.objects.get(unit=world["a"], year=2027)
    item = plan.items.get()
    assert (item.planned_count, item.planned_quarter, list(item.positions.all())) == (4, 3, [world["deputy"]])


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"count": "-3"}, "planned_count", "greater than or equal to"),
    ({"count": "0"}, "planned_count", "greater than or equal to 1"),
    ({"year": "1999"}, "year", "greater than or equal to 2000"),
    ({"year": "2101"}, "year", "less than or equal to 2100"),
    ({"month": "2", "quarter": "3"}, "planned_month", "The month is not in the planned quarter."),
], ids=["negative count", "zero count", "year too early", "year too late", "month outside quarter"])
def test_bad_input_to_a_plan_is_refused_and_nothing_is_saved(client, world, overrides, field, message):
    client.force_login(world["manager_a"])
    response = client.post(reverse("courses_plan:add"), plan_form(world, **overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not TrainingPlan.objects.filter(year__in=[1999, 2027, 2101]).exists()
    assert PlanItem.objects.count() == 2


def test_a_manager_cannot_add_a_plan_for_another_unit(client, world):
    client.force_login(world["manager_a"])
    response = client.post(reverse("courses_plan:add"), plan_form(world, unit=world["b"]))
    assert response.status_code == 200
    assert not TrainingPlan.objects.filter(unit=world["b"]).exists()


def test_a_manager_cannot_open_another_units_plan(client, world):
    client.force_login(world["manager_b"])
    assert client.get(reverse("courses_plan:edit", args=[world["plan_a"].pk])).status_code == 404
    assert client.post(reverse("courses_plan:delete", args=[world["plan_a"].pk])).status_code == 404
    assert "Đảng bộ A" not in client.get(reverse("courses_plan:index")).content.decode()
    assert TrainingPlan.objects.filter(pk=world["plan_a"].pk).exists()


def test_a_second_plan_for_the_same_unit_and_year_is_refused(client, world):
    client.force_login(world["manager_a"])
    response = client.post(reverse("courses_plan:add"), plan_form(world, year="2026"))
    assert response.status_code == 200
    assert TrainingPlan.objects.filter(unit=world["a"], year=2026).count() == 1


def test_a_plan_item_offers_only_the_classes_the_manager_may_see(client, world):
    from courses.models import TrainingClass

    for unit, title in ((world["a"], "Lớp của A"), (world["b"], "Lớp của B")):
        TrainingClass.objects.create(course=world["course"], title=title, unit=unit, venue="V",
                                     start_on=D(2026, 6, 1), end_on=D(2026, 6, 2), capacity=20)
    client.force_login(world["manager_a"])
    body = client.get(reverse("courses_plan:add")).content.decode()
    assert "Lớp của A" in body and "Lớp của B" not in body
