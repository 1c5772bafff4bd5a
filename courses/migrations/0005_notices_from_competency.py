"""Notices and the reminder log, taken over from the competency app with their tables (state only)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


MODELS = ('notice', 'reminderlog')


def _relabel(apps, source: str, target: str):
    # Permissions and admin log entries point at these content types: relabelling keeps every grant
    # and every history entry.
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label=source, model__in=MODELS).update(app_label=target)


def content_types_forward(apps, schema_editor):
    _relabel(apps, "competency", "courses")


def content_types_backward(apps, schema_editor):
    _relabel(apps, "courses", "competency")


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('competency', '0006_targets_and_notices_move_out'),
        ('courses', '0004_training_permissions'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='ReminderLog',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('key', models.CharField(max_length=120, unique=True)),
                        ('sent_on', models.DateField()),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                    ],
                    options={
                        'verbose_name': 'reminder sent',
                        'verbose_name_plural': 'reminders sent',
                        'db_table': 'competency_reminderlog',
                    },
                ),
                migrations.CreateModel(
                    name='Notice',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('key', models.CharField(max_length=120)),
                        ('text', models.TextField(verbose_name='text')),
                        ('url', models.CharField(blank=True, max_length=300, verbose_name='link')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('read_at', models.DateTimeField(blank=True, null=True)),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='ktlearn_notices', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'notice',
                        'verbose_name_plural': 'notices',
                        'db_table': 'competency_notice',
                        'ordering': ['-created_at', '-id'],
                        'constraints': [models.UniqueConstraint(fields=('user', 'key'), name='notice_unique_key')],
                    },
                ),
            ],
        ),
        migrations.RunPython(content_types_forward, content_types_backward),
    ]
