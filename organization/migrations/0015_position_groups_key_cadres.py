"""Position groups, and the key cadres (Bí thư, Phó Bí thư cấp ủy) with their group in the reference
data. Idempotent like 0007: rows already there are kept."""

from django.db import migrations, models


def create_key_cadres(apps, schema_editor):
    from organization.reference_data import POSITION_GROUPS, POSITIONS, position_defaults

    Position = apps.get_model("organization", "Position")
    PositionGroup = apps.get_model("organization", "PositionGroup")
    for row in POSITIONS:
        code, defaults = position_defaults(row)
        Position.objects.get_or_create(code=code, defaults=defaults)
    for code, name, position_codes in POSITION_GROUPS:
        group, created = PositionGroup.objects.get_or_create(code=code, defaults={"name": name})
        if created:
            group.positions.set(Position.objects.filter(code__in=position_codes))


class Migration(migrations.Migration):
    dependencies = [("organization", "0014_merge_api_clients_and_commune_level")]

    operations = [
        migrations.CreateModel(
            name="PositionGroup",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code", models.SlugField(max_length=48, unique=True, verbose_name="code")),
                ("name", models.CharField(max_length=120, verbose_name="name")),
                ("positions", models.ManyToManyField(blank=True, related_name="groups", to="organization.position",
                                                     verbose_name="positions")),
            ],
            options={"verbose_name": "position group", "verbose_name_plural": "position groups",
                     "ordering": ["name"]},
        ),
        # Reversing keeps the rows: cadres and targets may point at them by then.
        migrations.RunPython(create_key_cadres, migrations.RunPython.noop),
    ]
