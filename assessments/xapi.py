"""xAPI statements for quiz results (lms.xapi; docs/xapi.md): one per fully marked sitting, "passed"
or "failed", with the score. Queued in the transaction that records the result."""

from lms import xapi

from .models import Sitting


def sitting_statement(sitting: Sitting) -> dict:
    cadre = sitting.cadre
    actor = xapi.agent(account_name=cadre.code if cadre else sitting.user.get_username(),
                       name=cadre.full_name if cadre else "")
    quiz = sitting.quiz
    result = {
        "score": {"raw": sitting.current_score, "min": 0, "max": sitting.max_score,
                  "scaled": round(sitting.current_score / sitting.max_score, 4) if sitting.max_score else 0},
        "success": bool(sitting.passed),
        "completion": True,
    }
    if sitting.end and sitting.start:
        seconds = max(0, int((sitting.end - sitting.start).total_seconds()))
        result["duration"] = f"PT{seconds}S"
    return xapi.statement(
        kind="sitting", pk=sitting.pk, actor=actor, verb_def=xapi.VERB_PASSED if sitting.passed else xapi.VERB_FAILED,
        obj=xapi.activity(path=quiz.get_absolute_url(), type_iri=xapi.TYPE_ASSESSMENT, name=quiz.title),
        timestamp=sitting.end or xapi.now(), result=result,
        context={"extensions": {f"{xapi.site_url()}/xapi/attempt": sitting.attempt_no}},
    )


def sitting_result_queue(sitting: Sitting) -> None:
    """Queue the sitting's result once it is final (pass or fail decided); nothing when xAPI is off."""
    if sitting.passed is None or not xapi.enabled():
        return
    xapi.statement_queue(sitting_statement(sitting))
