"""Permission policies for the rotation register and plans: Django's model permissions say what a
role may do (organization.roles), the rotation selectors to which rotations and plans."""

from organization.permission_policies import ScopedModelPermissionPolicy

from . import selectors
from .models import Rotation, RotationPlan

rotation_permission_policy = ScopedModelPermissionPolicy(
    Rotation, visible=selectors.rotations_visible_to, editable=selectors.rotations_editable_by
)
rotation_plan_permission_policy = ScopedModelPermissionPolicy(
    RotationPlan, visible=selectors.rotation_plans_visible_to, editable=selectors.rotation_plans_editable_by
)
