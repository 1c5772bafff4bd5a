"""Reads for units and cadres. `units_visible_to` is the one visibility rule every view uses."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from . import roles
from .models import Cadre, CadreStatus, Unit, UserProfile


def managed_unit(user) -> Unit | None:
    """The unit a unit manager is attached to (None for anyone else)."""
    if not user.is_authenticated:
        return None
    cached = getattr(user, "_ktlearn_unit", False)
    if cached is False:
        profile = UserProfile.objects.select_related("unit").filter(user=user).first()
        cached = profile.unit if profile else None
        user._ktlearn_unit = cached
    return cached


def units_visible_to(user) -> QuerySet[Unit]:
    """Units a user may see: everything for administrators and the board, the subtree of a
    manager's unit, nothing for anyone else (a cadre sees their own records, not units)."""
    if roles.is_administrator(user) or roles.is_board(user):
        return Unit.objects.all()
    if roles.is_unit_manager(user):
        unit = managed_unit(user)
        if unit is not None:
            return Unit.objects.filter(path__startswith=unit.path)
    return Unit.objects.none()


def units_editable_by(user) -> QuerySet[Unit]:
    """Units a user may change: administrators all, a manager their subtree, the board none."""
    if roles.is_administrator(user):
        return Unit.objects.all()
    if roles.is_unit_manager(user):
        return units_visible_to(user)
    return Unit.objects.none()


def cadres_visible_to(user) -> QuerySet[Cadre]:
    """Cadres a user may see: all for administrators and the board, a manager's subtree, and
    always the user's own cadre record."""
    if not user.is_authenticated:
        return Cadre.objects.none()
    if roles.is_administrator(user) or roles.is_board(user):
        return Cadre.objects.all()
    condition = Q(user=user)
    unit = managed_unit(user) if roles.is_unit_manager(user) else None
    if unit is not None:
        condition |= Q(unit__path__startswith=unit.path)
    return Cadre.objects.filter(condition)


def cadres_editable_by(user) -> QuerySet[Cadre]:
    if roles.is_administrator(user):
        return Cadre.objects.all()
    if roles.is_unit_manager(user) and managed_unit(user) is not None:
        return Cadre.objects.filter(unit__path__startswith=managed_unit(user).path)
    return Cadre.objects.none()


def cadre_for_user(user) -> Cadre | None:
    if not user.is_authenticated:
        return None
    return Cadre.objects.select_related("unit", "position").filter(user=user).first()


def cadre_list(*, user, search: str = "", unit: Unit | None = None, position=None, status: str = "",
               grade: str = "") -> QuerySet[Cadre]:
    """The filtered cadre list shown and exported: visible to `user`, Vietnamese name order."""
    qs = cadres_visible_to(user).select_related("unit", "position")
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    if position is not None:
        qs = qs.filter(position=position)
    if status:
        qs = qs.filter(status=status)
    if grade:
        qs = qs.filter(grade=grade)
    if search:
        qs = qs.filter(Q(full_name__icontains=search) | Q(code__icontains=search))
    return qs.order_by("name_sort_key", "code")


def units_needing_fulltime_deputy(units: QuerySet[Unit] | None = None) -> QuerySet[Unit]:
    """Active grassroots units with ≥ 300 party members and no active full-time deputy chair."""
    from .models import FULLTIME_DEPUTY_THRESHOLD, GRASSROOTS_KINDS

    units = Unit.objects.all() if units is None else units
    has_deputy = Cadre.objects.filter(
        unit=OuterRef("pk"),
        status=CadreStatus.ACTIVE,
        position__is_deputy_chair=True,
        position__is_fulltime=True,
    )
    return units.filter(
        is_active=True, kind__in=GRASSROOTS_KINDS, party_member_count__gte=FULLTIME_DEPUTY_THRESHOLD
    ).filter(~Exists(has_deputy))
