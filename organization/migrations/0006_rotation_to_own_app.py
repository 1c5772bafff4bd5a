"""Rotations move to their own app (rotation): state only, no table is touched."""


from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('organization', '0005_rotation_alerts_schedule'),
    ]

    # The tables stay where they are (the rotation models keep their db_table); only Django's picture
    # of which app owns them changes. rotation.0001_initial takes them over.
    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.RemoveField(
                    model_name='rotation',
                    name='cadre',
                ),
                migrations.RemoveField(
                    model_name='rotation',
                    name='created_by',
                ),
                migrations.RemoveField(
                    model_name='rotation',
                    name='from_position',
                ),
                migrations.RemoveField(
                    model_name='rotation',
                    name='from_unit',
                ),
                migrations.RemoveField(
                    model_name='rotation',
                    name='to_position',
                ),
                migrations.RemoveField(
                    model_name='rotation',
                    name='to_unit',
                ),
                migrations.DeleteModel(
                    name='RotationAlertLog',
                ),
                migrations.RemoveField(
                    model_name='rotationplan',
                    name='unit',
                ),
                migrations.RemoveField(
                    model_name='rotationplanline',
                    name='plan',
                ),
                migrations.RemoveField(
                    model_name='rotationplanline',
                    name='position',
                ),
                migrations.DeleteModel(
                    name='Rotation',
                ),
                migrations.DeleteModel(
                    name='RotationPlan',
                ),
                migrations.DeleteModel(
                    name='RotationPlanLine',
                ),
            ],
        ),
    ]
