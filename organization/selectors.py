"""Reads for units and cadres. `units_visible_to` is the one visibility rule every view uses."""

from django.db.models import BooleanField, Exists, ExpressionWrapper, Max, OuterRef, Q, QuerySet

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
    from .models import FULLTIME_DEPUTY_THRESHOLD, GRASSROOTS_KINDS

    rule = Q(is_active=True, kind__in=GRASSROOTS_KINDS, party_member_count__gte=FULLTIME_DEPUTY_THRESHOLD)
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


# ---------------------------------------------------------------------------------------------
# Rotations. A rotation belongs to a manager's subtree when its from- or to-unit is in it; the
# board keeps the register for the whole province (it reads units and cadres but writes rotations).


def _rotation_scope(unit: Unit) -> Q:
    return Q(from_unit__path__startswith=unit.path) | Q(to_unit__path__startswith=unit.path)


def rotations_visible_to(user):
    """Rotations a user may see: all for administrators and the board, those into or out of a
    manager's subtree, none for anyone else."""
    from .models import Rotation

    if roles.is_administrator(user) or roles.is_board(user):
        return Rotation.objects.all()
    unit = managed_unit(user) if roles.is_unit_manager(user) else None
    if unit is None:
        return Rotation.objects.none()
    return Rotation.objects.filter(_rotation_scope(unit))


def rotations_editable_by(user):
    """Rotations a user may record or change: the same as rotations_visible_to (the board and
    administrators all, a manager those touching their subtree)."""
    return rotations_visible_to(user)


def rotation_units_allowed(user, *units) -> bool:
    """May `user` record a rotation between these units (None = outside the tree)? The board and
    administrators anywhere; a manager when at least one of them is in their subtree."""
    if roles.is_administrator(user) or roles.is_board(user):
        return True
    unit = managed_unit(user) if roles.is_unit_manager(user) else None
    if unit is None:
        return False
    return any(u is not None and u.path.startswith(unit.path) for u in units)


def rotation_plans_visible_to(user):
    """Plans of the units a user may see (a manager: plans of units in their subtree)."""
    from .models import RotationPlan

    if roles.is_administrator(user) or roles.is_board(user):
        return RotationPlan.objects.all()
    unit = managed_unit(user) if roles.is_unit_manager(user) else None
    if unit is None:
        return RotationPlan.objects.none()
    return RotationPlan.objects.filter(unit__path__startswith=unit.path)


def rotation_plans_editable_by(user):
    """The board and administrators set the plans; managers read theirs."""
    from .models import RotationPlan

    if roles.is_administrator(user) or roles.is_board(user):
        return RotationPlan.objects.all()
    return RotationPlan.objects.none()


def rotation_list(*, user, year: int | None = None, direction: str = "", status: str = "", unit: Unit | None = None,
                  search: str = ""):
    """The filtered register shown and exported: visible to `user`, newest start first, with the
    cadre, units and positions loaded (no query per row)."""
    qs = rotations_visible_to(user).select_related(
        "cadre", "from_unit", "from_position", "to_unit", "to_position"
    )
    if year:
        qs = qs.filter(start_date__year=year)
    if direction:
        qs = qs.filter(direction=direction)
    if status:
        qs = qs.filter(status=status)
    if unit is not None:
        qs = qs.filter(_rotation_scope(unit))
    if search:
        qs = qs.filter(
            Q(cadre__full_name__icontains=search) | Q(cadre__code__icontains=search)
            | Q(decision_number__icontains=search)
        )
    return qs.order_by("-start_date", "-id")


def rotations_ending_soon(rotations, *, on, days: int | None = None):
    """Rotations in progress whose planned end falls within `days` (default 90) from `on`."""
    import datetime

    from .models import ROTATION_ALERT_DAYS, RotationStatus

    days = ROTATION_ALERT_DAYS if days is None else days
    return rotations.filter(
        status=RotationStatus.IN_PROGRESS, planned_end__gte=on, planned_end__lte=on + datetime.timedelta(days=days)
    ).order_by("planned_end", "id")


def rotations_overdue(rotations, *, on):
    """Rotations still in progress after their planned end: the return is overdue."""
    from .models import RotationStatus

    return rotations.filter(status=RotationStatus.IN_PROGRESS, planned_end__lt=on).order_by("planned_end", "id")


_ROTATION_ROW = ("cadre", "cadre__unit", "from_unit", "from_position", "to_unit", "to_position")


def rotation_alerts(*, user, on) -> dict:
    """What the alert panel, the digest and the overview show: `ending` (within 90 days) and
    `overdue` rotations visible to `user`, rows loaded. Two queries."""
    visible = rotations_visible_to(user).select_related(*_ROTATION_ROW)
    return {"ending": list(rotations_ending_soon(visible, on=on)), "overdue": list(rotations_overdue(visible, on=on))}


def _plan_line_q(plan, line) -> Q:
    """Rotations that carry out `line` of `plan`: started in the plan's year (in progress or
    completed), in the line's direction, arriving in (into / within) or leaving (out of) the plan's
    unit subtree, in the line's position if it names one."""
    import datetime

    from .models import RotationDirection

    q = Q(direction=line.direction, start_date__gte=datetime.date(plan.year, 1, 1),
          start_date__lte=datetime.date(plan.year, 12, 31))
    if line.direction == RotationDirection.OUT:
        q &= Q(from_unit__path__startswith=plan.unit.path)
        if line.position_id:
            q &= Q(from_position_id=line.position_id)
    else:
        q &= Q(to_unit__path__startswith=plan.unit.path)
        if line.position_id:
            q &= Q(to_position_id=line.position_id)
    return q


def rotation_plan_progress(plans) -> dict[int, list]:
    """Plan vs done: for each plan (with `unit` and `lines__position` loaded), its lines as
    (line, done) pairs. Every line of every plan is counted in one query (conditional aggregation)."""
    from django.db.models import Count

    from .models import Rotation, RotationStatus

    plans = list(plans)
    lines = [(plan, line) for plan in plans for line in plan.lines.all()]
    counts = {}
    if lines:
        counts = Rotation.objects.filter(
            status__in=(RotationStatus.IN_PROGRESS, RotationStatus.COMPLETED)
        ).aggregate(**{f"line_{line.pk}": Count("pk", filter=_plan_line_q(plan, line)) for plan, line in lines})
    return {plan.pk: [(line, counts.get(f"line_{line.pk}", 0)) for line in plan.lines.all()] for plan in plans}


def rotation_plans_for_year(*, user, year: int) -> list:
    """The plans of `year` a user may see, each with `progress`: [(line, done), …] and the totals
    `planned_total` / `done_total`. Three queries whatever the number of plans and lines."""
    from django.db.models import Prefetch

    from .models import RotationPlanLine

    plans = list(
        rotation_plans_visible_to(user).filter(year=year).select_related("unit")
        .prefetch_related(Prefetch("lines", queryset=RotationPlanLine.objects.select_related("position")))
        .order_by("unit__path")
    )
    progress = rotation_plan_progress(plans)
    for plan in plans:
        plan.progress = progress[plan.pk]
        plan.planned_total, plan.done_total = rotation_plan_totals(plan.progress)
    return plans


def rotation_plan_totals(progress) -> tuple[int, int]:
    """(planned, done) for a whole plan from its [(line, done), …]. Per direction, a line for any
    position is that direction's total (position lines are a breakdown of it); without one, the
    position lines add up."""
    planned = done = 0
    for direction in {line.direction for line, _done in progress}:
        lines = [(line, n) for line, n in progress if line.direction == direction]
        overall = [(line, n) for line, n in lines if line.position_id is None]
        counted = overall[:1] or lines
        planned += sum(line.planned_count for line, _n in counted)
        done += sum(n for _line, n in counted)
    return planned, done


def rotated_in_training(*, rotations, on) -> list:
    """For each rotation into an inspection post, the training that post requires (the mandatory
    live courses targeting the to-position and the to-unit's kind) and how far the cadre is:
    completed (a valid completion), enrolled (an active enrollment, `overdue` when past its due
    date) or not assigned. Three queries for any number of rotations; empty without the courses app."""
    from dataclasses import dataclass, field

    from django.apps import apps

    @dataclass
    class Training:
        rotation: object
        required: list = field(default_factory=list)
        completed: int = 0
        enrolled: int = 0
        overdue: int = 0

        @property
        def missing(self) -> int:
            return len(self.required) - self.completed - self.enrolled

        @property
        def is_done(self) -> bool:
            return self.completed == len(self.required)

    rotations = list(rotations)
    rows = [Training(rotation=r) for r in rotations]
    if not rows or not apps.is_installed("courses"):
        return rows
    from courses.models import Completion, CoursePage, Enrollment, EnrollmentStatus
    from courses.selectors import valid_completion_q

    position_ids = {r.to_position_id for r in rotations if r.to_position_id}
    through = CoursePage.target_positions.through
    targets = through.objects.filter(
        position_id__in=position_ids, coursepage__live=True, coursepage__mandatory=True
    ).values_list("coursepage_id", "position_id", "coursepage__target_unit_kinds")
    by_position: dict[int, list[tuple[int, list]]] = {}
    for course_id, position_id, kinds in targets:
        by_position.setdefault(position_id, []).append((course_id, kinds or []))
    cadre_ids = {r.cadre_id for r in rotations}
    course_ids = {course_id for courses in by_position.values() for course_id, _kinds in courses}
    done = set(
        Completion.objects.filter(valid_completion_q(on), cadre_id__in=cadre_ids, course_id__in=course_ids)
        .values_list("cadre_id", "course_id")
    )
    active = dict(
        ((cadre_id, course_id), due_on)
        for cadre_id, course_id, due_on in Enrollment.objects.filter(
            status=EnrollmentStatus.ACTIVE, cadre_id__in=cadre_ids, course_id__in=course_ids
        ).values_list("cadre_id", "course_id", "due_on")
    )
    for row in rows:
        rotation = row.rotation
        kind = rotation.to_unit.kind if rotation.to_unit_id else ""
        row.required = [
            course_id for course_id, kinds in by_position.get(rotation.to_position_id, []) if not kinds or kind in kinds
        ]
        for course_id in row.required:
            key = (rotation.cadre_id, course_id)
            if key in done:
                row.completed += 1
            elif key in active:
                row.enrolled += 1
                due = active[key]
                if due is not None and due < on:
                    row.overdue += 1
    return rows


def rotation_overview(*, user, year: int, on) -> dict:
    """Everything /org/rotations/ shows, in a fixed number of queries: the year's plans vs done,
    rotations ending within 90 days, overdue returns, and the cadres rotated into inspection work
    (in progress) with the training their new post requires, those needing attention first."""
    from .models import RotationDirection, RotationStatus

    alerts = rotation_alerts(user=user, on=on)
    rotated_in = (
        rotations_visible_to(user)
        .filter(direction=RotationDirection.INTO, status=RotationStatus.IN_PROGRESS)
        .select_related(*_ROTATION_ROW)
        .order_by("cadre__name_sort_key", "id")
    )
    return {
        "plans": rotation_plans_for_year(user=user, year=year),
        "ending": alerts["ending"],
        "overdue": alerts["overdue"],
        # Those whose training needs attention first: overdue, then not assigned, then unfinished.
        "rotated_in": sorted(
            rotated_in_training(rotations=rotated_in, on=on),
            key=lambda row: (-row.overdue, -row.missing, row.is_done, row.rotation.cadre.name_sort_key),
        ),
    }


def rotation_import_context(*, user, cadre_codes, unit_codes, today=None):
    """What the database says about the codes a rotation file names (organization.rotations).
    Five queries whatever the file size; scope follows rotation_units_allowed."""
    from django.utils import timezone

    from .imports import PositionRef
    from .models import Position, Rotation, RotationStatus
    from .rotations import CadreRef, ExistingRotation, RotationImportContext, RotationUnitRef

    cadre_codes = {c for c in cadre_codes if c}
    unit_codes = {c for c in unit_codes if c}
    cadres = {
        c.code: CadreRef(id=c.pk, code=c.code, full_name=c.full_name)
        for c in Cadre.objects.filter(code__in=cadre_codes).only("pk", "code", "full_name")
    }
    units = {
        u.code: RotationUnitRef(
            id=u.pk, code=u.code, name=u.name, is_active=u.is_active, closed_on=u.closed_on,
            in_scope=rotation_units_allowed(user, u),
        )
        for u in Unit.objects.filter(code__in=unit_codes).only("pk", "code", "name", "path", "is_active", "closed_on")
    }
    positions = [PositionRef(id=p.pk, code=p.code, name=p.name) for p in Position.objects.all()]
    existing: dict[int, list] = {}
    for r in (
        Rotation.objects.filter(cadre_id__in=[c.id for c in cadres.values()])
        .exclude(status=RotationStatus.CANCELLED)
        .only("pk", "cadre_id", "start_date", "planned_end", "actual_end", "decision_number")
    ):
        existing.setdefault(r.cadre_id, []).append(
            ExistingRotation(id=r.pk, start_date=r.start_date, end_date=r.actual_end or r.planned_end,
                             decision_number=r.decision_number)
        )
    return RotationImportContext(
        cadres=cadres, units=units, positions=positions, existing=existing, today=today or timezone.localdate(),
        in_scope_anywhere=roles.is_administrator(user) or roles.is_board(user),
    )
