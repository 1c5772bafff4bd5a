"""The board's recurring jobs in django-celery-beat's database schedule (editable in the admin)."""

from django.db import migrations

SCHEDULE = (
    # name, task, minute, hour
    ("Ảnh chụp số liệu chỉ tiêu hằng đêm", "competency.rollup_snapshots_nightly", "30", "1"),
    ("Báo cáo định kỳ hằng tháng", "competency.reports_monthly", "0", "5"),
    ("Nhắc hạn bồi dưỡng hằng ngày", "competency.reminders_daily", "0", "7"),
)


def create(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, minute, hour in SCHEDULE:
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=minute, hour=hour, day_of_week="*", day_of_month="*", month_of_year="*",
            timezone="Asia/Ho_Chi_Minh",
        )
        PeriodicTask.objects.get_or_create(name=name, defaults={"task": task, "crontab": crontab})


def remove(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(task__in=[task for _, task, _, _ in SCHEDULE]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("competency", "0003_reminder_log"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
