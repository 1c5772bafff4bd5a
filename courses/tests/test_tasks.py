import pytest
from django_celery_beat.models import PeriodicTask

from lms.celery import app

pytestmark = pytest.mark.django_db


def test_nightly_jobs_are_scheduled_for_registered_tasks():
    app.loader.import_default_modules()
    scheduled = dict(PeriodicTask.objects.filter(task__startswith="courses.").values_list("task", "crontab__hour"))
    assert scheduled == {"courses.required_courses_assign_all": "1", "courses.completions_expire": "1",
                         "courses.due_notices_daily": "6"}
    assert set(scheduled) <= set(app.tasks)
