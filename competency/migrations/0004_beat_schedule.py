"""Once wrote the board's recurring jobs into django-celery-beat's PeriodicTask table.

The schedule now lives in settings.CELERY_BEAT_SCHEDULE; courses 0006_beat_schedule_from_settings
replaces the rows this migration created on databases that ran it. It stays in the history (and in
the dependency graph) as a no-op.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("competency", "0003_reminder_log"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]
