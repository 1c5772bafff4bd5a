"""The JSON answer of a read with its ETag (a hash of the body): a client sending the same
``If-None-Match`` gets 304 Not Modified and no body. Imports no app."""

from __future__ import annotations

import hashlib
import types
import typing

from django.http import HttpResponse, HttpResponseNotModified
from pydantic import BaseModel, Field, create_model

_PLAIN: dict[type, type] = {}


def _plain_type(annotation):
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return plain_model(annotation)
    origin = typing.get_origin(annotation)
    if origin is None:
        return annotation
    args = tuple(_plain_type(arg) for arg in typing.get_args(annotation))
    if origin in (typing.Union, types.UnionType):
        return typing.Union[args]  # noqa: UP007 - built from a tuple of types
    return origin[args]


def plain_model(schema: type[BaseModel]) -> type[BaseModel]:
    """The same fields as ``schema`` (a ninja Schema) on a plain pydantic model, nested schemas
    included. A ninja Schema validates through a wrap validator that reads every field of every row
    through a ``DjangoGetter`` (for model instances); the API's answers are built as dicts, which
    pydantic-core validates and serialises by itself about ten times faster (1,000 cadres: ≈ 40 ms
    of 50 ms a page before). The JSON is byte for byte what ``schema`` would give: the same fields
    in the same order, the same serialisers."""
    if schema not in _PLAIN:
        fields = {}
        for name, field in schema.model_fields.items():
            if field.is_required():
                default = ...
            elif field.default_factory is not None:
                default = Field(default_factory=field.default_factory)
            else:
                default = field.default
            fields[name] = (_plain_type(field.annotation), default)
        _PLAIN[schema] = create_model(f"{schema.__name__}Plain", __base__=BaseModel, **fields)
    return _PLAIN[schema]


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
    body = plain_model(schema).model_validate(payload).model_dump_json().encode()
    etag = f'"{hashlib.sha256(body).hexdigest()[:40]}"'
    if status == 200 and request.method in ("GET", "HEAD") and _matches(request.headers.get("If-None-Match", ""), etag):
        response = HttpResponseNotModified()
        response["ETag"] = etag
        return response
    response = HttpResponse(body, status=status, content_type="application/json")
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    return response
