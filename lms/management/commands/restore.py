from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lms.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore a backup into an empty database and media folder, then check it against its manifest."

    def add_arguments(self, parser):
        parser.add_argument("source", help="The backup folder (with manifest.json).")

    def handle(self, *args, **options):
        source = Path(options["source"])
        if not (source / "manifest.json").exists():
            raise CommandError(f"{source} has no manifest.json: not a KTLearn backup.")
        try:
            result = restore(source)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Restored {result['tables']} tables ({result['rows']} rows) and {result['media_files']} "
                          "media files; counts and learning-records checksum match the manifest.")
