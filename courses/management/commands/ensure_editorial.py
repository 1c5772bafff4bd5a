from django.core.management.base import BaseCommand

from courses.editorial import curriculum_grant_editorial, ensure_editorial_setup
from courses.models import CurriculumPage


class Command(BaseCommand):
    help = "Create the curriculum approvers group and workflow; grant editorial permissions on every curriculum."

    def handle(self, *args, **options):
        ensure_editorial_setup()
        count = 0
        for curriculum in CurriculumPage.objects.all():
            curriculum_grant_editorial(curriculum)
            count += 1
        self.stdout.write(f"Editorial permissions set on {count} curricula.")
