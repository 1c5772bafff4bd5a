"""Errors as RFC 9457 problem details: ``{"type", "title", "status", "detail", "errors": [{"field",
"message"}]}`` served as ``application/problem+json``. Imports no app."""

from __future__ import annotations

import json

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

PROBLEM_CONTENT_TYPE = "application/problem+json"
TYPE_BASE = "https://ktlearn.example.vn/docs/api#"

TITLES = {
    400: "Bad request",
    401: "Authentication required",
    403: "Forbidden",
    404: "Not found",
    409: "Conflict",
    412: "Precondition failed",
    413: "Payload too large",
    422: "Invalid request",
    429: "Too many requests",
}


class ApiProblem(Exception):
    """Raise from an endpoint to answer a problem: ``ApiProblem(409, "…", errors=[...], rows=[...])``.
    Extra keyword arguments become members of the problem object (RFC 9457 extensions)."""

    def __init__(self, status: int, detail: str = "", *, errors: list | None = None, title: str = "", **extra):
        super().__init__(detail or title)
        self.status, self.detail, self.errors, self.extra = status, detail, errors or [], extra
        self.title = title or TITLES.get(status, "Error")


def problem_response(status: int, *, detail: str = "", title: str = "", errors: list | None = None,
                     **extra) -> HttpResponse:
    body = {
        "type": f"{TYPE_BASE}{status}",
        "title": title or TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    body.update(extra)
    return HttpResponse(json.dumps(body, cls=DjangoJSONEncoder, ensure_ascii=False), status=status,
                        content_type=PROBLEM_CONTENT_TYPE)


def _field(loc) -> str:
    # ninja's locations start with where the value came from ("body", "query"): keep the path after it.
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "header"):
        parts = parts[1:]
    if parts and parts[0] == "payload":
        parts = parts[1:]
    return ".".join(parts)


def field_errors(errors) -> list[dict]:
    return [{"field": _field(e.get("loc", ())), "message": e.get("msg", "")} for e in errors]


def install(api) -> None:
    """Answer every error of ``api`` (a NinjaAPI) as problem details."""

    @api.exception_handler(ApiProblem)
    def _problem(request, exc: ApiProblem):
        return problem_response(exc.status, detail=exc.detail, title=exc.title, errors=exc.errors, **exc.extra)

    @api.exception_handler(AuthenticationError)
    def _unauthenticated(request, exc):
        response = problem_response(401, detail="Send a valid API token: Authorization: Bearer <token>.")
        response["WWW-Authenticate"] = 'Bearer realm="ktlearn"'
        return response

    @api.exception_handler(Throttled)
    def _throttled(request, exc: Throttled):
        wait = int(exc.wait or 1)
        return problem_response(429, detail=f"This client's rate is exceeded: retry in {wait} s.", retry_after=wait)

    @api.exception_handler(NinjaValidationError)
    def _invalid(request, exc: NinjaValidationError):
        return problem_response(422, detail="Some values are invalid.", errors=field_errors(exc.errors))

    @api.exception_handler(DjangoValidationError)
    def _django_invalid(request, exc: DjangoValidationError):
        if hasattr(exc, "error_dict"):
            errors = [{"field": f, "message": m} for f, msgs in exc.message_dict.items() for m in msgs]
        else:
            errors = [{"field": "", "message": m} for m in exc.messages]
        return problem_response(422, detail="Some values are invalid.", errors=errors)

    @api.exception_handler(Http404)
    def _not_found(request, exc):
        return problem_response(404, detail="No such object for this client.")

    @api.exception_handler(ObjectDoesNotExist)
    def _does_not_exist(request, exc):
        return problem_response(404, detail="No such object for this client.")

    @api.exception_handler(PermissionDenied)
    def _forbidden(request, exc):
        return problem_response(403, detail=str(exc) or "This client may not do that.")

    @api.exception_handler(RequestDataTooBig)
    def _too_big(request, exc):
        return problem_response(413, detail="The request body is too large.")

    @api.exception_handler(HttpError)
    def _http_error(request, exc: HttpError):
        return problem_response(exc.status_code, detail=str(exc))
