"""`manage.py load_demo`: build the demo province, its logins and the other apps' demo content.

The load runs a list of *steps*, in order, inside one transaction (a failure leaves nothing).
The contract for a step:

- it is a module-level function ``load(*, stdout, rng, today)`` in the module named in ``STEPS``;
- ``stdout`` is a writable stream for one or two progress lines; ``rng`` is a ``random.Random``
  seeded with 2026 and shared by the steps in order, so the demo data is the same on every machine;
  use it (never the ``random`` module) for every random choice; ``today`` is the ``datetime.date``
  the demo is built on (dates such as "elected this year" are relative to it);
- it is idempotent: a second run creates and changes nothing (look things up by a natural key and
  skip, or get_or_create);
- it may rely on the steps before it: the province and its cadres (``demo.steps.organization``:
  codes ``HD…``, positions by code) and the six logins (``demo.steps.cms.DEMO_LOGINS``: ``trainer``
  authors content, ``cadre`` is the learner).

A step whose module does not exist yet is skipped silently, so a new step can be named here before
its module ``demo/steps/<name>.py`` (with a ``load`` function) is written.

The demo app is installed only by the dev and test settings; production does not know this command.
"""

import importlib
import random
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from demo.steps import organization as organization_demo
from lms.guards import refuse_production_settings
from lms.signals import records_batch

SEED = 2026
ORGANIZATION_STEP = "demo.steps.organization"
STEPS = (
    ORGANIZATION_STEP,
    "demo.steps.cms",
    "demo.steps.courses",
    # After the courses (it tops up their completions with the in-person training since 2020) and
    # before the targets' snapshots (demo.steps.competency).
    "demo.steps.history",
    # The key cadres (Party committee secretaries and deputies) and their training: before the targets.
    "demo.steps.key_cadres",
    # After the history (this year's plans are partly done by its completions): the training providers,
    # their classes and the units' training plans.
    "demo.steps.providers",
    # Before assessments: the quiz banks are linked to the framework's competencies, and passed
    # sittings become competency evidence, only when the framework exists.
    "demo.steps.competency",
    # After the framework: the demo courses' competencies, so a cadre's gap recommends a course.
    "demo.steps.course_competencies",
    "demo.steps.assessments",
    "demo.steps.course_quizzes",
    "demo.steps.rotation",
    # After the targets and the regulations library: the documents to study and their target.
    "demo.steps.study",
    # Last: the learner's notices (an assignment by the manager, the day's due notices).
    "demo.steps.notices",
)


class Command(BaseCommand):
    help = "Load the demo province, its cadres, the demo logins and the demo content (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Run even under production settings (never on real data)."
        )
        parser.add_argument(
            "--grassroots",
            type=int,
            default=organization_demo.DEFAULT_GRASSROOTS,
            help="Number of grassroots committees (default %(default)s; at least 20).",
        )
        parser.add_argument(
            "--cadres",
            type=int,
            default=organization_demo.DEFAULT_CADRES,
            help="Number of cadres (default %(default)s; at least 50).",
        )

    def handle(self, *args, force=False, grassroots, cadres, **options):
        refuse_production_settings(
            "load_demo", "it writes demo users with published passwords", force=force
        )
        if grassroots < organization_demo.MIN_GRASSROOTS:
            raise CommandError(f"--grassroots must be at least {organization_demo.MIN_GRASSROOTS}.")
        if cadres < organization_demo.MIN_CADRES:
            raise CommandError(f"--cadres must be at least {organization_demo.MIN_CADRES}.")
        started = time.monotonic()
        rng = random.Random(SEED)  # noqa: S311 - demo data, not secrets
        today = timezone.localdate()
        # One batch: the board's figures are marked stale and recomputed once, not after each write.
        with transaction.atomic(), records_batch():
            for name in STEPS:
                module = self._import_step(name)
                if module is None:
                    continue
                kwargs = {"grassroots": grassroots, "cadres": cadres} if name == ORGANIZATION_STEP else {}
                step_started = time.monotonic()
                module.load(stdout=self.stdout, rng=rng, today=today, **kwargs)
                self.stdout.write(f"  {name}: {time.monotonic() - step_started:.1f} s")
        self.stdout.write(self.style.SUCCESS(f"Demo loaded in {time.monotonic() - started:.1f} s."))

    @staticmethod
    def _import_step(name: str):
        try:
            return importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                return None
            raise

