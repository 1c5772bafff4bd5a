"""Nightly jobs of the courses app, scheduled in django-celery-beat (DatabaseScheduler):

- 01:30 courses.required_courses_assign_all — assign mandatory courses to every cadre holding a
  target position (catches courses published or retargeted since, and cadres loaded in bulk);
- 01:45 courses.completions_expire — re-assign courses whose completion has expired.

Both tasks are idempotent. Administrators can change the times in the Django admin; reversing
removes the two entries.
"""

from django.db import migrations

JOBS = [
    ("Courses: assign required courses (nightly)", "courses.required_courses_assign_all", "30", "1"),
    ("Courses: re-assign expired completions (nightly)", "courses.completions_expire", "45", "1"),
]


def schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, minute, hour in JOBS:
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=minute, hour=hour, day_of_week="*", day_of_month="*", month_of_year="*",
            timezone="Asia/Ho_Chi_Minh",
        )
        PeriodicTask.objects.update_or_create(name=name, defaults={"task": task, "crontab": crontab, "enabled": True})


def unschedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[name for name, *_ in JOBS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
