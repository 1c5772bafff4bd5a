"""Studying the Party's documents (quán triệt): a regulation assigned for study to the cadres it concerns
in the manager's units, and each cadre's confirmation, behind the quiz when the plan has one.

    P
    ├── A ── A1      cadres a-1 (A, inspector), a-2 (A1, inspector), a-3 (A1, other position), a-4 (A, left)
    └── B            cadre  b-1 (B, inspector)
"""

import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import connections
from django.urls import reverse
from wagtail.documents.models import Document

from assessments.models import Sitting
from assessments.tests import builders as quiz_builders
from cms.models import Regulation, RegulationStatus
from courses import services
from courses.models import Notice, NoticeKind, StudyAssignment
from organization import roles
from organization.models import CadreStatus, Position
from tests.factories import CadreFactory, UserFactory, add_unit, make_manager, unit_tree_root

from . import builders

pytestmark = pytest.mark.django_db

D = datetime.date
# The cadre's list page: the session, the user, the cadre, the assignments with their documents.
_LIST_QUERIES = 4


@pytest.fixture
def world(db):
    roles.ensure_groups()
    province = unit_tree_root()
    a = add_unit(province, "A")
    a1 = add_unit(a, "A1")
    b = add_unit(province, "B")
    inspector = Position.objects.create(code="uv-ubkt", name="Ủy viên UBKT")
    other = Position.objects.create(code="van-thu", name="Văn thư")
    cadres = {
        "a-1": CadreFactory(code="a-1", unit=a, position=inspector,
                            user=UserFactory(username="a-1", role=roles.CADRE)),
        "a-2": CadreFactory(code="a-2", unit=a1, position=inspector,
                            user=UserFactory(username="a-2", role=roles.CADRE)),
        "a-3": CadreFactory(code="a-3", unit=a1, position=other),
        "a-4": CadreFactory(code="a-4", unit=a, position=inspector, status=CadreStatus.LEFT),
        "b-1": CadreFactory(code="b-1", unit=b, position=inspector,
                            user=UserFactory(username="b-1", role=roles.CADRE)),
    }
    regulation = Regulation.objects.create(number="22-QĐ/TW", title="Quy định về công tác kiểm tra",
                                           issued_on=D(2021, 7, 28))
    services.regulation_study_set(regulation=regulation, positions=[inspector], due_days=30)
    return {"A": a, "A1": a1, "B": b, "inspector": inspector, "cadres": cadres, "regulation": regulation,
            "manager_a": make_manager(a, username="ql-a"), "manager_b": make_manager(b, username="ql-b")}


def _codes(qs):
    return sorted(qs.values_list("cadre__code", flat=True))


# --- assigning -------------------------------------------------------------------------------------


def test_assigning_reaches_the_active_concerned_cadres_of_the_managers_units_only(world):
    result = services.study_assign(by=world["manager_a"], regulation=world["regulation"], today=D(2026, 3, 1))
    assert (len(result.created), result.already) == (2, 0)
    assert _codes(StudyAssignment.objects.all()) == ["a-1", "a-2"]  # not a-3 (position), a-4 (left), b-1 (B)
    assert set(StudyAssignment.objects.values_list("due_on", flat=True)) == {D(2026, 3, 31)}


def test_assigning_twice_creates_nothing_new(world):
    services.study_assign(by=world["manager_a"], regulation=world["regulation"])
    again = services.study_assign(by=world["manager_a"], regulation=world["regulation"])
    assert (len(again.created), again.already) == (0, 2)
    assert StudyAssignment.objects.count() == 2
    assert Notice.objects.filter(kind=NoticeKind.STUDY).count() == 2


def test_each_assigned_cadre_with_a_login_gets_one_notice_linking_the_document(world):
    services.study_assign(by=world["manager_a"], regulation=world["regulation"])
    notice = Notice.objects.get(user__username="a-1", kind=NoticeKind.STUDY)
    assignment = StudyAssignment.objects.get(cadre__code="a-1")
    assert notice.url == reverse("courses:study_detail", args=[assignment.pk])
    assert "22-QĐ/TW" in notice.text


def test_a_manager_of_unit_a_cannot_assign_to_unit_b(world):
    with pytest.raises(PermissionDenied):
        services.study_assign(by=world["manager_a"], regulation=world["regulation"], unit=world["B"])
    assert not StudyAssignment.objects.exists()


def test_narrowing_to_a_sub_unit(world):
    services.study_assign(by=world["manager_a"], regulation=world["regulation"], unit=world["A1"])
    assert _codes(StudyAssignment.objects.all()) == ["a-2"]


def test_a_document_without_positions_or_no_longer_in_force_is_refused(world):
    bare = Regulation.objects.create(number="1-HD/TW", title="Hướng dẫn")
    with pytest.raises(ValidationError, match="positions"):
        services.study_assign(by=world["manager_a"], regulation=bare)
    old = world["regulation"]
    old.status = RegulationStatus.SUPERSEDED
    old.save()
    with pytest.raises(ValidationError, match="no longer in force"):
        services.study_assign(by=world["manager_a"], regulation=old)
    assert not StudyAssignment.objects.exists()


def test_a_row_made_by_a_parallel_run_between_the_check_and_the_insert_is_not_duplicated(world, monkeypatch):
    """What a database without row locks (SQLite) lets through: the unique constraint refuses the
    insert, and the service starts again instead of failing. (The simulated parallel row is written in
    the service's own transaction here, so it goes with the rollback; a real one stays committed.)"""
    a1 = world["cadres"]["a-1"]
    real = StudyAssignment.objects.bulk_create
    calls = []

    def racing_bulk_create(rows, *args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            StudyAssignment.objects.create(regulation=world["regulation"], cadre=a1, assigned_on=D(2026, 1, 1),
                                           due_on=D(2026, 2, 1))
        return real(rows, *args, **kwargs)

    monkeypatch.setattr(StudyAssignment.objects, "bulk_create", racing_bulk_create)
    result = services.study_assign(by=world["manager_a"], regulation=world["regulation"])
    assert len(calls) == 2  # refused once, then done again
    assert _codes(StudyAssignment.objects.all()) == ["a-1", "a-2"]
    assert len(result.created) == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_parallel_assign_calls_give_one_row_per_cadre(world):
    barrier = threading.Barrier(2)
    errors = []

    def run():
        try:
            barrier.wait()
            services.study_assign(by=world["manager_a"], regulation=world["regulation"])
        except Exception as error:  # noqa: BLE001 — the test reports any
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert _codes(StudyAssignment.objects.all()) == ["a-1", "a-2"]


# --- the admin screen --------------------------------------------------------------------------------


def test_the_admin_screen_shows_the_count_then_assigns(client, world):
    client.force_login(world["manager_a"])
    url = reverse("courses_regulation_study", args=[world["regulation"].pk])
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["reach"] == {"total": 2, "already": 0, "new": 2}
    response = client.post(url, {"action": "assign"})
    assert response.status_code == 302
    assert StudyAssignment.objects.count() == 2
    assert client.get(url).context["reach"] == {"total": 2, "already": 2, "new": 0}


def test_the_admin_screen_refuses_a_unit_outside_the_managers_scope(client, world):
    client.force_login(world["manager_a"])
    url = reverse("courses_regulation_study", args=[world["regulation"].pk])
    assert client.post(url, {"action": "assign", "unit": world["B"].pk}).status_code == 400
    assert not StudyAssignment.objects.exists()


def test_a_cadre_cannot_open_the_admin_screen_and_a_manager_cannot_change_the_plan(client, world):
    url = reverse("courses_regulation_study", args=[world["regulation"].pk])
    client.force_login(world["cadres"]["a-1"].user)
    assert client.get(url).status_code in (302, 403)
    client.force_login(world["manager_a"])
    assert client.post(url, {"action": "plan", "positions": [world["inspector"].pk], "due_days": 5}).status_code == 403


# --- the cadre's side -------------------------------------------------------------------------------


@pytest.fixture
def assigned(world):
    services.study_assign(by=world["manager_a"], regulation=world["regulation"])
    services.study_assign(by=world["manager_b"], regulation=world["regulation"])
    return {code: StudyAssignment.objects.get(cadre__code=code) for code in ("a-1", "a-2", "b-1")}


def test_the_cadre_lists_their_documents_and_confirms_one(client, world, assigned):
    client.force_login(world["cadres"]["a-1"].user)
    listing = client.get(reverse("courses:study_list"))
    assert listing.status_code == 200
    assert [a.pk for a in listing.context["assignments"]] == [assigned["a-1"].pk]
    assert "22-QĐ/TW" in listing.content.decode()
    response = client.post(reverse("courses:study_confirm", args=[assigned["a-1"].pk]))
    assert response.status_code == 302
    assigned["a-1"].refresh_from_db()
    assert assigned["a-1"].acknowledged_on is not None
    assert "Studied on" in client.get(reverse("courses:study_list")).content.decode()


def test_another_cadres_assignment_is_404_to_see_and_to_confirm(client, world, assigned):
    client.force_login(world["cadres"]["a-1"].user)
    assert client.get(reverse("courses:study_detail", args=[assigned["b-1"].pk])).status_code == 404
    assert client.post(reverse("courses:study_confirm", args=[assigned["b-1"].pk])).status_code == 404
    assigned["b-1"].refresh_from_db()
    assert assigned["b-1"].acknowledged_on is None


def test_confirming_is_post_only_and_idempotent(client, world, assigned):
    client.force_login(world["cadres"]["a-1"].user)
    url = reverse("courses:study_confirm", args=[assigned["a-1"].pk])
    assert client.get(url).status_code == 405
    cadre = world["cadres"]["a-1"]
    first = services.study_acknowledge(cadre=cadre, assignment_id=assigned["a-1"].pk, today=D(2026, 3, 2))
    second = services.study_acknowledge(cadre=cadre, assignment_id=assigned["a-1"].pk, today=D(2026, 3, 9))
    assert first.acknowledged_on == second.acknowledged_on == D(2026, 3, 2)
    assert client.post(url).status_code == 302


def test_with_a_quiz_the_confirmation_waits_for_a_pass(client, world, assigned):
    quiz = quiz_builders.quiz(title="Kiểm tra nhanh Quy định 22")
    services.regulation_study_set(regulation=world["regulation"], positions=[world["inspector"]], due_days=30,
                                  quiz=quiz)
    cadre = world["cadres"]["a-1"]
    client.force_login(cadre.user)
    detail_url = reverse("courses:study_detail", args=[assigned["a-1"].pk])
    page = client.get(detail_url)
    assert page.context["can_confirm"] is False
    assert reverse("assessments:quiz_detail", args=[quiz.url]) in page.content.decode()
    response = client.post(reverse("courses:study_confirm", args=[assigned["a-1"].pk]), follow=True)
    assert "Pass the quiz “Kiểm tra nhanh Quy định 22”" in response.content.decode()
    assigned["a-1"].refresh_from_db()
    assert assigned["a-1"].acknowledged_on is None
    Sitting.objects.create(user=cadre.user, cadre=cadre, quiz=quiz, complete=True, passed=True)
    assert client.get(detail_url).context["can_confirm"] is True
    client.post(reverse("courses:study_confirm", args=[assigned["a-1"].pk]))
    assigned["a-1"].refresh_from_db()
    assert assigned["a-1"].acknowledged_on is not None


def test_the_detail_page_shows_the_summary_file_and_lesson(client, world, assigned):
    course, lessons = builders.course_with_lessons(n_modules=1, n_lessons=1)
    document = Document.objects.create(title="QĐ 22", file=ContentFile(b"%PDF-1.4", name="qd22.pdf"))
    regulation = world["regulation"]
    regulation.summary, regulation.document = "Về công tác kiểm tra, giám sát và kỷ luật của Đảng", document
    regulation.save()
    services.regulation_study_set(regulation=regulation, positions=[world["inspector"]], due_days=30,
                                  lesson=lessons[0])
    client.force_login(world["cadres"]["a-1"].user)
    body = client.get(reverse("courses:study_detail", args=[assigned["a-1"].pk])).content.decode()
    assert "Về công tác kiểm tra, giám sát" in body
    assert document.url in body
    assert lessons[0].url in body


@pytest.mark.parametrize("n", [1, 10])
def test_the_list_page_costs_the_same_queries_for_1_and_10_documents(client, world, n, django_assert_num_queries):
    cadre = world["cadres"]["a-1"]
    for i in range(n):
        regulation = Regulation.objects.create(number=f"{i}-QĐ/TW", title=f"Văn bản {i}", issued_on=D(2025, 1, 1))
        StudyAssignment.objects.create(regulation=regulation, cadre=cadre, assigned_on=D(2026, 1, 1),
                                       due_on=D(2026, 2, 1))
    client.force_login(cadre.user)
    client.get(reverse("courses:study_list"))  # warm the per-process caches (site, session)
    with django_assert_num_queries(_LIST_QUERIES):
        response = client.get(reverse("courses:study_list"))
    assert len(response.context["assignments"]) == n



def test_the_regulations_listing_has_the_assign_for_study_button(admin_client, world):
    body = admin_client.get(reverse("wagtailsnippets_cms_regulation:list")).content.decode()
    assert reverse("courses_regulation_study", args=[world["regulation"].pk]) in body
