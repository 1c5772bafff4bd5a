"""The board's figures through the REST API (/api/v1/targets…): the targets, their roll-up for a unit
and a date, the missing cadres with their reasons, and the stored snapshots — read, from the same
stored figure sets and the same selectors as the dashboard (targets.figures / targets.selectors), so
the API and the dashboard cannot disagree. Scoped to the client's subtree; see docs/api.md."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.http import Http404
from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import Field

from lms.rest.etag import respond
from lms.rest.pagination import MAX_LIMIT, decode_cursor, encode_cursor, page
from lms.rest.schemas import ERRORS, page_of
from organization.rest import unit_in_scope
from organization.selectors import units_visible_to

from .figures import figures_current
from .freshness import figures_want
from .models import FigureSet, RollupSnapshot, Target
from .selectors import committees_missing_in_set, dashboard_data, missing_in_set

router = Router(tags=["targets"])


class TargetOut(Schema):
    id: int
    code: str
    name: str
    criterion: str
    period_start: datetime.date
    period_end: datetime.date
    goal_percent: int
    min_hours: Decimal | None
    is_active: bool


class RollupRowOut(Schema):
    unit_code: str
    unit_name: str
    depth: int
    population: int
    met: int
    in_time: int
    not_met: int
    percent: float | None
    forecast_percent: float | None


class RollupOut(Schema):
    target: str
    unit: str
    on: datetime.date
    computed_at: datetime.datetime | None
    stale: bool
    total: RollupRowOut | None
    units: list[RollupRowOut]


class MissingOut(Schema):
    cadre_code: str
    full_name: str
    unit_code: str
    position_code: str
    reasons: list[str]
    deadline: datetime.date | None


class MissingPage(Schema):
    target: str
    unit: str
    on: datetime.date
    count: int
    items: list[MissingOut]
    next_cursor: str | None


class CommitteeOut(Schema):
    unit_code: str
    unit_name: str
    members: int
    members_met: int
    chair_code: str | None
    chair_done: bool
    untrained_codes: list[str]
    reasons: list[str]


class CommitteePage(Schema):
    target: str
    unit: str
    on: datetime.date
    count: int
    items: list[CommitteeOut]
    next_cursor: str | None


class SnapshotOut(Schema):
    id: int
    target: str
    unit_code: str
    taken_on: datetime.date
    population: int
    met: int
    in_time: int
    forecast_percent: float | None


class FigureQuery(Schema):
    unit: str | None = Field(None, description="A unit code (default: the client's own unit).")
    on: datetime.date | None = Field(None, description="The date (default: today).")


def _target(code: str) -> Target:
    target = Target.objects.filter(code=code).first()
    if target is None:
        raise Http404
    return target


def _unit(request, code):
    return unit_in_scope(request, code) if code else request.auth.unit


def _row(snapshot, unit) -> dict:
    return {"unit_code": unit.code, "unit_name": unit.name, "depth": snapshot.depth,
            "population": snapshot.population, "met": snapshot.met, "in_time": snapshot.in_time,
            "not_met": snapshot.not_met, "percent": snapshot.percent, "forecast_percent": snapshot.forecast_percent}


def _figure_set(target, on):
    figure_set = figures_current(target=target, on=on)
    figures_want(figure_set)
    return figure_set


@router.get("/targets", response={200: page_of(TargetOut), **ERRORS}, summary="Targets")
def target_list(request, cursor: str | None = None, limit: int = 100):
    rows, next_cursor = page(Target.objects.values(*TargetOut.model_fields), cursor=cursor, limit=limit, key="id")
    return respond(request, page_of(TargetOut), {"items": rows, "next_cursor": next_cursor})


@router.get("/targets/{code}/rollup", response={200: RollupOut, **ERRORS},
            summary="A target's figures for a unit and a date, with its sub-units (the dashboard's figures)")
def target_rollup(request, code: str, query: Query[FigureQuery]):
    target, unit = _target(code), _unit(request, query.unit)
    figure_set = _figure_set(target, query.on or timezone.localdate())
    data = dashboard_data(target=target, unit=unit, figure_set=figure_set)
    return respond(request, RollupOut, {
        "target": target.code, "unit": unit.code, "on": data.taken_on, "computed_at": figure_set.computed_at,
        "stale": figure_set.is_stale, "total": _row(data.total, unit) if data.total else None,
        "units": [_row(row, row.unit) for row in data.units],
    })


@router.get("/targets/{code}/missing", response={200: MissingPage, **ERRORS},
            summary="The cadres counted by the target who do not meet it, with the reasons")
def target_missing(request, code: str, query: Query[FigureQuery], cursor: str | None = None,
                   limit: int = 100):
    target, unit = _target(code), _unit(request, query.unit)
    figure_set = _figure_set(target, query.on or timezone.localdate())
    missing = missing_in_set(figure_set=figure_set, unit=unit)
    start = decode_cursor(cursor) or 0  # the missing list is ordered by name: the cursor is a position in it
    limit = max(1, min(int(limit), MAX_LIMIT))
    rows = missing[start:start + limit]
    items = [{"cadre_code": m.cadre.code, "full_name": m.cadre.full_name, "unit_code": m.unit.code,
              "position_code": m.position.code, "reasons": [str(r) for r in m.reasons], "deadline": m.deadline}
             for m in rows]
    next_cursor = encode_cursor(start + limit) if start + limit < len(missing) else None
    return respond(request, MissingPage, {"target": target.code, "unit": unit.code, "on": figure_set.on,
                                          "count": len(missing), "items": items, "next_cursor": next_cursor})


@router.get("/targets/{code}/committees", response={200: CommitteePage, **ERRORS},
            summary="A committee-level target: the committees that do not meet it, with the reasons")
def target_committees(request, code: str, query: Query[FigureQuery], cursor: str | None = None,
                      limit: int = 100):
    target, unit = _target(code), _unit(request, query.unit)
    if not target.counts_committees:
        raise Http404
    figure_set = _figure_set(target, query.on or timezone.localdate())
    missing = committees_missing_in_set(figure_set=figure_set, unit=unit)
    start = decode_cursor(cursor) or 0  # in tree order: the cursor is a position in it
    limit = max(1, min(int(limit), MAX_LIMIT))
    items = [{"unit_code": c.unit.code, "unit_name": c.unit.name, "members": c.members,
              "members_met": c.members_met, "chair_code": c.chair.code if c.chair else None,
              "chair_done": c.chair_done, "untrained_codes": [m.cadre.code for m in c.untrained],
              "reasons": [str(r) for r in c.reasons]} for c in missing[start:start + limit]]
    next_cursor = encode_cursor(start + limit) if start + limit < len(missing) else None
    return respond(request, CommitteePage, {"target": target.code, "unit": unit.code, "on": figure_set.on,
                                            "count": len(missing), "items": items, "next_cursor": next_cursor})


@router.get("/targets/{code}/snapshots", response={200: page_of(SnapshotOut), **ERRORS},
            summary="Stored roll-up snapshots of a target (per unit and day)")
def target_snapshots(request, code: str, query: Query[FigureQuery], since: datetime.date | None = None,
                     until: datetime.date | None = None, cursor: str | None = None, limit: int = 100):
    target = _target(code)
    qs = RollupSnapshot.objects.filter(target=target, unit__in=units_visible_to(request.user).values("pk"))
    if query.unit:
        qs = qs.filter(unit=unit_in_scope(request, query.unit))
    if query.on:
        qs = qs.filter(taken_on=query.on)
    if since:
        qs = qs.filter(taken_on__gte=since)
    if until:
        qs = qs.filter(taken_on__lte=until)
    rows, next_cursor = page(qs.values("id", "unit__code", "taken_on", "population", "met", "in_time",
                                       "forecast_percent"), cursor=cursor, limit=limit, key="id")
    items = [{**r, "target": target.code, "unit_code": r.pop("unit__code")} for r in rows]
    return respond(request, page_of(SnapshotOut), {"items": items, "next_cursor": next_cursor})


__all__ = ["router", "FigureSet"]
