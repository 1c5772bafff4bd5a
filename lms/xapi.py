"""Learning records as xAPI 1.0.3 statements, sent to a Learning Record Store (docs/xapi.md).

Off unless KTLEARN_XAPI_ENDPOINT is set (with KTLEARN_XAPI_KEY and KTLEARN_XAPI_SECRET, HTTP Basic).
The apps that own an event build its statement (courses/xapi.py: completions and certificates;
assessments/xapi.py: quiz results) with the helpers below and call `statement_queue`, which writes
an outbox message in the caller's transaction (lms.outbox): nothing is sent for a rolled-back
action, and nothing is lost when the broker or the LRS is down. The task `lms.xapi_send` PUTs the
statement under its id (derived from the event, so a second delivery is the same statement, which
the LRS keeps once); while the LRS refuses or is silent, a worker retries with a growing delay
(at most every 10 minutes, without end), and without a worker (tasks run in-process) the message
goes back to the outbox for the dispatcher.

Imports no KTLearn app.
"""

from __future__ import annotations

import datetime
import uuid

import requests
from django.conf import settings
from django.utils import timezone

from . import outbox

XAPI_VERSION = "1.0.3"
SEND_TASK = "lms.xapi_send"
# Namespace of the statement ids: uuid5(NAMESPACE, "<kind>:<pk>"), the same id for the same event.
NAMESPACE = uuid.UUID("6c1d7a52-4f0e-5f4b-9b6a-6b746c656172")

VERB_COMPLETED = ("http://adlnet.gov/expapi/verbs/completed", "completed", "đã hoàn thành")
VERB_PASSED = ("http://adlnet.gov/expapi/verbs/passed", "passed", "đã đạt")
VERB_FAILED = ("http://adlnet.gov/expapi/verbs/failed", "failed", "chưa đạt")
VERB_EARNED = ("http://id.tincanapi.com/verb/earned", "earned", "đã được cấp")

TYPE_COURSE = "http://adlnet.gov/expapi/activities/course"
TYPE_ASSESSMENT = "http://adlnet.gov/expapi/activities/assessment"
TYPE_CERTIFICATE = "https://w3id.org/xapi/tla/activity-types/credential"


class LrsUnavailable(Exception):
    """The LRS refused the statement for a reason that may pass (down, overloaded, 5xx, 429)."""


class LrsRejected(Exception):
    """The LRS answered 4xx: the statement itself is refused; retrying cannot help."""


def enabled() -> bool:
    return bool(getattr(settings, "KTLEARN_XAPI_ENDPOINT", ""))


def site_url() -> str:
    return (getattr(settings, "KTLEARN_XAPI_HOMEPAGE", "") or settings.WAGTAILADMIN_BASE_URL).rstrip("/")


def statement_id(kind: str, pk) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{pk}"))


def iso(moment: datetime.datetime | datetime.date) -> str:
    if isinstance(moment, datetime.datetime):
        return moment.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")
    return f"{moment.isoformat()}T00:00:00Z"


def agent(*, account_name: str, name: str = "") -> dict:
    """The learner, identified by an account on this site (the cadre's code, else the username)."""
    actor = {"objectType": "Agent", "account": {"homePage": site_url(), "name": account_name}}
    if name:
        actor["name"] = name
    return actor


def verb(definition: tuple[str, str, str]) -> dict:
    iri, english, vietnamese = definition
    return {"id": iri, "display": {"en-US": english, "vi-VN": vietnamese}}


def activity(*, path: str, type_iri: str, name: str) -> dict:
    return {"objectType": "Activity", "id": site_url() + path,
            "definition": {"type": type_iri, "name": {"vi-VN": name}}}


def statement(*, kind: str, pk, actor: dict, verb_def: tuple[str, str, str], obj: dict, timestamp,
              result: dict | None = None, context: dict | None = None) -> dict:
    data = {"id": statement_id(kind, pk), "actor": actor, "verb": verb(verb_def), "object": obj,
            "timestamp": iso(timestamp), "version": XAPI_VERSION}
    if result is not None:
        data["result"] = result
    data["context"] = {"platform": "KTLearn", "language": "vi-VN", **(context or {})}
    return data


def statement_queue(data: dict):
    """Queue the statement for the LRS in the caller's transaction; None when xAPI is off."""
    if not enabled():
        return None
    from . import tasks  # noqa: F401 -- registers lms.xapi_send before an in-process run looks it up

    return outbox.enqueue(SEND_TASK, data)


def statement_send(data: dict) -> int:
    """PUT one statement to the LRS under its id. Returns the status (204 stored; 409: the LRS holds a
    statement with this id already, which is the same event delivered twice). Raises LrsUnavailable
    (retry later) or LrsRejected (4xx: retrying cannot help)."""
    url = settings.KTLEARN_XAPI_ENDPOINT.rstrip("/") + "/statements"
    try:
        response = requests.put(
            url, params={"statementId": data["id"]}, json=data,
            auth=(settings.KTLEARN_XAPI_KEY, settings.KTLEARN_XAPI_SECRET),
            headers={"X-Experience-API-Version": XAPI_VERSION},
            timeout=settings.KTLEARN_XAPI_TIMEOUT_SECONDS,
        )
    except requests.RequestException as exc:
        raise LrsUnavailable(repr(exc)) from exc
    if response.status_code in (200, 204, 409):
        return response.status_code
    if response.status_code == 429 or response.status_code >= 500 or response.status_code in (401, 403):
        # 401/403: credentials being rotated on the LRS side; the statement waits rather than being dropped.
        raise LrsUnavailable(f"HTTP {response.status_code}: {response.text[:300]}")
    raise LrsRejected(f"HTTP {response.status_code}: {response.text[:300]}")


def requeue(data: dict) -> None:
    """Without a worker: leave the statement to the outbox's dispatcher (no immediate attempt)."""
    outbox.defer(SEND_TASK, data)


def now() -> datetime.datetime:
    return timezone.now()
