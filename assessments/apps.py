from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Assessments")

    def ready(self):
        from django.db.models.signals import post_migrate

        post_migrate.connect(_schedule_periodic_tasks, sender=self, dispatch_uid="assessments_periodic_tasks")


def _schedule_periodic_tasks(sender, using="default", **kwargs):
    from .tasks import ensure_periodic_tasks

    ensure_periodic_tasks()
