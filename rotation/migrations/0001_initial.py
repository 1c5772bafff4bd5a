"""The rotation models, taken over from the organization app with their tables (state only)."""


import django.db.models.deletion
import django.utils.timezone
import modelcluster.fields
import rotation.models
from django.conf import settings
from django.db import migrations, models

MODELS = ("rotation", "rotationplan", "rotationplanline", "rotationalertlog")


def _move_content_types(apps, source: str, target: str):
    # Permissions and admin log entries point at these content types: relabelling keeps every grant
    # ("organization.add_rotation" becomes "rotation.add_rotation") and every history entry.
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label=source, model__in=MODELS).update(app_label=target)


def content_types_to_rotation(apps, schema_editor):
    _move_content_types(apps, "organization", "rotation")


def content_types_to_organization(apps, schema_editor):
    _move_content_types(apps, "rotation", "organization")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('organization', '0006_rotation_to_own_app'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='RotationAlertLog',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('key', models.CharField(max_length=120, unique=True)),
                        ('sent_on', models.DateField()),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                    ],
                    options={
                        'verbose_name': 'rotation alert sent',
                        'verbose_name_plural': 'rotation alerts sent',
                        'db_table': 'organization_rotationalertlog',
                    },
                ),
                migrations.CreateModel(
                    name='RotationPlan',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('year', models.PositiveSmallIntegerField(verbose_name='year')),
                        ('notes', models.TextField(blank=True, verbose_name='notes')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='rotation_plans', to='organization.unit', verbose_name='unit')),
                    ],
                    options={
                        'verbose_name': 'rotation plan',
                        'verbose_name_plural': 'rotation plans',
                        'db_table': 'organization_rotationplan',
                        'ordering': ['-year', 'unit__path'],
                    },
                ),
                migrations.CreateModel(
                    name='RotationPlanLine',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('direction', models.CharField(choices=[('into', 'Into inspection work'), ('out', 'Out of inspection work'), ('within', 'Within the inspection sector')], max_length=8, verbose_name='direction')),
                        ('planned_count', models.PositiveSmallIntegerField(verbose_name='planned number')),
                        ('plan', modelcluster.fields.ParentalKey(on_delete=django.db.models.deletion.CASCADE, related_name='lines', to='rotation.rotationplan')),
                        ('position', models.ForeignKey(blank=True, help_text='Empty: any position.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organization.position', verbose_name='position')),
                    ],
                    options={
                        'verbose_name': 'rotation plan line',
                        'verbose_name_plural': 'rotation plan lines',
                        'db_table': 'organization_rotationplanline',
                        'ordering': ['plan', 'direction', 'position__order', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='Rotation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('direction', models.CharField(choices=[('into', 'Into inspection work'), ('out', 'Out of inspection work'), ('within', 'Within the inspection sector')], max_length=8, verbose_name='direction')),
                        ('from_post_title', models.CharField(blank=True, help_text='For a rotation into inspection work: the post held before, e.g. Phó Bí thư Đảng ủy xã.', max_length=255, verbose_name='from post outside inspection')),
                        ('to_post_title', models.CharField(blank=True, help_text='For a rotation out of inspection work: the post taken up, e.g. Phó Chủ tịch UBND phường.', max_length=255, verbose_name='to post outside inspection')),
                        ('decision_number', models.CharField(max_length=64, verbose_name='decision number')),
                        ('decision_date', models.DateField(verbose_name='decision date')),
                        ('decision_issuer', models.CharField(max_length=255, verbose_name='issued by')),
                        ('legal_basis', models.CharField(choices=[('kl23', 'Conclusion 23-KL/TW (2021)'), ('qd65', 'Regulation 65-QĐ/TW (2022)'), ('kl35', 'Conclusion 35-KL/TW (2022)'), ('qd368', 'Regulation 368-QĐ/TW (2025)')], default='qd65', max_length=8, verbose_name='legal basis')),
                        ('start_date', models.DateField(verbose_name='start date')),
                        ('planned_end', models.DateField(blank=True, help_text='Leave empty for the usual 36 months after the start.', verbose_name='planned end')),
                        ('actual_end', models.DateField(blank=True, editable=False, null=True, verbose_name='actual end')),
                        ('status', models.CharField(choices=[('planned', 'Planned'), ('in_progress', 'In progress'), ('completed', 'Completed'), ('cancelled', 'Cancelled')], default='planned', editable=False, max_length=12, verbose_name='status')),
                        ('in_succession_plan', models.BooleanField(default=False, verbose_name='in the succession plan')),
                        ('years_of_service_left', models.PositiveSmallIntegerField(blank=True, help_text='QĐ 65-QĐ/TW expects at least 10 years; fewer is allowed but flagged.', null=True, verbose_name='years of service left')),
                        ('equivalent_position', models.BooleanField(default=False, verbose_name='to an equivalent position')),
                        ('notes', models.TextField(blank=True, verbose_name='notes')),
                        ('decision_file', models.FileField(blank=True, help_text='The signed decision: PDF, Word or a scan (JPEG, PNG), at most 10 MB.', upload_to='rotations/%Y/', validators=[rotation.models.validate_decision_file], verbose_name='decision file')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('cadre', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='rotations', to='organization.cadre', verbose_name='cadre')),
                        ('created_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('from_position', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organization.position', verbose_name='from position')),
                        ('from_unit', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='rotations_out', to='organization.unit', verbose_name='from unit')),
                        ('to_position', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organization.position', verbose_name='to position')),
                        ('to_unit', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='rotations_in', to='organization.unit', verbose_name='to unit')),
                    ],
                    options={
                        'verbose_name': 'rotation',
                        'verbose_name_plural': 'rotations',
                        'db_table': 'organization_rotation',
                        'ordering': ['-start_date', '-id'],
                        'indexes': [models.Index(fields=['cadre', 'start_date'], name='organizatio_cadre_i_3c7b2c_idx'), models.Index(fields=['status', 'planned_end'], name='organizatio_status_f17c97_idx'), models.Index(fields=['direction', 'start_date'], name='organizatio_directi_7a7352_idx'), models.Index(fields=['decision_number'], name='organizatio_decisio_b27248_idx')],
                        'constraints': [models.CheckConstraint(condition=models.Q(('planned_end__gte', models.F('start_date'))), name='rotation_planned_end_after_start'), models.CheckConstraint(condition=models.Q(('actual_end__isnull', True), ('actual_end__gte', models.F('start_date')), _connector='OR'), name='rotation_actual_end_after_start')],
                    },
                ),
                migrations.AddConstraint(
                    model_name='rotationplan',
                    constraint=models.UniqueConstraint(fields=('year', 'unit'), name='rotation_plan_unique_year_unit'),
                ),
            ],
        ),
        migrations.RunPython(content_types_to_rotation, content_types_to_organization),
    ]
