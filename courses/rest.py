"""The learning records' REST endpoints (/api/v1/): the course catalogue, enrolments, completions,
certificates (with their verification code) — read — and external training — read and write. Scoped
through the cadres the client's login sees (organization.selectors); see docs/api.md."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from lms.rest.auth import require_write
from lms.rest.bulk import audit_write, bulk_guard, refuse
from lms.rest.etag import respond
from lms.rest.pagination import page
from lms.rest.schemas import ERRORS, WRITE_ERRORS, BulkResult, page_of
from organization.rest import ListFilters, cadres_in_scope, unit_in_scope
from organization.selectors import cadres_editable_by

from . import services
from .models import Certificate, Completion, CoursePage, Enrollment, ExternalTraining

router = Router(tags=["learning records"])


class CourseOut(Schema):
    id: int
    code: str | None
    title: str
    hours: Decimal
    mandatory: bool
    validity_months: int | None
    url: str


class EnrollmentOut(Schema):
    id: int
    cadre_code: str
    course_id: int
    course_code: str | None
    source: str
    status: str
    due_on: datetime.date | None
    created_at: datetime.datetime
    completed_at: datetime.datetime | None


class CompletionOut(Schema):
    id: int
    cadre_code: str
    course_id: int
    course_code: str | None
    completed_on: datetime.date
    hours: Decimal
    expires_on: datetime.date | None
    source: str
    created_at: datetime.datetime
    updated_at: datetime.datetime


class CertificateOut(Schema):
    id: int
    cadre_code: str
    number: str
    verification_code: str
    verification_url: str
    full_name: str
    course_title: str
    hours: Decimal
    issued_on: datetime.date
    issuer: str
    updated_at: datetime.datetime


class ExternalTrainingOut(Schema):
    id: int
    cadre_code: str
    course_name: str
    provider: str
    hours: Decimal
    start_on: datetime.date
    end_on: datetime.date
    created_at: datetime.datetime
    updated_at: datetime.datetime


class ExternalTrainingIn(Schema):
    cadre_code: str
    course_name: str = Field(..., min_length=1, max_length=255)
    provider: str = Field(..., min_length=1, max_length=255)
    hours: Decimal = Field(..., ge=0, max_digits=5, decimal_places=1)
    start_on: datetime.date
    end_on: datetime.date


class ExternalTrainingBulkIn(Schema):
    rows: list[ExternalTrainingIn]


class RecordFilters(ListFilters):
    since: datetime.date | None = Field(None, description="Records dated on or after this day.")
    until: datetime.date | None = Field(None, description="Records dated on or before this day.")


def _scoped(request, model, filters: RecordFilters, cadre_path: str = "cadre"):
    cadres = cadres_in_scope(request, unit_in_scope(request, filters.unit))
    return model.objects.filter(**{f"{cadre_path}__in": cadres.values("pk")})


def _dated(qs, filters: RecordFilters, field: str):
    if filters.since:
        qs = qs.filter(**{f"{field}__gte": filters.since})
    if filters.until:
        qs = qs.filter(**{f"{field}__lte": filters.until})
    return qs


@router.get("/courses", response={200: page_of(CourseOut), **ERRORS}, summary="The course catalogue (published)")
def course_list(request, cursor: str | None = None, limit: int = 100):
    rows, next_cursor = page(CoursePage.objects.live().only("id", "code", "title", "hours", "mandatory",
                                                            "validity_months", "url_path"),
                             cursor=cursor, limit=limit, key="id")
    items = [{"id": c.pk, "code": c.code, "title": c.title, "hours": c.hours, "mandatory": c.mandatory,
              "validity_months": c.validity_months, "url": c.get_url(request) or ""} for c in rows]
    return respond(request, page_of(CourseOut), {"items": items, "next_cursor": next_cursor})


@router.get("/enrolments", response={200: page_of(EnrollmentOut), **ERRORS}, summary="Enrolments")
def enrolment_list(request, filters: Query[RecordFilters]):
    qs = _dated(_scoped(request, Enrollment, filters), filters, "created_at__date")
    if filters.updated_since:
        qs = qs.filter(Q(created_at__gt=filters.updated_since) | Q(completed_at__gt=filters.updated_since))
    rows, cursor = page(qs.values("id", "cadre__code", "course_id", "course__code", "source", "status", "due_on",
                                  "created_at", "completed_at"), cursor=filters.cursor, limit=filters.limit, key="id")
    items = [{**r, "cadre_code": r.pop("cadre__code"), "course_code": r.pop("course__code")} for r in rows]
    return respond(request, page_of(EnrollmentOut), {"items": items, "next_cursor": cursor})


@router.get("/completions", response={200: page_of(CompletionOut), **ERRORS}, summary="Completions")
def completion_list(request, filters: Query[RecordFilters]):
    qs = _dated(_scoped(request, Completion, filters), filters, "completed_on")
    if filters.updated_since:
        qs = qs.filter(updated_at__gt=filters.updated_since)
    rows, cursor = page(qs.values("id", "cadre__code", "course_id", "course__code", "completed_on", "hours",
                                  "expires_on", "source", "created_at", "updated_at"), cursor=filters.cursor,
                        limit=filters.limit, key="id")
    items = [{**r, "cadre_code": r.pop("cadre__code"), "course_code": r.pop("course__code")} for r in rows]
    return respond(request, page_of(CompletionOut), {"items": items, "next_cursor": cursor})


@router.get("/certificates", response={200: page_of(CertificateOut), **ERRORS},
            summary="Certificates with their verification code")
def certificate_list(request, filters: Query[RecordFilters]):
    qs = _dated(_scoped(request, Certificate, filters, "completion__cadre"), filters, "issued_on")
    if filters.updated_since:
        qs = qs.filter(updated_at__gt=filters.updated_since)
    rows, cursor = page(qs.values("id", "completion__cadre__code", "number", "code", "full_name", "course_title",
                                  "hours", "issued_on", "issuer", "updated_at"), cursor=filters.cursor,
                        limit=filters.limit, key="id")
    items = [{**r, "cadre_code": r.pop("completion__cadre__code"), "verification_code": r["code"],
              "verification_url": request.build_absolute_uri(reverse("verify", args=[r.pop("code")]))} for r in rows]
    return respond(request, page_of(CertificateOut), {"items": items, "next_cursor": cursor})


EXTERNAL_VALUES = ("id", "cadre__code", "course_name", "provider", "hours", "start_on", "end_on", "created_at",
                   "updated_at")


@router.get("/external-training", response={200: page_of(ExternalTrainingOut), **ERRORS},
            summary="External training (a class at the political school, …)")
def external_list(request, filters: Query[RecordFilters]):
    qs = _dated(_scoped(request, ExternalTraining, filters), filters, "end_on")
    if filters.updated_since:
        qs = qs.filter(updated_at__gt=filters.updated_since)
    rows, cursor = page(qs.values(*EXTERNAL_VALUES), cursor=filters.cursor, limit=filters.limit, key="id")
    items = [{**r, "cadre_code": r.pop("cadre__code")} for r in rows]
    return respond(request, page_of(ExternalTrainingOut), {"items": items, "next_cursor": cursor})


@router.post("/external-training/bulk", response={200: BulkResult, **WRITE_ERRORS},
             summary="Record up to 1,000 external trainings (idempotent, all or nothing)")
def external_bulk(request, payload: ExternalTrainingBulkIn):
    """Each row is recorded by courses.services.external_training_record, the service behind the
    admin's form: it counts toward the cadre's hours and the targets. A row identical (cadre, course,
    provider, dates) to a recorded one is unchanged; the same with other hours is a conflict (409)."""
    require_write(request)
    bulk_guard(payload.rows)
    cadres = {c.code: c for c in cadres_editable_by(request.user).filter(code__in={r.cadre_code for r in payload.rows})}
    recorded = {}
    for t in ExternalTraining.objects.filter(cadre__in=list(cadres.values())):
        recorded[(t.cadre_id, t.course_name, t.provider, t.start_on, t.end_on)] = t
    results, seen = [], set()
    for index, row in enumerate(payload.rows):
        errors, conflict, action = [], False, ""
        cadre = cadres.get(row.cadre_code)
        if cadre is None:
            errors.append(_("Cadre code %(code)s is unknown or outside the units you manage.")
                          % {"code": row.cadre_code})
        if row.end_on < row.start_on:
            errors.append(_("The end date is before the start date."))
        if not errors:
            key = (cadre.pk, row.course_name, row.provider, row.start_on, row.end_on)
            same = recorded.get(key)
            if key in seen:
                errors.append(_("This training is repeated in the request."))
            elif same is not None and same.hours != row.hours:
                conflict = True
                errors.append(_("This training is recorded with %(hours)s hours.") % {"hours": same.hours})
            else:
                action = "unchanged" if same is not None else "create"
            seen.add(key)
        results.append({"index": index, "key": f"{row.cadre_code}:{row.course_name}:{row.start_on.isoformat()}",
                        "action": action, "status": ("conflict" if conflict else "invalid") if errors else "ok",
                        "errors": [str(e) for e in errors]})
    refuse(results)
    created = 0
    with transaction.atomic():
        for row, result in zip(payload.rows, results, strict=True):
            if result["action"] != "create":
                continue
            services.external_training_record(cadre=cadres[row.cadre_code], course_name=row.course_name,
                                              provider=row.provider, hours=row.hours, start_on=row.start_on,
                                              end_on=row.end_on, by=request.user)
            created += 1
        if created:
            audit_write(request, endpoint="external-training/bulk", created=created, updated=0,
                         unchanged=len(results) - created,
                         keys=[r["key"] for r in results if r["action"] == "create"])
    return {"created": created, "updated": 0, "unchanged": len(results) - created, "rows": results}
