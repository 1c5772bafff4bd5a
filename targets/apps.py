from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TargetsConfig(AppConfig):
    name = "targets"
    verbose_name = _("Training targets")

    def ready(self):
        from . import freshness, tasks  # noqa: F401  (receivers that mark figures stale; the tasks they queue)
