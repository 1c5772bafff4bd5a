"""The unit levels and the position catalogue (organization.reference_data), which production needs
and which only the demo loader used to create. Idempotent: rows already there (from the demo, or
edited by an administrator) are kept as they are."""

from django.db import migrations


def create_reference_data(apps, schema_editor):
    from organization.reference_data import LEVELS, POSITIONS, level_defaults, position_defaults

    UnitLevel = apps.get_model("organization", "UnitLevel")
    Position = apps.get_model("organization", "Position")
    for row in LEVELS:
        code, defaults = level_defaults(row)
        UnitLevel.objects.get_or_create(code=code, defaults=defaults)
    for row in POSITIONS:
        code, defaults = position_defaults(row)
        Position.objects.get_or_create(code=code, defaults=defaults)


class Migration(migrations.Migration):
    dependencies = [("organization", "0006_rotation_to_own_app")]

    # Reversing keeps the rows: units, cadres and requirements may point at them by then.
    operations = [migrations.RunPython(create_reference_data, migrations.RunPython.noop)]
