"""Learning records for the API tests: for each named cadre an enrolment, a completion (with its
certificate), a submitted quiz sitting and an external training."""

import datetime
from decimal import Decimal

from django.utils import timezone

from assessments.models import Sitting
from assessments.tests.builders import quiz
from courses.models import Enrollment, EnrollmentSource, ExternalTraining
from courses.services import completion_record
from courses.tests.builders import course
from tests.factories import UserFactory


def give_records(cadres, *, a_course=None, a_quiz=None):
    a_course = a_course or course(title="Nghiệp vụ kiểm tra")
    a_quiz = a_quiz or quiz()
    for cadre in cadres:
        Enrollment.objects.create(cadre=cadre, course=a_course, source=EnrollmentSource.SELF)
        completion_record(cadre=cadre, course=a_course, completed_on=datetime.date(2026, 5, 4))
        user = cadre.user or UserFactory(username=f"u-{cadre.code.lower()}")
        Sitting.objects.create(user=user, cadre=cadre, quiz=a_quiz, complete=True, current_score=8, max_score=10,
                               passed=True, end=timezone.now())
        ExternalTraining.objects.create(cadre=cadre, course_name="Lớp trung cấp", provider="Trường Chính trị",
                                        hours=Decimal(16), start_on=datetime.date(2026, 1, 5),
                                        end_on=datetime.date(2026, 1, 9))
    return a_course, a_quiz
