from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from lms.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database and the media files into a new folder, with a manifest of counts."

    def add_arguments(self, parser):
        parser.add_argument("--output", help="A new, empty folder (default: backups/<date-time>/).")

    def handle(self, *args, **options):
        output = Path(options["output"] or f"backups/{timezone.localtime():%Y%m%d-%H%M%S}")
        try:
            manifest = backup(output)
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"Backup in {output}: {len(manifest['tables'])} tables, {rows} rows, {manifest['media_files']} media "
            f"files; database {manifest['sizes']['database.dump']} bytes, media {manifest['sizes']['media.tar.gz']} "
            f"bytes; learning records sha256 {manifest['learning_records_sha256'][:16]}…"
        )
