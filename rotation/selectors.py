"""Reads for rotations and rotation plans, scoped by organization.selectors."""

from dataclasses import dataclass, field

from django.db.models import Q

from courses.models import Completion, CoursePage, Enrollment, EnrollmentStatus
from courses.selectors import valid_completion_q
from lms.audit import AuditScope, entries_about
from organization import roles
from organization.imports import PositionRef
from organization.models import Cadre, Position, Unit
from organization.selectors import managed_unit

from .imports import CadreRef, ExistingRotation, RotationImportContext, RotationUnitRef
from .models import ROTATION_ALERT_DAYS, Rotation, RotationDirection, RotationPlan, RotationPlanLine, RotationStatus

# ---------------------------------------------------------------------------------------------
# Rotations. A rotation belongs to a manager's subtree when its from- or to-unit is in it; the
# board keeps the register for the whole province (it reads units and cadres but writes rotations).


def _rotation_scope(unit: Unit) -> Q:
    return Q(from_unit__path__startswith=unit.path) | Q(to_unit__path__startswith=unit.path)


def rotations_visible_to(user):
    """Rotations a user may see: all for administrators and the board, those into or out of a
    manager's subtree, none for anyone else."""

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

    if roles.is_administrator(user) or roles.is_board(user):
        return RotationPlan.objects.all()
    unit = managed_unit(user) if roles.is_unit_manager(user) else None
    if unit is None:
        return RotationPlan.objects.none()
    return RotationPlan.objects.filter(unit__path__startswith=unit.path)


def rotation_plans_editable_by(user):
    """The board and administrators set the plans; managers read theirs."""

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

    days = ROTATION_ALERT_DAYS if days is None else days
    return rotations.filter(
        status=RotationStatus.IN_PROGRESS, planned_end__gte=on, planned_end__lte=on + datetime.timedelta(days=days)
    ).order_by("planned_end", "id")


def rotations_overdue(rotations, *, on):
    """Rotations still in progress after their planned end: the return is overdue."""

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
    date) or not assigned. Three queries for any number of rotations."""
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
    if not rows:
        return rows

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
    """What the database says about the codes a rotation file names (rotation.imports).
    Five queries whatever the file size; scope follows rotation_units_allowed."""
    from django.utils import timezone


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


def audit_scope(user):
    """Audit entries about rotations and plans a user may read: those they may see (lms.audit)."""

    visible = entries_about(rotations_visible_to(user)) | entries_about(rotation_plans_visible_to(user))
    return AuditScope(models=(Rotation, RotationPlan), visible=visible)


def personal_data(cadre: Cadre) -> list:
    """The cadre's rotations, for their own download (lms.personal_data)."""
    from django.utils.translation import gettext as _

    from lms.personal_data import model_section

    rotations = Rotation.objects.filter(cadre=cadre).select_related("from_unit", "to_unit").order_by("start_date")
    return [model_section(_("Rotations"), rotations, [
        "direction", ("from_unit.name", _("From unit")), ("to_unit.name", _("To unit")), "decision_number",
        "decision_date", "start_date", "planned_end", "actual_end", "status",
    ])]
