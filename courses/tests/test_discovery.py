"""What a cadre finds: the course catalogue, the calendar feed of due dates, and the home page that
starts with what is due."""

import datetime
from decimal import Decimal

import icalendar
import pytest

from assessments.tests import builders as quiz_builders
from courses.calendar_feed import MAX_LINE_OCTETS
from courses.models import CalendarFeed, CourseCompetency, Enrollment, EnrollmentSource, Notice
from courses.tests import builders
from organization import roles
from organization.models import CadreStatus
from tests.factories import CadreFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def _days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def _enrol(cadre, course, due_on=None, source=EnrollmentSource.ASSIGNED):
    return Enrollment.objects.create(cadre=cadre, course=course, source=source, due_on=due_on)


def _titles(response) -> list[str]:
    body = response.content.decode()
    return [part.split(">", 1)[1].split("<", 1)[0] for part in body.split('class="stretched-link')[1:]]


# --- The catalogue -----------------------------------------------------------------------------------------


@pytest.fixture
def shelf(cadre_user):
    """Two curricula; courses of 2, 6 and 30 hours; one builds a competency, one is mandatory for the
    cadre's position, one is assigned to the cadre."""
    basics, advanced = builders.curriculum("Chương trình cơ bản"), builders.curriculum("Chương trình nâng cao")
    short = builders.course(basics, "Giới thiệu công tác kiểm tra", hours=Decimal("2"), code="KT-01")
    day = builders.course(basics, "Giám sát chuyên đề", hours=Decimal("6"), mandatory=True,
                          positions=[cadre_user.position], summary="Kỹ năng giám sát")
    long = builders.course(advanced, "Xử lý kỷ luật đảng viên", hours=Decimal("30"))
    competency = quiz_builders.competency("GS9")
    CourseCompetency.objects.create(course=long, competency=competency, level=2)
    _enrol(cadre_user, long, _days(20))
    return {"short": short, "day": day, "long": long, "competency": competency, "basics": basics}


def test_the_catalogue_lists_every_live_course_by_curriculum_for_anyone(client, shelf):
    response = client.get("/learn/catalogue/")
    assert response.status_code == 200
    body = response.content.decode().split('id="catalogue"', 1)[1]
    assert _titles(response) == ["Giới thiệu công tác kiểm tra", "Giám sát chuyên đề", "Xử lý kỷ luật đảng viên"]
    assert body.index("Chương trình cơ bản") < body.index("Giới thiệu công tác kiểm tra") < body.index(
        "Chương trình nâng cao") < body.index("Xử lý kỷ luật đảng viên")
    assert 'name="required"' not in response.content.decode()  # "required for me" needs a cadre


def test_the_catalogue_is_in_the_navigation(client, shelf):
    assert 'href="/learn/catalogue/"' in client.get("/learn/catalogue/").content.decode()


@pytest.mark.parametrize(("query", "expected"), [
    ({"curriculum": "basics"}, ["Giới thiệu công tác kiểm tra", "Giám sát chuyên đề"]),
    ({"duration": "short"}, ["Giới thiệu công tác kiểm tra"]),
    ({"duration": "day"}, ["Giám sát chuyên đề"]),
    ({"duration": "long"}, ["Xử lý kỷ luật đảng viên"]),
    ({"competency": "competency"}, ["Xử lý kỷ luật đảng viên"]),
    ({"q": "KT-01"}, ["Giới thiệu công tác kiểm tra"]),
    ({"q": "kỷ luật"}, ["Xử lý kỷ luật đảng viên"]),
    ({"required": "on"}, ["Giám sát chuyên đề", "Xử lý kỷ luật đảng viên"]),
])
def test_the_catalogue_filters(client, cadre_user, shelf, query, expected):
    client.force_login(cadre_user.user)
    params = {key: (shelf[value].pk if key in ("curriculum", "competency") else value) for key, value in query.items()}
    assert _titles(client.get("/learn/catalogue/", params)) == expected


def test_a_cadre_sees_what_is_required_of_them_and_their_enrolment(client, cadre_user, shelf):
    client.force_login(cadre_user.user)
    body = client.get("/learn/catalogue/").content.decode()
    card = body.split(f'data-course="{shelf["long"].pk}"')[1].split("kt-course-card")[0]
    assert "Required for me" in card and f"Enrolled · due {_days(20):%d/%m/%Y}" in card
    short_card = body.split(f'data-course="{shelf["short"].pk}"')[1].split("kt-course-card")[0]
    assert "Required for me" not in short_card


def test_a_filter_value_that_is_not_a_choice_is_an_error_and_the_others_still_apply(client, shelf):
    response = client.get("/learn/catalogue/", {"curriculum": "999999", "duration": "forever", "q": "Giám sát"})
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count("Select a valid choice.") == 2
    assert _titles(response) == ["Giám sát chuyên đề"]


def test_nothing_matching_says_so(client, shelf):
    body = client.get("/learn/catalogue/", {"q": "không có khóa nào như vậy"}).content.decode()
    assert "No course matches these filters." in body


def test_unpublished_courses_are_not_in_the_catalogue(client, shelf):
    shelf["short"].unpublish()
    assert "Giới thiệu công tác kiểm tra" not in _titles(client.get("/learn/catalogue/"))


@pytest.mark.parametrize("n", [4, 30])
def test_the_catalogue_is_paginated_in_constant_queries(client, cadre_user, n, django_assert_max_num_queries):
    curriculum = builders.curriculum()
    competency = quiz_builders.competency("GS1")
    for i in range(n):
        course = builders.course(curriculum, f"Khóa {i:02d}", positions=[cadre_user.position], mandatory=i % 2 == 0)
        CourseCompetency.objects.create(course=course, competency=competency, level=1)
        if i % 3 == 0:
            _enrol(cadre_user, course, _days(i))
    client.force_login(cadre_user.user)
    client.get("/learn/catalogue/")
    # session, user, cadre, competencies, curricula, required (2), count, page, competencies built,
    # enrolments, completions, role groups, site (and the request's savepoint and its release)
    with django_assert_max_num_queries(16):
        response = client.get("/learn/catalogue/", {"required": "on", "competency": competency.pk})
    assert len(_titles(response)) == min(12, len([i for i in range(n) if i % 2 == 0 or i % 3 == 0]))
    if n > 12:
        assert "Page 1 of" in response.content.decode()
        second = client.get("/learn/catalogue/", {"page": 2})
        assert _titles(second)[0] == "Khóa 12"


# --- The calendar feed -------------------------------------------------------------------------------------


@pytest.fixture
def dated(cadre_user):
    course = builders.course(title="Nghiệp vụ kiểm tra, giám sát; phần một — một tên khóa học rất dài để phải gấp dòng")
    other = builders.course(title="Khóa không hạn")
    _enrol(cadre_user, course, _days(10))
    _enrol(cadre_user, other)
    return course


def _feed_url(client) -> str:
    body = client.get("/learn/calendar/").content.decode()
    return body.split('id="calendar-url" type="text" value="', 1)[1].split('"', 1)[0]


def test_the_calendar_page_gives_a_private_address_to_subscribe_to(client, cadre_user, dated):
    client.force_login(cadre_user.user)
    body = client.get("/learn/calendar/").content.decode()
    token = CalendarFeed.objects.get(cadre=cadre_user).token
    assert f'href="webcal://testserver/learn/calendar/{token}.ics"' in body
    assert f'value="http://testserver/learn/calendar/{token}.ics"' in body
    assert "data-kt-copy=" in body and "courses/js/copy" in body and "onclick" not in body
    assert f"{_days(10):%d/%m/%Y}" in body
    assert _feed_url(client).endswith(f"{token}.ics")  # the same address on every visit


def test_the_feed_is_valid_icalendar_with_one_event_per_due_date(client, cadre_user, dated, settings):
    settings.LANGUAGE_CODE = "en"  # the feed is written in the site's language
    client.force_login(cadre_user.user)
    url = _feed_url(client)
    client.logout()  # calendar applications do not log in
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "text/calendar; charset=utf-8"
    raw = response.content
    lines = raw.split(b"\r\n")
    assert raw.endswith(b"\r\n") and b"\n" not in raw.replace(b"\r\n", b"")
    assert all(len(line) <= MAX_LINE_OCTETS for line in lines)
    assert any(line.startswith(b" ") for line in lines)  # the long title was folded
    calendar = icalendar.Calendar.from_ical(raw)
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    [event] = calendar.walk("VEVENT")
    assert event.decoded("DTSTART") == _days(10) and event.decoded("DTEND") == _days(11)
    assert str(event["SUMMARY"]) == f"Due: {dated.title}"
    assert str(event["UID"]).startswith("enrollment-") and event["DTSTAMP"]
    assert str(event["URL"]) == f"http://testserver/learn/course/{dated.pk}/continue/"


def test_a_new_address_makes_the_old_one_404(client, cadre_user, dated):
    client.force_login(cadre_user.user)
    old = _feed_url(client)
    response = client.post("/learn/calendar/new-address/", follow=True)
    assert "Your calendar has a new address" in response.content.decode()
    new = _feed_url(client)
    assert new != old
    assert client.get(old).status_code == 404 and client.get(new).status_code == 200


def test_a_new_address_needs_post(client, cadre_user, dated):
    client.force_login(cadre_user.user)
    old = _feed_url(client)
    assert client.get("/learn/calendar/new-address/").status_code == 405
    assert _feed_url(client) == old


@pytest.mark.parametrize("token", ["x", "A" * 43, "A" * 200])
def test_unknown_tokens_are_404(client, cadre_user, token):
    assert client.get(f"/learn/calendar/{token}.ics").status_code == 404


def test_a_cadre_sees_only_their_own_feed_and_cannot_change_anothers(client, cadre_user, dated, commune):
    other = CadreFactory(unit=commune, user=UserFactory(username="cb-khac", role=roles.CADRE))
    _enrol(other, builders.course(title="Khóa của người khác"), _days(3))
    client.force_login(other.user)
    others_url = _feed_url(client)
    client.force_login(cadre_user.user)
    mine = _feed_url(client)
    assert mine != others_url
    assert "Khóa của người khác" not in client.get(mine).content.decode()
    client.post("/learn/calendar/new-address/")
    assert client.get(others_url).status_code == 200  # only my own address changed


def test_the_feed_of_a_cadre_who_left_or_whose_login_is_closed_is_404(client, cadre_user, dated):
    client.force_login(cadre_user.user)
    url = _feed_url(client)
    cadre_user.user.is_active = False
    cadre_user.user.save()
    assert client.get(url).status_code == 404
    cadre_user.user.is_active = True
    cadre_user.user.save()
    cadre_user.status = CadreStatus.RETIRED
    cadre_user.save()
    assert client.get(url).status_code == 404


def test_the_calendar_page_needs_a_cadre(client):
    user = UserFactory(username="khong-can-bo")
    client.force_login(user)
    assert client.get("/learn/calendar/").status_code == 404


@pytest.mark.parametrize("n", [2, 25])
def test_the_calendar_page_and_feed_cost_constant_queries(client, cadre_user, n, django_assert_max_num_queries):
    for i in range(n):
        _enrol(cadre_user, builders.course(title=f"Khóa {i}"), _days(i))
    client.force_login(cadre_user.user)
    url = _feed_url(client)
    with django_assert_max_num_queries(9):
        client.get("/learn/calendar/")
    client.logout()
    with django_assert_max_num_queries(4):  # the feed and its enrolments, in the request's savepoint
        response = client.get(url)
    assert len(icalendar.Calendar.from_ical(response.content).walk("VEVENT")) == n


# --- The home page -----------------------------------------------------------------------------------------


@pytest.fixture
def agenda(cadre_user):
    late = builders.course(title="Khóa quá hạn")
    soon = builders.course(title="Khóa sắp đến hạn")
    later = builders.course(title="Khóa còn lâu")
    free = builders.course(title="Khóa tự chọn")
    _enrol(cadre_user, late, _days(-3))
    _enrol(cadre_user, soon, _days(5))
    _enrol(cadre_user, later, _days(60))
    _enrol(cadre_user, free, source=EnrollmentSource.SELF)
    Notice.objects.create(user=cadre_user.user, kind="overdue", key="k", text="“Khóa quá hạn” is overdue.")
    return late


def test_a_cadres_home_starts_with_what_is_overdue_then_due_soon_then_the_rest(client, cadre_user, agenda):
    client.force_login(cadre_user.user)
    body = client.get("/").content.decode()
    assert "Welcome, comrade Nguyễn Thị Ánh" in body
    positions = [body.index(text) for text in (
        'id="home-overdue"', "Khóa quá hạn", 'id="home-due-soon"', "Khóa sắp đến hạn", 'id="home-continue"',
        "Khóa còn lâu", "Khóa tự chọn", 'id="home-notices"', "“Khóa quá hạn” is overdue.")]
    assert positions == sorted(positions)
    assert "Overdue since" in body and "(3 days)" in body and "(in 5 days)" in body


def test_a_cadre_with_nothing_due_is_told_so(client, cadre_user):
    client.force_login(cadre_user.user)
    body = client.get("/").content.decode()
    assert 'id="home-nothing-due"' in body and 'id="home-overdue"' not in body


def test_the_anonymous_home_page_is_unchanged(client, agenda):
    body = client.get("/").content.decode()
    assert 'id="home-overdue"' not in body and "Log in to start learning" in body


def test_a_login_without_a_cadre_gets_the_public_home_page(client, agenda):
    client.force_login(UserFactory(username="ban-to-chuc", role=roles.BOARD))
    body = client.get("/").content.decode()
    assert 'id="home-overdue"' not in body and "kt-hero" in body


@pytest.mark.parametrize("n", [2, 20])
def test_the_cadres_home_costs_constant_queries(client, cadre_user, n, django_assert_max_num_queries):
    for i in range(n):
        _enrol(cadre_user, builders.course(title=f"Khóa {i}"), _days(i - n // 2))
        Notice.objects.create(user=cadre_user.user, key=f"k{i}", text=f"Thông báo {i}")
    client.force_login(cadre_user.user)
    client.get("/")
    with django_assert_max_num_queries(12):
        body = client.get("/").content.decode()
    assert body.count('data-course="') == n
