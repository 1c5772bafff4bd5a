"""Joins the two branches that both grew from 0006: the reference data and the import upload's kind."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("organization", "0007_reference_data"),
        ("organization", "0007_import_upload_kind"),
    ]

    operations = []
