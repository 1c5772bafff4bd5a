"""Recompute Cadre.name_sort_key: the key now uses only [a-z0-9] so that every PostgreSQL
collation orders it like byte order (see organization.vnsort)."""

from django.db import migrations


def recompute(apps, schema_editor):
    from organization.vnsort import name_sort_key

    Cadre = apps.get_model("organization", "Cadre")
    batch = []
    for cadre in Cadre.objects.only("pk", "full_name", "name_sort_key").iterator(chunk_size=2000):
        key = name_sort_key(cadre.full_name)
        if key != cadre.name_sort_key:
            cadre.name_sort_key = key
            batch.append(cadre)
        if len(batch) >= 2000:
            Cadre.objects.bulk_update(batch, ["name_sort_key"])
            batch = []
    if batch:
        Cadre.objects.bulk_update(batch, ["name_sort_key"])


class Migration(migrations.Migration):
    dependencies = [("organization", "0002_cadre_import_upload")]

    operations = [migrations.RunPython(recompute, migrations.RunPython.noop)]
