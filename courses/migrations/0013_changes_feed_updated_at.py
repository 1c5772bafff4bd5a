"""The REST API's changes feed: completions, certificates and external training get `updated_at`.

The rows that exist get the time they were recorded — what the feed filtered on before (a
completion's and an external training's `created_at`; a certificate's, its completion's, the moment
it was issued) — so a first sync gets them in order and a client that synced before sees nothing
again nor misses anything."""

from django.db import migrations, models
from django.db.models import F, OuterRef, Subquery


def fill(apps, schema_editor):
    Completion = apps.get_model("courses", "Completion")
    Certificate = apps.get_model("courses", "Certificate")
    ExternalTraining = apps.get_model("courses", "ExternalTraining")
    Completion.objects.update(updated_at=F("created_at"))
    ExternalTraining.objects.update(updated_at=F("created_at"))
    Certificate.objects.update(updated_at=Subquery(
        Completion.objects.filter(pk=OuterRef("completion_id")).values("created_at")[:1]))


class Migration(migrations.Migration):

    dependencies = [
        ('courses', '0012_notice_kind_and_calendar_feed'),
    ]

    operations = [
        migrations.AddField(
            model_name='certificate',
            name='updated_at',
            field=models.DateTimeField(auto_now=True, db_index=True, verbose_name='updated at'),
        ),
        migrations.AddField(
            model_name='completion',
            name='updated_at',
            field=models.DateTimeField(auto_now=True, db_index=True, verbose_name='updated at'),
        ),
        migrations.AddField(
            model_name='externaltraining',
            name='updated_at',
            field=models.DateTimeField(auto_now=True, db_index=True, verbose_name='updated at'),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
