"""Permission policies for in-person classes, external training and training plans: Django's model
permissions say what a role may do, the courses selectors which records (organization.permission_policies
explains the pattern)."""

from organization.permission_policies import ScopedModelPermissionPolicy

from .models import ExternalTraining, TrainingClass, TrainingPlan
from .selectors import (
    classes_editable_by,
    classes_visible_to,
    external_editable_by,
    external_visible_to,
    plans_editable_by,
    plans_visible_to,
)

class_permission_policy = ScopedModelPermissionPolicy(
    TrainingClass, visible=classes_visible_to, editable=classes_editable_by)


external_permission_policy = ScopedModelPermissionPolicy(
    ExternalTraining, visible=external_visible_to, editable=external_editable_by)


class PlanPermissionPolicy(ScopedModelPermissionPolicy):
    """Plans are few (one per unit and year), so the ids in the user's scope are read once per request
    (cached on the user object) and the list's per-row buttons cost no query each."""

    def user_has_permission_for_instance(self, user, action, instance):
        if not self.user_has_permission(user, action):
            return False
        cache = user.__dict__.setdefault("_ktlearn_plan_scope", {})
        key = "view" if action == "view" else "edit"
        if key not in cache:
            cache[key] = set(self._scope(user, action).values_list("pk", flat=True))
        return instance.pk in cache[key]


plan_permission_policy = PlanPermissionPolicy(TrainingPlan, visible=plans_visible_to, editable=plans_editable_by)
