"""Create logins for the cadres of a unit who have none, and write their slips to a PDF."""

import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from organization.accounts import cadre_logins_create
from organization.models import Cadre, Unit
from organization.slips import login_slips_pdf, site_login_url


class Command(BaseCommand):
    help = (
        "Create logins (username = cadre code, one-time password, Cadre role) for the cadres of a unit "
        "and its sub-units who have none, and write the printable slips to --output. Running it again "
        "creates nothing for cadres who have a login. The one-time passwords exist only in that PDF."
    )

    def add_arguments(self, parser):
        parser.add_argument("--unit", required=True, help="code of the unit")
        parser.add_argument("--no-subunits", action="store_true", help="only the unit's own cadres")
        parser.add_argument("--output", required=True, help="where to write the slips PDF (a new file)")
        parser.add_argument("--issued-by", default="", help="username recorded as the one who issued them")

    def handle(self, *args, unit, no_subunits, output, issued_by, **options):
        found = Unit.objects.filter(code=unit).first()
        if found is None:
            raise CommandError(f"No unit with code {unit!r}.")
        path = Path(output)
        if path.exists():
            raise CommandError(f"{path} exists: the command never overwrites a slips file.")
        if not path.parent.is_dir():
            raise CommandError(f"{path.parent} is not a folder.")
        by = None
        if issued_by:
            by = get_user_model().objects.filter(username=issued_by).first()
            if by is None:
                raise CommandError(f"No user {issued_by!r}.")
        cadres = Cadre.objects.filter(unit=found)
        if not no_subunits:
            cadres = Cadre.objects.filter(unit__path__startswith=found.path)
        started = time.perf_counter()
        batch = cadre_logins_create(cadres=cadres, issued_by=by)
        created_in = time.perf_counter() - started
        if batch.issued:
            pdf = login_slips_pdf(batch.issued, login_url=site_login_url())
            path.write_bytes(pdf)
            path.chmod(0o600)
        total = time.perf_counter() - started
        self.stdout.write(
            f"{len(batch.issued)} logins created in {created_in:.1f} s; "
            f"{batch.already_had_login} cadres already had one; "
            f"{batch.left} retired or left; {len(batch.username_taken)} codes already taken as usernames"
            + (f" ({', '.join(batch.username_taken[:10])})" if batch.username_taken else "")
        )
        if batch.issued:
            self.stdout.write(f"Slips: {path} ({path.stat().st_size / 1024:.0f} KB), {total:.1f} s in all.")
        else:
            self.stdout.write("No slips: nobody needed a login.")
