"""The board's models, taken over from the competency app with their tables (state only)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


MODELS = ('target', 'rollupsnapshot', 'boardjob', 'reportschedule')


def _relabel(apps, source: str, target: str):
    # Permissions and admin log entries point at these content types: relabelling keeps every grant
    # and every history entry.
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label=source, model__in=MODELS).update(app_label=target)


def content_types_forward(apps, schema_editor):
    _relabel(apps, "competency", "targets")


def content_types_backward(apps, schema_editor):
    _relabel(apps, "targets", "competency")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('competency', '0006_targets_and_notices_move_out'),
        ('courses', '0005_notices_from_competency'),
        ('organization', '0006_rotation_to_own_app'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='Target',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('code', models.SlugField(max_length=40, unique=True, verbose_name='code')),
                        ('name', models.CharField(max_length=300, verbose_name='name')),
                        ('description', models.TextField(blank=True, verbose_name='description')),
                        ('period_start', models.DateField(verbose_name='period start')),
                        ('period_end', models.DateField(verbose_name='period end')),
                        ('unit_kinds', models.JSONField(blank=True, default=list, help_text='Empty = every kind of unit', verbose_name='unit kinds')),
                        ('population_at', models.CharField(choices=[('period_end', "Active at the period's end"), ('today', 'Active today')], default='period_end', max_length=12, verbose_name='population counted')),
                        ('criterion', models.CharField(choices=[('trained', 'Trained: completed the required courses or hours in the period'), ('competent', 'Competent: meets every required level of the active framework')], max_length=12, verbose_name='criterion')),
                        ('min_hours', models.DecimalField(blank=True, decimal_places=1, help_text='Trained criterion: hours of training in the period that count as trained.', max_digits=6, null=True, verbose_name='minimum hours')),
                        ('goal_percent', models.PositiveSmallIntegerField(default=100, verbose_name='goal (%)')),
                        ('newly_elected_deadline_days', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='deadline for newly elected members (days)')),
                        ('is_active', models.BooleanField(default=True, verbose_name='active')),
                        ('order', models.PositiveSmallIntegerField(default=0, verbose_name='order')),
                        ('positions', models.ManyToManyField(blank=True, help_text='The positions whose holders the target counts.', related_name='targets', to='organization.position', verbose_name='positions')),
                        ('required_courses', models.ManyToManyField(blank=True, help_text='Trained criterion: completing all of these in the period counts as trained.', related_name='targets', to='courses.coursepage', verbose_name='required courses')),
                    ],
                    options={
                        'verbose_name': 'target',
                        'verbose_name_plural': 'targets',
                        'db_table': 'competency_target',
                        'ordering': ['order', 'period_start', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='ReportSchedule',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('day_of_month', models.PositiveSmallIntegerField(default=1, help_text='1–28, so that every month has that day.', verbose_name='day of the month')),
                        ('is_active', models.BooleanField(default=True, verbose_name='active')),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='organization.unit', verbose_name='unit')),
                        ('target', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='schedules', to='targets.target', verbose_name='target')),
                    ],
                    options={
                        'verbose_name': 'report schedule',
                        'verbose_name_plural': 'report schedules',
                        'db_table': 'competency_reportschedule',
                    },
                ),
                migrations.CreateModel(
                    name='BoardJob',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('snapshot', 'Roll-up snapshot'), ('report', 'Periodic report')], max_length=10, verbose_name='kind')),
                        ('on', models.DateField(verbose_name='as of')),
                        ('status', models.CharField(choices=[('pending', 'Waiting'), ('running', 'Running'), ('done', 'Done'), ('failed', 'Failed')], default='pending', max_length=8, verbose_name='status')),
                        ('progress', models.PositiveSmallIntegerField(default=0, verbose_name='progress (%)')),
                        ('message', models.CharField(blank=True, max_length=300, verbose_name='message')),
                        ('xlsx', models.FileField(blank=True, upload_to='reports/%Y/%m/', verbose_name='Excel file')),
                        ('pdf', models.FileField(blank=True, upload_to='reports/%Y/%m/', verbose_name='PDF file')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('finished_at', models.DateTimeField(blank=True, null=True)),
                        ('requested_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='organization.unit', verbose_name='unit')),
                        ('schedule', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='jobs', to='targets.reportschedule')),
                        ('target', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='jobs', to='targets.target', verbose_name='target')),
                    ],
                    options={
                        'verbose_name': 'board job',
                        'verbose_name_plural': 'board jobs',
                        'db_table': 'competency_boardjob',
                        'ordering': ['-created_at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='RollupSnapshot',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('taken_on', models.DateField(verbose_name='taken on')),
                        ('population', models.PositiveIntegerField(verbose_name='population')),
                        ('met', models.PositiveIntegerField(verbose_name='met')),
                        ('day_index', models.IntegerField()),
                        ('forecast_percent', models.FloatField(blank=True, null=True, verbose_name="forecast at the period's end (%)")),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='rollup_snapshots', to='organization.unit')),
                        ('target', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='snapshots', to='targets.target')),
                    ],
                    options={
                        'verbose_name': 'roll-up snapshot',
                        'verbose_name_plural': 'roll-up snapshots',
                        'db_table': 'competency_rollupsnapshot',
                        'ordering': ['target', 'unit', 'taken_on'],
                        'indexes': [models.Index(fields=['target', 'taken_on'], name='competency__target__46a777_idx')],
                        'constraints': [models.UniqueConstraint(fields=('target', 'unit', 'taken_on'), name='snapshot_unique_per_day')],
                    },
                ),
                migrations.AddConstraint(
                    model_name='reportschedule',
                    constraint=models.UniqueConstraint(fields=('target', 'unit'), name='one_schedule_per_target_unit'),
                ),
            ],
        ),
        migrations.RunPython(content_types_forward, content_types_backward),
    ]
