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

from . import admin_views  # noqa: E402
from .viewsets import OrganizationViewSetGroup, forbidden_as_403  # noqa: E402


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


# --- Rotations ---------------------------------------------------------------------------------

from .models import Rotation, RotationPlan  # noqa: E402
from .rotation_policies import rotation_permission_policy, rotation_plan_permission_policy  # noqa: E402

register_permission_policy(Rotation, rotation_permission_policy, exact_class=True)
register_permission_policy(RotationPlan, rotation_plan_permission_policy, exact_class=True)

from . import rotation_admin  # noqa: E402


@hooks.register("register_admin_viewset")
def register_rotation_viewsets():
    return rotation_admin.RotationViewSetGroup()


@hooks.register("register_admin_urls")
def register_rotation_import_urls():
    return rotation_admin.admin_urls()


class RotationImportMenuItem(MenuItem):
    def is_shown(self, request):
        return rotation_admin.can_import_rotations(request.user)


class RotationOverviewMenuItem(MenuItem):
    def is_shown(self, request):
        return rotation_permission_policy.user_has_permission(request.user, "view")


@hooks.register("register_rotation_menu_item")
def register_rotation_import_menu_item():
    return RotationImportMenuItem(
        _("Import rotations"), reverse("organization_rotation_import"), icon_name="upload", name="rotation-import",
        order=900,
    )


@hooks.register("register_rotation_menu_item")
def register_rotation_overview_menu_item():
    return RotationOverviewMenuItem(
        _("Plan vs done and alerts"), reverse("organization:rotation_overview"), icon_name="doc-full",
        name="rotation-overview", order=910,
    )


@hooks.register("construct_homepage_panels")
def add_rotation_alerts_panel(request, panels):
    if rotation_permission_policy.user_has_permission(request.user, "view"):
        panels.append(rotation_admin.RotationAlertsPanel(request.user))
