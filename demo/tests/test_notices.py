"""The demo step that fills the learner's notification centre (demo.steps.notices)."""

import io
from unittest import mock

import pytest
from django.core.management import call_command

from courses.models import Enrollment, Notice, NoticeKind
from demo.management.commands import load_demo as load_demo_command
from demo.steps import organization as organization_demo

pytestmark = pytest.mark.django_db

STEPS = ("demo.steps.organization", "demo.steps.cms", "demo.steps.courses", "demo.steps.notices")


def _load():
    with mock.patch.object(load_demo_command, "STEPS", STEPS):
        call_command("load_demo", stdout=io.StringIO(), grassroots=20, cadres=200)


def test_the_learner_sees_an_overdue_course_one_due_soon_and_the_assignment_once():
    _load()
    learner_notices = Notice.objects.filter(user__username="cadre")
    assert sorted(learner_notices.values_list("kind", flat=True)) == [
        NoticeKind.ASSIGNED, NoticeKind.DUE_SOON, NoticeKind.OVERDUE]
    assigned = Enrollment.objects.get(cadre__code=organization_demo.LEARNER_CADRE_CODE, assigned_by__username="manager")
    assert learner_notices.get(kind=NoticeKind.DUE_SOON).url == f"/learn/course/{assigned.course_id}/continue/"
    _load()
    assert learner_notices.count() == 3
