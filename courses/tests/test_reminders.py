"""Daily reminders: cadres with training due soon or overdue, managers' digests, once a day."""

import datetime

import pytest
from django.core import mail

from courses.models import Enrollment, EnrollmentSource, Notice
from courses.tasks import due_notices_daily_task, reminders_daily_task
from courses.tests import builders as course_builders
from tests.factories import CadreFactory, UserFactory, add_unit, make_manager, unit_tree_root

pytestmark = pytest.mark.django_db

D = datetime.date
ON = D(2025, 7, 1)


@pytest.fixture(autouse=True)
def _english_site(settings):
    """Reminders are written in the site's language: assert on the English msgids."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def setup():
    root = unit_tree_root()
    b1, b2 = add_unit(root, "B1"), add_unit(root, "B2")
    course = course_builders.course(title="Nghiệp vụ kiểm tra cơ bản")
    user = UserFactory(username="canbo", email="canbo@example.vn")
    due_soon = CadreFactory(unit=b1, user=user, full_name="Lê Thị Sắp")
    overdue = CadreFactory(unit=b1, email="qua.han@example.vn", full_name="Trần Văn Trễ")
    later = CadreFactory(unit=b2, email="con.lau@example.vn")
    for cadre, due_on in ((due_soon, ON + datetime.timedelta(days=10)), (overdue, ON - datetime.timedelta(days=3)),
                          (later, ON + datetime.timedelta(days=60))):
        Enrollment.objects.create(cadre=cadre, course=course, source=EnrollmentSource.ASSIGNED, due_on=due_on)
    manager = make_manager(b1, username="ql-b1")
    manager.email = "ql@example.vn"
    manager.save()
    return {"user": user, "manager": manager}


def test_cadres_due_soon_or_overdue_get_an_email(setup):
    reminders_daily_task(on_iso=ON.isoformat())
    recipients = sorted(m.to[0] for m in mail.outbox if m.subject == "KTLearn: training due")
    assert recipients == ["canbo@example.vn", "qua.han@example.vn"]


def test_a_cadre_with_a_login_sees_a_notice_from_the_daily_due_notices(setup, client):
    due_notices_daily_task(on_iso=ON.isoformat())
    client.force_login(setup["user"])
    body = client.get("/learn/notices/").content.decode()
    assert "“Nghiệp vụ kiểm tra cơ bản” is due on 11/07/2025." in body


def test_the_reminder_emails_write_no_notice_of_their_own(setup):
    """The notification centre has one due notice per enrolment (courses.notifications), not one more
    each day from the emails."""
    reminders_daily_task(on_iso=ON.isoformat())
    assert not Notice.objects.exists()


def test_the_old_notices_address_still_leads_to_the_notices(setup, client):
    client.force_login(setup["user"])
    response = client.get("/board/notices/")
    assert response.status_code == 301
    assert response["Location"] == "/learn/notices/"


def test_the_manager_gets_a_digest_of_their_subtree(setup):
    reminders_daily_task(on_iso=ON.isoformat())
    [digest] = [m for m in mail.outbox if m.to == ["ql@example.vn"]]
    assert "1 due within 14 days, 1 overdue" in digest.body
    assert "Trần Văn Trễ" in digest.body and "Lê Thị Sắp" in digest.body


def test_running_twice_the_same_day_sends_nothing_twice(setup):
    reminders_daily_task(on_iso=ON.isoformat())
    sent = len(mail.outbox)
    assert reminders_daily_task(on_iso=ON.isoformat()) == {"cadres": 0, "digests": 0}
    assert len(mail.outbox) == sent


def test_the_next_day_reminds_again(setup):
    reminders_daily_task(on_iso=ON.isoformat())
    sent = len(mail.outbox)
    reminders_daily_task(on_iso=(ON + datetime.timedelta(days=1)).isoformat())
    assert len(mail.outbox) == 2 * sent
