"""The five roles, as Django groups. Group names are data shown to staff, so they are Vietnamese."""

from importlib import import_module

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.db.models import Q
from django.utils.module_loading import module_has_submodule

CADRE = "Cán bộ kiểm tra"
TRAINER = "Giảng viên"
UNIT_MANAGER = "Quản lý đơn vị"
BOARD = "Ban Tổ chức"
ADMINISTRATOR = "Quản trị"

ALL_ROLES = (CADRE, TRAINER, UNIT_MANAGER, BOARD, ADMINISTRATOR)


def role_names(user) -> set[str]:
    """Names of the user's groups, cached on the user object for the request."""
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_ktlearn_roles", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._ktlearn_roles = cached
    return cached


def has_role(user, role: str) -> bool:
    return role in role_names(user)


def is_administrator(user) -> bool:
    return user.is_authenticated and (user.is_superuser or has_role(user, ADMINISTRATOR))


def is_board(user) -> bool:
    return has_role(user, BOARD)


def is_unit_manager(user) -> bool:
    return has_role(user, UNIT_MANAGER)


def is_trainer(user) -> bool:
    return has_role(user, TRAINER)


_ORG_MODELS = ("unit", "cadre", "position", "unitlevel", "positionassignment", "userprofile", "importupload")
_ACCESS_ADMIN = "wagtailadmin.access_admin"

# What each role may do in this app, as Django permissions ("app_label.codename"). The organization
# permissions are model-wide; which objects they reach is narrowed by organization.selectors
# (a manager's subtree), see organization.permission_policies. Other apps declare theirs the same
# way, as ROLE_PERMISSIONS in their own `roles` module (see group_permissions).
ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    CADRE: (),
    TRAINER: (_ACCESS_ADMIN,),
    UNIT_MANAGER: (
        _ACCESS_ADMIN,
        "organization.add_cadre",
        "organization.change_cadre",
        "organization.delete_cadre",
        "organization.view_cadre",
        "organization.change_unit",
        "organization.view_unit",
        "organization.view_position",
        "organization.view_unitlevel",
    ),
    BOARD: (
        _ACCESS_ADMIN,
        *(f"organization.view_{model}" for model in ("unit", "cadre", "position", "unitlevel")),
    ),
    ADMINISTRATOR: (
        _ACCESS_ADMIN,
        *(f"organization.{action}_{model}" for model in _ORG_MODELS for action in ("add", "change", "delete", "view")),
        *(f"auth.{action}_{model}" for model in ("user", "group") for action in ("add", "change", "delete", "view")),
    ),
}


def group_permissions() -> dict[str, tuple[str, ...]]:
    """Every installed app's ROLE_PERMISSIONS (this module's and each `<app>.roles` module's), merged
    per role. Apps declare their own grants, so organization depends on none of them."""
    merged: dict[str, list[str]] = {role: list(perms) for role, perms in ROLE_PERMISSIONS.items()}
    for config in apps.get_app_configs():
        if config.name == __package__ or not module_has_submodule(config.module, "roles"):
            continue
        declared = getattr(import_module(f"{config.name}.roles"), "ROLE_PERMISSIONS", {})
        for role, perms in declared.items():
            merged.setdefault(role, []).extend(p for p in perms if p not in merged[role])
    return {role: tuple(perms) for role, perms in merged.items()}


def ensure_groups() -> dict[str, Group]:
    """Create the five groups and grant each the permissions of group_permissions().

    Idempotent: running it again changes nothing. It only adds, so permissions another app
    grants to these groups are kept. Permissions that do not exist yet (an app not migrated)
    are skipped.
    """
    groups = {name: Group.objects.get_or_create(name=name)[0] for name in ALL_ROLES}
    table = group_permissions()
    wanted = {perm for perms in table.values() for perm in perms}
    if not wanted:
        return groups
    lookup = Q()
    for perm in wanted:
        app_label, codename = perm.split(".", 1)
        lookup |= Q(content_type__app_label=app_label, codename=codename)
    found = {
        f"{app_label}.{codename}": pk
        for pk, app_label, codename in Permission.objects.filter(lookup).values_list(
            "pk", "content_type__app_label", "codename"
        )
    }
    for name, perms in table.items():
        ids = [found[perm] for perm in perms if perm in found]
        if ids:
            groups[name].permissions.add(*ids)
    return groups
