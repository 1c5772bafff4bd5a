"""The organization's REST endpoints (/api/v1/: units, positions, cadres, position history, and the
upserts by code). Every read is scoped by organization.selectors for the client's login, a manager
of the client's subtree; see docs/api.md."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Prefetch, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from lms.rest.auth import require_write
from lms.rest.bulk import audit_write, bulk_guard, refuse
from lms.rest.etag import respond
from lms.rest.pagination import MAX_LIMIT, page
from lms.rest.schemas import ERRORS, WRITE_ERRORS, BulkResult, page_of
from lms.spreadsheets import RawRow

from . import imports, selectors, services
from .models import Position, PositionAssignment, Unit, UnitPlacement

router = Router(tags=["organization"])


# --- Shapes ----------------------------------------------------------------------------------------


class ListFilters(Schema):
    updated_since: datetime.datetime | None = Field(None, description="Only what changed after this time.")
    unit: str | None = Field(None, description="A unit code: only its subtree (within the client's).")
    cursor: str | None = Field(None, description="The next_cursor of the previous page.")
    limit: int = Field(100, ge=1, le=MAX_LIMIT)


class PlacementOut(Schema):
    parent_code: str | None
    valid_from: datetime.date | None
    valid_to: datetime.date | None


class UnitOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    level: str | None
    level_rank: int | None
    parent_code: str | None
    depth: int
    is_active: bool
    closed_on: datetime.date | None
    merged_into: str | None
    party_member_count: int
    placements: list[PlacementOut]
    updated_at: datetime.datetime


class PositionOut(Schema):
    id: int
    code: str
    name: str
    order: int
    is_committee_member: bool
    is_fulltime: bool
    is_deputy_chair: bool


class CadreOut(Schema):
    id: int
    code: str
    full_name: str
    gender: str
    date_of_birth: datetime.date | None
    unit_code: str
    position_code: str
    position_name: str
    grade: str
    theory_level: str
    appointed_on: datetime.date | None
    status: str
    email: str
    updated_at: datetime.datetime


class AssignmentOut(Schema):
    id: int
    cadre_code: str
    unit_code: str
    position_code: str
    start_date: datetime.date
    end_date: datetime.date | None
    reason: str
    first_term: bool
    updated_at: datetime.datetime


class CadreDetailOut(CadreOut):
    history: list[AssignmentOut]


class CadreIn(Schema):
    code: str = Field(..., max_length=32)
    full_name: str
    unit_code: str
    position_code: str
    gender: str = ""
    date_of_birth: datetime.date | None = None
    grade: str = ""
    theory_level: str = ""
    appointed_on: datetime.date | None = None
    status: str | None = None
    email: str = ""


class CadreBulkIn(Schema):
    rows: list[CadreIn]
    on: datetime.date | None = Field(None, description="The date unit and position changes take effect (today).")
    reason: str = ""


class AssignmentIn(Schema):
    cadre_code: str
    unit_code: str
    position_code: str
    start_date: datetime.date
    reason: str = ""


class AssignmentBulkIn(Schema):
    rows: list[AssignmentIn]


# --- Helpers ------------------------------------------------------------------------------------------


def unit_in_scope(request, code: str | None) -> Unit | None:
    """The visible unit of that code (404 outside the client's subtree, whether or not it exists)."""
    if not code:
        return None
    unit = selectors.units_visible_to(request.user).filter(code=code).first()
    if unit is None:
        raise Http404
    return unit


def _since(qs, since, field="updated_at"):
    return qs.filter(**{f"{field}__gt": since}) if since else qs


def _parent_code(unit: Unit, by_path: dict) -> str | None:
    return by_path.get(unit.path[: -Unit.steplen]) if unit.depth > 1 else None


def _unit_rows(units: list[Unit]) -> list[dict]:
    parent_paths = {u.path[: -Unit.steplen] for u in units if u.depth > 1}
    by_path = dict(Unit.objects.filter(path__in=parent_paths).values_list("path", "code")) if parent_paths else {}
    return [{
        "id": u.pk, "code": u.code, "name": u.name, "kind": u.kind, "level": u.level.code if u.level else None,
        "level_rank": u.level.rank if u.level else None, "parent_code": _parent_code(u, by_path), "depth": u.depth,
        "is_active": u.is_active, "closed_on": u.closed_on,
        "merged_into": u.merged_into.code if u.merged_into else None,
        "party_member_count": u.party_member_count, "updated_at": u.updated_at,
        "placements": [{"parent_code": p.parent.code if p.parent else None, "valid_from": p.valid_from,
                        "valid_to": p.valid_to} for p in u.placements.all()],
    } for u in units]


def _units(request):
    return selectors.units_visible_to(request.user).select_related("level", "merged_into").prefetch_related(
        Prefetch("placements", queryset=UnitPlacement.objects.select_related("parent").order_by("valid_from", "id")))


CADRE_FIELDS = ("id", "code", "full_name", "gender", "date_of_birth", "grade", "theory_level", "appointed_on",
                "status", "email", "updated_at")


def _cadre_values(qs):
    return [{**{k: row[k] for k in CADRE_FIELDS}, "unit_code": row["unit__code"],
             "position_code": row["position__code"], "position_name": row["position__name"]}
            for row in qs]


def cadres_in_scope(request, unit: Unit | None = None):
    qs = selectors.cadres_visible_to(request.user)
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    return qs


ASSIGNMENT_VALUES = ("id", "cadre__code", "unit__code", "position__code", "start_date", "end_date", "reason",
                     "first_term", "updated_at")


def _assignment_rows(qs):
    return [{"id": a["id"], "cadre_code": a["cadre__code"], "unit_code": a["unit__code"],
             "position_code": a["position__code"], "start_date": a["start_date"], "end_date": a["end_date"],
             "reason": a["reason"], "first_term": a["first_term"], "updated_at": a["updated_at"]} for a in qs]


# --- Reads --------------------------------------------------------------------------------------------


@router.get("/units", response={200: page_of(UnitOut), **ERRORS}, summary="Units (the tree, with dated parents)")
def unit_list(request, filters: Query[ListFilters]):
    qs = _units(request)
    scope = unit_in_scope(request, filters.unit)
    if scope is not None:
        qs = qs.filter(path__startswith=scope.path)
    rows, cursor = page(_since(qs, filters.updated_since), cursor=filters.cursor, limit=filters.limit)
    return respond(request, page_of(UnitOut), {"items": _unit_rows(rows), "next_cursor": cursor})


@router.get("/units/{code}", response={200: UnitOut, **ERRORS}, summary="One unit")
def unit_detail(request, code: str):
    unit = _units(request).filter(code=code).first()
    if unit is None:
        raise Http404
    return respond(request, UnitOut, _unit_rows([unit])[0])


@router.get("/positions", response={200: page_of(PositionOut), **ERRORS}, summary="Positions (reference data)")
def position_list(request, cursor: str | None = None, limit: int = 100):
    rows, next_cursor = page(Position.objects.values(*PositionOut.model_fields), cursor=cursor, limit=limit,
                             key="id")
    return respond(request, page_of(PositionOut), {"items": rows, "next_cursor": next_cursor})


@router.get("/cadres", response={200: page_of(CadreOut), **ERRORS},
            summary="Cadres with their current unit and position")
def cadre_list(request, filters: Query[ListFilters], status: str | None = None):
    qs = cadres_in_scope(request, unit_in_scope(request, filters.unit))
    if status:
        qs = qs.filter(status=status)
    qs = _since(qs, filters.updated_since).values(*CADRE_FIELDS, "unit__code", "position__code", "position__name")
    rows, cursor = page(qs, cursor=filters.cursor, limit=filters.limit, key="id")
    return respond(request, page_of(CadreOut), {"items": _cadre_values(rows), "next_cursor": cursor})


@router.get("/position-assignments", response={200: page_of(AssignmentOut), **ERRORS},
            summary="Position history (every dated holding)")
def assignment_list(request, filters: Query[ListFilters], on: datetime.date | None = None):
    cadres = cadres_in_scope(request, unit_in_scope(request, filters.unit))
    qs = PositionAssignment.objects.filter(cadre__in=cadres.values("pk"))
    if on:
        qs = qs.filter(Q(end_date__isnull=True) | Q(end_date__gte=on), start_date__lte=on)
    rows, cursor = page(_since(qs, filters.updated_since).values(*ASSIGNMENT_VALUES), cursor=filters.cursor,
                        limit=filters.limit, key="id")
    return respond(request, page_of(AssignmentOut), {"items": _assignment_rows(rows), "next_cursor": cursor})


# --- Writes: upserts by code --------------------------------------------------------------------------


def cadres_upsert(request, payload: CadreBulkIn, *, endpoint: str) -> dict:
    """Check every row as the xlsx import does (organization.imports.validate_rows, with the client's
    scope), then write them all with services.cadre_import, or nothing."""
    require_write(request)
    bulk_guard(payload.rows)
    today = timezone.localdate()
    raw = [RawRow(number=index, values={
        "code": row.code, "full_name": row.full_name, "unit_code": row.unit_code, "position": row.position_code,
        "gender": row.gender, "date_of_birth": row.date_of_birth, "grade": row.grade,
        "theory_level": row.theory_level, "appointed_on": row.appointed_on, "status": row.status or "",
        "email": row.email,
    }) for index, row in enumerate(payload.rows)]
    context = selectors.cadre_import_context(
        user=request.user, unit_codes={r.unit_code for r in payload.rows}, cadre_codes={r.code for r in payload.rows},
        today=payload.on or today)
    report = imports.validate_rows(raw, context)
    results = []
    for row, result in zip(payload.rows, report.rows, strict=True):
        existing = context.cadres.get(row.code)
        conflict = existing is not None and (not existing.editable or bool(
            existing.open_assignment_start and existing.open_assignment_start > context.today))
        results.append({"index": result.number, "key": row.code, "action": "" if result.errors else result.action,
                        "status": ("conflict" if conflict else "invalid") if result.errors else "ok",
                        "errors": [str(e) for e in result.errors]})
    refuse(results)
    with transaction.atomic():
        outcome = services.cadre_import(rows=report.valid_rows, on=payload.on, reason=payload.reason or _(
            "Recorded through the API by %(client)s") % {"client": request.auth.name}, by=request.user)
        changed = [r["key"] for r in results if r["action"] != imports.UNCHANGED]
        if changed:
            audit_write(request, endpoint=endpoint, created=outcome.created, updated=outcome.updated,
                         unchanged=outcome.unchanged, keys=changed)
    return {"created": outcome.created, "updated": outcome.updated, "unchanged": outcome.unchanged, "rows": results}


@router.post("/cadres/bulk", response={200: BulkResult, **WRITE_ERRORS},
             summary="Upsert up to 1,000 cadres by code (all or nothing)")
def cadre_bulk_upsert(request, payload: CadreBulkIn):
    return cadres_upsert(request, payload, endpoint="cadres/bulk")


@router.put("/cadres/{code}", response={200: BulkResult, **WRITE_ERRORS}, summary="Upsert one cadre by code")
def cadre_upsert(request, code: str, payload: CadreIn):
    payload.code = code
    return cadres_upsert(request, CadreBulkIn(rows=[payload]), endpoint=f"cadres/{code}")


def _check_assignments(request, rows: list[AssignmentIn]) -> tuple[list[dict], list[tuple]]:
    editable_cadres = {c.code: c for c in selectors.cadres_editable_by(request.user).filter(
        code__in={r.cadre_code for r in rows}).select_related("unit", "position")}
    units = {u.code: u for u in selectors.units_editable_by(request.user).filter(code__in={r.unit_code for r in rows})}
    positions = {p.code: p for p in Position.objects.all()}
    history: dict[int, dict] = {}
    for a in PositionAssignment.objects.filter(cadre__in=list(editable_cadres.values())):
        history.setdefault(a.cadre_id, {})[a.start_date] = a
    latest = {cid: max(by_start) for cid, by_start in history.items()}
    results, writes = [], []
    for index, row in enumerate(rows):
        errors, conflict = [], False
        cadre, unit, position = editable_cadres.get(row.cadre_code), units.get(row.unit_code), positions.get(
            row.position_code)
        if cadre is None:
            errors.append(_("Cadre code %(code)s is unknown or outside the units you manage.")
                          % {"code": row.cadre_code})
        if unit is None:
            errors.append(_("Unit code %(code)s is unknown or outside the units you manage.")
                          % {"code": row.unit_code})
        elif not unit.is_active:
            errors.append(_("Unit %(code)s is closed and cannot receive cadres.") % {"code": row.unit_code})
        if position is None:
            errors.append(_("Unknown position “%(value)s”.") % {"value": row.position_code})
        action = ""
        if not errors:
            same_day = history.get(cadre.pk, {}).get(row.start_date)
            if same_day is not None:
                if (same_day.unit_id, same_day.position_id) == (unit.pk, position.pk):
                    action = imports.UNCHANGED
                else:
                    conflict = True
                    errors.append(_("%(code)s already holds another unit or position from %(date)s; the history "
                                    "is never rewritten.")
                                  % {"code": cadre.code, "date": row.start_date.strftime("%d/%m/%Y")})
            elif cadre.pk in latest and row.start_date <= latest[cadre.pk]:
                conflict = True
                errors.append(_("%(code)s has a later assignment (from %(date)s): a change can only take effect "
                                "after it.") % {"code": cadre.code, "date": latest[cadre.pk].strftime("%d/%m/%Y")})
            else:
                action = imports.CREATE
                latest[cadre.pk] = row.start_date
                history.setdefault(cadre.pk, {})[row.start_date] = PositionAssignment(unit=unit, position=position)
                writes.append((cadre, unit, position, row))
        results.append({"index": index, "key": f"{row.cadre_code}@{row.start_date.isoformat()}", "action": action,
                        "status": ("conflict" if conflict else "invalid") if errors else "ok",
                        "errors": [str(e) for e in errors]})
    return results, writes


@router.post("/position-assignments/bulk", response={200: BulkResult, **WRITE_ERRORS},
             summary="Record up to 1,000 position changes, by cadre code and start date (all or nothing)")
def assignment_bulk_upsert(request, payload: AssignmentBulkIn):
    require_write(request)
    bulk_guard(payload.rows)
    results, writes = _check_assignments(request, payload.rows)
    refuse(results)
    default_reason = _("Recorded through the API by %(client)s") % {"client": request.auth.name}
    with transaction.atomic():
        services.cadre_position_changes(changes=[(cadre, unit, position, row.start_date, row.reason or default_reason)
                                                 for cadre, unit, position, row in writes])
        if writes:
            audit_write(request, endpoint="position-assignments/bulk", created=len(writes), updated=0,
                        unchanged=len(results) - len(writes),
                        keys=[r["key"] for r in results if r["action"] == "create"])
    return {"created": len(writes), "updated": 0, "unchanged": len(results) - len(writes), "rows": results}


# After /cadres/bulk: a path parameter would catch "bulk".
@router.get("/cadres/{code}", response={200: CadreDetailOut, **ERRORS}, summary="One cadre with their position history")
def cadre_detail(request, code: str):
    rows = _cadre_values(cadres_in_scope(request).filter(code=code).values(
        *CADRE_FIELDS, "unit__code", "position__code", "position__name"))
    if not rows:
        raise Http404
    history = PositionAssignment.objects.filter(cadre_id=rows[0]["id"]).order_by("start_date", "id")
    history_rows = _assignment_rows(history.values(*ASSIGNMENT_VALUES))
    return respond(request, CadreDetailOut, {**rows[0], "history": history_rows})
