from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

_MODELS = ("category", "subcategory", "question", "mcquestion", "answer", "tfquestion", "essayquestion", "quiz",
           "quizblueprint")


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Assessments")

    def ready(self):
        from django.db.models.signals import post_migrate

        post_migrate.connect(_schedule_periodic_tasks, sender=self, dispatch_uid="assessments_periodic_tasks")
        # Trainers and administrators build banks and quizzes: grant them the model permissions through
        # the shared role table (organization.roles.ensure_groups only adds, so this composes).
        from organization import roles

        table = getattr(roles, "GROUP_PERMISSIONS", None)
        if table is None:
            return
        perms = tuple(f"assessments.{action}_{model}" for model in _MODELS
                      for action in ("add", "change", "delete", "view"))
        for role in (roles.TRAINER, roles.ADMINISTRATOR):
            current = tuple(table.get(role, ()))
            table[role] = current + tuple(p for p in perms if p not in current)


def _schedule_periodic_tasks(sender, using="default", **kwargs):
    from .tasks import ensure_periodic_tasks

    ensure_periodic_tasks()
