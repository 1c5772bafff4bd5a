import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from assessments.models import Quiz, Sitting
from assessments.signals import quiz_passed
from competency.models import Evidence
from competency.tests.builders import make_framework
from courses import services
from courses.models import (
    Certificate,
    Completion,
    CourseCompetency,
    Enrollment,
    EnrollmentSource,
    EnrollmentStatus,
    LessonProgress,
)

from . import builders

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 2)


@pytest.fixture
def enrolled(cadre_user):
    course, lessons = builders.course_with_lessons(n_modules=2, n_lessons=2, hours=Decimal("12"), validity_months=24)
    services.enrollment_self_create(cadre=cadre_user, course=course)
    return cadre_user, course, lessons


def test_opening_a_lesson_records_when_it_was_started_once(client, enrolled):
    cadre, _course, lessons = enrolled
    client.force_login(cadre.user)
    client.get(lessons[0].url)
    started = LessonProgress.objects.get(cadre=cadre, lesson=lessons[0]).started_at
    client.get(lessons[0].url)
    assert LessonProgress.objects.get(cadre=cadre, lesson=lessons[0]).started_at == started


def test_reading_without_enrolment_records_nothing(client, cadre_user):
    _course, lessons = builders.course_with_lessons(n_modules=1, n_lessons=1)
    client.force_login(cadre_user.user)
    response = client.get(lessons[0].url)
    assert response.status_code == 200
    assert "Enrol to record your progress" in response.content.decode()
    assert not LessonProgress.objects.exists()


def test_mark_as_done_goes_to_the_next_lesson(client, enrolled):
    cadre, _course, lessons = enrolled
    client.force_login(cadre.user)
    response = client.post(f"/learn/lesson/{lessons[0].pk}/done/", {"seconds": "95"})
    assert response["Location"] == lessons[1].url
    progress = LessonProgress.objects.get(cadre=cadre, lesson=lessons[0])
    assert progress.completed_at is not None and progress.seconds_spent == 95


def test_mark_as_done_is_post_only(client, enrolled):
    cadre, _course, lessons = enrolled
    client.force_login(cadre.user)
    assert client.get(f"/learn/lesson/{lessons[0].pk}/done/").status_code == 405
    assert not LessonProgress.objects.filter(completed_at__isnull=False).exists()


def test_mark_as_done_without_enrolment_is_refused_and_writes_nothing(client, cadre_user):
    _course, lessons = builders.course_with_lessons(n_modules=1, n_lessons=1)
    client.force_login(cadre_user.user)
    response = client.post(f"/learn/lesson/{lessons[0].pk}/done/", follow=True)
    assert "Enrol in the course first." in [str(m) for m in response.context["messages"]]
    assert not LessonProgress.objects.exists()


def test_missing_prerequisite_blocks_an_assigned_course_with_a_clear_message(cadre_user):
    basics = builders.course(title="Nhập môn công tác kiểm tra")
    course, lessons = builders.course_with_lessons(n_modules=1, n_lessons=1, prerequisites=[basics])
    Enrollment.objects.create(cadre=cadre_user, course=course, source=EnrollmentSource.ASSIGNED)
    with pytest.raises(ValidationError, match="Complete Nhập môn công tác kiểm tra before starting this course."):
        services.lesson_complete(cadre=cadre_user, lesson=lessons[0])
    assert not LessonProgress.objects.exists()


def test_reading_time_reports_are_capped_and_remember_the_position(client, enrolled):
    cadre, _course, lessons = enrolled
    client.force_login(cadre.user)
    client.get(lessons[0].url)
    client.post(f"/learn/lesson/{lessons[0].pk}/activity/", {"seconds": "40", "position": "55"})
    client.post(f"/learn/lesson/{lessons[0].pk}/activity/", {"seconds": "86400", "position": "80"})
    progress = LessonProgress.objects.get(cadre=cadre, lesson=lessons[0])
    assert (progress.seconds_spent, progress.last_position) == (40 + services.MAX_SECONDS_PER_REPORT, 80)


def test_continue_resumes_at_the_first_unfinished_lesson(client, enrolled):
    cadre, course, lessons = enrolled
    services.lesson_complete(cadre=cadre, lesson=lessons[0])
    services.lesson_complete(cadre=cadre, lesson=lessons[2])
    client.force_login(cadre.user)
    response = client.get(f"/learn/course/{course.pk}/continue/")
    assert response["Location"] == lessons[1].url


def test_the_course_is_complete_when_the_required_lessons_are_done(enrolled):
    cadre, course, lessons = enrolled
    lessons[3].required = False
    lessons[3].save_revision().publish()
    for lesson in lessons[:2]:
        assert services.lesson_complete(cadre=cadre, lesson=lesson, today=TODAY)[1] is None
    _progress, completion = services.lesson_complete(cadre=cadre, lesson=lessons[2], today=TODAY)
    assert (completion.completed_on, completion.hours, completion.expires_on) == (
        TODAY, Decimal("12"), datetime.date(2028, 3, 2))
    assert Enrollment.objects.get(cadre=cadre, course=course).status == EnrollmentStatus.COMPLETED


def test_marking_the_last_lesson_twice_completes_once(enrolled):
    cadre, _course, lessons = enrolled
    for lesson in lessons:
        services.lesson_complete(cadre=cadre, lesson=lesson)
    with pytest.raises(ValidationError, match="Enrol in the course first."):
        services.lesson_complete(cadre=cadre, lesson=lessons[-1])
    assert Completion.objects.count() == 1


def test_completion_issues_a_certificate_with_a_verification_code(enrolled):
    cadre, course, lessons = enrolled
    for lesson in lessons:
        services.lesson_complete(cadre=cadre, lesson=lesson, today=TODAY)
    certificate = Certificate.objects.get()
    assert (certificate.full_name, certificate.course_title, certificate.hours) == (
        "Nguyễn Thị Ánh", course.title, Decimal("12"))
    assert certificate.number.startswith("2026/") and len(certificate.code) == 12


def test_completion_records_competency_evidence(enrolled):
    cadre, course, lessons = enrolled
    framework = make_framework()
    competency = framework.competencies.get(code="A1")
    CourseCompetency.objects.create(course=course, competency=competency, level=2)
    for lesson in lessons:
        _p, completion = services.lesson_complete(cadre=cadre, lesson=lesson, today=TODAY)
    evidence = Evidence.objects.get(cadre=cadre)
    assert (evidence.competency, evidence.level, evidence.source, evidence.source_ref, evidence.expires_on) == (
        competency, 2, "course", f"completion:{completion.pk}", datetime.date(2028, 3, 2))


def _quiz_lesson(course):
    quiz = Quiz.objects.create(title="Kiểm tra cuối khóa", url="kiem-tra-cuoi-khoa", pass_mark=60)
    lesson = builders.lesson(builders.module(course, "Kiểm tra"), "Bài kiểm tra",
                             body=[("quiz", {"quiz": quiz, "intro": "", "final_test": True})])
    return quiz, lesson


def test_a_required_quiz_must_be_passed_before_the_course_completes(enrolled):
    cadre, course, lessons = enrolled
    quiz, quiz_lesson = _quiz_lesson(course)
    for lesson in [*lessons, quiz_lesson]:
        assert services.lesson_complete(cadre=cadre, lesson=lesson)[1] is None
    sitting = Sitting.objects.create(user=cadre.user, cadre=cadre, quiz=quiz, complete=True, passed=True)
    quiz_passed.send(sender=Quiz, sitting=sitting)
    assert Completion.objects.filter(cadre=cadre, course=course).count() == 1


def test_a_failed_quiz_leaves_the_course_open(enrolled):
    cadre, course, lessons = enrolled
    quiz, quiz_lesson = _quiz_lesson(course)
    Sitting.objects.create(user=cadre.user, cadre=cadre, quiz=quiz, complete=True, passed=False)
    for lesson in [*lessons, quiz_lesson]:
        services.lesson_complete(cadre=cadre, lesson=lesson)
    assert not Completion.objects.exists()


def test_course_page_shows_the_cadres_progress(client, enrolled):
    cadre, course, lessons = enrolled
    services.lesson_complete(cadre=cadre, lesson=lessons[0])
    client.force_login(cadre.user)
    body = client.get(course.url).content.decode()
    assert "1 of 4 required lessons done" in body
    assert "25%" in body


# --- expiry ------------------------------------------------------------------------------------


def _expired(cadre, course, expires_on=datetime.date(2026, 1, 1)):
    return Completion.objects.create(cadre=cadre, course=course, completed_on=datetime.date(2024, 1, 1), hours=8,
                                     expires_on=expires_on)


def test_an_expired_completion_is_reassigned_once(cadre_user):
    course = builders.course(validity_months=24, due_days_after_appointment=60)
    _expired(cadre_user, course)
    assert services.completions_expire_reassign(today=TODAY) == 1
    assert services.completions_expire_reassign(today=TODAY) == 0
    enrollment = Enrollment.objects.get()
    assert (enrollment.source, enrollment.due_on) == ("rule_expiry", TODAY + datetime.timedelta(days=60))


def test_a_newer_valid_completion_prevents_reassignment(cadre_user):
    course = builders.course(validity_months=24)
    _expired(cadre_user, course)
    Completion.objects.create(cadre=cadre_user, course=course, completed_on=datetime.date(2025, 12, 1), hours=8,
                              expires_on=datetime.date(2027, 12, 1))
    assert services.completions_expire_reassign(today=TODAY) == 0


def test_a_completion_still_valid_is_not_reassigned(cadre_user):
    course = builders.course(validity_months=24)
    _expired(cadre_user, course, expires_on=TODAY)
    assert services.completions_expire_reassign(today=TODAY) == 0


def test_a_reassignment_cancelled_by_a_manager_is_not_recreated(cadre_user):
    course = builders.course(validity_months=24)
    _expired(cadre_user, course)
    services.completions_expire_reassign(today=TODAY)
    Enrollment.objects.update(status=EnrollmentStatus.CANCELLED)
    assert services.completions_expire_reassign(today=TODAY) == 0
