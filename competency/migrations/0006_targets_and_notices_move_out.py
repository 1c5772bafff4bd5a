"""Targets, snapshots, board jobs and report schedules move to the targets app, notices and the reminder log to courses: state only, no table is touched."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('competency', '0005_target_required_courses'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.RemoveField(
                    model_name='boardjob',
                    name='requested_by',
                ),
                migrations.RemoveField(
                    model_name='boardjob',
                    name='schedule',
                ),
                migrations.RemoveField(
                    model_name='boardjob',
                    name='target',
                ),
                migrations.RemoveField(
                    model_name='boardjob',
                    name='unit',
                ),
                migrations.RemoveField(
                    model_name='notice',
                    name='user',
                ),
                migrations.DeleteModel(
                    name='ReminderLog',
                ),
                migrations.RemoveField(
                    model_name='reportschedule',
                    name='created_by',
                ),
                migrations.RemoveField(
                    model_name='reportschedule',
                    name='target',
                ),
                migrations.RemoveField(
                    model_name='reportschedule',
                    name='unit',
                ),
                migrations.RemoveField(
                    model_name='rollupsnapshot',
                    name='target',
                ),
                migrations.RemoveField(
                    model_name='rollupsnapshot',
                    name='unit',
                ),
                migrations.RemoveField(
                    model_name='target',
                    name='positions',
                ),
                migrations.RemoveField(
                    model_name='target',
                    name='required_courses',
                ),
                migrations.DeleteModel(
                    name='BoardJob',
                ),
                migrations.DeleteModel(
                    name='Notice',
                ),
                migrations.DeleteModel(
                    name='ReportSchedule',
                ),
                migrations.DeleteModel(
                    name='RollupSnapshot',
                ),
                migrations.DeleteModel(
                    name='Target',
                ),
            ],
        ),
    ]
