"""settings.CELERY_BEAT_SCHEDULE is the one source of the periodic jobs: migrate writes it into
django-celery-beat's tables (courses 0006), and beat's DatabaseScheduler then finds those rows
instead of adding its own."""

import datetime
import importlib
from unittest import mock

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.utils import timezone
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask
from django_celery_beat.schedulers import DatabaseScheduler

from lms.celery import app

pytestmark = pytest.mark.django_db

migration = importlib.import_module("courses.migrations.0006_beat_schedule_from_settings")


def _assert_each_entry_once():
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        row = PeriodicTask.objects.get(name=name)
        assert PeriodicTask.objects.filter(task=entry["task"]).count() == 1, name
        assert row.task == entry["task"]
        if isinstance(entry["schedule"], crontab):
            assert row.interval is None and row.crontab.schedule == entry["schedule"], name
            assert str(row.crontab.timezone) == settings.CELERY_TIMEZONE
        else:
            assert row.crontab is None, name
            assert datetime.timedelta(**{row.interval.period: row.interval.every}) == datetime.timedelta(
                seconds=entry["schedule"]), name


def test_after_migrate_each_settings_entry_is_scheduled_once_and_none_of_the_old_ones():
    assert len(settings.CELERY_BEAT_SCHEDULE) == 11  # eight jobs, outbox dispatcher, job sweep, figures refresh
    _assert_each_entry_once()
    assert not PeriodicTask.objects.filter(name__in=migration.OLD_NAMES).exists()
    assert PeriodicTask.objects.get(name="courses.required_courses_assign_all").crontab.schedule == crontab(
        minute="30", hour="1")


def test_every_scheduled_task_is_a_registered_task():
    app.loader.import_default_modules()
    assert {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()} <= set(app.tasks)
    assert app.conf.beat_schedule is settings.CELERY_BEAT_SCHEDULE


def test_the_database_scheduler_updates_the_migrated_rows_instead_of_adding_more():
    def rows():
        # celery.backend_cleanup is beat's own default entry (result_expires), not part of our schedule.
        return set(PeriodicTask.objects.exclude(name="celery.backend_cleanup").values_list(
            "pk", "name", "task", "crontab_id", "interval_id", "enabled"))

    before = rows()
    # Beat closes "old" connections between reads, which would break the test's transaction; its
    # finalizer would do the same later, in another test.
    with mock.patch("django_celery_beat.schedulers.close_old_connections"):
        for _start in range(2):  # a restart must not add anything either
            scheduler = DatabaseScheduler(app=app)
            scheduler._finalize.cancel()
            assert set(settings.CELERY_BEAT_SCHEDULE) <= set(scheduler.schedule)
    assert rows() == before
    _assert_each_entry_once()


def test_the_migration_replaces_the_old_rows_and_keeps_their_state():
    from django.apps import apps

    PeriodicTask.objects.filter(name__in=settings.CELERY_BEAT_SCHEDULE).delete()
    every_five, _ = IntervalSchedule.objects.get_or_create(every=5, period=IntervalSchedule.MINUTES)
    nightly, _ = CrontabSchedule.objects.get_or_create(minute="30", hour="1", timezone=settings.CELERY_TIMEZONE)
    ran = timezone.now() - datetime.timedelta(minutes=3)
    PeriodicTask.objects.create(name="Close expired quiz sittings", task="assessments.sittings_close_expired",
                                interval=every_five, enabled=False, last_run_at=ran, total_run_count=12)
    PeriodicTask.objects.create(name="Courses: assign required courses (nightly)",
                                task="courses.required_courses_assign_all", crontab=nightly,
                                last_run_at=ran, total_run_count=3)
    unrelated = PeriodicTask.objects.create(name="probe", task="celery.backend_cleanup", interval=every_five)

    migration.forward(apps, None)
    migration.forward(apps, None)  # idempotent

    _assert_each_entry_once()
    assert not PeriodicTask.objects.filter(name__in=migration.OLD_NAMES).exists()
    sittings = PeriodicTask.objects.get(name="assessments.sittings_close_expired")
    assert (sittings.enabled, sittings.total_run_count) == (False, 12)
    assign = PeriodicTask.objects.get(name="courses.required_courses_assign_all")
    assert (assign.enabled, assign.last_run_at, assign.total_run_count, assign.crontab) == (True, ran, 3, nightly)
    assert PeriodicTask.objects.get(name="competency.reports_monthly").enabled
    assert PeriodicTask.objects.filter(pk=unrelated.pk).exists()
