"""Reads for units and cadres. `units_visible_to` is the one visibility rule every view uses."""

from django.db.models import BooleanField, Exists, ExpressionWrapper, Max, OuterRef, Q, QuerySet

from lms.audit import AuditScope, cadre_ref, entries_about, entries_about_cadres, entries_of
from lms.queries import unique_row

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


def cadres_followed_by(user) -> QuerySet[Cadre]:
    """The cadres whose training a user follows up (the team view and a cadre's training record): every
    cadre for administrators and the board, a manager's subtree, nobody for anyone else. Unlike
    cadres_visible_to, a user's own record is not part of their team."""
    if roles.is_administrator(user) or roles.is_board(user):
        return Cadre.objects.all()
    if roles.is_unit_manager(user):
        return cadres_editable_by(user)
    return Cadre.objects.none()


def cadre_for_user(user) -> Cadre | None:
    if not user.is_authenticated:
        return None
    return unique_row(Cadre.objects.select_related("unit", "position").filter(user=user))  # one-to-one


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
    """Active units the full-time deputy chair rule names (organization.models.FULLTIME_DEPUTY_RULE:
    every commune, ward or commune-level committee; agency and enterprise committees from 300
    members) with no active full-time deputy chair."""
    units = Unit.objects.all() if units is None else units
    return with_needs_fulltime_deputy(units).filter(needs_fulltime_deputy=True)


def _has_fulltime_deputy():
    return Exists(
        Cadre.objects.filter(
            unit=OuterRef("pk"),
            status=CadreStatus.ACTIVE,
            position__is_deputy_chair=True,
            position__is_fulltime=True,
        )
    )


def with_needs_fulltime_deputy(units: QuerySet[Unit]) -> QuerySet[Unit]:
    """Annotate `needs_fulltime_deputy` (the same rule as units_needing_fulltime_deputy) in the
    same query, so a list of units shows the flag without a query per row."""
    from .models import (
        FULLTIME_DEPUTY_ALWAYS_KINDS,
        FULLTIME_DEPUTY_ALWAYS_LEVELS,
        FULLTIME_DEPUTY_FROM_300_KINDS,
        FULLTIME_DEPUTY_THRESHOLD,
        UnitKind,
    )

    rule = Q(is_active=True) & (
        Q(kind__in=FULLTIME_DEPUTY_ALWAYS_KINDS)
        | Q(kind=UnitKind.BODY, level__code__in=FULLTIME_DEPUTY_ALWAYS_LEVELS)
        | Q(kind__in=FULLTIME_DEPUTY_FROM_300_KINDS, party_member_count__gte=FULLTIME_DEPUTY_THRESHOLD)
    )
    return units.annotate(
        needs_fulltime_deputy=ExpressionWrapper(rule & ~_has_fulltime_deputy(), output_field=BooleanField())
    )


def unit_tree_top(user) -> QuerySet[Unit]:
    """The top of the tree a user sees: the roots for the board and administrators, a manager's
    own unit for a manager."""
    visible = units_visible_to(user)
    if roles.is_administrator(user) or roles.is_board(user):
        return visible.filter(depth=1)
    unit = managed_unit(user)
    return visible.filter(pk=unit.pk) if unit is not None else visible.none()


def unit_children(user, parent: Unit) -> QuerySet[Unit]:
    """The direct sub-units of `parent` that `user` may see."""
    return units_visible_to(user).filter(path__startswith=parent.path, depth=parent.depth + 1)


def unit_ancestors_visible_to(user, unit: Unit) -> list[Unit]:
    """The chain of visible units above `unit`, top first (for breadcrumbs)."""
    steplen = Unit.steplen
    paths = [unit.path[: steplen * depth] for depth in range(1, unit.depth)]
    if not paths:
        return []
    return list(units_visible_to(user).filter(path__in=paths).order_by("depth"))


def units_for_cadre_form(user) -> QuerySet[Unit]:
    """Units a user may put a cadre in: active units they may edit, in tree order."""
    return units_editable_by(user).filter(is_active=True).order_by("path")


def cadre_import_context(*, user, unit_codes, cadre_codes, today=None):
    """What the database says about the codes an import file names, for organization.imports.

    Five queries whatever the file size. Editability comes from units_editable_by and
    cadres_editable_by, so the import follows the same scoping rule as every other view."""
    from django.utils import timezone

    from .imports import ExistingCadre, ImportContext, PositionRef, UnitRef
    from .models import Position

    unit_codes = {c for c in unit_codes if c}
    cadre_codes = {c for c in cadre_codes if c}
    editable_units = set(units_editable_by(user).filter(code__in=unit_codes).values_list("pk", flat=True))
    units = {
        u.code: UnitRef(id=u.pk, code=u.code, name=u.name, is_active=u.is_active, editable=u.pk in editable_units)
        for u in Unit.objects.filter(code__in=unit_codes).only("pk", "code", "name", "is_active")
    }
    positions = [PositionRef(id=p.pk, code=p.code, name=p.name) for p in Position.objects.all()]
    editable_cadres = set(cadres_editable_by(user).filter(code__in=cadre_codes).values_list("pk", flat=True))
    existing = Cadre.objects.filter(code__in=cadre_codes).annotate(
        open_start=Max("assignments__start_date", filter=Q(assignments__end_date__isnull=True))
    )
    cadres = {
        c.code: ExistingCadre(
            id=c.pk, editable=c.pk in editable_cadres, unit_id=c.unit_id, position_id=c.position_id,
            status=c.status, full_name=c.full_name, gender=c.gender, date_of_birth=c.date_of_birth,
            grade=c.grade, theory_level=c.theory_level, appointed_on=c.appointed_on, email=c.email,
            open_assignment_start=c.open_start,
        )
        for c in existing
    }
    return ImportContext(
        units=units, positions=positions, cadres=cadres, can_edit_all_units=roles.is_administrator(user),
        today=today or timezone.localdate(),
    )



def audit_scope(user):
    """Which audit entries (Wagtail's log, lms.audit) about the organization and the cadres' records a
    user may read: administrators all; the board the province's units, cadres, their records and the
    imports; a manager their subtree's units and cadres and those cadres' records (entries carrying
    ``data.cadre_id``, whatever app wrote them) and, like everyone, their own actions (an import
    they confirmed among them; lms.audit)."""

    from .models import ImportUpload, PositionAssignment, UnitPlacement

    models = (Unit, Cadre, PositionAssignment, UnitPlacement, UserProfile, ImportUpload)
    if roles.is_administrator(user):
        return AuditScope(models=models, unrestricted=True)
    cadres = cadres_visible_to(user)
    visible = entries_about(units_visible_to(user)) | entries_about(cadres) | entries_about_cadres(cadres)
    if roles.is_board(user):
        visible |= entries_of(ImportUpload)  # the upload itself is deleted once confirmed
    return AuditScope(models=models, visible=visible)


def cadre_history(cadre: Cadre):
    """The audit entries about a cadre and their training records (enrolments, completions,
    certificates, evidence, external training, sittings, attendance, rotations), newest first."""
    from wagtail.models import ModelLogEntry


    return (
        ModelLogEntry.objects.annotate(audit_cadre=cadre_ref())
        .filter(entries_about(Cadre.objects.filter(pk=cadre.pk)) | Q(audit_cadre=cadre.pk))
        .select_related("user", "content_type")
        .order_by("-timestamp", "-pk")
    )


def personal_data(cadre: Cadre) -> list:
    """The cadre's profile and position history, for their own download (lms.personal_data)."""
    from django.utils.translation import gettext as _
    from django.utils.translation import pgettext

    from lms.personal_data import model_section

    profile = model_section(_("Profile"), [cadre], [
        "code", "full_name", "gender", "date_of_birth", ("unit.name", _("Unit")),
        ("position.name", _("Position")), "grade", "theory_level", "appointed_on", "status", "email",
        ("user.username", pgettext("account", "Login")),
    ], model=Cadre)
    assignments = cadre.assignments.select_related("unit", "position").order_by("start_date")
    history = model_section(_("Position history"), assignments, [
        ("unit.name", _("Unit")), ("position.name", _("Position")), "start_date", "end_date", "reason",
    ])
    return [profile, history]


def cadres_due_for_anonymization(*, today):
    """Cadres who retired or left more than settings.KTLEARN_RETENTION_DAYS ago (the end of their last
    assignment; their last update when they have none) and are not anonymized yet."""
    import datetime

    from django.conf import settings
    from django.db.models.functions import Coalesce, TruncDate

    cutoff = today - datetime.timedelta(days=settings.KTLEARN_RETENTION_DAYS)
    return (
        Cadre.objects.filter(status__in=(CadreStatus.RETIRED, CadreStatus.LEFT), anonymized_at__isnull=True)
        .annotate(left_on=Coalesce(Max("assignments__end_date"), TruncDate("updated_at")))
        .filter(left_on__lt=cutoff)
        .order_by("pk")
    )


def units_for_logins(user) -> QuerySet[Unit]:
    """Units whose cadres `user` may create logins for: an administrator's all, a manager's subtree
    (the units they may edit, as for cadres); the board and everyone else none."""
    return units_editable_by(user).order_by("path")


def cadres_for_logins(*, user, unit: Unit, include_subunits: bool = True) -> QuerySet[Cadre]:
    """The cadres of `unit` (and its sub-units) that `user` may create logins for."""
    cadres = cadres_editable_by(user)
    if include_subunits:
        return cadres.filter(unit__path__startswith=unit.path)
    return cadres.filter(unit=unit)


def login_counts(cadres: QuerySet[Cadre]) -> dict[str, int]:
    """How many of `cadres` have a login, and how many working ones have none (for the page)."""
    from django.db.models import Count

    return cadres.aggregate(
        with_login=Count("pk", filter=Q(user__isnull=False)),
        without_login=Count("pk", filter=Q(user__isnull=True) & ~Q(status__in=(CadreStatus.RETIRED, CadreStatus.LEFT))),
    )


def api_client_for_token(token_hash: str):
    """The usable API client (not revoked, not expired) whose token hashes to `token_hash`, with its
    login primed as a manager of the client's unit (roles and managed unit are what the client's
    creation made them: organization.services.api_client_create), so scoping a request costs one query."""
    from django.utils import timezone

    from .models import ApiClient

    now = timezone.now()
    client = (
        ApiClient.objects.select_related("user", "unit")
        .filter(token_hash=token_hash, revoked_at__isnull=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .first()
    )
    if client is None:
        return None
    client.user._ktlearn_roles = {roles.UNIT_MANAGER}
    client.user._ktlearn_unit = client.unit
    return client


def api_clients_visible_to(user):
    """API clients: administrators only."""
    from .models import ApiClient

    if roles.is_administrator(user):
        return ApiClient.objects.select_related("unit")
    return ApiClient.objects.none()
