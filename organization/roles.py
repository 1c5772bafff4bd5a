"""The five roles, as Django groups. Group names are data shown to staff, so they are Vietnamese."""

from django.contrib.auth.models import Group

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


def ensure_groups() -> dict[str, Group]:
    return {name: Group.objects.get_or_create(name=name)[0] for name in ALL_ROLES}
