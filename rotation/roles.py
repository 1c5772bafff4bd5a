"""What each role may do with rotations (merged into the roles by organization.roles.group_permissions)."""

from organization.roles import ADMINISTRATOR, BOARD, UNIT_MANAGER

_ALL = tuple(f"rotation.{action}_{model}" for model in ("rotation", "rotationplan")
             for action in ("add", "change", "delete", "view"))

ROLE_PERMISSIONS = {
    # Rotations into or out of their subtree (rotation.selectors.rotations_visible_to).
    UNIT_MANAGER: ("rotation.add_rotation", "rotation.change_rotation", "rotation.view_rotation",
                   "rotation.view_rotationplan"),
    # The board reads units and cadres but keeps the rotation register and the yearly plans.
    BOARD: _ALL,
    ADMINISTRATOR: _ALL,
}
