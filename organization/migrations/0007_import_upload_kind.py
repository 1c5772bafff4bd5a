"""CadreImportUpload becomes ImportUpload with a `kind`, since the rotation import keeps its files there too.

RenameModel keeps the table's rows (and Django renames the content type right after it); the permission
codenames follow the new model name here, keeping their primary keys, so the groups and users that held
them still do. An upload already waiting for its confirmation is marked "rotations" when its header names
a rotation-only column (the decision number); uploads live a day, so a guess that misses costs a re-upload.
"""

import io
import unicodedata
import zipfile

from django.db import migrations, models

ACTIONS = ("add", "change", "delete", "view")
# The decision-number column, by key, English label and Vietnamese label: only rotation files have it.
ROTATION_MARKERS = ("decision_number", "decision number", "số quyết định")
# Enough of a file to hold its header row; the upload passed the size and zip-bomb checks when it was stored.
SAMPLE_BYTES = 2_000_000


def _sample(content: bytes) -> str:
    if content.startswith(b"PK"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                parts = [name for name in archive.namelist()
                         if name == "xl/sharedStrings.xml" or name.startswith("xl/worksheets/sheet1")]
                data = b"".join(archive.open(name).read(SAMPLE_BYTES) for name in parts)
        except (zipfile.BadZipFile, OSError, ValueError, KeyError):
            return ""
    else:
        data = content[:SAMPLE_BYTES]
    for encoding in ("utf-8-sig", "cp1258"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        return ""
    return " ".join(unicodedata.normalize("NFC", text).split()).casefold()


def mark_rotation_uploads(apps, schema_editor):
    ImportUpload = apps.get_model("organization", "ImportUpload")
    rotation_ids = [
        upload.pk for upload in ImportUpload.objects.only("pk", "content").iterator()
        if any(marker in _sample(bytes(upload.content)) for marker in ROTATION_MARKERS)
    ]
    ImportUpload.objects.filter(pk__in=rotation_ids).update(kind="rotations")


def _rename_permissions(apps, old: str, new: str, verbose: str):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_types = ContentType.objects.filter(app_label="organization", model__in=(old, new))
    for action in ACTIONS:
        if Permission.objects.filter(content_type__in=content_types, codename=f"{action}_{new}").exists():
            continue
        Permission.objects.filter(content_type__in=content_types, codename=f"{action}_{old}").update(
            codename=f"{action}_{new}", name=f"Can {action} {verbose}"
        )


def rename_permissions(apps, schema_editor):
    _rename_permissions(apps, "cadreimportupload", "importupload", "import upload")


def rename_permissions_back(apps, schema_editor):
    _rename_permissions(apps, "importupload", "cadreimportupload", "cadre import upload")


class Migration(migrations.Migration):
    dependencies = [
        ("organization", "0006_rotation_to_own_app"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        # The table keeps its name (as every moved or renamed model here does), so a database from
        # before keeps every row where it was and nothing outside Django has to follow a rename.
        migrations.AlterModelTable("CadreImportUpload", "organization_cadreimportupload"),
        migrations.RenameModel("CadreImportUpload", "ImportUpload"),
        migrations.AlterModelOptions(
            name="importupload",
            options={"verbose_name": "import upload", "verbose_name_plural": "import uploads"},
        ),
        migrations.AddField(
            model_name="importupload",
            name="kind",
            field=models.CharField(
                choices=[("cadres", "cadres"), ("rotations", "rotations")], default="cadres", max_length=16,
                verbose_name="kind",
            ),
        ),
        migrations.RunPython(mark_rotation_uploads, migrations.RunPython.noop),
        migrations.RunPython(rename_permissions, rename_permissions_back),
    ]
