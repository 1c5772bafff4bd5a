"""Training providers: their staff run the provider's classes for cadres of any unit, and reach nothing else.

    Province P
    ├── A (manager-a)          └── A-1: cadres a0, a1
    └── B (manager-b)          └── cadre b0
    Providers: School (staff "school", unit P), Committee (staff "committee", no unit)
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from courses import services
from courses.models import (
    PROVIDER_STAFF_GROUP,
    ClassRegistration,
    ClassSession,
    Completion,
    CompletionSource,
    ProviderKind,
    TrainingClass,
    TrainingProvider,
)
from organization.models import CadreStatus, UnitKind
from tests.factories import CadreFactory, UserFactory, add_unit, make_manager

from . import builders

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def units(province):
    body_a = add_unit(province, "A", name="Đảng bộ A")
    body_b = add_unit(province, "B", name="Đảng bộ B")
    return body_a, add_unit(body_a, "A-1", kind=UnitKind.COMMUNE, name="Xã A-1"), body_b


def staffed(provider: TrainingProvider, username: str):
    user = UserFactory(username=username)
    provider.staff.add(user)
    services.provider_staff_sync(provider=provider)
    return user


@pytest.fixture
def school(province):
    return TrainingProvider.objects.create(name="Trường Chính trị Nguyễn Văn Cừ", kind=ProviderKind.POLITICAL_SCHOOL,
                                           unit=province)


@pytest.fixture
def committee():
    return TrainingProvider.objects.create(name="Ủy ban Kiểm tra Tỉnh ủy", kind=ProviderKind.INSPECTION_COMMITTEE)


@pytest.fixture
def school_staff(school):
    return staffed(school, "school")


@pytest.fixture
def committee_staff(committee):
    return staffed(committee, "committee")


@pytest.fixture
def course():
    return builders.course(title="Bồi dưỡng nghiệp vụ kiểm tra", hours=Decimal("16"))


def make_class(course, unit, provider=None, title="Lớp", capacity=10, end_on=None):
    end_on = end_on or D(2026, 3, 3)
    training_class = TrainingClass.objects.create(
        course=course, title=title, unit=unit, provider=provider, venue="Hội trường", start_on=D(2026, 3, 2),
        end_on=end_on, capacity=capacity)
    ClassSession.objects.create(training_class=training_class, date=D(2026, 3, 2), topic="Buổi 1")
    ClassSession.objects.create(training_class=training_class, date=end_on, topic="Buổi 2")
    return training_class


@pytest.fixture
def school_class(course, province, school):
    return make_class(course, province, school, title="Lớp của Trường Chính trị")


@pytest.fixture
def committee_class(course, province, committee):
    return make_class(course, province, committee, title="Lớp của Ủy ban Kiểm tra")


@pytest.fixture
def cadres(units):
    return {
        "a0": CadreFactory(unit=units[1], full_name="Trần Văn An"),
        "a1": CadreFactory(unit=units[1], full_name="Lê Thị Bình"),
        "b0": CadreFactory(unit=units[2], full_name="Phạm Văn Cường"),
    }


# --- registering cadres of any unit -----------------------------------------------------------------


def test_provider_staff_register_cadres_of_several_units_into_their_class(school_class, school_staff, cadres):
    services.class_register(training_class=school_class, cadres=[cadres["a0"], cadres["b0"]], by=school_staff)
    assert set(school_class.registrations.values_list("cadre_id", flat=True)) == {cadres["a0"].pk, cadres["b0"].pk}


def test_provider_staff_cannot_register_a_cadre_who_left(school_class, school_staff, cadres):
    cadres["b0"].status = CadreStatus.LEFT
    cadres["b0"].save(update_fields=["status"])
    with pytest.raises(PermissionDenied, match=cadres["b0"].code):
        services.class_register(training_class=school_class, cadres=[cadres["b0"]], by=school_staff)


def test_registering_through_the_page_as_provider_staff(client, school_class, school_staff, cadres):
    client.force_login(school_staff)
    response = client.post(reverse("courses_class_register", args=[school_class.pk]),
                           {"cadre_codes": f"{cadres['a0'].code} {cadres['b0'].code}"})
    assert response.status_code == 302
    assert school_class.registrations.count() == 2


def test_a_unit_manager_cannot_register_another_units_cadre_even_in_a_provider_class_they_reach(
        client, course, units, school, cadres):
    """A provider's class organised by unit A is reachable by A's manager (today's rule), but the
    manager is not the provider's staff: only A's cadres may be registered."""
    klass = make_class(course, units[0], school, title="Lớp tại đơn vị A")
    manager = make_manager(units[0], username="manager-a")
    with pytest.raises(PermissionDenied, match=f"You can only register cadres of your own units.*{cadres['b0'].code}"):
        services.class_register(training_class=klass, cadres=[cadres["b0"]], by=manager)
    client.force_login(manager)
    response = client.post(reverse("courses_class_register", args=[klass.pk]), {"cadre_codes": cadres["b0"].code})
    assert response.status_code == 400
    assert f"cadres outside your units: {cadres['b0'].code}" in response.content.decode()
    assert not ClassRegistration.objects.exists()
    services.class_register(training_class=klass, cadres=[cadres["a0"]], by=manager)
    assert klass.registrations.count() == 1


def test_a_unit_manager_keeps_registering_their_own_cadres_in_their_classes(course, units, cadres):
    klass = make_class(course, units[0])
    manager = make_manager(units[0], username="manager-a")
    services.class_register(training_class=klass, cadres=[cadres["a0"], cadres["a1"]], by=manager)
    assert klass.registrations.count() == 2


def test_the_search_finds_cadres_of_any_unit_for_provider_staff_with_name_and_unit(
        client, school_class, school_staff, cadres):
    client.force_login(school_staff)
    body = client.get(reverse("courses_class_attendance", args=[school_class.pk]), {"q": "Phạm"}).content.decode()
    assert "Phạm Văn Cường" in body and "Đảng bộ B" in body and cadres["b0"].code in body
    assert "Trần Văn An" not in body


def test_the_search_for_a_unit_manager_stays_in_their_units(client, course, units, school, cadres):
    klass = make_class(course, units[0], school)
    client.force_login(make_manager(units[0], username="manager-a"))
    body = client.get(reverse("courses_class_attendance", args=[klass.pk]), {"q": "Văn"}).content.decode()
    assert "Trần Văn An" in body and "Phạm Văn Cường" not in body


# --- scope: a provider's staff reach their provider's classes only ---------------------------------


def test_provider_staff_list_only_their_providers_classes(client, school_class, committee_class, school_staff, units,
                                                          course):
    make_class(course, units[0], title="Lớp của đơn vị A")
    client.force_login(school_staff)
    body = client.get(reverse("courses_class:index")).content.decode()
    assert "Lớp của Trường Chính trị" in body
    assert "Lớp của Ủy ban Kiểm tra" not in body and "Lớp của đơn vị A" not in body


@pytest.mark.parametrize(("name", "method"), [
    ("courses_class:edit", "get"), ("courses_class:edit", "post"), ("courses_class:delete", "get"),
    ("courses_class_attendance", "get"), ("courses_class_attendance", "post"), ("courses_class_register", "post"),
    ("courses_class_attendance_sheet", "get"), ("courses_class_attendance_import", "post"),
    ("courses_class_complete", "post"),
])
def test_staff_of_one_provider_get_404_for_another_providers_class(client, committee_class, school_staff, cadres,
                                                                   name, method):
    services.class_register(training_class=committee_class, cadres=[cadres["a0"]], by=_admin())
    client.force_login(school_staff)
    response = getattr(client, method)(reverse(name, args=[committee_class.pk]), {"cadre_codes": cadres["b0"].code})
    assert response.status_code == 404
    assert committee_class.registrations.count() == 1
    committee_class.refresh_from_db()
    assert committee_class.completed_on is None and committee_class.title == "Lớp của Ủy ban Kiểm tra"


def _admin():
    return UserFactory(username="root", is_superuser=True)


def test_provider_staff_cannot_manage_another_providers_class_through_the_services(committee_class, school_staff,
                                                                                   cadres):
    with pytest.raises(PermissionDenied):
        services.class_register(training_class=committee_class, cadres=[cadres["a0"]], by=school_staff)
    with pytest.raises(PermissionDenied):
        services.class_complete(training_class=committee_class, by=school_staff, today=D(2026, 4, 1))


def test_the_class_page_shows_registered_cadres_names_and_units_not_their_records(client, school_class,
                                                                                   school_staff, cadres):
    services.class_register(training_class=school_class, cadres=[cadres["b0"]], by=school_staff)
    client.force_login(school_staff)
    body = client.get(reverse("courses_class_attendance", args=[school_class.pk])).content.decode()
    assert "Phạm Văn Cường" in body and "Đảng bộ B" in body
    assert client.get(reverse("organization_cadre:edit", args=[cadres["b0"].pk])).status_code in (302, 403, 404)
    assert reverse("organization_cadre:edit", args=[cadres["b0"].pk]) not in body


def test_staff_are_put_in_the_provider_staff_group(school_staff):
    assert school_staff.groups.filter(name=PROVIDER_STAFF_GROUP).exists()
    assert school_staff.has_perm("courses.add_trainingclass")
    assert not school_staff.has_perm("courses.delete_trainingclass")


# --- creating a class ---------------------------------------------------------------------------------


def class_form(course, unit, provider=None, title="Lớp mới của Trường"):
    return {
        "course": course.pk, "title": title, "provider": provider.pk if provider else "", "unit": unit.pk,
        "start_on": "2026-06-01", "end_on": "2026-06-02", "venue": "Trường Chính trị", "trainer_name": "",
        "capacity": "40", "attendance_threshold": "80",
        "sessions-TOTAL_FORMS": "1", "sessions-INITIAL_FORMS": "0", "sessions-MIN_NUM_FORMS": "1",
        "sessions-MAX_NUM_FORMS": "1000", "sessions-0-date": "2026-06-01", "sessions-0-topic": "Khai giảng",
        "sessions-0-ORDER": "1", "sessions-0-id": "", "sessions-0-DELETE": "",
    }


def test_provider_staff_create_a_class_of_their_provider(client, course, province, school, school_staff):
    client.force_login(school_staff)
    response = client.post(reverse("courses_class:add"), class_form(course, province, school))
    assert response.status_code == 302, response.context["form"].errors
    assert TrainingClass.objects.get(title="Lớp mới của Trường").provider == school


@pytest.mark.parametrize("which", ["other provider", "no provider"])
def test_provider_staff_cannot_create_a_class_for_another_provider_or_none(client, course, province, committee,
                                                                            school_staff, which):
    client.force_login(school_staff)
    provider = committee if which == "other provider" else None
    response = client.post(reverse("courses_class:add"), class_form(course, province, provider))
    assert response.status_code == 200
    assert "provider" in response.context["form"].errors
    assert not TrainingClass.objects.filter(title="Lớp mới của Trường").exists()


def test_a_unit_manager_still_creates_classes_of_no_provider(client, course, units):
    client.force_login(make_manager(units[0], username="manager-a"))
    response = client.post(reverse("courses_class:add"), class_form(course, units[0], title="Lớp của A"))
    assert response.status_code == 302
    assert TrainingClass.objects.get(title="Lớp của A").provider is None


# --- completion counts like today ---------------------------------------------------------------------


def test_closing_a_provider_class_completes_the_course_for_cadres_of_several_units(school_class, school_staff,
                                                                                   cadres):
    services.class_register(training_class=school_class, cadres=[cadres["a0"], cadres["b0"]], by=school_staff)
    marks = {(s.pk, c.pk): True for s in school_class.sessions.all() for c in (cadres["a0"], cadres["b0"])}
    services.attendance_save(training_class=school_class, marks=marks, by=school_staff)
    result = services.class_complete(training_class=school_class, by=school_staff, today=D(2026, 4, 1))
    assert len(result.completed) == 2
    completions = Completion.objects.filter(training_class=school_class)
    assert set(completions.values_list("cadre_id", flat=True)) == {cadres["a0"].pk, cadres["b0"].pk}
    assert set(completions.values_list("source", flat=True)) == {CompletionSource.CLASS}


def test_the_class_list_costs_the_same_queries_for_1_and_10_provider_classes(client, course, province, school,
                                                                              school_staff):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_class(course, province, school, title="Lớp 0")
    client.force_login(school_staff)
    url = reverse("courses_class:index")
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for i in range(1, 10):
        make_class(course, province, school, title=f"Lớp {i}")
    with CaptureQueriesContext(connection) as ten:
        body = client.get(url).content.decode()
    assert body.count("Trường Chính trị Nguyễn Văn Cừ") >= 10
    assert len(ten) == len(one)
