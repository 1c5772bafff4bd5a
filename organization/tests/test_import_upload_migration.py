"""organization 0007_import_upload_kind on a database made by the old main: the waiting uploads are kept,
rotation files are told apart from cadre files, and the groups keep the upload permissions they held."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from organization import exports
from organization.models import ImportUpload
from rotation.imports import template_workbook as rotation_template
from tests.factories import UserFactory

# Migrating back to 0006 unapplies both of its 0007 children; reversing the reference data keeps its rows,
# so the schema and rows are the old main's.
OLD = "0006_rotation_to_own_app"


@pytest.mark.django_db(transaction=True)
def test_upgrading_keeps_waiting_uploads_marks_rotation_files_and_keeps_permissions():
    cadre_file, rotation_file = exports.template_workbook(), rotation_template()
    user = UserFactory()
    call_command("migrate", "organization", OLD, verbosity=0)
    try:
        old_apps = MigrationLoader(connection).project_state(("organization", OLD)).apps
        OldUpload = old_apps.get_model("organization", "CadreImportUpload")
        OldUpload.objects.create(token="cadres", user_id=user.pk, filename="can-bo.xlsx", content=cadre_file)
        OldUpload.objects.create(token="rotations", user_id=user.pk, filename="lc.xlsx", content=rotation_file)
        group = Group.objects.create(name="Quản trị thử")
        group.permissions.add(Permission.objects.get(codename="change_cadreimportupload"))
    finally:
        # Every app forward: unapplying 0007 also unapplied the later migrations of other apps that
        # depend on organization (targets' figure sets), which later tests need.
        call_command("migrate", verbosity=0)

    kinds = dict(ImportUpload.objects.values_list("token", "kind"))
    assert kinds == {"cadres": ImportUpload.Kind.CADRES, "rotations": ImportUpload.Kind.ROTATIONS}
    assert bytes(ImportUpload.objects.get(token="rotations").content) == rotation_file
    assert list(group.permissions.values_list("codename", flat=True)) == ["change_importupload"]
    assert not Permission.objects.filter(codename__endswith="_cadreimportupload").exists()
    assert Permission.objects.filter(codename__endswith="_importupload").count() == 4
