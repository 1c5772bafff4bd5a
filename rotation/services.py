"""Writes for rotations and rotation plans."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from courses.models import EnrollmentSource
from courses.services import required_courses_assign
from lms.signals import records_batch
from organization.models import Cadre, CadreStatus, Position, Unit
from organization.services import cadre_position_change, import_audit

from .models import ROTATION_TRANSITIONS, Rotation, RotationDirection, RotationStatus
from .selectors import rotation_units_allowed


def _today() -> datetime.date:
    return timezone.localdate()


# ---------------------------------------------------------------------------------------------
# Rotations (luân chuyển). Every write checks, in this order, and writes nothing on any failure:
# the rotation's own rules (Rotation.clean), the user's scope (a manager: from- or to-unit in
# their subtree), a destination unit open on the start date, and no overlap with the cadre's
# other rotations (the cadre row is locked, so two requests cannot slip past each other).


def _fmt(day: datetime.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def _rotation_check_scope(*, by, rotation) -> None:
    from django.core.exceptions import PermissionDenied

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


def rotation_overlap_find(rotation):
    """The first other (not cancelled) rotation of the same cadre whose dates meet this one's."""

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
    other = rotation_overlap_find(rotation)
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
    (cadre_position_change), the cadre becomes active there, and the courses the post requires are
    assigned with source rule_rotation, due relative to the start (rotation_training_assign; evidence
    already earned stays valid). Out of the sector: the open assignment ends the day before the start
    and the cadre's status becomes rotated. Refused, writing nothing, when the rotation is not
    planned, its start is still to come, the cadre has another rotation in progress, or the
    destination unit is closed.
    """

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
        cadre_position_change(cadre=cadre, unit=rotation.to_unit, position=rotation.to_position,
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
    rotation out of inspection work)."""
    if rotation.direction == RotationDirection.OUT:
        return []

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
        cadre_position_change(cadre=cadre, unit=unit, position=position, on=next_day,
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
@records_batch()  # one mark of the board's figures for the whole file
def rotation_import(*, by, rows, upload=None) -> RotationImportResult:
    """Write checked rows of a rotation file (rotation.imports.validate_rows) in one
    transaction: every new row or none. The register only: the cadres' current posts and history
    are kept as they are (historical rotations are past; use the cadre import for current posts).
    A row already in the register (same cadre, decision number and start date) is skipped, so a
    second import of the same file writes nothing.

    Every row is checked again against the database as it is now, with the cadres locked (the
    model's rules, scope, destination open on the start date, no overlap with the register or with
    the rows before it), so a change since the preview cannot slip through: ValidationError or
    PermissionDenied naming the row, and nothing written. A fixed number of queries, then one
    bulk insert. With the `upload` it came from, the import is audited (who, file, rows).
    """
    from django.core.exceptions import PermissionDenied

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
    if upload is not None:
        import_audit(upload=upload, by=by, created=len(created), unchanged=unchanged,
                     codes=[rotation.decision_number for rotation in created])
    return RotationImportResult(created=len(created), unchanged=unchanged)
