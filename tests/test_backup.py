"""Backups: what the manifest records, and what a restore refuses (the full drill on PostgreSQL is
.ci/backup_drill.sh: back up, drop, restore into a new database, compare counts and checksums)."""

import io
import json
import tarfile

import pytest

from lms import backup
from tests.factories import CadreFactory, unit_tree_root


# The backup reads the database from outside any transaction, as the management command does.
@pytest.mark.django_db(transaction=True)
def test_a_backup_records_every_table_and_the_learning_records(tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    (tmp_path / "media" / "reports").mkdir(parents=True)
    (tmp_path / "media" / "reports" / "bao-cao.xlsx").write_bytes(b"PK")
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    (tmp_path / "private" / "evidence").mkdir(parents=True)
    (tmp_path / "private" / "evidence" / "f00d.pdf").write_bytes(b"%PDF-")
    CadreFactory(unit=unit_tree_root())

    manifest = backup.backup(tmp_path / "out")

    saved = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert saved == manifest
    assert manifest["tables"] == backup.table_counts()
    assert manifest["tables"]["organization_cadre"] == 1
    assert manifest["media_files"] == 2  # the public media and the private files
    assert manifest["learning_records_sha256"] == backup.learning_records_checksum()
    with tarfile.open(tmp_path / "out" / "media.tar.gz") as archive:
        assert "media/reports/bao-cao.xlsx" in archive.getnames()
        assert "private-media/evidence/f00d.pdf" in archive.getnames()


def test_the_checksum_changes_when_a_learning_record_changes(db):
    from courses.models import Enrollment, EnrollmentSource
    from courses.tests.builders import course

    cadre = CadreFactory(unit=unit_tree_root())
    enrollment = Enrollment.objects.create(cadre=cadre, course=course(), source=EnrollmentSource.SELF)
    before = backup.learning_records_checksum()
    Enrollment.objects.filter(pk=enrollment.pk).update(source=EnrollmentSource.ASSIGNED)
    assert backup.learning_records_checksum() != before


def test_a_backup_never_writes_into_a_folder_that_holds_something(db, tmp_path):
    (tmp_path / "old.txt").write_text("x")
    with pytest.raises(backup.BackupError, match="not empty"):
        backup.backup(tmp_path)


def test_a_media_archive_with_a_path_out_of_the_folder_is_refused(tmp_path):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        info = tarfile.TarInfo("media/../../etc/cron.d/x")
        info.size = 1
        archive.addfile(info, io.BytesIO(b"x"))
    buffer.seek(0)
    with tarfile.open(fileobj=buffer, mode="r:gz") as archive, pytest.raises(backup.BackupError, match="suspicious"):
        list(backup._safe_members(archive))
