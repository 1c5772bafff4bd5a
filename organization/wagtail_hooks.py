from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.permissions import register_permission_policy

from .models import Cadre, Unit
from .permission_policies import cadre_permission_policy, unit_permission_policy

# Registered before the viewsets, so Wagtail never falls back to plain model permissions.
register_permission_policy(Unit, unit_permission_policy, exact_class=True)
register_permission_policy(Cadre, cadre_permission_policy, exact_class=True)

from .admin import api_clients as admin_api_clients  # noqa: E402
from .admin import users as admin_users  # noqa: E402
from .admin import views as admin_views  # noqa: E402
from .admin.scoped import forbidden_as_403  # noqa: E402
from .admin.viewsets import OrganizationViewSetGroup  # noqa: E402


@hooks.register("register_admin_viewset")
def register_organization_viewsets():
    return OrganizationViewSetGroup()


@hooks.register("register_admin_urls")
def register_cadre_import_urls():
    return [
        path(
            "organization/cadre-import/",
            forbidden_as_403(admin_views.CadreImportView.as_view()),
            name="organization_cadre_import",
        ),
        path(
            "organization/cadre-import/template.xlsx",
            forbidden_as_403(admin_views.cadre_import_template),
            name="organization_cadre_import_template",
        ),
        path(
            "organization/users/<int:pk>/two-factor-reset/",
            forbidden_as_403(admin_users.TwoFactorResetView.as_view()),
            name="organization_two_factor_reset",
        ),
        path("organization/api-clients/", forbidden_as_403(admin_api_clients.ApiClientIndexView.as_view()),
             name="organization_api_clients"),
        path("organization/api-clients/add/", forbidden_as_403(admin_api_clients.ApiClientCreateView.as_view()),
             name="organization_api_client_add"),
        path("organization/api-clients/<int:pk>/revoke/",
             forbidden_as_403(admin_api_clients.ApiClientRevokeView.as_view()), name="organization_api_client_revoke"),
        path(
            "organization/cadre-import/<str:token>/",
            forbidden_as_403(admin_views.CadreImportPreviewView.as_view()),
            name="organization_cadre_import_preview",
        ),
    ]


class CadreImportMenuItem(MenuItem):
    def is_shown(self, request):
        return admin_views.can_import(request.user)


@hooks.register("register_organization_menu_item")
def register_cadre_import_menu_item():
    return CadreImportMenuItem(
        _("Import cadres"), reverse("organization_cadre_import"), icon_name="upload", name="cadre-import", order=900
    )


@hooks.register("register_audit_scope")
def register_organization_audit_scope(user):
    from .selectors import audit_scope

    return audit_scope(user)


@hooks.register("register_personal_data")
def register_organization_personal_data(cadre):
    from .selectors import personal_data

    return personal_data(cadre)


@hooks.register("register_log_actions")
def register_account_log_actions(actions):
    from . import accounts

    actions.register_action(accounts.ACCOUNT_CREATED, _("Create login"), _("Login created"))
    actions.register_action(accounts.ACCOUNT_PASSWORD_RESET, _("Reset password"), _("Password reset"))
    actions.register_action(accounts.ACCOUNT_2FA_ENABLED, _("Enable two-factor authentication"),
                            _("Two-factor authentication enabled"))
    actions.register_action(accounts.ACCOUNT_2FA_RESET, _("Reset two-factor authentication"),
                            _("Two-factor authentication reset"))
    actions.register_action(accounts.ACCOUNT_DEACTIVATED, _("Deactivate login"), _("Login deactivated"))


@hooks.register("register_user_listing_buttons")
def register_two_factor_reset_button(user, request_user):
    return admin_users.two_factor_reset_button(user, request_user)


class ApiClientsMenuItem(MenuItem):
    def is_shown(self, request):
        from .roles import is_administrator

        return is_administrator(request.user)


@hooks.register("register_settings_menu_item")
def register_api_clients_menu_item():
    return ApiClientsMenuItem(_("API clients"), reverse("organization_api_clients"), icon_name="key",
                              name="api-clients", order=700)
