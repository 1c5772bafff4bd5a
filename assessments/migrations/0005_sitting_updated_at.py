"""The REST API's changes feed: quiz results (sittings) get `updated_at`. The rows that exist get their
end (what the feed filtered on before), or their start for an attempt still open."""

from django.db import migrations, models
from django.db.models import F
from django.db.models.functions import Coalesce


def fill(apps, schema_editor):
    apps.get_model("assessments", "Sitting").objects.update(updated_at=Coalesce(F("end"), F("start")))


class Migration(migrations.Migration):

    dependencies = [
        ('assessments', '0004_quiz_visibility_inline_questions'),
    ]

    operations = [
        migrations.AddField(
            model_name='sitting',
            name='updated_at',
            field=models.DateTimeField(auto_now=True, db_index=True, verbose_name='updated at'),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
