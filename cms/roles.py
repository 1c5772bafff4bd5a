"""What each role may do in the cms app (merged into the roles by organization.roles.group_permissions)."""

from organization.roles import ADMINISTRATOR, TRAINER

ROLE_PERMISSIONS = {
    # The official documents' settings (Settings menu): header, numbering symbol, signers, seal.
    ADMINISTRATOR: ("cms.change_officialdocumentsettings", "cms.view_officialdocumentsettings",
                    *(f"cms.{action}_modeldocument" for action in ("add", "change", "delete", "view"))),
    # The model documents library (Snippets › Model documents).
    TRAINER: tuple(f"cms.{action}_modeldocument" for action in ("add", "change", "delete", "view")),
}
