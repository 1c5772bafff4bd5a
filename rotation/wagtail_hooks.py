"""Registers the rotation register, plans, import and alerts panel in the Wagtail admin."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.permissions import register_permission_policy

from .models import Rotation, RotationPlan
from .permission_policies import rotation_permission_policy, rotation_plan_permission_policy

# Registered before the viewsets, so Wagtail never falls back to plain model permissions.
register_permission_policy(Rotation, rotation_permission_policy, exact_class=True)
register_permission_policy(RotationPlan, rotation_plan_permission_policy, exact_class=True)


register_permission_policy(Rotation, rotation_permission_policy, exact_class=True)
register_permission_policy(RotationPlan, rotation_plan_permission_policy, exact_class=True)

from .admin import viewsets as rotation_admin  # noqa: E402


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
        _("Import rotations"), reverse("rotation_import"), icon_name="upload", name="rotation-import",
        order=900,
    )


@hooks.register("register_rotation_menu_item")
def register_rotation_overview_menu_item():
    return RotationOverviewMenuItem(
        _("Plan vs done and alerts"), reverse("rotation:overview"), icon_name="doc-full",
        name="rotation-overview", order=910,
    )


@hooks.register("construct_homepage_panels")
def add_rotation_alerts_panel(request, panels):
    if rotation_permission_policy.user_has_permission(request.user, "view"):
        panels.append(rotation_admin.RotationAlertsPanel(request.user))


@hooks.register("register_audit_scope")
def register_rotation_audit_scope(user):
    from .selectors import audit_scope

    return audit_scope(user)


@hooks.register("register_personal_data")
def register_rotation_personal_data(cadre):
    from .selectors import personal_data

    return personal_data(cadre)
