"""Quiz results through the REST API (/api/v1/quiz-results): score, passed, date — never the answers.
Scoped through the cadres the client's login sees (organization.selectors); see docs/api.md."""

from __future__ import annotations

import datetime

from ninja import Query, Router, Schema

from lms.rest.etag import respond
from lms.rest.pagination import page
from lms.rest.schemas import ERRORS, page_of
from organization.rest import ListFilters, cadres_in_scope, unit_in_scope

from .models import Sitting

router = Router(tags=["learning records"])


class QuizResultOut(Schema):
    id: int
    cadre_code: str
    quiz_id: int
    quiz_title: str
    attempt_no: int
    score: int
    max_score: int
    passed: bool | None
    ended_at: datetime.datetime | None
    updated_at: datetime.datetime


@router.get("/quiz-results", response={200: page_of(QuizResultOut), **ERRORS},
            summary="Quiz results (submitted attempts)")
def quiz_result_list(request, filters: Query[ListFilters], since: datetime.date | None = None,
                     until: datetime.date | None = None):
    cadres = cadres_in_scope(request, unit_in_scope(request, filters.unit))
    qs = Sitting.objects.filter(cadre__in=cadres.values("pk"), complete=True)
    if filters.updated_since:
        qs = qs.filter(updated_at__gt=filters.updated_since)
    if since:
        qs = qs.filter(end__date__gte=since)
    if until:
        qs = qs.filter(end__date__lte=until)
    rows, cursor = page(qs.values("id", "cadre__code", "quiz_id", "quiz__title", "attempt_no", "current_score",
                                  "max_score", "passed", "end", "updated_at"), cursor=filters.cursor,
                        limit=filters.limit, key="id")
    items = [{"id": r["id"], "cadre_code": r["cadre__code"], "quiz_id": r["quiz_id"], "quiz_title": r["quiz__title"],
              "attempt_no": r["attempt_no"], "score": r["current_score"], "max_score": r["max_score"],
              "passed": r["passed"], "ended_at": r["end"], "updated_at": r["updated_at"]} for r in rows]
    return respond(request, page_of(QuizResultOut), {"items": items, "next_cursor": cursor})
