"""Wagtail permission policies for units and cadres.

Django's model permissions say what a role may do (a manager may change cadres, the board may
only view); the organization selectors say to which objects (a manager's own subtree). A policy
joins the two, so every admin view and menu asks one object.
"""

from django.db.models import QuerySet
from wagtail.permission_policies import ModelPermissionPolicy

from . import selectors
from .models import Cadre, Unit


class ScopedModelPermissionPolicy(ModelPermissionPolicy):
    """Model permissions narrowed to the objects `visible` / `editable` return for the user."""

    def __init__(self, model, *, visible, editable):
        super().__init__(model)
        self._visible = visible
        self._editable = editable

    def visible_to(self, user) -> QuerySet:
        return self._visible(user)

    def editable_by(self, user) -> QuerySet:
        return self._editable(user)

    def _scope(self, user, action) -> QuerySet:
        return self.visible_to(user) if action == "view" else self.editable_by(user)

    def user_has_permission_for_instance(self, user, action, instance):
        if not self.user_has_permission(user, action):
            return False
        return self._scope(user, action).filter(pk=instance.pk).exists()

    def instances_user_has_any_permission_for(self, user, actions):
        permitted = [action for action in actions if self.user_has_permission(user, action)]
        if not permitted:
            return self.model._default_manager.none()
        return self.visible_to(user) if "view" in permitted else self.editable_by(user)


unit_permission_policy = ScopedModelPermissionPolicy(
    Unit, visible=selectors.units_visible_to, editable=selectors.units_editable_by
)
cadre_permission_policy = ScopedModelPermissionPolicy(
    Cadre, visible=selectors.cadres_visible_to, editable=selectors.cadres_editable_by
)
