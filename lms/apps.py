from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LmsConfig(AppConfig):
    """The project package as an app: it owns the shared infrastructure's tables (the task outbox)."""

    name = "lms"
    verbose_name = _("Platform")
