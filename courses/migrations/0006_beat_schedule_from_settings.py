"""settings.CELERY_BEAT_SCHEDULE becomes the one definition of the periodic jobs.

Until now three data migrations (courses 0002, competency 0004, organization 0005) and a post_migrate
hook in assessments wrote PeriodicTask rows under names of their own. Beat's DatabaseScheduler writes
the settings entries under their dict keys, so leaving the old rows would run every job twice. This
migration deletes the old rows by their exact names and writes the settings entries the way the
scheduler does (ModelEntry.from_entry: update_or_create by name, schedule rows looked up by value),
so that the admin shows them straight after migrate and beat then updates them instead of adding
more. Whether a job was disabled in the admin, when it last ran and how often are carried over.

Reversing leaves the new rows in place: older code runs whatever enabled rows it finds, so the jobs
keep running.
"""

from celery.schedules import crontab, maybe_schedule
from celery.schedules import schedule as every
from django.conf import settings
from django.db import migrations
from django.utils import timezone

# What the old migrations and the assessments hook created, by their exact names.
OLD_NAMES = (
    "Courses: assign required courses (nightly)",  # courses 0002
    "Courses: re-assign expired completions (nightly)",  # courses 0002
    "Ảnh chụp số liệu chỉ tiêu hằng đêm",  # competency 0004
    "Báo cáo định kỳ hằng tháng",  # competency 0004
    "Nhắc hạn bồi dưỡng hằng ngày",  # competency 0004
    "Cảnh báo luân chuyển sắp hết hạn và quá hạn hằng ngày",  # organization 0005
    "Close expired quiz sittings",  # assessments.tasks.ensure_periodic_tasks (post_migrate)
)


def _schedule_fields(apps, value) -> dict:
    # The same schedule rows DatabaseScheduler picks (CrontabSchedule/IntervalSchedule.from_schedule),
    # so beat finds them rather than creating look-alikes.
    value = maybe_schedule(value)
    fields = {"crontab": None, "interval": None, "solar": None, "clocked": None}
    if isinstance(value, crontab):
        model = apps.get_model("django_celery_beat", "CrontabSchedule")
        spec = {
            "minute": value._orig_minute, "hour": value._orig_hour, "day_of_week": value._orig_day_of_week,
            "day_of_month": value._orig_day_of_month, "month_of_year": value._orig_month_of_year,
            "timezone": value.tz,
        }
        fields["crontab"] = model.objects.filter(**spec).first() or model.objects.create(**spec)
    elif isinstance(value, every):
        model = apps.get_model("django_celery_beat", "IntervalSchedule")
        spec = {"every": max(value.run_every.total_seconds(), 0), "period": "seconds"}
        fields["interval"] = model.objects.filter(**spec).first() or model.objects.create(**spec)
    else:
        raise ValueError(f"CELERY_BEAT_SCHEDULE: no migration support for {value!r}")
    return fields


def forward(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    old = list(PeriodicTask.objects.filter(name__in=OLD_NAMES))
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        replaced = [row for row in old if row.task == entry["task"]]
        runs = [row.last_run_at for row in replaced if row.last_run_at]
        fields = {
            "task": entry["task"], **_schedule_fields(apps, entry["schedule"]),
            "args": "[]", "kwargs": "{}", "queue": None, "exchange": None, "routing_key": None,
            "priority": None, "headers": "{}", "expire_seconds": None,
        }
        enabled = all(row.enabled for row in replaced)
        carried = {
            "enabled": enabled,
            # As PeriodicTask.save() does: a disabled task forgets its last run, so that enabling it
            # again does not fire a catch-up run.
            "last_run_at": max(runs, default=None) if enabled else None,
            "total_run_count": sum(row.total_run_count for row in replaced),
        }
        # create_defaults replaces defaults on creation, hence both; an existing row keeps its state.
        PeriodicTask.objects.update_or_create(name=name, defaults=fields, create_defaults={**fields, **carried})
    PeriodicTask.objects.filter(name__in=OLD_NAMES).delete()
    # Historical models send no signals: bump the change marker so a beat that is running reloads.
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0005_notices_from_competency"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
