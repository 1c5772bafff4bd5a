"""The OpenAPI schema's error answers as the API sends them: RFC 9457 problem details under the
``application/problem+json`` media type (ninja writes every response as ``application/json``), with
what each status means here and the headers that come with it (``WWW-Authenticate`` on 401,
``Retry-After`` on 429, ``ETag`` on reads). Imports no app."""

from __future__ import annotations

from ninja import NinjaAPI

from .errors import PROBLEM_CONTENT_TYPE

MEANINGS = {
    401: "No token, or an unknown, revoked or expired one.",
    403: "A write by a read-only client.",
    404: "No such object for this client: outside its subtree or not there (the same answer for both).",
    409: "A row conflicts with what is recorded (a code held outside the subtree, a recorded day rewritten, "
         "other hours for a recorded training): nothing was written; `rows` has each row's result.",
    413: "More than 1,000 rows, or a body over the server's size limit.",
    422: "Invalid values (`errors`: one per field) or, for a bulk write, invalid rows (`rows`): nothing was "
         "written.",
    429: "Over the client's rate: retry after `Retry-After` seconds (also `retry_after` in the body).",
}

HEADERS = {
    401: {"WWW-Authenticate": {"description": 'The scheme to use: `Bearer realm="ktlearn"`.',
                               "schema": {"type": "string"}}},
    429: {"Retry-After": {"description": "Seconds to wait before the next request.",
                          "schema": {"type": "integer"}}},
}
ETAG = {"ETag": {"description": "Send it back as `If-None-Match`: an unchanged answer is 304 with no body.",
                 "schema": {"type": "string"}}}


def problem_details(schema: dict) -> dict:
    """Rewrite ``schema`` (a generated OpenAPI document) in place, and return it."""
    for operations in schema.get("paths", {}).values():
        for method, operation in operations.items():
            for code, response in operation.get("responses", {}).items():
                status = int(code)
                if status >= 400:
                    content = response.get("content", {})
                    if "application/json" in content:
                        content[PROBLEM_CONTENT_TYPE] = content.pop("application/json")
                    response["description"] = MEANINGS.get(status, response.get("description", ""))
                    if status in HEADERS:
                        response["headers"] = HEADERS[status]
                elif method == "get" and status in (200, 304):
                    response["headers"] = ETAG
                    if status == 304:
                        response["description"] = "Not modified: the answer has the ETag sent as If-None-Match."
    return schema


class ProblemDetailsNinjaAPI(NinjaAPI):
    """A NinjaAPI whose OpenAPI schema documents its errors as problem details (problem_details)."""

    def get_openapi_schema(self, **kwargs):
        return problem_details(super().get_openapi_schema(**kwargs))
