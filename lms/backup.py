"""Backup and restore of the whole platform: the database and the media files, with a manifest.

A backup folder holds `database.dump` (PostgreSQL: pg_dump's custom format; SQLite: a consistent
copy of the file), `media.tar.gz` (every uploaded file: documents, images, certificates, reports,
decisions) and `manifest.json`: when, which database, every table's row count and a checksum of the
learning records. `restore` loads both into an empty database and media folder, then recomputes the
counts and the checksum and fails loudly when they differ from the manifest.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection

DUMP = "database.dump"
MEDIA = "media.tar.gz"
PRIVATE = "private-media"  # the private files' folder inside the media archive
MANIFEST = "manifest.json"

# The learning records whose content (every column, not only their number) the checksum covers. Named
# by label: this module imports no app.
LEARNING_MODELS = ("courses.Enrollment", "courses.LessonProgress", "courses.Completion", "courses.Certificate",
                   "assessments.Sitting", "assessments.SittingAnswer", "competency.Evidence")


class BackupError(Exception):
    """A backup or restore that cannot be done or did not give back what was saved."""


def _tables() -> list[str]:
    with connection.cursor() as cursor:
        return sorted(connection.introspection.table_names(cursor))


def table_counts() -> dict[str, int]:
    counts = {}
    with connection.cursor() as cursor:
        for table in _tables():
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts


def learning_records_checksum() -> str:
    """sha256 over every column of the learning records, row by row in id order."""
    digest = hashlib.sha256()
    for label in LEARNING_MODELS:
        model = apps.get_model(label)
        columns = [f.attname for f in model._meta.concrete_fields]
        digest.update(label.encode())
        for row in model._default_manager.order_by("pk").values_list(*columns).iterator(chunk_size=5000):
            digest.update(repr(tuple(str(v) for v in row)).encode())
    return digest.hexdigest()


def _pg_env() -> tuple[dict, list[str]]:
    db = settings.DATABASES["default"]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    args = []
    for flag, key in (("-h", "HOST"), ("-p", "PORT"), ("-U", "USER")):
        if db.get(key):
            args += [flag, str(db[key])]
    return env, args


def _run(command: list[str], env: dict) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[:2000]}")


def backup(output: Path) -> dict:
    """Write a backup into `output` (created; must be empty). Returns the manifest."""
    output.mkdir(parents=True, exist_ok=True)
    if any(output.iterdir()):
        raise BackupError(f"{output} is not empty; give a new folder.")
    db = settings.DATABASES["default"]
    if connection.vendor == "postgresql":
        env, args = _pg_env()
        _run(["pg_dump", "--format=custom", "--no-owner", *args, "-f", str(output / DUMP), db["NAME"]], env)
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(output / DUMP)
        with target:
            connection.connection.backup(target)
        target.close()
    else:
        raise BackupError(f"Backups of {connection.vendor} databases are not supported.")
    media_root = Path(settings.MEDIA_ROOT)
    private_root = Path(settings.PRIVATE_MEDIA_ROOT)
    with tarfile.open(output / MEDIA, "w:gz") as archive:
        if media_root.exists():
            archive.add(media_root, arcname="media")
        if private_root.exists():  # the private files (lms/private_files.py), outside MEDIA_ROOT
            archive.add(private_root, arcname=PRIVATE)
    media_files = _count_files(media_root) + _count_files(private_root)
    manifest = {
        "created_at": datetime.datetime.now(datetime.UTC).isoformat(),
        "database": connection.vendor,
        "tables": table_counts(),
        "learning_records_sha256": learning_records_checksum(),
        "media_files": media_files,
        "sizes": {DUMP: (output / DUMP).stat().st_size, MEDIA: (output / MEDIA).stat().st_size},
    }
    (output / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
    return manifest


def _count_files(root: Path) -> int:
    return sum(1 for p in root.rglob("*") if p.is_file()) if root.exists() else 0


def _safe_members(archive: tarfile.TarFile):
    for member in archive.getmembers():
        path = Path(member.name)
        if path.is_absolute() or ".." in path.parts or not (member.isfile() or member.isdir()):
            raise BackupError(f"Refusing a suspicious path in the media archive: {member.name}")
        yield member


def restore(source: Path) -> dict:
    """Load a backup into the configured (empty) database and media folder, then check it against the
    manifest. Returns {"tables": n, "rows": m, "media_files": k}; raises BackupError on any difference."""
    manifest = json.loads((source / MANIFEST).read_text())
    if manifest["database"] != connection.vendor:
        raise BackupError(f"This backup is of a {manifest['database']} database; this site uses {connection.vendor}.")
    db = settings.DATABASES["default"]
    if connection.vendor == "postgresql":
        if any(t != "spatial_ref_sys" for t in _tables()):
            raise BackupError("The database is not empty: restore into a new database.")
        env, args = _pg_env()
        _run(["pg_restore", "--no-owner", "--exit-on-error", *args, "-d", db["NAME"], str(source / DUMP)], env)
    else:
        connection.close()
        shutil.copyfile(source / DUMP, db["NAME"])
    connection.close()
    media_root = Path(settings.MEDIA_ROOT)
    private_root = Path(settings.PRIVATE_MEDIA_ROOT)
    for root in (media_root, private_root):
        if root.exists() and any(root.iterdir()):
            raise BackupError(f"The media folder {root} is not empty: restore into an empty folder.")
        root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(source / MEDIA, "r:gz") as archive:
        for member in _safe_members(archive):
            top, *parts = Path(member.name).parts  # drop the leading "media/" or "private-media/"
            if not parts:
                continue
            target = (private_root if top == PRIVATE else media_root).joinpath(*parts)
            if member.isdir():
                target.mkdir(parents=True, exist_ok=True)
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                with archive.extractfile(member) as data, open(target, "wb") as out:
                    shutil.copyfileobj(data, out)
    counts = table_counts()
    differences = {t: (n, counts.get(t)) for t, n in manifest["tables"].items() if counts.get(t) != n}
    if differences:
        raise BackupError(f"Row counts differ after the restore (table: saved, restored): {differences}")
    if learning_records_checksum() != manifest["learning_records_sha256"]:
        raise BackupError("The learning records differ from the backup (checksum mismatch).")
    media_files = _count_files(media_root) + _count_files(private_root)
    if media_files != manifest["media_files"]:
        raise BackupError(f"{media_files} media files restored, {manifest['media_files']} saved.")
    return {"tables": len(counts), "rows": sum(counts.values()), "media_files": media_files}
