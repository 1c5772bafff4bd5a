"""The REST API's router: one NinjaAPI under /api/v1/ mounting each app's ``<app>/rest.py``, with the
bearer-token authentication, the per-client rate and the problem-details errors of lms.rest.
This is the one module of lms.rest that imports apps (pyproject.toml's import-linter contracts)."""

from __future__ import annotations

import datetime

from django.db.models import Q
from ninja import Query, Schema
from ninja.openapi.docs import Swagger
from pydantic import Field

from assessments.rest import router as assessments_router
from courses.rest import router as courses_router
from organization.rest import router as organization_router
from organization.selectors import api_client_for_token
from targets.rest import router as targets_router

from ..models import Tombstone
from . import errors
from .auth import ClientTokenAuth
from .etag import respond
from .openapi import ProblemDetailsNinjaAPI
from .pagination import MAX_LIMIT, page
from .schemas import ERRORS, TombstoneOut, page_of
from .throttling import ClientRateThrottle

DESCRIPTION = """KTLearn's integration API for the province-to-grassroots database.

Authenticate with `Authorization: Bearer <token>` (an administrator creates API clients in the admin:
Settings › API clients). A client sees exactly what a manager of its unit subtree sees. Lists page with
`cursor`/`next_cursor` and take `updated_since` for a nightly sync; deletions are in `/tombstones`.
Errors are RFC 9457 problem details. See docs/api.md."""

api = ProblemDetailsNinjaAPI(
    title="KTLearn API", version="1", description=DESCRIPTION, urls_namespace="api-v1",
    auth=ClientTokenAuth(resolve=api_client_for_token), throttle=[ClientRateThrottle()],
    docs=Swagger(settings={"persistAuthorization": False}), docs_url="/docs", openapi_url="/openapi.json",
)
errors.install(api)
api.add_router("", organization_router)
api.add_router("", courses_router)
api.add_router("", assessments_router)
api.add_router("", targets_router)


class TombstoneFilters(Schema):
    resource: str | None = Field(None, description="cadres, position-assignments, units, enrolments, …")
    updated_since: datetime.datetime | None = Field(None, description="Deleted after this time.")
    cursor: str | None = None
    limit: int = Field(100, ge=1, le=MAX_LIMIT)


@api.get("/tombstones", response={200: page_of(TombstoneOut), **ERRORS}, tags=["changes feed"],
         summary="Deleted records (the changes feed's deletions)")
def tombstone_list(request, filters: Query[TombstoneFilters]):
    path = request.auth.unit.path
    qs = Tombstone.objects.filter(Q(unit_path__startswith=path))
    if filters.resource:
        qs = qs.filter(resource=filters.resource)
    if filters.updated_since:
        qs = qs.filter(deleted_at__gt=filters.updated_since)
    rows, cursor = page(qs.values("id", "resource", "object_id", "key", "deleted_at"), cursor=filters.cursor,
                        limit=filters.limit, key="id")
    return respond(request, page_of(TombstoneOut), {"items": rows, "next_cursor": cursor})
