"""The commune level of the unit tree since 01/07/2025 (organization.reference_data.LEVELS): the
ward, commune and special-zone Party committees directly under the province, beside the sector
committees ("truc-thuoc-tinh"). A database from before gets the row; an existing one is kept."""

import datetime

from django.db import migrations

ROW = ("xa", "Cấp xã (phường, xã, đặc khu)", 1, datetime.date(2025, 7, 1), None)


def create_level(apps, schema_editor):
    UnitLevel = apps.get_model("organization", "UnitLevel")
    code, name, rank, valid_from, valid_to = ROW
    UnitLevel.objects.get_or_create(code=code, defaults={"name": name, "rank": rank, "valid_from": valid_from,
                                                         "valid_to": valid_to})


class Migration(migrations.Migration):
    dependencies = [("organization", "0012_merge_anonymization_and_accounts")]

    # Reversing keeps the row: units may point at it by then.
    operations = [migrations.RunPython(create_level, migrations.RunPython.noop)]
