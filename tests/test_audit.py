"""The audit trail (lms.audit): every audited action leaves one Wagtail log entry with its actor and the
values before and after; a failure to log never breaks the action; entries roll back with the change.

The tree of these tests:

  P [province]
  ├─ A [body]        manager "quanly-a"; cadre "Ánh" (login "anh") in A-1
  │  └─ A-1 [commune]
  └─ B [body]        manager "quanly-b"; cadre "Bảo" in B
"""

import datetime
import logging
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, transaction
from django.urls import reverse
from wagtail.models import ModelLogEntry

from assessments import services as quiz_services
from assessments.models import SittingAnswer
from assessments.tests import builders as quiz_builders
from competency.models import Evidence, EvidenceSource
from competency.services import evidence_record
from courses import services
from courses.models import (
    Attendance,
    ClassSession,
    Completion,
    CompletionSource,
    Enrollment,
    ExternalTraining,
    LessonProgress,
    TrainingClass,
)
from courses.tests import builders
from lms import audit
from organization import roles
from organization.imports import CadreRow
from organization.models import ImportUpload, UnitKind
from organization.services import cadre_import
from tests.factories import CadreFactory, PositionFactory, UserFactory, add_unit, make_manager, unit_tree_root

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture(autouse=True)
def english():
    """Messages and labels are asserted on their English source; tests/test_translations.py checks the Vietnamese."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def client(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def world():
    p = unit_tree_root()
    a = add_unit(p, "A", name="Đảng bộ A")
    a1 = add_unit(a, "A-1", kind=UnitKind.COMMUNE)
    b = add_unit(p, "B", name="Đảng bộ B")
    anh = CadreFactory(unit=a1, full_name="Trần Thị Ánh", user=UserFactory(username="anh", role=roles.CADRE))
    bao = CadreFactory(unit=b, full_name="Lê Văn Bảo")
    return {"p": p, "a": a, "a1": a1, "b": b, "anh": anh, "bao": bao,
            "manager_a": make_manager(a, "quanly-a"), "manager_b": make_manager(b, "quanly-b")}


def entries(action, **filters):
    return list(ModelLogEntry.objects.filter(action=action, **filters).order_by("pk"))


def only(action, **filters):
    [entry] = entries(action, **filters)
    return entry


# --- Enrolments ------------------------------------------------------------------------------------


def test_self_enrolment_is_audited_with_the_cadre_as_actor(world):
    course = builders.course(title="Nghiệp vụ kiểm tra")
    enrollment = services.enrollment_self_create(cadre=world["anh"], course=course)
    entry = only("ktlearn.enrollment.create")
    assert entry.user.username == "anh" and entry.object_id == str(enrollment.pk)
    assert entry.data["before"] is None and entry.data["after"]["status"] == "active"
    assert entry.data["cadre_id"] == world["anh"].pk


def test_an_assignment_is_audited_per_cadre_with_the_manager_as_actor(world):
    course = builders.course()
    services.enrollment_assign(by=world["manager_a"], course=course, cadres=[world["anh"]], due_on=D(2099, 1, 1))
    entry = only("ktlearn.enrollment.create")
    assert entry.user == world["manager_a"]
    assert entry.data["after"]["due_on"] == "2099-01-01" and entry.data["after"]["source"] == "assigned"


def test_a_cancelled_enrolment_records_its_status_before_and_after(world):
    enrollment = services.enrollment_self_create(cadre=world["anh"], course=builders.course())
    services.enrollment_cancel(enrollment=enrollment, by=world["manager_a"])
    entry = only("ktlearn.enrollment.change")
    assert entry.user == world["manager_a"]
    assert entry.data["changes"] == {"status": ["active", "cancelled"]}


def test_rule_assignments_are_recorded_as_the_system(world):
    position = PositionFactory(code="uv")
    builders.course(title="Bắt buộc", positions=[position], mandatory=True)
    cadre = CadreFactory(unit=world["a1"], position=position)
    ModelLogEntry.objects.filter(action="ktlearn.enrollment.create").delete()
    services.required_courses_assign(cadre=cadre)
    entry = only("ktlearn.enrollment.create", object_id=str(Enrollment.objects.get(cadre=cadre).pk))
    assert entry.user is None and entry.data["actor"] == audit.SYSTEM


# --- Completions and certificates --------------------------------------------------------------------


def test_a_completion_records_the_completion_the_enrolment_change_and_the_certificate(world):
    course = builders.course(title="Kỹ năng giám sát", hours=Decimal("12"))
    services.enrollment_self_create(cadre=world["anh"], course=course)
    completion = services.completion_record(cadre=world["anh"], course=course, completed_on=D(2026, 5, 1))
    created = only("ktlearn.completion.create")
    assert created.data["after"]["hours"] == "12.0" and created.data["after"]["completed_on"] == "2026-05-01"
    assert created.data["actor"] == audit.SYSTEM
    changed = only("ktlearn.enrollment.change")
    assert changed.data["changes"]["status"] == ["active", "completed"]
    issued = only("ktlearn.certificate.issue")
    assert issued.data["cadre_id"] == world["anh"].pk
    assert issued.data["after"]["full_name"] == "Trần Thị Ánh"
    assert issued.data["after"]["number"] == completion.certificate.number


def test_a_class_completion_names_the_manager_who_closed_the_class(world):
    course = builders.course(hours=Decimal("8"))
    klass = TrainingClass.objects.create(course=course, title="Lớp 2026", unit=world["a"], venue="Hội trường",
                                         start_on=D(2026, 3, 2), end_on=D(2026, 3, 2), capacity=5,
                                         attendance_threshold=50)
    session = ClassSession.objects.create(training_class=klass, date=D(2026, 3, 2))
    services.class_register(training_class=klass, cadres=[world["anh"]], by=world["manager_a"])
    services.attendance_save(training_class=klass, marks={(session.pk, world["anh"].pk): True},
                             by=world["manager_a"])
    services.class_complete(training_class=klass, by=world["manager_a"], today=D(2026, 3, 3))
    entry = only("ktlearn.completion.create")
    assert entry.user == world["manager_a"] and entry.data["after"]["source"] == CompletionSource.CLASS


# --- Lesson progress ----------------------------------------------------------------------------------


def _started(world):
    course, lessons = builders.course_with_lessons(n_modules=1, n_lessons=2)
    services.enrollment_self_create(cadre=world["anh"], course=course)
    for lesson in lessons:
        services.lesson_open(cadre=world["anh"], lesson=lesson)
    return course, lessons


def test_opening_a_lesson_is_audited_once(world):
    course, lessons = _started(world)
    services.lesson_open(cadre=world["anh"], lesson=lessons[0])
    assert len(entries("ktlearn.progress.create")) == 2
    assert entries("ktlearn.progress.create")[0].user.username == "anh"


def test_a_progress_reset_keeps_the_erased_values(world):
    course, lessons = _started(world)
    services.lesson_activity_record(cadre=world["anh"], lesson=lessons[0], seconds=120, position=40)
    assert services.lesson_progress_reset(cadre=world["anh"], course=course, by=world["manager_a"]) == 2
    assert not LessonProgress.objects.filter(cadre=world["anh"]).exists()
    resets = entries("ktlearn.progress.reset")
    assert [e.user for e in resets] == [world["manager_a"]] * 2
    first = next(e for e in resets if e.data["before"]["lesson"] == lessons[0].pk)
    assert first.data["before"]["seconds_spent"] == 120 and first.data["after"] is None
    assert first.data["changes"]["last_position"] == [40, None]


def test_a_manager_of_another_unit_cannot_reset_progress_and_nothing_is_recorded(world):
    course, _lessons = _started(world)
    with pytest.raises(PermissionDenied):
        services.lesson_progress_reset(cadre=world["anh"], course=course, by=world["manager_b"])
    assert LessonProgress.objects.filter(cadre=world["anh"]).count() == 2
    assert entries("ktlearn.progress.reset") == []


# --- Quizzes ------------------------------------------------------------------------------------------


def test_submitting_and_marking_an_essay_are_audited_with_the_result_before_and_after(world):
    trainer = quiz_builders.trainer("giangvien")
    quiz = quiz_builders.quiz(pass_mark=100, owner=trainer)
    essay = quiz_builders.essay_question(quiz=quiz)
    user = world["anh"].user
    sitting = quiz_services.sitting_start(by=user, quiz=quiz)
    quiz_services.sitting_answer(sitting_id=sitting.pk, by=user, question_id=essay.pk, essay_text="Bài làm")
    quiz_services.sitting_submit(sitting_id=sitting.pk, by=user)
    submitted = only("ktlearn.sitting.submit")
    assert submitted.user == user and submitted.data["after"]["essays_pending"] == 1
    assert submitted.data["cadre_id"] == world["anh"].pk
    answer = SittingAnswer.objects.get(sitting=sitting, question=essay)
    quiz_services.essay_mark(answer_id=answer.pk, by=trainer, correct=True, comment="Tốt")
    marked = only("ktlearn.sitting.mark")
    assert marked.user == trainer and marked.data["comment"] == "Tốt"
    assert marked.data["changes"]["is_correct"] == [None, True]
    assert marked.data["changes"]["passed"] == [None, True]


# --- Attendance ---------------------------------------------------------------------------------------


def test_attendance_marks_are_audited_and_a_changed_mark_keeps_the_old_value(world):
    klass = TrainingClass.objects.create(course=builders.course(), title="Lớp", unit=world["a"], venue="Phòng 1",
                                         start_on=D(2026, 3, 2), end_on=D(2026, 3, 2), capacity=5)
    session = ClassSession.objects.create(training_class=klass, date=D(2026, 3, 2))
    services.class_register(training_class=klass, cadres=[world["anh"]], by=world["manager_a"])
    key = (session.pk, world["anh"].pk)
    services.attendance_save(training_class=klass, marks={key: True}, by=world["manager_a"])
    services.attendance_save(training_class=klass, marks={key: False}, by=world["manager_a"])
    services.attendance_save(training_class=klass, marks={key: False}, by=world["manager_a"])  # unchanged
    first, second = entries("ktlearn.attendance.change")
    assert first.data["before"] is None and first.data["after"]["present"] is True
    assert second.data["changes"] == {"present": [True, False]}
    assert second.object_id == str(Attendance.objects.get().pk) and second.user == world["manager_a"]


# --- External training (admin) --------------------------------------------------------------------------


def test_external_training_added_changed_and_deleted_in_the_admin_is_audited(client, world):
    client.force_login(world["manager_a"])
    form = {"cadre_code": world["anh"].code, "course_name": "Bồi dưỡng", "provider": "Trường Chính trị",
            "hours": "24", "start_on": "2026-05-04", "end_on": "2026-05-08"}
    assert client.post(reverse("courses_external:add"), form).status_code == 302
    training = ExternalTraining.objects.get()
    assert client.post(reverse("courses_external:edit", args=[training.pk]), {**form, "hours": "16"}).status_code == 302
    assert client.post(reverse("courses_external:delete", args=[training.pk])).status_code == 302
    assert not ExternalTraining.objects.exists()
    created, changed, deleted = (only(f"ktlearn.external.{verb}") for verb in ("create", "change", "delete"))
    assert created.user == changed.user == deleted.user == world["manager_a"]
    assert created.data["after"]["hours"] == "24.0"
    assert changed.data["changes"] == {"hours": ["24.0", "16.0"]}
    assert deleted.data["before"]["course_name"] == "Bồi dưỡng" and deleted.object_id == str(training.pk)
    assert {e.data["cadre_id"] for e in (created, changed, deleted)} == {world["anh"].pk}
    assert not ModelLogEntry.objects.filter(action__startswith="wagtail.", content_type=created.content_type).exists()


# --- Evidence -----------------------------------------------------------------------------------------


@pytest.fixture
def a1_competency():
    from competency.tests.builders import make_framework

    return make_framework(competencies=("A1",)).competencies.get(code="A1")


def test_evidence_recorded_by_an_assessor_and_raised_by_a_second_record(world, a1_competency):
    assessor = make_manager(world["a"], "danhgia")
    evidence_record(cadre=world["anh"], competency=a1_competency, level=1, source=EvidenceSource.QUIZ,
                    obtained_on=D(2026, 1, 5), source_ref="sitting:1")
    evidence_record(cadre=world["anh"], competency=a1_competency, level=2, source=EvidenceSource.QUIZ,
                    obtained_on=D(2026, 1, 5), source_ref="sitting:1", by=assessor)
    created, changed = only("ktlearn.evidence.create"), only("ktlearn.evidence.change")
    assert created.data["actor"] == audit.SYSTEM and created.data["after"]["level"] == 1
    assert changed.user == assessor and changed.data["changes"] == {"level": [1, 2]}


def test_evidence_corrected_and_deleted_in_the_admin_is_audited(client, world, a1_competency):
    admin = UserFactory(username="quantri", is_superuser=True, is_staff=True)
    evidence = evidence_record(cadre=world["anh"], competency=a1_competency, level=1, source=EvidenceSource.MANUAL,
                               obtained_on=D(2026, 1, 5), note="Đánh giá trực tiếp", assessor=admin)
    assert only("ktlearn.evidence.create").user == admin
    client.force_login(admin)
    response = client.post(reverse("competency_evidence:edit", args=[evidence.pk]),
                           {"expires_on": "2027-01-05", "note": "Đánh giá lại"})
    assert response.status_code == 302
    changed = only("ktlearn.evidence.change")
    assert changed.data["changes"] == {"expires_on": [None, "2027-01-05"],
                                       "note": ["Đánh giá trực tiếp", "Đánh giá lại"]}
    assert client.post(reverse("competency_evidence:delete", args=[evidence.pk])).status_code == 302
    assert not Evidence.objects.exists()
    assert only("ktlearn.evidence.delete").data["before"]["level"] == 1


# --- Imports ------------------------------------------------------------------------------------------


def test_a_confirmed_cadre_import_records_who_the_file_and_the_rows(world):
    position = PositionFactory(code="uv")
    upload = ImportUpload.objects.create(token="t1", user=world["manager_a"], filename="can-bo-2026.xlsx",
                                         content=b"")
    row = CadreRow(number=2, code="CB900", full_name="Phạm Văn Mới", gender="", date_of_birth=None,
                   unit_id=world["a1"].pk, position_id=position.pk, grade="", theory_level="", appointed_on=None,
                   status=None, email="")
    changed = CadreRow(number=3, code=world["anh"].code, full_name="Trần Thị Ánh Mai", gender="",
                       date_of_birth=None, unit_id=world["a1"].pk, position_id=world["anh"].position_id, grade="",
                       theory_level="", appointed_on=None, status=None, email="", existing_id=world["anh"].pk)
    cadre_import(rows=[row, changed], by=world["manager_a"], upload=upload)
    entry = only("ktlearn.import")
    assert entry.user == world["manager_a"]
    assert {k: entry.data[k] for k in ("filename", "kind", "created", "updated", "unchanged")} == {
        "filename": "can-bo-2026.xlsx", "kind": "cadres", "created": 1, "updated": 1, "unchanged": 0}
    assert entry.data["codes"] == ["CB900"]


# --- Robustness ---------------------------------------------------------------------------------------


def test_a_failure_to_log_is_logged_and_the_action_still_happens(world, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise DatabaseError("log table gone")

    monkeypatch.setattr("wagtail.log_actions.log", broken)
    with caplog.at_level(logging.ERROR, logger="ktlearn.audit"):
        enrollment = services.enrollment_self_create(cadre=world["anh"], course=builders.course())
    assert Enrollment.objects.filter(pk=enrollment.pk).exists()
    assert "ktlearn.enrollment.create" in caplog.text
    assert entries("ktlearn.enrollment.create") == []


def test_the_entry_rolls_back_with_the_change_it_describes(world):
    course = builders.course()
    with pytest.raises(RuntimeError), transaction.atomic():
        services.enrollment_self_create(cadre=world["anh"], course=course)
        raise RuntimeError("the request failed later")
    assert not Enrollment.objects.exists() and entries("ktlearn.enrollment.create") == []


def test_an_unknown_action_name_is_refused():
    with pytest.raises(ValueError, match="Unknown audit action"):
        audit.audit_record(instance=UserFactory(), action="ktlearn.nothing", user=None)


def test_every_audited_action_has_a_label_in_the_site_history_filter():
    from wagtail.log_actions import registry

    assert {action for action, _label in registry.get_choices()} >= set(audit.ACTIONS)


def test_diff_lists_only_changed_fields():
    assert audit.diff({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": None}) == {"b": [2, 3]}
    assert audit.diff(None, {"a": 1}) == {"a": [None, 1]}


# --- Entries cannot be changed from any screen -----------------------------------------------------------


def test_no_admin_screen_edits_or_deletes_log_entries(client, world):
    from wagtail.snippets.models import get_snippet_models

    assert ModelLogEntry not in get_snippet_models()
    admin = UserFactory(username="quantri", is_superuser=True, is_staff=True)
    services.enrollment_self_create(cadre=world["anh"], course=builders.course())
    entry = only("ktlearn.enrollment.create")
    client.force_login(admin)
    response = client.post("/admin/reports/site-history/", {"label": "x", "action": "wagtail.delete"})
    assert response.status_code == 405
    for url in (f"/admin/reports/site-history/{entry.pk}/edit/", f"/admin/reports/site-history/{entry.pk}/delete/",
                f"/admin/snippets/wagtailcore/modellogentry/edit/{entry.pk}/",
                f"/admin/snippets/wagtailcore/modellogentry/delete/{entry.pk}/"):
        assert client.post(url).status_code == 404, url
    assert ModelLogEntry.objects.get(pk=entry.pk).data == entry.data


def test_the_essay_answer_marked_outside_the_scope_writes_no_entry(world):
    trainer = quiz_builders.trainer("giangvien")
    other = quiz_builders.trainer("giangvien-khac")
    quiz = quiz_builders.quiz(pass_mark=100, owner=trainer)
    essay = quiz_builders.essay_question(quiz=quiz)
    user = world["anh"].user
    sitting = quiz_services.sitting_start(by=user, quiz=quiz)
    quiz_services.sitting_answer(sitting_id=sitting.pk, by=user, question_id=essay.pk, essay_text="Bài")
    quiz_services.sitting_submit(sitting_id=sitting.pk, by=user)
    answer = SittingAnswer.objects.get(sitting=sitting, question=essay)
    with pytest.raises(quiz_services.SittingNotFound):
        quiz_services.essay_mark(answer_id=answer.pk, by=other, correct=True)
    assert entries("ktlearn.sitting.mark") == []


def test_file_names_are_kept_not_contents():
    upload = SimpleUploadedFile("giay-chung-nhan.pdf", b"%PDF-1.4 x", content_type="application/pdf")
    assert audit.json_value(upload) == "giay-chung-nhan.pdf"


def test_completion_source_is_kept_as_its_value(world):
    course = builders.course()
    services.completion_record(cadre=world["anh"], course=course, completed_on=D(2026, 5, 1),
                               source=CompletionSource.EXTERNAL)
    assert only("ktlearn.completion.create").data["after"]["source"] == "external"
    assert Completion.objects.count() == 1


# --- Revoking a completion and its certificate ------------------------------------------------------------


def _completed(world):
    course = builders.course(title="Khóa cấp nhầm")
    services.enrollment_self_create(cadre=world["anh"], course=course)
    return services.completion_record(cadre=world["anh"], course=course, completed_on=D(2026, 5, 1))


def test_revoking_a_completion_revokes_the_certificate_and_is_audited(client, world):
    completion = _completed(world)
    certificate = completion.certificate
    services.completion_revoke(completion=completion, by=world["manager_a"], reason="Ghi nhầm người học")
    assert not Completion.objects.exists()
    revoked = only("ktlearn.certificate.revoke")
    assert revoked.user == world["manager_a"] and revoked.data["reason"] == "Ghi nhầm người học"
    assert revoked.data["before"]["number"] == certificate.number and revoked.data["cadre_id"] == world["anh"].pk
    assert only("ktlearn.completion.delete").data["before"]["completed_on"] == "2026-05-01"
    assert Enrollment.objects.get(cadre=world["anh"]).status == "active"
    assert client.get(reverse("verify", args=[certificate.code])).status_code == 404


def test_a_revocation_needs_a_reason_and_the_cadres_manager(world):
    completion = _completed(world)
    with pytest.raises(PermissionDenied):
        services.completion_revoke(completion=completion, by=world["manager_b"], reason="Sai")
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="reason"):
        services.completion_revoke(completion=completion, by=world["manager_a"], reason="  ")
    assert Completion.objects.filter(pk=completion.pk).exists()
    assert entries("ktlearn.certificate.revoke") == [] and entries("ktlearn.completion.delete") == []


# --- The nightly sweeps ------------------------------------------------------------------------------------


def test_the_nightly_assignment_sweep_audits_each_enrolment_as_the_system(world, django_assert_max_num_queries):
    position = PositionFactory(code="ct")
    holders = [CadreFactory(unit=world["a1"], position=position) for _ in range(3)]
    course = builders.course(mandatory=True, positions=[position])
    Enrollment.objects.all().delete()
    ModelLogEntry.objects.filter(action="ktlearn.enrollment.create").delete()
    with django_assert_max_num_queries(20):
        created = services.required_courses_assign_all()
    assert created == 3
    swept = entries("ktlearn.enrollment.create")
    assert {e.data["cadre_id"] for e in swept} == {c.pk for c in holders}
    assert {(e.user, e.data["actor"], e.data["rule"]) for e in swept} == {(None, audit.SYSTEM, "rule_position")}
    assert all(e.data["after"]["course"] == course.pk for e in swept)
    assert services.required_courses_assign_all() == 0 and len(entries("ktlearn.enrollment.create")) == 3


def test_the_expiry_sweep_audits_the_reassigned_enrolment(world):
    course = builders.course(validity_months=24, due_days_after_appointment=60)
    Completion.objects.create(cadre=world["anh"], course=course, completed_on=D(2020, 1, 1), hours=8,
                              expires_on=D(2022, 1, 1))
    assert services.completions_expire_reassign() == 1
    entry = only("ktlearn.enrollment.create")
    assert (entry.data["cadre_id"], entry.data["rule"], entry.data["after"]["source"]) == (
        world["anh"].pk, "rule_expiry", "rule_expiry")
