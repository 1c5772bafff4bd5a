"""The daily rotation alert digest (rotation.tasks.rotation_alerts_daily_task)."""

import datetime

import pytest
from django.core import mail

from rotation.models import RotationDirection, RotationStatus
from rotation.tasks import rotation_alerts_daily_task as rotation_alerts_daily
from tests.factories import CadreFactory

from .builders import d, english, record  # noqa: F401 -- fixtures

ON = d("29/11/2026")
OUT = RotationDirection.OUT


@pytest.fixture
def alerts(province):
    """Out of A1: ending in 30 days; out of B1: overdue since 10 days; out of B1: ending in 200 days."""
    record(CadreFactory(full_name="Phạm Thị Dung", unit=province.a1, position=province.member), direction=OUT,
           start=d("01/01/2024"), planned_end=ON + datetime.timedelta(days=30))
    record(CadreFactory(full_name="Võ Văn Em", unit=province.b1, position=province.member), direction=OUT,
           start=d("01/01/2023"), planned_end=ON - datetime.timedelta(days=10))
    record(CadreFactory(full_name="Hồ Thị Hoa", unit=province.b1, position=province.member), direction=OUT,
           start=d("01/01/2025"), planned_end=ON + datetime.timedelta(days=200))


def _mail_to(address):
    return [m for m in mail.outbox if m.to == [address]]


def test_the_board_gets_every_overdue_and_ending_rotation(alerts, board_user):
    board_user.email = "board@example.org"
    board_user.save()
    assert rotation_alerts_daily(ON.isoformat())["board"] == 1
    [message] = _mail_to("board@example.org")
    assert "1 overdue return(s), 1 ending within 90 days" in message.body
    assert "Võ Văn Em" in message.body and "overdue since 19/11/2026" in message.body
    assert "Phạm Thị Dung" in message.body and "ends 29/12/2026" in message.body
    assert "Hồ Thị Hoa" not in message.body


def test_a_manager_gets_only_his_subtree(alerts, manager_a, manager_b):
    for user, address in ((manager_a, "a@example.org"), (manager_b, "b@example.org")):
        user.email = address
        user.save()
    assert rotation_alerts_daily(ON.isoformat())["managers"] == 2
    [to_a] = _mail_to("a@example.org")
    assert "Phạm Thị Dung" in to_a.body and "Võ Văn Em" not in to_a.body
    [to_b] = _mail_to("b@example.org")
    assert "Võ Văn Em" in to_b.body and "Phạm Thị Dung" not in to_b.body


def test_a_second_run_the_same_day_sends_nothing(alerts, board_user):
    board_user.email = "board@example.org"
    board_user.save()
    rotation_alerts_daily(ON.isoformat())
    assert rotation_alerts_daily(ON.isoformat()) == {"board": 0, "managers": 0}
    assert len(mail.outbox) == 1
    rotation_alerts_daily((ON + datetime.timedelta(days=1)).isoformat())
    assert len(mail.outbox) == 2


def test_nothing_to_report_sends_nothing(province, board_user):
    board_user.email = "board@example.org"
    board_user.save()
    record(CadreFactory(unit=province.a1, position=province.member), direction=OUT, start=d("01/01/2023"),
           planned_end=ON - datetime.timedelta(days=10), status=RotationStatus.COMPLETED, actual_end=d("01/11/2026"))
    assert rotation_alerts_daily(ON.isoformat()) == {"board": 0, "managers": 0}
    assert mail.outbox == []


def test_the_digest_is_scheduled_daily(db):
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="organization.rotation_alerts_daily")
    assert task.enabled and (task.crontab.hour, task.crontab.minute) == ("7", "15")
