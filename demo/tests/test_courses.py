"""The demo curriculum and learning record (demo.steps.courses, a load_demo step)."""

import io
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from cms.models import Regulation
from cms.selectors import pages_citing_outdated
from courses.models import Certificate, Completion, CoursePage, Enrollment, LessonPage, LessonProgress
from demo.management.commands import load_demo as load_demo_command
from demo.steps import organization as organization_demo
from organization.models import Cadre

pytestmark = pytest.mark.django_db

STEPS = ("demo.steps.organization", "demo.steps.cms", "demo.steps.courses")


def load():
    out = io.StringIO()
    with mock.patch.object(load_demo_command, "STEPS", STEPS):
        call_command("load_demo", stdout=out, grassroots=20, cadres=200)
    return out.getvalue()


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """Loaded once for the module inside a transaction that is rolled back afterwards; each test
    runs in its own savepoint within it."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield load()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def test_the_demo_publishes_the_curriculum_in_vietnamese(demo):
    titles = set(CoursePage.objects.live().values_list("title", flat=True))
    assert "Nhập môn cho ủy viên ủy ban kiểm tra mới được bầu" in titles
    assert "Quy định 296-QĐ/TW về công tác kiểm tra, giám sát và kỷ luật của Đảng" in titles
    assert "Thi hành kỷ luật đảng: Quy định 69-QĐ/TW và Quy định 264-QĐ/TW" in titles
    assert len(titles) == 9
    assert LessonPage.objects.live().count() >= 30
    assert all(lesson.body for lesson in LessonPage.objects.live())


def test_the_demo_regulations_record_what_replaced_them(demo):
    assert Regulation.objects.get(number="22-QĐ/TW").superseded_by.number == "296-QĐ/TW"
    assert Regulation.objects.get(number="69-QĐ/TW").get_status_display() == "Amended"


def test_lessons_citing_replaced_regulations_are_flagged(demo):
    assert pages_citing_outdated().count() >= 3


def test_many_cadres_have_a_learning_record(demo):
    assert Enrollment.objects.values("cadre").distinct().count() > 150
    assert Completion.objects.count() > 100
    assert Certificate.objects.count() == Completion.objects.count()
    assert LessonProgress.objects.exists()


def test_the_demo_learner_has_an_overdue_course_in_progress_and_a_certificate(demo):
    learner = Cadre.objects.get(code=organization_demo.LEARNER_CADRE_CODE)
    today = timezone.localdate()
    overdue = Enrollment.objects.filter(cadre=learner, status="active", due_on__lt=today)
    assert overdue.count() == 1
    assert LessonProgress.objects.filter(cadre=learner, course=overdue.get().course).exists()
    assert Certificate.objects.filter(completion__cadre=learner).count() == 1


def test_running_the_demo_again_writes_nothing(demo):
    before = (Enrollment.objects.count(), Completion.objects.count(), LessonPage.objects.count(),
              Regulation.objects.count())
    load()
    assert (Enrollment.objects.count(), Completion.objects.count(), LessonPage.objects.count(),
            Regulation.objects.count()) == before
