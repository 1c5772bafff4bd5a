"""The notification centre: who gets which notice, once; the navbar badge; reading and marking read."""

import datetime

import pytest
from django.core.cache import cache
from django.test import Client

from assessments import services as quiz_services
from assessments.models import SittingAnswer
from assessments.tests import builders as quiz_builders
from courses import notifications, services
from courses.models import Enrollment, EnrollmentSource, Notice, NoticeKind
from courses.tasks import due_notices_daily_task
from courses.tests import builders
from organization import roles
from organization.models import CadreStatus
from tests.factories import CadreFactory, UserFactory, make_manager

pytestmark = pytest.mark.django_db

ON = datetime.date(2026, 3, 2)


@pytest.fixture(autouse=True)
def _english_site(settings):
    """Notices are written in the site's language: assert on the English msgids."""
    settings.LANGUAGE_CODE = "en"
    cache.clear()


def _cadre(unit, username, **fields):
    return CadreFactory(unit=unit, user=UserFactory(username=username, role=roles.CADRE), **fields)


def _enrol(cadre, course, due_on, **fields):
    return Enrollment.objects.create(cadre=cadre, course=course, source=EnrollmentSource.ASSIGNED, due_on=due_on,
                                     **fields)


# --- Who gets which notice ---------------------------------------------------------------------------------


def test_a_managers_assignment_tells_each_cadre_with_a_login_once(commune):
    manager = make_manager(commune)
    with_login, without = _cadre(commune, "cb-a"), CadreFactory(unit=commune)
    course = builders.course(title="Nghiệp vụ kiểm tra")
    due = datetime.date.today() + datetime.timedelta(days=30)
    result = services.enrollment_assign(by=manager, course=course, cadres=[with_login, without], due_on=due)
    [notice] = Notice.objects.all()
    enrollment = next(e for e in result.created if e.cadre_id == with_login.pk)
    assert (notice.user, notice.kind, notice.key) == (with_login.user, NoticeKind.ASSIGNED, f"assigned:{enrollment.pk}")
    assert notice.text == f"You have been assigned the course “Nghiệp vụ kiểm tra”, due {due:%d/%m/%Y}."
    assert notice.url == f"/learn/course/{course.pk}/continue/"
    services.enrollment_assign(by=manager, course=course, cadres=[with_login, without], due_on=due)
    assert Notice.objects.count() == 1  # already enrolled: no second notice


def test_a_required_course_of_a_new_position_is_a_notice_too(commune):
    cadre = _cadre(commune, "cb-rule")
    builders.course(title="Bắt buộc", mandatory=True, positions=[cadre.position])
    services.required_courses_assign(cadre=cadre)
    assert list(Notice.objects.values_list("kind", "text")) == [
        (NoticeKind.ASSIGNED, f"You have been assigned the course “Bắt buộc”, due "
                              f"{Enrollment.objects.get().due_on:%d/%m/%Y}.")]


def test_an_issued_certificate_is_a_notice_linking_to_it(commune):
    cadre = _cadre(commune, "cb-cert")
    course = builders.course(title="Khóa có chứng nhận")
    completion = services.completion_record(cadre=cadre, course=course, completed_on=ON)
    [notice] = Notice.objects.filter(kind=NoticeKind.CERTIFICATE)
    certificate = completion.certificate
    assert notice.user == cadre.user and notice.url == f"/learn/certificates/{certificate.pk}/pdf/"
    assert notice.text == f"Your certificate for “Khóa có chứng nhận” has been issued (no. {certificate.number})."


@pytest.mark.parametrize(("correct", "result"), [(True, "passed (2/2)"), (False, "not passed (1/2)")])
def test_marking_the_last_essay_tells_the_cadre_the_result(correct, result):
    trainer = quiz_builders.trainer()
    quiz = quiz_builders.quiz(pass_mark=100, owner=trainer, title="Bài kiểm tra tự luận")
    mc, essay = quiz_builders.mc_question(quiz=quiz), quiz_builders.essay_question(quiz=quiz)
    user, _cadre_row = quiz_builders.cadre_user()
    sitting = quiz_services.sitting_start(by=user, quiz=quiz)
    quiz_services.sitting_answer(sitting_id=sitting.pk, by=user, question_id=mc.pk,
                                 choice_ids=[quiz_builders.right_answer(mc).pk])
    quiz_services.sitting_answer(sitting_id=sitting.pk, by=user, question_id=essay.pk, essay_text="Bài làm")
    quiz_services.sitting_submit(sitting_id=sitting.pk, by=user)
    assert not Notice.objects.exists()  # submitted, waiting for the marker
    answer = SittingAnswer.objects.get(sitting=sitting, question=essay)
    quiz_services.essay_mark(answer_id=answer.pk, by=trainer, correct=correct)
    [notice] = Notice.objects.all()
    assert (notice.user, notice.kind, notice.url) == (user, NoticeKind.MARKED, f"/quiz/sitting/{sitting.pk}/result/")
    assert notice.text == f"Your answers to “Bài kiểm tra tự luận” have been marked: {result}."


@pytest.fixture
def due_world(commune):
    course = builders.course(title="Khóa sắp hạn")
    soon, late, later = _cadre(commune, "cb-soon"), _cadre(commune, "cb-late"), _cadre(commune, "cb-later")
    gone = _cadre(commune, "cb-gone", status=CadreStatus.RETIRED)
    return {
        "course": course, "soon": soon, "late": late,
        "soon_enrolment": _enrol(soon, course, ON + datetime.timedelta(days=14)),
        "late_enrolment": _enrol(late, course, ON - datetime.timedelta(days=1)),
        "later_enrolment": _enrol(later, course, ON + datetime.timedelta(days=15)),
        "gone_enrolment": _enrol(gone, course, ON - datetime.timedelta(days=5)),
    }


def test_the_daily_job_writes_due_soon_and_overdue_notices(due_world):
    assert due_notices_daily_task(on_iso=ON.isoformat()) == {"due_soon": 1, "overdue": 1}
    rows = {(n.user_id, n.kind, n.text) for n in Notice.objects.all()}
    assert rows == {
        (due_world["soon"].user_id, NoticeKind.DUE_SOON, "“Khóa sắp hạn” is due on 16/03/2026."),
        (due_world["late"].user_id, NoticeKind.OVERDUE, "“Khóa sắp hạn” was due on 01/03/2026 and is overdue."),
    }


def test_the_daily_job_is_idempotent_one_notice_per_enrolment_and_kind(due_world):
    due_notices_daily_task(on_iso=ON.isoformat())
    assert due_notices_daily_task(on_iso=ON.isoformat()) == {"due_soon": 0, "overdue": 0}
    assert due_notices_daily_task(on_iso=(ON + datetime.timedelta(days=1)).isoformat()) == {
        "due_soon": 1, "overdue": 0}  # the 15-day one came into the window; the others were told already
    assert Notice.objects.count() == 3


def test_the_due_soon_enrolment_gets_an_overdue_notice_once_it_is_late(due_world):
    due_notices_daily_task(on_iso=ON.isoformat())
    due_notices_daily_task(on_iso=(ON + datetime.timedelta(days=15)).isoformat())
    kinds = sorted(Notice.objects.filter(user=due_world["soon"].user).values_list("kind", flat=True))
    assert kinds == [NoticeKind.DUE_SOON, NoticeKind.OVERDUE]


def test_a_new_due_date_is_told_again(due_world):
    due_notices_daily_task(on_iso=ON.isoformat())
    Enrollment.objects.filter(pk=due_world["late_enrolment"].pk).update(due_on=ON + datetime.timedelta(days=3))
    assert due_notices_daily_task(on_iso=ON.isoformat()) == {"due_soon": 1, "overdue": 0}


def test_completed_enrolments_and_closed_logins_get_no_due_notice(due_world):
    Enrollment.objects.filter(pk=due_world["late_enrolment"].pk).update(status="completed")
    due_world["soon"].user.is_active = False
    due_world["soon"].user.save()
    assert due_notices_daily_task(on_iso=ON.isoformat()) == {"due_soon": 0, "overdue": 0}


def test_the_daily_job_costs_the_same_queries_for_3_or_30_enrolments(commune, django_assert_max_num_queries):
    course = builders.course()
    for n in (3, 30):
        Notice.objects.all().delete()
        Enrollment.objects.all().delete()
        for i in range(n):
            _enrol(_cadre(commune, f"cb-{n}-{i}"), course, ON)
        with django_assert_max_num_queries(3):
            assert notifications.due_notices_create(on=ON) == {"due_soon": n, "overdue": 0}


# --- The badge ---------------------------------------------------------------------------------------------


def _badge(client) -> str | None:
    body = client.get("/learn/notices/").content.decode()
    if 'id="notice-badge"' not in body:
        return None
    return body.split('id="notice-badge">', 1)[1].split("<", 1)[0]


def test_the_badge_counts_unread_notices_and_follows_new_ones_and_reads(client, cadre_user):
    client.force_login(cadre_user.user)
    assert _badge(client) is None
    Notice.objects.create(user=cadre_user.user, key="a", text="A")  # written behind the service's back: cached
    assert _badge(client) is None
    notifications.notices_add([Notice(user=cadre_user.user, key="b", text="B")])
    assert _badge(client) == "2"
    notice = Notice.objects.get(key="b")
    client.post(f"/learn/notices/{notice.pk}/read/")
    assert _badge(client) == "1"
    client.post("/learn/notices/read-all/")
    assert _badge(client) is None


def test_the_badge_costs_no_query_once_cached_and_one_when_the_cache_is_cold(client, cadre_user,
                                                                              django_assert_num_queries):
    notifications.notices_add([Notice(user=cadre_user.user, key="a", text="A")])
    with django_assert_num_queries(1):
        assert notifications.unread_count(cadre_user.user) == 1
    with django_assert_num_queries(0):
        assert notifications.unread_count(cadre_user.user) == 1


def test_pages_and_the_badge_answer_when_the_cache_is_down(settings, client, cadre_user):
    from tests.test_outbox import _closed_port

    settings.CACHES = {"default": {"BACKEND": "lms.cache.FailSoftRedisCache",
                                   "LOCATION": f"redis://127.0.0.1:{_closed_port()}/0",
                                   "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}}
    notifications.notices_add([Notice(user=cadre_user.user, key="a", text="A")])
    client.force_login(cadre_user.user)
    assert _badge(client) == "1"
    notice = Notice.objects.get()
    assert client.post(f"/learn/notices/{notice.pk}/read/").status_code == 302
    assert _badge(client) is None


def test_anonymous_pages_have_no_bell(client, cadre_user):
    assert 'id="notice-bell"' not in client.get("/learn/catalogue/").content.decode()


# --- The notification centre -------------------------------------------------------------------------------


def _notices(user, n, start=0):
    notifications.notices_add([Notice(user=user, key=f"k{i}", text=f"Thông báo số {i}", url="/learn/")
                               for i in range(start, start + n)])


def test_the_centre_lists_only_the_users_own_notices_unread_first(client, cadre_user, commune):
    other = _cadre(commune, "cb-other")
    _notices(cadre_user.user, 2)
    _notices(other.user, 1, start=50)
    Notice.objects.filter(key="k0").update(read_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC))
    client.force_login(cadre_user.user)
    body = client.get("/learn/notices/").content.decode()
    assert "Thông báo số 1" in body and "Thông báo số 0" in body and "Thông báo số 50" not in body
    assert body.index("Thông báo số 1") < body.index("Thông báo số 0")


def test_reading_the_centre_marks_nothing_read(client, cadre_user):
    _notices(cadre_user.user, 1)
    client.force_login(cadre_user.user)
    client.get("/learn/notices/")
    assert Notice.objects.get().read_at is None


@pytest.mark.parametrize("n", [5, 45])
def test_the_centre_is_paginated_in_constant_queries(client, cadre_user, n, django_assert_max_num_queries):
    _notices(cadre_user.user, n)
    client.force_login(cadre_user.user)
    client.get("/learn/notices/")  # warm the badge
    # session, user, role groups, count, page (and the request's savepoint and its release)
    with django_assert_max_num_queries(7):
        response = client.get("/learn/notices/")
    assert response.content.decode().count('data-notice="') == min(n, 20)
    if n > 20:
        last = client.get("/learn/notices/?page=3").content.decode()
        assert last.count('data-notice="') == 5 and "Page 3 of 3" in last


def test_opening_a_notice_marks_it_read_and_goes_where_it_points(client, cadre_user):
    _notices(cadre_user.user, 1)
    notice = Notice.objects.get()
    client.force_login(cadre_user.user)
    response = client.post(f"/learn/notices/{notice.pk}/read/", {"open": "1"})
    assert response.status_code == 302 and response["Location"] == "/learn/"
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_a_notice_pointing_off_site_is_marked_read_but_not_followed(client, cadre_user):
    notifications.notices_add([Notice(user=cadre_user.user, key="x", text="x", url="https://evil.example/")])
    client.force_login(cadre_user.user)
    response = client.post(f"/learn/notices/{Notice.objects.get().pk}/read/", {"open": "1", "page": "2"})
    assert response["Location"] == "/learn/notices/?page=2"


def test_mark_all_read_marks_only_the_users_own(client, cadre_user, commune):
    other = _cadre(commune, "cb-other")
    _notices(cadre_user.user, 3)
    _notices(other.user, 2, start=10)
    client.force_login(cadre_user.user)
    response = client.post("/learn/notices/read-all/", follow=True)
    assert "3 notices marked read." in response.content.decode()
    assert not Notice.objects.filter(user=cadre_user.user, read_at__isnull=True).exists()
    assert Notice.objects.filter(user=other.user, read_at__isnull=True).count() == 2


def test_a_cadre_cannot_mark_another_cadres_notice(client, cadre_user, commune):
    other = _cadre(commune, "cb-other")
    _notices(other.user, 1)
    notice = Notice.objects.get()
    client.force_login(cadre_user.user)
    assert client.post(f"/learn/notices/{notice.pk}/read/", {"open": "1"}).status_code == 404
    assert client.post("/learn/notices/999999/read/").status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None


def test_marking_read_needs_post_and_the_csrf_token(cadre_user):
    _notices(cadre_user.user, 1)
    notice = Notice.objects.get()
    client = Client(enforce_csrf_checks=True)
    client.force_login(cadre_user.user)
    assert client.get(f"/learn/notices/{notice.pk}/read/").status_code == 405
    assert client.post(f"/learn/notices/{notice.pk}/read/").status_code == 403
    assert client.post("/learn/notices/read-all/").status_code == 403
    notice.refresh_from_db()
    assert notice.read_at is None


def test_the_centre_needs_a_login(client):
    assert client.get("/learn/notices/").status_code == 302
    assert client.post("/learn/notices/read-all/").status_code == 302
