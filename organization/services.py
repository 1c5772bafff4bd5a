"""Writes for units and cadres. Each service runs in one transaction: it all happens or none of it."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.audit import audit_record
from lms.signals import bulk_created, records_batch, records_changed

from .accounts import cadre_login_deactivate
from .imports import CadreRow
from .models import Cadre, CadreStatus, Position, PositionAssignment, Unit, UnitPlacement
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
def cadre_position_change(
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
        current.save(update_fields=["end_date", "updated_at"])
    if appointed:
        # Elected or appointed now: a first term unless the cadre held a committee position before.
        first_term = not cadre.assignments.filter(start_date__lt=on, position__is_committee_member=True).exists()
    else:
        first_term = current.first_term if current else True  # a move keeps the term it is in
    assignment = PositionAssignment.objects.create(
        cadre=cadre, unit=unit, position=position, start_date=on, reason=reason, first_term=first_term
    )
    cadre.unit = unit
    cadre.position = position
    update = ["unit", "position", "updated_at"]
    if appointed:
        cadre.appointed_on = on
        update.append("appointed_on")
    cadre.save(update_fields=update)
    return assignment


def _update_grouped(model, objects, attnames: list[str], *, now) -> None:
    """Write `attnames` and `updated_at` of `objects` with one UPDATE per distinct combination of
    their values (a bulk move: usually the same end date, a few new units), which is much cheaper
    than bulk_update's CASE over every row."""
    groups: dict[tuple, list[int]] = {}
    for obj in objects:
        obj.updated_at = now
        groups.setdefault(tuple(getattr(obj, name) for name in attnames), []).append(obj.pk)
    for values, pks in groups.items():
        for start in range(0, len(pks), 1000):
            model.objects.filter(pk__in=pks[start:start + 1000]).update(**dict(zip(attnames, values, strict=True)),
                                                                         updated_at=now)


@transaction.atomic
@records_batch()  # one mark of the board's figures for the whole write
def cadre_position_changes(*, changes: Sequence[tuple]) -> list[PositionAssignment]:
    """cadre_position_change for many cadres at once (the REST API's bulk), with its rules — the open
    assignment ends the day before `on`, the new one keeps the term it is in, nothing happens when
    neither the unit nor the position changes, a closed unit or a date not after the open
    assignment's start is refused (ValidationError, nothing written) — in a few queries whatever
    the number: the cadres locked and their open assignments read in two, then one UPDATE of the
    ended assignments, one INSERT of the new ones, one UPDATE of the cadres per 500 rows.

    `changes` are (cadre, unit, position, on, reason) tuples in the order they happen; a cadre may
    come more than once, with later dates. Returns the assignments created. Other apps react to
    them as to saved ones (lms.signals.bulk_created: the training the position requires, the
    board's figures)."""
    ids = {change[0].pk for change in changes}
    cadres = {c.pk: c for c in Cadre.objects.select_for_update().filter(pk__in=ids)}
    current: dict[int, PositionAssignment] = {}
    for assignment in PositionAssignment.objects.filter(cadre_id__in=ids, end_date__isnull=True).order_by(
            "cadre_id", "start_date", "id"):
        current[assignment.cadre_id] = assignment  # the latest open one, as cadre_position_change takes it
    ended: dict[int, PositionAssignment] = {}
    created: list[PositionAssignment] = []
    moved: dict[int, Cadre] = {}
    for cadre_ref, unit, position, on, reason in changes:
        cadre = cadres[cadre_ref.pk]
        if not unit.is_active:
            raise ValidationError(_("Unit %(unit)s is closed and cannot receive cadres.") % {"unit": unit})
        open_one = current.get(cadre.pk)
        if open_one and open_one.unit_id == unit.pk and open_one.position_id == position.pk:
            continue
        if open_one:
            if on <= open_one.start_date:
                raise ValidationError(_("The change date must be after the current assignment's start date."))
            open_one.end_date = on - datetime.timedelta(days=1)
            if open_one.pk:
                ended[open_one.pk] = open_one
        new = PositionAssignment(cadre=cadre, unit=unit, position=position, start_date=on, reason=reason,
                                 first_term=open_one.first_term if open_one else True)
        created.append(new)
        current[cadre.pk] = new
        cadre.unit, cadre.position = unit, position
        moved[cadre.pk] = cadre
    now = timezone.now()
    _update_grouped(PositionAssignment, ended.values(), ["end_date"], now=now)
    PositionAssignment.objects.bulk_create(created, batch_size=500)
    _update_grouped(Cadre, moved.values(), ["unit_id", "position_id"], now=now)
    if ended:  # as the post_save of each ended assignment would have marked: from its start
        records_changed.send(sender=PositionAssignment, on=min(a.start_date for a in ended.values()),
                             target_ids=None)
    bulk_created.send(sender=PositionAssignment, instances=created)
    return created


@transaction.atomic
def cadre_status_set(*, cadre: Cadre, status: str, on: datetime.date | None = None, by=None) -> Cadre:
    """Change a cadre's status; leaving inspection work (retired, left) closes the open assignment
    and the cadre's login (organization.accounts.cadre_login_deactivate, logged; their records stay).
    A move or a rotation keeps the login. Coming back does not re-open a login: an administrator does."""
    on = on or _today()
    if status not in CadreStatus.values:
        raise ValidationError(_("Unknown status."))
    cadre.status = status
    if status in (CadreStatus.RETIRED, CadreStatus.LEFT):
        cadre.assignments.filter(end_date__isnull=True).update(end_date=on, updated_at=timezone.now())
        cadre_login_deactivate(cadre=cadre, by=by)
    cadre.save(update_fields=["status", "updated_at"])
    # The population counts open assignments of active cadres: every day of the open one changes.
    first = cadre.assignments.order_by("start_date").values_list("start_date", flat=True).first()
    records_changed.send(sender=Cadre, on=min(first or on, on), target_ids=None)
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
    unit.save(update_fields=["is_active", "closed_on", "updated_at"])
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
        cadre_position_change(
            cadre=cadre, unit=target, position=cadre.position, on=on,
            reason=_("Unit %(source)s merged into %(target)s") % {"source": source.code, "target": target.code},
        )
    for child in list(source.get_children()):
        unit_move(unit=child, parent=Unit.objects.get(pk=target.pk), on=on)
    source.refresh_from_db()
    source.is_active = False
    source.closed_on = on
    source.merged_into = target
    source.save(update_fields=["is_active", "closed_on", "merged_into", "updated_at"])
    return source


def _parent_id(unit: Unit) -> int | None:
    parent = unit.get_parent()
    return parent.pk if parent else None


def unit_placement_record(unit: Unit) -> UnitPlacement | None:
    """Record the parent of a unit just added to the tree (called on its creation). It has been there
    'always', so reports of earlier dates find it with its cadres' history."""
    if unit.placements.exists():
        return None
    return UnitPlacement.objects.create(unit=unit, parent_id=_parent_id(unit), valid_from=None)


@transaction.atomic
def unit_move(*, unit: Unit, parent: Unit, on: datetime.date | None = None) -> Unit:
    """Move `unit` (with its sub-units) under `parent` from `on`. The tree shows the new place; the
    placements keep the old parent until the day before `on`, so figures for earlier dates still
    count the unit (and its cadres) under its old parent. Refused into its own subtree or a closed unit."""
    on = on or _today()
    unit = Unit.objects.get(pk=unit.pk)
    parent = Unit.objects.get(pk=parent.pk)
    if parent.path.startswith(unit.path):
        raise ValidationError(_("A unit cannot be moved under itself or one of its own sub-units."))
    if not parent.is_active:
        raise ValidationError(_("Unit %(unit)s is closed and cannot receive sub-units.") % {"unit": parent})
    old_parent = _parent_id(unit)
    if old_parent == parent.pk:
        return unit
    if not unit.placements.exists():  # from before placements were recorded: there since always
        UnitPlacement.objects.create(unit=unit, parent_id=old_parent, valid_from=None)
    open_rows = unit.placements.filter(valid_to__isnull=True)
    open_rows.filter(valid_from=on).delete()  # a second move the same day corrects the first
    open_rows.filter(Q(valid_from__lt=on) | Q(valid_from__isnull=True)).update(valid_to=on - datetime.timedelta(days=1))
    unit.move(parent, pos="sorted-child")
    UnitPlacement.objects.create(unit=unit, parent=parent, valid_from=on)
    Unit.objects.filter(pk=unit.pk).update(updated_at=timezone.now())  # the changes feed: a new parent
    records_changed.send(sender=Unit, on=on, target_ids=None)
    return Unit.objects.get(pk=unit.pk)


def _move(*, cadre: Cadre, unit: Unit, position: Position, on: datetime.date, reason: str) -> None:
    """Record a change of unit or position. A second change dated on the very day the open
    assignment began is a correction of that entry (a mistyped unit fixed the same day): the
    entry is replaced rather than leaving a zero-day assignment. Anything else goes through
    cadre_position_change, which never rewrites earlier days."""
    current = cadre.assignments.filter(end_date__isnull=True).order_by("-start_date").first()
    if current is None or current.start_date != on:
        cadre_position_change(cadre=cadre, unit=unit, position=position, on=on, reason=reason)
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
    the open assignment and opens a new one from `on` (cadre_position_change; on the day the open
    assignment began, it corrects that entry instead), a new status goes through cadre_status_set.
    Raises ValidationError (and changes nothing) if the change cannot be recorded, e.g. `on` is
    before the current assignment's start.
    """
    on = on or _today()
    stored = Cadre.objects.select_for_update().get(pk=cadre.pk)
    if "appointed_on" in fields and fields["appointed_on"] != stored.appointed_on:
        records_changed.send(sender=Cadre, on=None, target_ids=None)  # the newly elected population
    for name, value in fields.items():
        setattr(stored, name, value)
    stored.full_clean(exclude=["unit", "position", "status"])
    stored.save()
    if (stored.unit_id, stored.position_id) != (unit.pk, position.pk):
        _move(cadre=stored, unit=unit, position=position, on=on, reason=reason)
    if status != stored.status:
        cadre_status_set(cadre=stored, status=status, on=on)
    return stored


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int


@transaction.atomic
@records_batch()  # one mark of the board's figures for the whole file
def cadre_import(*, rows: Sequence[CadreRow], on: datetime.date | None = None, reason: str = "",
                 by=None, upload=None) -> ImportResult:
    """Write checked import rows (organization.imports.validate_rows) in one transaction.

    A row whose code exists updates that cadre (a unit or position change is recorded as history,
    as in cadre_update; a status change goes through cadre_status_set);
    other rows create cadres with their first assignment (from the appointment date, or `on`).
    Importing the same rows twice changes nothing the second time. Either every row is
    written or, on any error, none is. With the `upload` it came from, the import is audited (who,
    the file's name, the rows created, updated and unchanged) in the same transaction.
    """
    on = on or _today()
    reason = reason or _("Imported from a file")
    codes = [row.code for row in rows]
    existing = {c.code: c for c in Cadre.objects.select_for_update().filter(code__in=codes)}
    units = Unit.objects.in_bulk({row.unit_id for row in rows})
    positions = Position.objects.in_bulk({row.position_id for row in rows})
    created, updated, unchanged = [], 0, 0
    renamed: dict[str, list[Cadre]] = {}  # the cadres whose own fields changed, by the fields changed
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
            # Written below, in one UPDATE per set of changed fields (the cadre is locked).
            renamed.setdefault(",".join(changed), []).append(cadre)
            if "appointed_on" in changed:
                records_changed.send(sender=Cadre, on=None, target_ids=None)
        if moves:
            _move(cadre=cadre, unit=unit, position=position, on=on, reason=reason)
        if new_status:
            cadre_status_set(cadre=cadre, status=row.status, on=on)
        updated += 1
    now = timezone.now()
    for fields, cadres in renamed.items():
        Cadre.objects.bulk_update(cadres, fields.split(","), batch_size=500)
    if renamed:  # the same time for all: one UPDATE, not bulk_update's CASE per row
        _update_grouped(Cadre, [cadre for cadres in renamed.values() for cadre in cadres], [], now=now)
    if created:
        Cadre.objects.bulk_create(created, batch_size=500)
        assignments = PositionAssignment.objects.bulk_create([PositionAssignment(
            cadre=cadre, unit_id=cadre.unit_id, position_id=cadre.position_id,
            start_date=cadre.appointed_on or on, reason=reason,
        ) for cadre in created], batch_size=500)
        # Other apps react to new assignments as to one saved (the training the position requires,
        # the board's figures): in bulk, one reaction for all of them.
        bulk_created.send(sender=PositionAssignment, instances=assignments)
    result = ImportResult(created=len(created), updated=updated, unchanged=unchanged)
    if upload is not None:
        import_audit(upload=upload, by=by, created=result.created, updated=updated, unchanged=unchanged,
                     codes=[cadre.code for cadre in created])
    return result


def import_audit(*, upload, by, created: int, updated: int = 0, unchanged: int = 0, codes=()) -> None:
    """Audit a confirmed import (cadres, rotations): who, the file's name, its kind and the rows
    created, updated and unchanged, on the upload it came from (lms.audit)."""
    audit_record(instance=upload, action="ktlearn.import", user=by,
                 title=f"{upload.get_kind_display()}: {upload.filename}", data={
        "kind": upload.kind, "filename": upload.filename, "created": created, "updated": updated,
        "unchanged": unchanged, "codes": list(codes)[:200],
    })



# --- Personal data (Decree 13/2023) ------------------------------------------------------------------


ANONYMIZABLE = (CadreStatus.RETIRED, CadreStatus.LEFT)


@transaction.atomic
def cadre_anonymize(*, cadre: Cadre, by=None) -> Cadre:
    """Erase the identity of a cadre who retired or left (ValidationError otherwise, nothing changed).

    Guarantees: name, code, date of birth and e-mail are replaced or removed; the login is
    deactivated and loses its name, e-mail and password; every app erases its copies
    (lms.personal_data: certificates' names and PDFs, uploaded files); the audit entries about the
    cadre and their records lose the old name, code and login (lms.audit.entries_scrub). The records
    the figures count (assignments, completions, evidence, rotations) and the cadre's unit, position,
    gender, grade and dates of appointment stay, so every target's figures are unchanged. Audited
    (``ktlearn.personal_data.anonymize``, without the old values). A second call changes nothing.
    """
    from django.utils import translation
    from wagtail.models import ModelLogEntry

    from lms import audit, personal_data

    cadre = Cadre.objects.select_for_update(of=("self",)).select_related("user").get(pk=cadre.pk)
    if cadre.anonymized_at is not None:
        return cadre
    if cadre.status not in ANONYMIZABLE:
        raise ValidationError(_("Only cadres who retired or left can be anonymized."))
    old_name, old_code, old_email = cadre.full_name, cadre.code, cadre.email
    user = cadre.user
    old_login = user.get_username() if user is not None else ""
    with translation.override(settings.LANGUAGE_CODE):
        cadre.full_name = _("Anonymized cadre %(number)s") % {"number": cadre.pk}
    cadre.code = f"AN-{cadre.pk:06d}"
    cadre.date_of_birth, cadre.email, cadre.anonymized_at = None, "", timezone.now()
    cadre.save()
    if user is not None:
        user.username = f"an-{user.pk:06d}"
        user.first_name = user.last_name = user.email = ""
        user.is_active = False
        user.set_unusable_password()
        user.save()
    personal_data.erase(cadre)
    texts = {old_name: cadre.full_name, old_code: cadre.code, old_email: ""}
    actors = {old_login: user.get_username()} if user is not None else {}
    entries = ModelLogEntry.objects.annotate(audit_cadre=audit.cadre_ref())
    about_cadre = entries.filter(audit.entries_about(Cadre.objects.filter(pk=cadre.pk)))
    audit.entries_scrub(about_cadre, fields={"full_name": cadre.full_name, "code": cadre.code,
                                             "date_of_birth": None, "email": ""}, texts=texts, actors=actors)
    audit.entries_scrub(entries.filter(audit_cadre=cadre.pk).exclude(pk__in=about_cadre.values("pk")),
                        fields={}, texts=texts, actors=actors)
    audit.audit_record(instance=cadre, action="ktlearn.personal_data.anonymize", user=by,
                       data={"status": cadre.status})
    return cadre


def cadres_anonymize_due(*, by=None, today: datetime.date | None = None, dry_run: bool = False) -> list[Cadre]:
    """Anonymize every cadre due (organization.selectors.cadres_due_for_anonymization): returns them.
    With ``dry_run`` nothing is changed."""
    from .selectors import cadres_due_for_anonymization

    due = list(cadres_due_for_anonymization(today=today or _today()))
    if not dry_run:
        due = [cadre_anonymize(cadre=cadre, by=by) for cadre in due]
    return due


# --- API clients (lms.rest) ---------------------------------------------------------------------------


@transaction.atomic
def api_client_create(*, name: str, unit: Unit, access: str, expires_at=None, by=None):
    """Create an API client and return ``(client, token)``: the token is in no table (only its SHA-256
    is), so this is the one time it can be shown. The client gets its own login — inactive (nobody
    signs in with it), in the unit manager group, managing `unit` — so every API request is scoped by
    organization.selectors exactly as that manager's pages are. Logged in Wagtail's log."""
    import secrets

    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from wagtail.log_actions import log

    from lms.rest.auth import new_token, token_hash

    from . import roles
    from .models import ApiAccess, ApiClient, UserProfile

    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("The name is missing.")})
    if access not in ApiAccess.values:
        raise ValidationError({"access": _("Unknown access.")})
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": _("The expiry must be in the future.")})
    user = get_user_model().objects.create(
        username=f"api-{secrets.token_hex(6)}", first_name=f"API: {name}"[:150], is_active=False)
    user.set_unusable_password()
    user.save(update_fields=["password"])
    user.groups.add(Group.objects.get_or_create(name=roles.UNIT_MANAGER)[0])
    UserProfile.objects.create(user=user, unit=unit)
    token = new_token()
    client = ApiClient.objects.create(name=name, unit=unit, access=access, expires_at=expires_at,
                                      token_hash=token_hash(token), token_prefix=token[:10], user=user,
                                      created_by=by if getattr(by, "is_authenticated", False) else None)
    log(instance=client, action="wagtail.create", user=by if getattr(by, "is_authenticated", False) else None)
    return client, token


@transaction.atomic
def api_client_revoke(*, client, by=None):
    """Revoke a client: its token is refused from the next request on. A second call changes nothing."""
    from wagtail.log_actions import log

    from .models import ApiClient

    client = ApiClient.objects.select_for_update().get(pk=client.pk)
    if client.revoked_at is None:
        client.revoked_at = timezone.now()
        client.save(update_fields=["revoked_at"])
        log(instance=client, action="wagtail.edit", user=by if getattr(by, "is_authenticated", False) else None,
            data={"revoked": True})
    return client
