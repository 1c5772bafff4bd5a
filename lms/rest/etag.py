"""The JSON answer of a read with its ETag (a hash of the body): a client sending the same
``If-None-Match`` gets 304 Not Modified and no body. Imports no app."""

from __future__ import annotations

import hashlib

from django.http import HttpResponse, HttpResponseNotModified


def _matches(header: str, etag: str) -> bool:
    if not header:
        return False
    if header.strip() == "*":
        return True
    bare = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == bare for tag in header.split(","))


def respond(request, schema, payload, *, status: int = 200) -> HttpResponse:
    """Validate ``payload`` against ``schema`` (a pydantic model: the answer is what the OpenAPI schema
    says), serialise it, and answer it with its ETag — or 304 when ``If-None-Match`` names it."""
    body = schema.model_validate(payload).model_dump_json().encode()
    etag = f'"{hashlib.sha256(body).hexdigest()[:40]}"'
    if status == 200 and request.method in ("GET", "HEAD") and _matches(request.headers.get("If-None-Match", ""), etag):
        response = HttpResponseNotModified()
        response["ETag"] = etag
        return response
    response = HttpResponse(body, status=status, content_type="application/json")
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    return response
