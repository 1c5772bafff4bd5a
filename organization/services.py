"""Writes for units and cadres. Each service runs in one transaction: it all happens or none of it."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .imports import CadreRow
from .models import Cadre, CadreStatus, Position, PositionAssignment, Unit
from .vnsort import name_sort_key


def _today() -> datetime.date:
    return timezone.localdate()


@transaction.atomic
def cadre_create(*, code: str, full_name: str, unit: Unit, position: Position, start_date=None, **fields) -> Cadre:
    """Create a cadre and open their first position assignment (from `start_date`, default the
    appointment date or today)."""
    start = start_date or fields.get("appointed_on") or _today()
    cadre = Cadre(code=code, full_name=full_name, unit=unit, position=position, **fields)
    cadre.full_clean()
    cadre.save()
    PositionAssignment.objects.create(cadre=cadre, unit=unit, position=position, start_date=start)
    return cadre


@transaction.atomic
def cadre_change_position(
    *, cadre: Cadre, unit: Unit, position: Position, on: datetime.date | None = None, reason: str = "",
    appointed: bool = False,
) -> PositionAssignment:
    """Close the cadre's open assignment the day before `on` and open a new one from `on`.

    The history is never rewritten: earlier assignments keep their unit and position even if the
    unit is later closed or merged. Does nothing (returns the open assignment) when neither the
    unit nor the position changes. `appointed=True` records `on` as the new election/appointment
    date, which drives the newly-elected training deadline.
    """
    on = on or _today()
    if not unit.is_active:
        raise ValidationError(_("Unit %(unit)s is closed and cannot receive cadres.") % {"unit": unit})
    current = cadre.assignments.filter(end_date__isnull=True).order_by("-start_date").first()
    if current and current.unit_id == unit.pk and current.position_id == position.pk:
        return current
    if current:
        if on <= current.start_date:
            raise ValidationError(_("The change date must be after the current assignment's start date."))
        current.end_date = on - datetime.timedelta(days=1)
        current.save(update_fields=["end_date"])
    assignment = PositionAssignment.objects.create(
        cadre=cadre, unit=unit, position=position, start_date=on, reason=reason
    )
    cadre.unit = unit
    cadre.position = position
    update = ["unit", "position", "updated_at"]
    if appointed:
        cadre.appointed_on = on
        update.append("appointed_on")
    cadre.save(update_fields=update)
    return assignment


@transaction.atomic
def cadre_set_status(*, cadre: Cadre, status: str, on: datetime.date | None = None) -> Cadre:
    """Change a cadre's status; leaving inspection work (retired, left) closes the open assignment."""
    on = on or _today()
    if status not in CadreStatus.values:
        raise ValidationError(_("Unknown status."))
    if status in (CadreStatus.RETIRED, CadreStatus.LEFT):
        cadre.assignments.filter(end_date__isnull=True).update(end_date=on)
    cadre.status = status
    cadre.save(update_fields=["status", "updated_at"])
    return cadre


@transaction.atomic
def unit_close(*, unit: Unit, on: datetime.date | None = None) -> Unit:
    """Close a unit. Refused while it still has active cadres or active sub-units."""
    on = on or _today()
    if unit.cadres.filter(status=CadreStatus.ACTIVE).exists():
        raise ValidationError(_("Move or merge the unit's active cadres before closing it."))
    if Unit.objects.filter(path__startswith=unit.path, is_active=True).exclude(pk=unit.pk).exists():
        raise ValidationError(_("Close or merge the unit's sub-units before closing it."))
    unit.is_active = False
    unit.closed_on = on
    unit.save(update_fields=["is_active", "closed_on"])
    return unit


@transaction.atomic
def unit_merge(*, source: Unit, target: Unit, on: datetime.date | None = None) -> Unit:
    """Merge `source` into `target`: its active cadres move to `target` (their history records
    the move), its sub-units move under `target`, and `source` is closed with `merged_into` set,
    so reports for dates before `on` still find it."""
    on = on or _today()
    if source.pk == target.pk:
        raise ValidationError(_("A unit cannot be merged into itself."))
    if target.path.startswith(source.path):
        raise ValidationError(_("A unit cannot be merged into one of its own sub-units."))
    if not target.is_active or not source.is_active:
        raise ValidationError(_("Only active units can be merged."))
    for cadre in source.cadres.filter(status=CadreStatus.ACTIVE).select_related("position"):
        cadre_change_position(
            cadre=cadre, unit=target, position=cadre.position, on=on,
            reason=_("Unit %(source)s merged into %(target)s") % {"source": source.code, "target": target.code},
        )
    for child in list(source.get_children()):
        child.move(Unit.objects.get(pk=target.pk), pos="sorted-child")
    source.refresh_from_db()
    source.is_active = False
    source.closed_on = on
    source.merged_into = target
    source.save(update_fields=["is_active", "closed_on", "merged_into"])
    return source


def _move(*, cadre: Cadre, unit: Unit, position: Position, on: datetime.date, reason: str) -> None:
    """Record a change of unit or position. A second change dated on the very day the open
    assignment began is a correction of that entry (a mistyped unit fixed the same day): the
    entry is replaced rather than leaving a zero-day assignment. Anything else goes through
    cadre_change_position, which never rewrites earlier days."""
    current = cadre.assignments.filter(end_date__isnull=True).order_by("-start_date").first()
    if current is None or current.start_date != on:
        cadre_change_position(cadre=cadre, unit=unit, position=position, on=on, reason=reason)
        return
    if not unit.is_active:
        raise ValidationError(_("Unit %(unit)s is closed and cannot receive cadres.") % {"unit": unit})
    current.delete()
    PositionAssignment.objects.create(
        cadre=cadre, unit=unit, position=position, start_date=on, reason=reason or current.reason
    )
    cadre.unit, cadre.position = unit, position
    cadre.save(update_fields=["unit", "position", "updated_at"])


@transaction.atomic
def cadre_update(
    *, cadre: Cadre, unit: Unit, position: Position, status: str, on: datetime.date | None = None,
    reason: str = "", **fields,
) -> Cadre:
    """Save an edited cadre without rewriting history.

    `fields` (name, dates, grade, …) are set on the cadre as they are. A new unit or position closes
    the open assignment and opens a new one from `on` (cadre_change_position; on the day the open
    assignment began, it corrects that entry instead), a new status goes through cadre_set_status.
    Raises ValidationError (and changes nothing) if the change cannot be recorded, e.g. `on` is
    before the current assignment's start.
    """
    on = on or _today()
    stored = Cadre.objects.select_for_update().get(pk=cadre.pk)
    for name, value in fields.items():
        setattr(stored, name, value)
    stored.full_clean(exclude=["unit", "position", "status"])
    stored.save()
    if (stored.unit_id, stored.position_id) != (unit.pk, position.pk):
        _move(cadre=stored, unit=unit, position=position, on=on, reason=reason)
    if status != stored.status:
        cadre_set_status(cadre=stored, status=status, on=on)
    return stored


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int


@transaction.atomic
def cadre_import(*, rows: Sequence[CadreRow], on: datetime.date | None = None, reason: str = "") -> ImportResult:
    """Write checked import rows (organization.imports.validate_rows) in one transaction.

    A row whose code exists updates that cadre (a unit or position change is recorded as history,
    as in cadre_update; a status change goes through cadre_set_status);
    other rows create cadres with their first assignment (from the appointment date, or `on`).
    Importing the same rows twice changes nothing the second time. Either every row is
    written or, on any error, none is.
    """
    on = on or _today()
    reason = reason or _("Imported from a file")
    codes = [row.code for row in rows]
    existing = {c.code: c for c in Cadre.objects.select_for_update().filter(code__in=codes)}
    units = Unit.objects.in_bulk({row.unit_id for row in rows})
    positions = Position.objects.in_bulk({row.position_id for row in rows})
    created, updated, unchanged = [], 0, 0
    for row in rows:
        cadre = existing.get(row.code)
        unit, position = units[row.unit_id], positions[row.position_id]
        plain = {name: getattr(row, name) for name in CadreRow.PLAIN_FIELDS}
        if cadre is None:
            if not unit.is_active:
                raise ValidationError(_("Unit %(unit)s is closed and cannot receive cadres.") % {"unit": unit})
            cadre = Cadre(code=row.code, unit=unit, position=position, status=row.status or CadreStatus.ACTIVE, **plain)
            cadre.name_sort_key = name_sort_key(cadre.full_name)
            created.append(cadre)
            continue
        changed = [name for name, value in plain.items() if getattr(cadre, name) != value]
        moves = (cadre.unit_id, cadre.position_id) != (unit.pk, position.pk)
        new_status = row.status is not None and row.status != cadre.status
        if not (changed or moves or new_status):
            unchanged += 1
            continue
        for name in changed:
            setattr(cadre, name, plain[name])
        if changed:
            cadre.save(update_fields=[*changed, "updated_at"])
        if moves:
            _move(cadre=cadre, unit=unit, position=position, on=on, reason=reason)
        if new_status:
            cadre_set_status(cadre=cadre, status=row.status, on=on)
        updated += 1
    if created:
        Cadre.objects.bulk_create(created, batch_size=500)
        # One by one, not in bulk: other apps react to a new assignment (post_save), e.g. by
        # assigning the training the position requires.
        for cadre in created:
            PositionAssignment.objects.create(
                cadre=cadre, unit_id=cadre.unit_id, position_id=cadre.position_id,
                start_date=cadre.appointed_on or on, reason=reason,
            )
    return ImportResult(created=len(created), updated=updated, unchanged=unchanged)


# ---------------------------------------------------------------------------------------------
# Rotations (luân chuyển). Every write checks, in this order, and writes nothing on any failure:
# the rotation's own rules (Rotation.clean), the user's scope (a manager: from- or to-unit in
# their subtree), a destination unit open on the start date, and no overlap with the cadre's
# other rotations (the cadre row is locked, so two requests cannot slip past each other).


def _fmt(day: datetime.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def _rotation_check_scope(*, by, rotation) -> None:
    from django.core.exceptions import PermissionDenied

    from .selectors import rotation_units_allowed

    if by is None:
        return
    if not rotation_units_allowed(by, rotation.from_unit, rotation.to_unit):
        raise PermissionDenied(_("You can only record rotations into or out of the units you manage."))


def _rotation_check_destination(rotation) -> None:
    unit = rotation.to_unit
    if unit is None or rotation.start_date is None:
        return
    closed = not unit.is_active and (unit.closed_on is None or unit.closed_on <= rotation.start_date)
    if closed:
        raise ValidationError(
            {"to_unit": _("%(unit)s is closed on %(date)s and cannot receive a rotated cadre.")
             % {"unit": unit.name, "date": _fmt(rotation.start_date)}}
        )


def rotation_overlapping(rotation):
    """The first other (not cancelled) rotation of the same cadre whose dates meet this one's."""
    from .models import Rotation, RotationStatus

    end = rotation.actual_end or rotation.planned_end
    return (
        Rotation.objects.filter(cadre_id=rotation.cadre_id, start_date__lte=end)
        .exclude(pk=rotation.pk)
        .exclude(status=RotationStatus.CANCELLED)
        .filter(Q(actual_end__isnull=False, actual_end__gte=rotation.start_date)
                | Q(actual_end__isnull=True, planned_end__gte=rotation.start_date))
        .order_by("start_date")
        .first()
    )


def _rotation_check_overlap(rotation) -> None:
    Cadre.objects.select_for_update().filter(pk=rotation.cadre_id).first()
    other = rotation_overlapping(rotation)
    if other is not None:
        raise ValidationError(
            _("%(cadre)s already has a rotation from %(start)s to %(end)s (decision %(number)s); "
              "a cadre's rotations cannot overlap.")
            % {"cadre": rotation.cadre.full_name, "start": _fmt(other.start_date), "end": _fmt(other.end_date),
               "number": other.decision_number}
        )


ROTATION_EDITABLE_AFTER_START = {
    "decision_number", "decision_date", "decision_issuer", "legal_basis", "planned_end", "in_succession_plan",
    "years_of_service_left", "equivalent_position", "notes", "decision_file",
}
ROTATION_FIELDS = ROTATION_EDITABLE_AFTER_START | {
    "cadre", "direction", "from_unit", "from_position", "from_post_title", "to_unit", "to_position", "to_post_title",
    "start_date",
}


def _rotation_validate(*, by, rotation) -> None:
    rotation.full_clean(exclude=["decision_file"] if not rotation.decision_file else None)
    _rotation_check_scope(by=by, rotation=rotation)
    _rotation_check_destination(rotation)
    _rotation_check_overlap(rotation)


@transaction.atomic
def rotation_create(*, by, cadre: Cadre, direction: str, start_date: datetime.date, decision_number: str,
                    decision_date: datetime.date, decision_issuer: str, **fields):
    """Record a planned rotation. `fields` are the other Rotation fields (posts, planned end,
    legal basis, QĐ 65 flags, notes, decision file). For a rotation out of or within the sector, the
    from-post defaults to the cadre's current unit and position; the planned end defaults to 36
    months after the start. `by` is the user (None: the system, unscoped).

    Raises ValidationError (wrong posts for the direction, dates out of order, destination unit
    closed on the start date, overlap with another of the cadre's rotations) or PermissionDenied
    (no unit in the manager's subtree); nothing is written then. Nothing else changes until the
    rotation is started (rotation_start).
    """
    from .models import Rotation, RotationDirection

    unknown = set(fields) - ROTATION_FIELDS
    if unknown:
        raise TypeError(f"Unknown rotation fields: {sorted(unknown)}")
    rotation = Rotation(cadre=cadre, direction=direction, start_date=start_date, decision_number=decision_number,
                        decision_date=decision_date, decision_issuer=decision_issuer, **fields)
    if direction in (RotationDirection.OUT, RotationDirection.WITHIN) and not (
        rotation.from_unit_id or rotation.from_position_id
    ):
        rotation.from_unit, rotation.from_position = cadre.unit, cadre.position
    rotation.created_by = by if by is not None and by.is_authenticated else None
    _rotation_validate(by=by, rotation=rotation)
    rotation.save()
    return rotation


@transaction.atomic
def rotation_update(*, by, rotation, **fields):
    """Change a rotation's recorded details. While planned, anything may change (checked as in
    rotation_create); once started, only the decision details, planned end, flags, notes and file,
    since the cadre, posts and start date are already in the position history."""
    from .models import Rotation, RotationStatus

    unknown = set(fields) - ROTATION_FIELDS
    if unknown:
        raise TypeError(f"Unknown rotation fields: {sorted(unknown)}")
    stored = Rotation.objects.select_for_update().get(pk=rotation.pk)
    _rotation_check_scope(by=by, rotation=stored)
    if stored.status != RotationStatus.PLANNED:
        locked = [
            name for name, value in fields.items()
            if name not in ROTATION_EDITABLE_AFTER_START and getattr(stored, name) != value
        ]
        if locked:
            raise ValidationError(
                _("This rotation is %(status)s: its cadre, direction, posts and start date are in the position "
                  "history and can no longer be changed.") % {"status": stored.get_status_display().lower()}
            )
    for name, value in fields.items():
        setattr(stored, name, value)
    if "planned_end" in fields and not fields["planned_end"]:
        stored.planned_end = None  # Rotation.clean restores the 36-month default
    _rotation_validate(by=by, rotation=stored)
    stored.save()
    return stored


_TRANSITION_REFUSED = {
    "in_progress": gettext_lazy("Only a planned rotation can be started; this one is %(status)s."),
    "completed": gettext_lazy("Only a rotation in progress can be completed; this one is %(status)s."),
    "cancelled": gettext_lazy("Only a planned rotation can be cancelled; this one is %(status)s."),
}


def _rotation_lock(rotation, target: str):
    from .models import ROTATION_TRANSITIONS, Rotation

    stored = (
        Rotation.objects.select_for_update(of=("self",))
        .select_related("cadre", "from_unit", "from_position", "to_unit", "to_position")
        .get(pk=rotation.pk)
    )
    if target not in ROTATION_TRANSITIONS[stored.status]:
        raise ValidationError(_TRANSITION_REFUSED[target] % {"status": stored.get_status_display().lower()})
    return stored


def _rotation_reason(rotation, prefix: str) -> str:
    return f"{prefix} ({_('decision')} {rotation.decision_number}, {_fmt(rotation.decision_date)})"[:255]


@dataclass(frozen=True)
class RotationStarted:
    rotation: object
    enrollments: list


@transaction.atomic
def rotation_start(*, by, rotation, today: datetime.date | None = None) -> RotationStarted:
    """Start a planned rotation on its start date (which must have come).

    Into or within the sector: the cadre's history gets the new post from the start date
    (cadre_change_position), the cadre becomes active there, and the courses the post requires are
    assigned with source rule_rotation, due relative to the start (rotation_training_assign; evidence
    already earned stays valid). Out of the sector: the open assignment ends the day before the start
    and the cadre's status becomes rotated. Refused, writing nothing, when the rotation is not
    planned, its start is still to come, the cadre has another rotation in progress, or the
    destination unit is closed.
    """
    from .models import CadreStatus, Rotation, RotationDirection, RotationStatus

    today = today or _today()
    rotation = _rotation_lock(rotation, RotationStatus.IN_PROGRESS)
    _rotation_check_scope(by=by, rotation=rotation)
    if rotation.start_date > today:
        raise ValidationError(
            _("This rotation starts on %(date)s; it can be started from that day on.")
            % {"date": _fmt(rotation.start_date)}
        )
    cadre = Cadre.objects.select_for_update(of=("self",)).select_related("unit", "position").get(pk=rotation.cadre_id)
    running = Rotation.objects.filter(cadre=cadre, status=RotationStatus.IN_PROGRESS).exclude(pk=rotation.pk).first()
    if running is not None:
        raise ValidationError(
            _("%(cadre)s is still on the rotation of decision %(number)s; complete it first.")
            % {"cadre": cadre.full_name, "number": running.decision_number}
        )
    _rotation_check_destination(rotation)
    reason = _rotation_reason(rotation, _("Rotation"))
    enrollments = []
    if rotation.direction == RotationDirection.OUT:
        current = cadre.assignments.filter(end_date__isnull=True).order_by("-start_date").first()
        if current is not None:
            if current.start_date >= rotation.start_date:
                raise ValidationError(
                    _("%(cadre)s's current post began on %(date)s, not before the rotation's start.")
                    % {"cadre": cadre.full_name, "date": _fmt(current.start_date)}
                )
            current.end_date = rotation.start_date - datetime.timedelta(days=1)
            current.save(update_fields=["end_date"])
        cadre.status = CadreStatus.ROTATED
        cadre.save(update_fields=["status", "updated_at"])
    else:
        cadre_change_position(cadre=cadre, unit=rotation.to_unit, position=rotation.to_position,
                              on=rotation.start_date, reason=reason)
        if cadre.status != CadreStatus.ACTIVE:
            cadre.status = CadreStatus.ACTIVE
            cadre.save(update_fields=["status", "updated_at"])
    rotation.status = RotationStatus.IN_PROGRESS
    rotation.save(update_fields=["status", "updated_at"])
    if rotation.direction != RotationDirection.OUT:
        rotation.cadre = cadre
        enrollments = rotation_training_assign(rotation=rotation, today=today)
    return RotationStarted(rotation=rotation, enrollments=enrollments)


def rotation_training_assign(*, rotation, today: datetime.date | None = None) -> list:
    """Assign the courses the rotation's destination post requires (courses' rule assignment,
    source rule_rotation, due `due_days_after_appointment` days after the rotation's start).
    Courses already completed (still valid) or enrolled are skipped, so a second call creates
    nothing; evidence earned before is untouched. Returns the new enrollments ([] without the
    courses app, or for a rotation out of inspection work)."""
    from django.apps import apps

    from .models import RotationDirection

    if rotation.direction == RotationDirection.OUT or not apps.is_installed("courses"):
        return []
    from courses.models import EnrollmentSource
    from courses.services import required_courses_assign

    cadre = Cadre.objects.select_related("unit").get(pk=rotation.cadre_id)
    return required_courses_assign(
        cadre=cadre, position=rotation.to_position, start_date=rotation.start_date,
        source=EnrollmentSource.RULE_ROTATION, today=today or _today(),
    )


@transaction.atomic
def rotation_complete(*, by, rotation, on: datetime.date, unit: Unit | None = None,
                      position: Position | None = None, today: datetime.date | None = None):
    """Complete a rotation in progress: `on` is its last day (actual end, not in the future).

    The cadre's next post starts the day after: the given `unit`/`position` (a new placement), or by
    default the post they left (out of / within the sector: the return). A rotation into inspection
    work without a placement ends the cadre's inspection work (status left); with one, they stay in
    inspection work there. Refused, writing nothing, when the rotation is not in progress, `on` is
    before the start or in the future, it would now overlap another rotation, or the new post's
    unit is closed or outside the manager's units.
    """
    from .models import CadreStatus, RotationDirection, RotationStatus

    today = today or _today()
    rotation = _rotation_lock(rotation, RotationStatus.COMPLETED)
    _rotation_check_scope(by=by, rotation=rotation)
    if on < rotation.start_date:
        raise ValidationError(_("The actual end cannot be before the start date (%(date)s).")
                              % {"date": _fmt(rotation.start_date)})
    if on > today:
        raise ValidationError(_("The actual end cannot be in the future."))
    if (unit is None) != (position is None):
        raise ValidationError(_("Give both the unit and the position of the new placement, or neither."))
    if unit is not None and by is not None:
        from django.core.exceptions import PermissionDenied

        from .selectors import rotation_units_allowed

        if unit.pk not in (rotation.from_unit_id, rotation.to_unit_id) and not rotation_units_allowed(by, unit):
            raise PermissionDenied(_("You can only place cadres in the units you manage."))
    rotation.actual_end = on
    _rotation_check_overlap(rotation)
    cadre = Cadre.objects.select_for_update(of=("self",)).select_related("unit", "position").get(pk=rotation.cadre_id)
    next_day = on + datetime.timedelta(days=1)
    if unit is None and rotation.direction != RotationDirection.INTO:
        unit, position = rotation.from_unit, rotation.from_position
    if unit is not None:
        if not unit.is_active:
            raise ValidationError(
                _("%(unit)s is closed: choose the unit and position of the new placement.") % {"unit": unit.name}
            )
        current = cadre.assignments.filter(end_date__isnull=True).order_by("-start_date").first()
        if current is not None and (current.unit_id, current.position_id) != (unit.pk, position.pk) \
                and current.start_date >= next_day:
            raise ValidationError(
                _("%(cadre)s's current post began on %(date)s; the rotation must end before that.")
                % {"cadre": cadre.full_name, "date": _fmt(current.start_date)}
            )
        cadre_change_position(cadre=cadre, unit=unit, position=position, on=next_day,
                              reason=_rotation_reason(rotation, _("End of rotation")))
        if cadre.status != CadreStatus.ACTIVE:
            cadre.status = CadreStatus.ACTIVE
            cadre.save(update_fields=["status", "updated_at"])
    else:
        cadre.assignments.filter(end_date__isnull=True).update(end_date=on)
        cadre.status = CadreStatus.LEFT
        cadre.save(update_fields=["status", "updated_at"])
    rotation.status = RotationStatus.COMPLETED
    rotation.save(update_fields=["status", "actual_end", "updated_at"])
    return rotation


@transaction.atomic
def rotation_cancel(*, by, rotation, reason: str = ""):
    """Cancel a planned rotation (a started one can only be completed). Nothing else changes; the
    reason is added to the notes."""
    from .models import RotationStatus

    rotation = _rotation_lock(rotation, RotationStatus.CANCELLED)
    _rotation_check_scope(by=by, rotation=rotation)
    rotation.status = RotationStatus.CANCELLED
    update = ["status", "updated_at"]
    if reason.strip():
        note = _("Cancelled on %(date)s: %(reason)s") % {"date": _fmt(_today()), "reason": reason.strip()}
        rotation.notes = f"{rotation.notes}\n{note}".strip()
        update.append("notes")
    rotation.save(update_fields=update)
    return rotation


@dataclass(frozen=True)
class RotationImportResult:
    created: int
    unchanged: int


@transaction.atomic
def rotation_import(*, by, rows) -> RotationImportResult:
    """Write checked rows of a rotation file (organization.rotations.validate_rows) in one
    transaction: every new row or none. The register only: the cadres' current posts and history
    are kept as they are (historical rotations are past; use the cadre import for current posts).
    A row already in the register (same cadre, decision number and start date) is skipped, so a
    second import of the same file writes nothing.

    Every row is checked again against the database as it is now, with the cadres locked (the
    model's rules, scope, destination open on the start date, no overlap with the register or with
    the rows before it), so a change since the preview cannot slip through: ValidationError or
    PermissionDenied naming the row, and nothing written. A fixed number of queries, then one
    bulk insert.
    """
    from django.core.exceptions import PermissionDenied

    from .models import Rotation, RotationStatus
    from .selectors import rotation_units_allowed

    cadres = Cadre.objects.select_for_update().in_bulk({row.cadre_id for row in rows})
    units = Unit.objects.in_bulk({u for row in rows for u in (row.from_unit_id, row.to_unit_id) if u})
    positions = Position.objects.in_bulk({p for row in rows for p in (row.from_position_id, row.to_position_id) if p})
    existing = set()
    spans: dict[int, list[tuple[datetime.date, datetime.date, str]]] = {}
    for cadre_id, number, start, status, planned_end, actual_end in Rotation.objects.filter(
        cadre_id__in=cadres
    ).values_list("cadre_id", "decision_number", "start_date", "status", "planned_end", "actual_end"):
        existing.add((cadre_id, number, start))
        if status != RotationStatus.CANCELLED:
            spans.setdefault(cadre_id, []).append((start, actual_end or planned_end, number))
    created, unchanged = [], 0
    creator = by if by is not None and by.is_authenticated else None
    for row in rows:
        if (row.cadre_id, row.decision_number, row.start_date) in existing:
            unchanged += 1
            continue
        cadre = cadres.get(row.cadre_id)
        rotation = Rotation(
            cadre=cadre, direction=row.direction,
            from_unit=units.get(row.from_unit_id), from_position=positions.get(row.from_position_id),
            from_post_title=row.from_post_title, to_unit=units.get(row.to_unit_id),
            to_position=positions.get(row.to_position_id), to_post_title=row.to_post_title,
            decision_number=row.decision_number, decision_date=row.decision_date,
            decision_issuer=row.decision_issuer, legal_basis=row.legal_basis, start_date=row.start_date,
            planned_end=row.planned_end, actual_end=row.actual_end, status=row.status,
            in_succession_plan=row.in_succession_plan, years_of_service_left=row.years_of_service_left,
            equivalent_position=row.equivalent_position, notes=row.notes, created_by=creator,
        )
        try:
            if cadre is None or (row.from_unit_id and rotation.from_unit is None) or (
                row.to_unit_id and rotation.to_unit is None
            ):
                raise ValidationError(_("A cadre or unit of this row no longer exists."))
            rotation.clean()
            if by is not None and not rotation_units_allowed(by, rotation.from_unit, rotation.to_unit):
                raise PermissionDenied(_("You can only record rotations into or out of the units you manage."))
            _rotation_check_destination(rotation)
            if rotation.status != RotationStatus.CANCELLED:
                end = rotation.end_date
                clash = next((span for span in spans.get(cadre.pk, []) if span[0] <= end and rotation.start_date
                              <= span[1]), None)
                if clash is not None:
                    raise ValidationError(
                        _("%(cadre)s already has a rotation from %(start)s to %(end)s (decision %(number)s); "
                          "a cadre's rotations cannot overlap.")
                        % {"cadre": cadre.full_name, "start": _fmt(clash[0]), "end": _fmt(clash[1]),
                           "number": clash[2]}
                    )
                spans.setdefault(cadre.pk, []).append((rotation.start_date, end, rotation.decision_number))
        except PermissionDenied as exc:
            raise PermissionDenied(_("Row %(row)s: %(error)s") % {"row": row.number, "error": exc}) from exc
        except ValidationError as exc:
            raise ValidationError(
                _("Row %(row)s: %(errors)s") % {"row": row.number, "errors": " ".join(exc.messages)}
            ) from exc
        existing.add((row.cadre_id, row.decision_number, row.start_date))
        created.append(rotation)
    Rotation.objects.bulk_create(created, batch_size=1000)
    return RotationImportResult(created=len(created), unchanged=unchanged)
