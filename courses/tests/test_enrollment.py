import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from courses import services
from courses.models import Completion, Enrollment, EnrollmentSource, EnrollmentStatus
from organization import roles
from organization.models import UnitKind
from organization.services import cadre_position_change
from tests.factories import CadreFactory, PositionFactory, UserFactory, add_unit, make_manager

from . import builders

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 2)


# --- self-enrolment ----------------------------------------------------------------------------


def test_self_enrolment_is_post_only(client, cadre_user):
    course = builders.course()
    client.force_login(cadre_user.user)
    response = client.get(f"/learn/course/{course.pk}/enrol/")
    assert response.status_code == 405
    assert not Enrollment.objects.exists()


def test_self_enrolment_by_post_enrols_and_opens_the_first_lesson(client, cadre_user):
    course, lessons = builders.course_with_lessons(n_modules=1, n_lessons=2)
    client.force_login(cadre_user.user)
    response = client.post(f"/learn/course/{course.pk}/enrol/", follow=True)
    assert response.redirect_chain[-1][0] == lessons[0].url
    enrollment = Enrollment.objects.get()
    assert (enrollment.cadre, enrollment.source, enrollment.status) == (cadre_user, "self", "active")


def test_enrolling_twice_keeps_one_enrollment(cadre_user):
    course = builders.course()
    first = services.enrollment_self_create(cadre=cadre_user, course=course)
    second = services.enrollment_self_create(cadre=cadre_user, course=course)
    assert first.pk == second.pk
    assert Enrollment.objects.count() == 1


def test_missing_prerequisite_refuses_enrolment_with_its_name(client, cadre_user):
    basics = builders.course(title="Nhập môn công tác kiểm tra")
    advanced = builders.course(title="Kiểm tra nâng cao", prerequisites=[basics])
    client.force_login(cadre_user.user)
    response = client.post(f"/learn/course/{advanced.pk}/enrol/", follow=True)
    assert "Nhập môn công tác kiểm tra" in str(list(response.context["messages"])[0])
    assert not Enrollment.objects.exists()


def test_completed_prerequisite_allows_enrolment(cadre_user):
    basics = builders.course(title="Nhập môn")
    advanced = builders.course(title="Nâng cao", prerequisites=[basics])
    Completion.objects.create(cadre=cadre_user, course=basics, completed_on=TODAY, hours=8)
    assert services.enrollment_self_create(cadre=cadre_user, course=advanced, today=TODAY).status == "active"


def test_valid_completion_refuses_a_new_enrolment(cadre_user):
    course = builders.course(validity_months=24)
    Completion.objects.create(cadre=cadre_user, course=course, completed_on=TODAY, hours=8,
                              expires_on=datetime.date(2028, 3, 2))
    with pytest.raises(ValidationError, match="02/03/2028"):
        services.enrollment_self_create(cadre=cadre_user, course=course, today=TODAY)


# --- assignment by a manager -------------------------------------------------------------------


@pytest.fixture
def two_bodies(province):
    body_a = add_unit(province, "A")
    body_b = add_unit(province, "B")
    commune_a = add_unit(body_a, "A-1", kind=UnitKind.COMMUNE)
    return body_a, body_b, commune_a


def test_manager_assigns_a_course_to_their_unit_subtree_with_a_due_date(two_bodies):
    body_a, body_b, commune_a = two_bodies
    manager = make_manager(body_a)
    inside = [CadreFactory(unit=body_a), CadreFactory(unit=commune_a)]
    CadreFactory(unit=body_b)
    course = builders.course()
    result = services.enrollment_assign(by=manager, course=course, unit=body_a, due_on=TODAY, today=TODAY)
    assert {e.cadre for e in result.created} == set(inside)
    assert {(e.source, e.due_on, e.assigned_by) for e in Enrollment.objects.all()} == {
        ("assigned", TODAY, manager)}


@pytest.mark.parametrize("n", [3, 60])
def test_assigning_a_unit_costs_the_same_queries_for_3_or_60_cadres_and_audits_each(
    two_bodies, n, django_assert_max_num_queries
):
    from wagtail.models import ModelLogEntry

    body_a, _body_b, _commune_a = two_bodies
    manager = make_manager(body_a)
    CadreFactory.create_batch(n, unit=body_a)
    course = builders.course()
    with django_assert_max_num_queries(14):
        result = services.enrollment_assign(by=manager, course=course, unit=body_a, today=TODAY)
    assert len(result.created) == n
    entries = ModelLogEntry.objects.filter(action="ktlearn.enrollment.create", user=manager)
    assert entries.count() == n
    assert {entry.data["cadre_id"] for entry in entries} == {e.cadre_id for e in result.created}


def test_manager_assigns_by_position_within_their_subtree_only(two_bodies):
    body_a, body_b, commune_a = two_bodies
    manager = make_manager(body_a)
    chair = PositionFactory(code="chu-nhiem")
    mine = CadreFactory(unit=commune_a, position=chair)
    CadreFactory(unit=commune_a)
    CadreFactory(unit=body_b, position=chair)
    result = services.enrollment_assign(by=manager, course=builders.course(), position=chair, today=TODAY)
    assert [e.cadre for e in result.created] == [mine]


def test_manager_cannot_assign_a_cadre_of_another_unit(two_bodies):
    body_a, body_b, _commune = two_bodies
    manager = make_manager(body_a)
    outsider = CadreFactory(unit=body_b)
    with pytest.raises(PermissionDenied):
        services.enrollment_assign(by=manager, course=builders.course(), cadres=[outsider], today=TODAY)
    assert not Enrollment.objects.exists()


def test_manager_cannot_assign_another_units_subtree(two_bodies):
    body_a, body_b, _commune = two_bodies
    CadreFactory(unit=body_b)
    with pytest.raises(PermissionDenied):
        services.enrollment_assign(by=make_manager(body_a), course=builders.course(), unit=body_b, today=TODAY)
    assert not Enrollment.objects.exists()


def test_assignment_skips_cadres_already_enrolled_or_done(two_bodies):
    body_a, _b, _c = two_bodies
    manager = make_manager(body_a)
    enrolled, done, new = CadreFactory(unit=body_a), CadreFactory(unit=body_a), CadreFactory(unit=body_a)
    course = builders.course()
    services.enrollment_self_create(cadre=enrolled, course=course)
    Completion.objects.create(cadre=done, course=course, completed_on=TODAY, hours=8)
    result = services.enrollment_assign(by=manager, course=course, unit=body_a, today=TODAY)
    assert [e.cadre for e in result.created] == [new]
    assert (result.already_enrolled, result.already_completed) == (1, 1)


def test_assignment_with_a_past_due_date_is_refused(two_bodies):
    body_a, _b, _c = two_bodies
    CadreFactory(unit=body_a)
    with pytest.raises(ValidationError, match="past"):
        services.enrollment_assign(by=make_manager(body_a), course=builders.course(), unit=body_a,
                                   due_on=TODAY - datetime.timedelta(days=1), today=TODAY)
    assert not Enrollment.objects.exists()


def test_assign_page_refuses_ticked_cadres_outside_the_managers_units(client, two_bodies):
    body_a, body_b, _c = two_bodies
    manager = make_manager(body_a)
    outsider = CadreFactory(unit=body_b)
    course = builders.course()
    client.force_login(manager)
    response = client.post("/learn/assign/", {"course": course.pk, "target": "ticked", "cadres": [outsider.pk]})
    assert response.status_code == 200
    assert "A chosen cadre is not one of your units" in response.content.decode()
    assert not Enrollment.objects.exists()


def test_assign_page_assigns_ticked_cadres(client, two_bodies):
    body_a, _b, commune_a = two_bodies
    manager = make_manager(body_a)
    cadres = [CadreFactory(unit=commune_a), CadreFactory(unit=commune_a)]
    client.force_login(manager)
    response = client.post("/learn/assign/", {
        "course": builders.course().pk, "target": "ticked", "cadres": [cadres[0].pk, cadres[1].pk]})
    assert response.status_code == 302
    assert set(Enrollment.objects.values_list("cadre_id", flat=True)) == {c.pk for c in cadres}


def test_assign_page_is_forbidden_to_a_cadre(client, cadre_user):
    client.force_login(cadre_user.user)
    assert client.get("/learn/assign/").status_code == 403


def test_assign_page_is_forbidden_to_the_board(client):
    client.force_login(UserFactory(username="bantochuc", role=roles.BOARD))
    assert client.get("/learn/assign/").status_code == 403


# --- rule-based assignment ---------------------------------------------------------------------


@pytest.fixture
def chair():
    return PositionFactory(code="chu-nhiem", name="Chủ nhiệm")


def test_required_courses_assign_gives_mandatory_courses_of_the_position(commune, chair):
    required = builders.course(title="Bắt buộc", mandatory=True, positions=[chair], due_days_after_appointment=60)
    builders.course(title="Tự chọn", positions=[chair])
    builders.course(title="Cho vị trí khác", mandatory=True, positions=[PositionFactory()])
    cadre = CadreFactory(unit=commune, position=chair, appointed_on=TODAY)
    created = services.required_courses_assign(cadre=cadre, today=TODAY)
    assert [(e.course, e.source, e.due_on) for e in created] == [
        (required, "rule_position", TODAY + datetime.timedelta(days=60))]


def test_required_courses_assign_respects_target_unit_kinds(province, commune, chair):
    builders.course(mandatory=True, positions=[chair], target_unit_kinds=[UnitKind.WARD])
    cadre = CadreFactory(unit=commune, position=chair)
    assert services.required_courses_assign(cadre=cadre, today=TODAY) == []


def test_required_courses_assign_is_idempotent(commune, chair):
    builders.course(mandatory=True, positions=[chair])
    cadre = CadreFactory(unit=commune, position=chair)
    assert len(services.required_courses_assign(cadre=cadre, today=TODAY)) == 1
    assert services.required_courses_assign(cadre=cadre, today=TODAY) == []
    assert Enrollment.objects.count() == 1


def test_required_courses_assign_skips_a_valid_completion(commune, chair):
    course = builders.course(mandatory=True, positions=[chair])
    cadre = CadreFactory(unit=commune, position=chair)
    Completion.objects.create(cadre=cadre, course=course, completed_on=TODAY, hours=8)
    assert services.required_courses_assign(cadre=cadre, today=TODAY) == []


def test_long_serving_cadre_gets_the_full_delay_from_today(commune, chair):
    builders.course(mandatory=True, positions=[chair], due_days_after_appointment=90)
    cadre = CadreFactory(unit=commune, position=chair, appointed_on=datetime.date(2015, 1, 1))
    [enrollment] = services.required_courses_assign(cadre=cadre, today=TODAY)
    assert enrollment.due_on == TODAY + datetime.timedelta(days=90)


def test_nightly_sweep_assigns_every_holder_once(commune, chair):
    builders.course(mandatory=True, positions=[chair])
    holders = [CadreFactory(unit=commune, position=chair) for _ in range(3)]
    CadreFactory(unit=commune, position=chair, status="retired")
    assert services.required_courses_assign_all(today=TODAY) == 3
    assert services.required_courses_assign_all(today=TODAY) == 0
    assert set(Enrollment.objects.values_list("cadre_id", flat=True)) == {c.pk for c in holders}


@pytest.mark.django_db(transaction=True)
def test_a_position_change_assigns_the_new_positions_courses_after_commit(commune, chair):
    course = builders.course(mandatory=True, positions=[chair], due_days_after_appointment=30)
    cadre = CadreFactory(unit=commune, appointed_on=datetime.date(2020, 1, 1))
    Enrollment.objects.all().delete()
    on = timezone.localdate()
    with transaction.atomic():
        cadre_position_change(cadre=cadre, unit=commune, position=chair, on=on, appointed=True)
        assert not Enrollment.objects.exists()  # nothing before the change is committed
    enrollment = Enrollment.objects.get(cadre=cadre)
    assert (enrollment.course_id, enrollment.source, enrollment.due_on) == (
        course.pk, EnrollmentSource.RULE_ELECTED, on + datetime.timedelta(days=30))
    assert enrollment.status == EnrollmentStatus.ACTIVE
