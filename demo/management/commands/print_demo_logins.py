"""`manage.py print_demo_logins`: the demo logins, one per line, as `  <role>: <username> / <password>`."""

from django.core.management.base import BaseCommand

from demo.steps.cms import login_lines


class Command(BaseCommand):
    help = "Print the demo logins created by load_demo."

    def handle(self, *args, **options):
        for line in login_lines():
            self.stdout.write(line)
