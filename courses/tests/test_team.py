"""The manager's team view (/org/team/), its export and bulk actions, and a cadre's training record.

    P  (province)              board, administrator
    ├── A  (body)              manager_a
    │   └── A1 (commune)       An (member), Ba (deputy)
    └── B  (body)              manager_b
        └── B1 (ward)          Cường (member)

Courses: "Nghiệp vụ" (KT-01, two required lessons), "Kỷ luật" (KT-02, mandatory for members).
"""

import datetime
import io

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from assessments.models import Quiz, Sitting
from competency.models import Area, Competency, Evidence, EvidenceSource, Framework
from courses.models import (
    Certificate,
    Completion,
    Enrollment,
    EnrollmentSource,
    ExternalTraining,
    LessonProgress,
    Notice,
    ReminderLog,
)
from organization import roles
from organization.models import UnitKind
from tests.factories import CadreFactory, PositionFactory, UserFactory, add_unit, make_manager, unit_tree_root

from . import builders

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
PAST = TODAY - datetime.timedelta(days=10)
SOON = TODAY + datetime.timedelta(days=20)


class World:
    pass


@pytest.fixture
def w(db):
    w = World()
    w.p = unit_tree_root()
    w.a = add_unit(w.p, "A", name="Đảng ủy khối A")
    w.b = add_unit(w.p, "B", name="Đảng ủy khối B")
    w.a1 = add_unit(w.a, "A1", kind=UnitKind.COMMUNE, name="Đảng ủy xã A1")
    w.b1 = add_unit(w.b, "B1", kind=UnitKind.WARD, name="Đảng ủy phường B1")
    w.member = PositionFactory(code="uv", name="Ủy viên")
    w.deputy = PositionFactory(code="pcn", name="Phó Chủ nhiệm")
    w.an = CadreFactory(code="CB-AN", full_name="Nguyễn Văn An", unit=w.a1, position=w.member,
                        user=UserFactory(username="an", role=roles.CADRE, email="an@example.vn"))
    w.ba = CadreFactory(code="CB-BA", full_name="Lê Thị Ba", unit=w.a1, position=w.deputy, email="ba@example.vn")
    w.cuong = CadreFactory(code="CB-CUONG", full_name="Phạm Văn Cường", unit=w.b1, position=w.member)
    w.manager_a = make_manager(w.a, username="ql-a")
    w.manager_b = make_manager(w.b, username="ql-b")
    w.board = UserFactory(username="btc", role=roles.BOARD)
    w.admin = UserFactory(username="qt", role=roles.ADMINISTRATOR)
    w.trainer = UserFactory(username="gv", role=roles.TRAINER)
    cur = builders.curriculum()
    w.skills, w.lessons = builders.course_with_lessons(n_modules=1, n_lessons=2, parent=cur, title="Nghiệp vụ",
                                                       code="KT-01")
    w.discipline = builders.course(cur, title="Kỷ luật", code="KT-02", mandatory=True, positions=[w.member])
    w.other = builders.course(cur, title="Khóa khác", code="KT-03")
    return w


def _enrol(cadre, course, due_on=None, **fields):
    return Enrollment.objects.create(cadre=cadre, course=course, source=EnrollmentSource.ASSIGNED, due_on=due_on,
                                     **fields)


def _progress(cadre, lesson, course, done=True):
    now = timezone.now()
    return LessonProgress.objects.create(cadre=cadre, lesson=lesson, course=course, started_at=now,
                                         completed_at=now if done else None)


def _login(client, user):
    client.force_login(user)
    return client


def _names(response):
    return [row.cadre.full_name for row in response.context["matrix"].rows]


# --- who sees what ----------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/org/team/", "/org/team/export.xlsx", "/org/cadres/{pk}/record/"])
def test_anonymous_is_sent_to_the_login_page(client, w, url):
    response = client.get(url.format(pk=w.an.pk))
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_anonymous_bulk_action_goes_to_login_and_writes_nothing(client, w):
    response = client.post("/org/team/actions/", {"action": "assign", "cadres": [w.an.pk], "course": w.other.pk})
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    assert not Enrollment.objects.exists()


@pytest.mark.parametrize("who", ["cadre", "trainer"])
@pytest.mark.parametrize("url", ["/org/team/", "/org/team/export.xlsx", "/org/cadres/{pk}/record/"])
def test_a_cadre_or_a_trainer_is_refused(client, w, who, url):
    user = w.an.user if who == "cadre" else w.trainer
    assert _login(client, user).get(url.format(pk=w.an.pk)).status_code == 403


def test_a_cadre_cannot_post_a_bulk_action(client, w):
    response = _login(client, w.an.user).post("/org/team/actions/", {"action": "assign", "cadres": [w.an.pk],
                                                                     "course": w.other.pk})
    assert response.status_code == 403
    assert not Enrollment.objects.exists()


def test_manager_sees_their_subtree_only(client, w):
    response = _login(client, w.manager_a).get("/org/team/")
    assert response.status_code == 200
    assert _names(response) == ["Nguyễn Văn An", "Lê Thị Ba"]
    assert response.context["can_act"] is True


def test_manager_of_b_sees_b_only(client, w):
    assert _names(_login(client, w.manager_b).get("/org/team/")) == ["Phạm Văn Cường"]


@pytest.mark.parametrize("who", ["board", "admin"])
def test_board_and_administrators_see_the_province(client, w, who):
    response = _login(client, getattr(w, who)).get("/org/team/")
    assert _names(response) == ["Nguyễn Văn An", "Lê Thị Ba", "Phạm Văn Cường"]
    assert response.context["can_act"] is (who == "admin")


def test_the_board_sees_no_bulk_actions_and_cannot_post_one(client, w):
    _login(client, w.board)
    assert 'name="cadres"' not in client.get("/org/team/").content.decode()
    response = client.post("/org/team/actions/", {"action": "assign", "cadres": [w.an.pk], "course": w.other.pk})
    assert response.status_code == 403
    assert not Enrollment.objects.exists()


def test_record_outside_the_managers_subtree_is_404(client, w):
    assert _login(client, w.manager_a).get(f"/org/cadres/{w.cuong.pk}/record/").status_code == 404
    assert client.get(f"/org/cadres/{w.an.pk}/record/").status_code == 200


def test_record_of_manager_b_for_a_cadre_of_a_is_404(client, w):
    assert _login(client, w.manager_b).get(f"/org/cadres/{w.an.pk}/record/").status_code == 404


def test_the_board_opens_any_record(client, w):
    assert _login(client, w.board).get(f"/org/cadres/{w.cuong.pk}/record/").status_code == 200


def test_a_unit_outside_the_scope_in_the_filter_is_404(client, w):
    assert _login(client, w.manager_a).get("/org/team/", {"unit": w.b1.pk}).status_code == 404
    assert client.get("/org/team/export.xlsx", {"unit": w.b1.pk}).status_code == 404


# --- the matrix -------------------------------------------------------------------------------------


def test_cells_say_enrolled_with_percent_overdue_completed_and_not_enrolled(client, w):
    _enrol(w.an, w.skills, due_on=SOON)
    _progress(w.an, w.lessons[0], w.skills)
    _enrol(w.ba, w.skills, due_on=PAST)
    Completion.objects.create(cadre=w.ba, course=w.discipline, completed_on=PAST, hours=8)
    response = _login(client, w.manager_a).get("/org/team/")
    matrix = response.context["matrix"]
    assert [c["code"] for c in matrix.courses] == ["KT-01", "KT-02"]  # KT-03 concerns nobody on the page
    an, ba = matrix.rows
    assert (an.cells[0].status, an.cells[0].percent, an.cells[0].due_on) == ("in_progress", 50, SOON)
    assert an.cells[1].status == "not_enrolled"  # KT-02 is mandatory for members
    assert (ba.cells[0].status, ba.cells[0].percent) == ("overdue", 0)
    assert (ba.cells[1].status, ba.cells[1].completed_on) == ("completed", PAST)
    html = response.content.decode()
    assert "Enrolled 50%" in html and "Not enrolled" in html and PAST.strftime("%d/%m/%Y") in html
    assert f'href="/org/cadres/{w.an.pk}/record/"' in html


def test_an_expired_completion_is_shown_as_expired(client, w):
    Completion.objects.create(cadre=w.ba, course=w.skills, completed_on=PAST - datetime.timedelta(days=400),
                              hours=8, expires_on=PAST)
    an, ba = _login(client, w.manager_a).get("/org/team/").context["matrix"].rows
    assert an.cells[0] is None  # An has nothing to do with KT-01
    cell = ba.cells[0]
    assert (cell.status, cell.expires_on) == ("expired", PAST)


def test_pages_hold_fifty_cadres(client, w):
    for i in range(55):
        CadreFactory(full_name=f"Vũ Văn {i:02d}", unit=w.a1, position=w.deputy)
    _login(client, w.manager_a)
    first = client.get("/org/team/")
    assert len(first.context["matrix"].rows) == 50
    assert first.context["page_obj"].paginator.count == 57
    assert len(client.get("/org/team/", {"page": 2}).context["matrix"].rows) == 7


def test_retired_cadres_are_not_listed(client, w):
    w.ba.status = "retired"
    w.ba.save()
    assert _names(_login(client, w.manager_a).get("/org/team/")) == ["Nguyễn Văn An"]


# --- filters ----------------------------------------------------------------------------------------


def test_filter_by_unit_takes_the_subtree(client, w):
    _login(client, w.board)
    assert _names(client.get("/org/team/", {"unit": w.b.pk})) == ["Phạm Văn Cường"]
    assert _names(client.get("/org/team/", {"unit": w.a.pk})) == ["Nguyễn Văn An", "Lê Thị Ba"]


def test_filter_by_position(client, w):
    assert _names(_login(client, w.board).get("/org/team/", {"position": w.deputy.pk})) == ["Lê Thị Ba"]


def test_search_by_name_or_code(client, w):
    _login(client, w.board)
    assert _names(client.get("/org/team/", {"q": "Văn Cường"})) == ["Phạm Văn Cường"]
    assert _names(client.get("/org/team/", {"q": "CB-AN"})) == ["Nguyễn Văn An"]


def test_filter_by_course_keeps_its_enrolled_or_completed_cadres_and_only_its_column(client, w):
    _enrol(w.an, w.skills)
    _enrol(w.an, w.other)
    Completion.objects.create(cadre=w.cuong, course=w.skills, completed_on=PAST, hours=8)
    response = _login(client, w.board).get("/org/team/", {"course": w.skills.pk})
    assert _names(response) == ["Nguyễn Văn An", "Phạm Văn Cường"]
    assert [c["code"] for c in response.context["matrix"].courses] == ["KT-01"]


@pytest.mark.parametrize(("status", "expected"), [
    ("overdue", ["Lê Thị Ba"]),
    ("in_progress", ["Nguyễn Văn An"]),
    ("not_started", ["Phạm Văn Cường"]),
    ("completed", ["Lê Thị Ba"]),
])
def test_filter_by_status(client, w, status, expected):
    _enrol(w.ba, w.skills, due_on=PAST)
    Completion.objects.create(cadre=w.ba, course=w.discipline, completed_on=PAST, hours=8)
    _enrol(w.an, w.skills, due_on=SOON)
    _progress(w.an, w.lessons[0], w.skills, done=False)
    _enrol(w.cuong, w.skills)
    assert _names(_login(client, w.board).get("/org/team/", {"status": status})) == expected


def test_status_and_course_together(client, w):
    _enrol(w.ba, w.skills, due_on=PAST)
    _enrol(w.an, w.other, due_on=PAST)
    _login(client, w.board)
    assert _names(client.get("/org/team/", {"status": "overdue", "course": w.other.pk})) == ["Nguyễn Văn An"]


def test_a_completion_followed_by_a_new_enrolment_is_not_completed(client, w):
    Completion.objects.create(cadre=w.an, course=w.skills, completed_on=PAST, hours=8)
    _enrol(w.an, w.skills, due_on=SOON)
    assert _names(_login(client, w.board).get("/org/team/", {"status": "completed"})) == []


# --- export -----------------------------------------------------------------------------------------


def _sheet(response):
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True))
    return rows[0], rows[1:]


def test_export_has_the_filtered_matrix_and_scope(client, w):
    _enrol(w.an, w.skills, due_on=PAST)
    Completion.objects.create(cadre=w.ba, course=w.skills, completed_on=PAST, hours=8)
    header, rows = _sheet(_login(client, w.manager_a).get("/org/team/export.xlsx"))
    assert header == ("Code", "Full name", "Unit", "Position", "Nghiệp vụ", "Kỷ luật")
    by_code = {row[0]: row for row in rows}
    assert set(by_code) == {"CB-AN", "CB-BA"}
    assert by_code["CB-AN"][4] == f"Overdue since {PAST:%d/%m/%Y} (0%)"
    assert by_code["CB-AN"][5] == "Not enrolled"
    assert by_code["CB-BA"][4] == f"Completed {PAST:%d/%m/%Y}"
    _h, filtered = _sheet(client.get("/org/team/export.xlsx", {"position": w.deputy.pk}))
    assert [row[0] for row in filtered] == ["CB-BA"]


def test_export_writes_formula_like_names_as_text(client, w):
    w.an.full_name = "=HYPERLINK(\"http://x\")"
    w.an.save()
    response = _login(client, w.manager_a).get("/org/team/export.xlsx", {"q": "CB-AN"})
    cell = load_workbook(io.BytesIO(response.content)).worksheets[0]["B2"]
    assert cell.value == "=HYPERLINK(\"http://x\")" and cell.data_type == "s"


# --- bulk actions -----------------------------------------------------------------------------------


def _post(client, **data):
    return client.post("/org/team/actions/", data, follow=True)


def _messages(response):
    return [str(m) for m in response.context["messages"]]


def test_bulk_assign_counts_assigned_and_already_enrolled(client, w):
    _enrol(w.ba, w.other)
    response = _post(_login(client, w.manager_a), action="assign", cadres=[w.an.pk, w.ba.pk], course=w.other.pk,
                     due_on=SOON.isoformat(), query="position=" + str(w.member.pk))
    assert response.redirect_chain[-1][0] == f"/org/team/?position={w.member.pk}"
    assert "1 cadre assigned “Khóa khác”." in _messages(response)
    assert "Skipped: 1 already enrolled, 0 holding a valid completion." in _messages(response)
    created = Enrollment.objects.get(cadre=w.an, course=w.other)
    assert (created.due_on, created.assigned_by, created.source) == (SOON, w.manager_a, "assigned")


def test_bulk_assign_with_a_forged_cadre_outside_the_scope_writes_nothing(client, w):
    response = _post(_login(client, w.manager_a), action="assign", cadres=[w.an.pk, w.cuong.pk], course=w.other.pk)
    assert response.status_code == 200
    assert "A chosen cadre is not one of your units' cadres." in _messages(response)
    assert not Enrollment.objects.exists()


def test_bulk_assign_needs_a_course_and_a_cadre(client, w):
    _login(client, w.manager_a)
    assert "Choose the course." in _messages(_post(client, action="assign", cadres=[w.an.pk]))
    assert "Tick at least one cadre." in _messages(_post(client, action="assign", course=w.other.pk))
    assert not Enrollment.objects.exists()


def test_bulk_action_is_post_only(client, w):
    assert _login(client, w.manager_a).get("/org/team/actions/").status_code == 405


def test_bulk_remind_writes_a_notice_and_emails_after_the_commit(client, w, django_capture_on_commit_callbacks):
    _enrol(w.an, w.skills, due_on=PAST)
    _enrol(w.ba, w.other)
    _login(client, w.manager_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, action="remind", cadres=[w.an.pk, w.ba.pk])
    assert "2 cadres reminded." in _messages(response)
    notice = Notice.objects.get(user=w.an.user)
    assert "Nghiệp vụ" in notice.text and notice.url == "/learn/"
    assert sorted(m.to[0] for m in mail.outbox) == ["an@example.vn", "ba@example.vn"]
    assert any("Khóa khác" in m.body for m in mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        again = _post(client, action="remind", cadres=[w.an.pk])
    assert "0 cadres reminded." in _messages(again)
    assert any("1 already reminded today" in m for m in _messages(again))
    assert len(mail.outbox) == 2 and Notice.objects.count() == 1


def test_bulk_remind_counts_cadres_with_nothing_in_progress(client, w):
    response = _post(_login(client, w.manager_a), action="remind", cadres=[w.an.pk])
    assert any("1 with no training in progress" in m for m in _messages(response))
    assert not Notice.objects.exists() and not ReminderLog.objects.exists()


def test_bulk_remind_with_a_forged_cadre_writes_nothing(client, w):
    _enrol(w.an, w.skills)
    _enrol(w.cuong, w.skills)
    response = _post(_login(client, w.manager_a), action="remind", cadres=[w.an.pk, w.cuong.pk])
    assert "A chosen cadre is not one of your units' cadres." in _messages(response)
    assert not Notice.objects.exists() and not ReminderLog.objects.exists() and not mail.outbox


def test_a_failing_mail_server_does_not_break_the_reminder(client, w, django_capture_on_commit_callbacks,
                                                            monkeypatch):
    import smtplib

    from courses import reminders

    def refuse(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("down")

    monkeypatch.setattr(reminders, "send_mail", refuse)
    _enrol(w.an, w.skills)
    _login(client, w.manager_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, action="remind", cadres=[w.an.pk])
    assert response.status_code == 200
    assert "1 cadre reminded." in _messages(response)
    assert Notice.objects.filter(user=w.an.user).exists()


def test_bulk_due_date_sets_the_enrolments_of_the_course(client, w):
    _enrol(w.an, w.skills, due_on=PAST)
    _enrol(w.ba, w.skills, due_on=SOON)
    response = _post(_login(client, w.manager_a), action="due", cadres=[w.an.pk, w.ba.pk], course=w.skills.pk,
                     due_on=SOON.isoformat())
    assert "Due date of “Nghiệp vụ” set for 1 cadre." in _messages(response)
    assert "Unchanged: 1 already due that day, 0 not enrolled in it." in _messages(response)
    assert set(Enrollment.objects.values_list("due_on", flat=True)) == {SOON}


def test_bulk_due_date_counts_cadres_not_enrolled(client, w):
    _enrol(w.an, w.skills, due_on=PAST)
    response = _post(_login(client, w.manager_a), action="due", cadres=[w.an.pk, w.ba.pk], course=w.skills.pk,
                     due_on=SOON.isoformat())
    assert "Unchanged: 0 already due that day, 1 not enrolled in it." in _messages(response)
    assert not Enrollment.objects.filter(cadre=w.ba).exists()


def test_bulk_due_date_in_the_past_is_refused(client, w):
    _enrol(w.an, w.skills, due_on=SOON)
    response = _post(_login(client, w.manager_a), action="due", cadres=[w.an.pk], course=w.skills.pk,
                     due_on=PAST.isoformat())
    assert "The due date cannot be in the past." in _messages(response)
    assert Enrollment.objects.get().due_on == SOON


def test_bulk_due_date_needs_the_date(client, w):
    _enrol(w.an, w.skills, due_on=SOON)
    response = _post(_login(client, w.manager_a), action="due", cadres=[w.an.pk], course=w.skills.pk)
    assert "Give the due date." in _messages(response)


def test_bulk_due_date_with_a_forged_cadre_writes_nothing(client, w):
    _enrol(w.an, w.skills, due_on=PAST)
    _enrol(w.cuong, w.skills, due_on=PAST)
    response = _post(_login(client, w.manager_b), action="due", cadres=[w.an.pk, w.cuong.pk], course=w.skills.pk,
                     due_on=SOON.isoformat())
    assert "A chosen cadre is not one of your units' cadres." in _messages(response)
    assert set(Enrollment.objects.values_list("due_on", flat=True)) == {PAST}


def test_due_date_service_refuses_a_cadre_outside_the_scope(w):
    from django.core.exceptions import PermissionDenied

    from courses import services

    _enrol(w.cuong, w.skills, due_on=PAST)
    with pytest.raises(PermissionDenied):
        services.enrollments_due_set(by=w.manager_a, course=w.skills, cadres=[w.cuong], due_on=SOON)
    assert Enrollment.objects.get().due_on == PAST


def test_remind_service_refuses_a_cadre_outside_the_scope(w):
    from django.core.exceptions import PermissionDenied

    from courses import reminders

    _enrol(w.cuong, w.skills)
    with pytest.raises(PermissionDenied):
        reminders.reminders_send_to(by=w.manager_a, cadres=[w.cuong], on=TODAY)
    assert not ReminderLog.objects.exists()


def test_due_date_change_is_audited(w):
    from wagtail.models import ModelLogEntry

    from courses import services

    enrollment = _enrol(w.an, w.skills, due_on=PAST)
    services.enrollments_due_set(by=w.manager_a, course=w.skills, cadres=[w.an], due_on=SOON)
    entry = ModelLogEntry.objects.filter(action="ktlearn.enrollment.change", object_id=str(enrollment.pk)).get()
    assert entry.user == w.manager_a


# --- the training record ----------------------------------------------------------------------------


def test_record_shows_every_part_of_the_training(client, w):
    _enrol(w.an, w.skills, due_on=PAST)
    _progress(w.an, w.lessons[0], w.skills)
    completion = Completion.objects.create(cadre=w.an, course=w.discipline, completed_on=PAST, hours=8)
    certificate = Certificate.objects.create(completion=completion, number="2026/000001-CN", code="ABCDEFGH2345",
                                             full_name=w.an.full_name, course_title="Kỷ luật", hours=8,
                                             issued_on=PAST, issuer="UBKT")
    quiz = Quiz.objects.create(title="Kiểm tra cuối khóa", url="kiem-tra-cuoi-khoa", pass_mark=50)
    Sitting.objects.create(user=w.an.user, cadre=w.an, quiz=quiz, current_score=8, max_score=10, passed=True,
                           complete=True, end=timezone.now())
    ExternalTraining.objects.create(cadre=w.an, course_name="Lớp bồi dưỡng tỉnh", provider="Trường Chính trị",
                                    hours=16, start_on=PAST, end_on=PAST)
    framework = Framework.objects.create(name="Khung 2026", version="2026")
    area = Area.objects.create(framework=framework, code="A", name="Nghiệp vụ kiểm tra")
    competency = Competency.objects.create(framework=framework, area=area, code="C1", name="Thẩm tra, xác minh")
    Evidence.objects.create(cadre=w.an, competency=competency, level=2, source=EvidenceSource.MANUAL,
                            obtained_on=PAST)
    response = _login(client, w.manager_a).get(f"/org/cadres/{w.an.pk}/record/")
    html = response.content.decode()
    assert response.context["enrollments"][0].overdue is True
    assert response.context["enrollments"][0].progress.percent == 50
    for text in ("Nghiệp vụ", "50%", PAST.strftime("%d/%m/%Y"), "Overdue", "2026/000001-CN",
                 f"/learn/certificates/{certificate.pk}/pdf/", "Kiểm tra cuối khóa", "8/10", "Passed",
                 "Lớp bồi dưỡng tỉnh", "Thẩm tra, xác minh", f"/org/cadres/{w.an.pk}/history/"):
        assert text in html, text


def test_the_cadre_page_links_to_the_training_record(client, w):
    html = _login(client, w.manager_a).get(f"/org/cadres/{w.an.pk}/").content.decode()
    assert f'href="/org/cadres/{w.an.pk}/record/"' in html


# --- cost: a fixed number of queries, however many cadres -------------------------------------------


def _populate(w, n):
    cadres = [CadreFactory(full_name=f"Đỗ Văn {i:03d}", unit=w.a1, position=w.member) for i in range(n)]
    for i, cadre in enumerate(cadres):
        _enrol(cadre, w.skills, due_on=PAST if i % 3 == 0 else SOON)
        if i % 2:
            _progress(cadre, w.lessons[0], w.skills)
        if i % 4 == 0:
            Completion.objects.create(cadre=cadre, course=w.other, completed_on=PAST, hours=8)
    return cadres


def _count_queries(client, url, params=None):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", ["/org/team/", "/org/team/export.xlsx"])
def test_query_count_is_the_same_for_10_and_200_cadres(client, w, url):
    _login(client, w.manager_a)
    _populate(w, 10)
    client.get(url)  # warm the per-process caches (site, locale)
    small = _count_queries(client, url)
    _populate(w, 190)
    large = _count_queries(client, url)
    print(f"\n{url}: {small} queries at 10 cadres, {large} at 200")
    assert small == large
    assert large <= 25


def test_record_query_count_does_not_grow_with_the_record(client, w):
    _login(client, w.manager_a)

    def add(course):
        _enrol(w.an, course, due_on=SOON)
        Completion.objects.create(cadre=w.an, course=course, completed_on=PAST, hours=4)

    add(w.skills)
    client.get(f"/org/cadres/{w.an.pk}/record/")
    small = _count_queries(client, f"/org/cadres/{w.an.pk}/record/")
    for i in range(5):
        add(builders.course(title=f"Khóa {i}"))
    large = _count_queries(client, f"/org/cadres/{w.an.pk}/record/")
    print(f"\nrecord: {small} queries with 1 enrolment and completion, {large} with 6")
    assert small == large
