"""Shared shapes of the REST API's answers. Imports no app."""

from __future__ import annotations

import datetime

from ninja import Schema
from pydantic import create_model


class FieldError(Schema):
    field: str
    message: str


class Problem(Schema):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str = ""
    errors: list[FieldError] = []


class RowResultOut(Schema):
    """One row of a bulk write, as the xlsx import reports it."""

    index: int
    key: str
    action: str  # create, update, unchanged — or "" when the row was refused
    status: str  # ok, invalid, conflict
    errors: list[str] = []


class BulkResult(Schema):
    created: int
    updated: int
    unchanged: int
    rows: list[RowResultOut]


class TombstoneOut(Schema):
    id: int
    resource: str
    object_id: int
    key: str
    deleted_at: datetime.datetime


_PAGES: dict[type, type] = {}


def page_of(item: type) -> type:
    """The schema of one page of ``item``s: ``{"items": [...], "next_cursor": "…" | null}``."""
    if item not in _PAGES:
        _PAGES[item] = create_model(f"{item.__name__}Page", __base__=Schema, items=(list[item], ...),
                                    next_cursor=(str | None, None))
    return _PAGES[item]


class BulkProblem(Problem):
    """A refused bulk write: nothing was written; ``rows`` says what each row would have done."""

    rows: list[RowResultOut] = []


class ThrottledProblem(Problem):
    """Over the client's rate: ``retry_after`` seconds, as the ``Retry-After`` header says."""

    retry_after: int


# The errors each kind of endpoint answers (lms.rest.openapi documents them as application/problem+json).
# A read cannot be refused for a read-only client (403), conflict (409) or be too large (413).
ERRORS = {304: None, 401: Problem, 404: Problem, 422: Problem, 429: ThrottledProblem}
WRITE_ERRORS = {401: Problem, 403: Problem, 404: Problem, 409: BulkProblem, 413: Problem, 422: BulkProblem,
                429: ThrottledProblem}
