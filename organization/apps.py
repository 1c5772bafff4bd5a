from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from wagtail.users.apps import WagtailUsersAppConfig


class OrganizationConfig(AppConfig):
    default = True  # apps.py also holds UsersAppConfig
    name = "organization"
    verbose_name = _("Organization and cadres")

    def ready(self):
        from . import signals  # noqa: F401  (connects the receivers)
        from .admin import sidebar

        sidebar.install()  # the admin sidebar greets users by their given name


class UsersAppConfig(WagtailUsersAppConfig):
    """Wagtail's users app with KTLearn's users list and forms (role, unit): organization.admin.users.
    Listed in INSTALLED_APPS instead of "wagtail.users"; the app label stays wagtailusers."""

    default = False
    user_viewset = "organization.admin.users.UserViewSet"
