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


plan_permission_policy = ScopedModelPermissionPolicy(
    TrainingPlan, visible=plans_visible_to, editable=plans_editable_by)
