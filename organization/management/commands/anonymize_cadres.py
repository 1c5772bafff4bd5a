"""Anonymize the cadres who retired or left longer ago than settings.KTLEARN_RETENTION_DAYS (Decree 13/2023)."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from organization.services import cadre_anonymize, cadres_anonymize_due


class Command(BaseCommand):
    help = ("Anonymize the cadres who retired or left more than KTLEARN_RETENTION_DAYS days ago "
            "(names, codes, birth dates, e-mails, files, logins); the figures are unchanged.")

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List the cadres due, change nothing.")
        parser.add_argument("--today", help="The day to count the retention from (YYYY-MM-DD), default today.")
        parser.add_argument("--cadre", action="append", default=[], metavar="CODE",
                            help="Anonymize this retired or departed cadre now, whatever the retention.")

    def handle(self, *args, dry_run=False, today=None, cadre=(), **options):
        from organization.models import Cadre

        try:
            day = datetime.date.fromisoformat(today) if today else None
        except ValueError as exc:
            raise CommandError(f"--today: {exc}") from exc
        if cadre:
            found = {c.code: c for c in Cadre.objects.filter(code__in=cadre)}
            missing = sorted(set(cadre) - set(found))
            if missing:
                raise CommandError(f"Unknown cadre codes: {', '.join(missing)}")
            from django.core.exceptions import ValidationError
            from django.db import transaction

            try:
                with transaction.atomic():  # all the named cadres or none
                    done = [found[code] if dry_run else cadre_anonymize(cadre=found[code]) for code in cadre]
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
        else:
            done = cadres_anonymize_due(today=day, dry_run=dry_run)
        verb = "due" if dry_run else "anonymized"
        for person in done:
            self.stdout.write(f"{person.pk}\t{person.code}")
        self.stdout.write(self.style.SUCCESS(f"{len(done)} cadres {verb}."))
