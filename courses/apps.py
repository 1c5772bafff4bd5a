from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses")

    def ready(self):
        from competency.api import remedy_provider_register

        from . import selectors, signals  # noqa: F401 -- signals connects the receivers

        remedy_provider_register(selectors.courses_building)
