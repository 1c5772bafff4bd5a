"""The demo learner's notification centre (the `cadre` login): the unit manager assigns one more course
due in a week (an "assigned" notice), then the day's due notices are written, so the learner's home
page and bell show an overdue course (KT-01, from demo.steps.courses) and one due soon. A `load_demo`
step: idempotent (the assignment is made once; the due notices are once per enrolment and kind)."""

import datetime as dt

from django.contrib.auth import get_user_model

from courses import services
from courses.models import Completion, CoursePage, Enrollment, EnrollmentSource
from courses.notifications import due_notices_create
from demo.steps import organization as organization_demo
from organization.models import Cadre

DUE_IN_DAYS = 7
# The course the manager assigns, the first of these the learner neither follows nor completed.
ASSIGNED_COURSE_CODES = ("KT-04", "KT-05", "KT-06", "KT-07", "KT-10")


def load(*, stdout, rng, today) -> None:
    learner = Cadre.objects.filter(code=organization_demo.LEARNER_CADRE_CODE, user__isnull=False).first()
    manager = get_user_model().objects.filter(username="manager").first()
    if learner is None or manager is None:
        return
    assigned = 0
    if not Enrollment.objects.filter(cadre=learner, source=EnrollmentSource.ASSIGNED, assigned_by=manager).exists():
        taken = set(Enrollment.objects.filter(cadre=learner).values_list("course__code", flat=True)) | set(
            Completion.objects.filter(cadre=learner).values_list("course__code", flat=True))
        course = (CoursePage.objects.live().filter(code__in=ASSIGNED_COURSE_CODES).exclude(code__in=taken)
                  .order_by("code").first())
        if course is not None:
            result = services.enrollment_assign(by=manager, course=course, cadres=[learner],
                                                due_on=today + dt.timedelta(days=DUE_IN_DAYS), today=today)
            assigned = len(result.created)
    written = due_notices_create(on=today)
    stdout.write(f"Demo notices: {assigned} course assigned to the learner, {written['due_soon']} due soon and "
                 f"{written['overdue']} overdue notices.\n")
