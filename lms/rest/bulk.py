"""Bulk writes: at most MAX_BULK_ROWS rows, all or nothing, per-row results like the xlsx imports,
audited with the client as actor. Imports no app."""

from __future__ import annotations

from lms.audit import audit_record

from .errors import ApiProblem

MAX_BULK_ROWS = 1000


def bulk_guard(rows: list) -> None:
    """413 over MAX_BULK_ROWS rows, 422 for none."""
    if len(rows) > MAX_BULK_ROWS:
        raise ApiProblem(413, f"At most {MAX_BULK_ROWS} rows per request; this one has {len(rows)}.")
    if not rows:
        raise ApiProblem(422, "No rows.", errors=[{"field": "rows", "message": "At least one row."}])


def refuse(results: list[dict]) -> None:
    """All or nothing: any refused row refuses the request — 422 when a row is invalid, else 409 when
    one conflicts with what is recorded — with every row's result."""
    if any(r["status"] == "invalid" for r in results):
        raise ApiProblem(422, "Some rows are invalid: nothing was written.", rows=results)
    if any(r["status"] == "conflict" for r in results):
        raise ApiProblem(409, "Some rows conflict with what is recorded: nothing was written.", rows=results)


def audit_write(request, *, endpoint: str, created: int, updated: int, unchanged: int, keys: list[str]) -> None:
    """One audit entry (``ktlearn.api.write``) on the client for a write, its login as the actor."""
    client = request.auth
    audit_record(instance=client, action="ktlearn.api.write", user=client.user, title=f"API {client.name}: {endpoint}",
                 data={"endpoint": endpoint, "client_id": client.pk, "created": created, "updated": updated,
                       "unchanged": unchanged, "keys": list(keys)[:200]})
