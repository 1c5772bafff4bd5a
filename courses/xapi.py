"""xAPI statements for course completions and certificates (lms.xapi; docs/xapi.md). Queued in the
transaction that records them (courses.services.completion_record, certificate_issue)."""

from django.urls import reverse

from lms import xapi

from .models import Certificate, Completion


def _actor(cadre) -> dict:
    return xapi.agent(account_name=cadre.code, name=cadre.full_name)


def _course_activity(course) -> dict:
    path = course.url if course.url and course.url.startswith("/") else f"/courses/{course.pk}/"
    return xapi.activity(path=path, type_iri=xapi.TYPE_COURSE, name=course.title)


def completion_statement(completion: Completion) -> dict:
    hours = float(completion.hours)
    return xapi.statement(
        kind="completion", pk=completion.pk, actor=_actor(completion.cadre), verb_def=xapi.VERB_COMPLETED,
        obj=_course_activity(completion.course), timestamp=completion.completed_on,
        result={"completion": True, "success": True,
                "extensions": {f"{xapi.site_url()}/xapi/hours": hours}},
        context={"extensions": {f"{xapi.site_url()}/xapi/source": completion.source}},
    )


def certificate_statement(certificate: Certificate) -> dict:
    completion = certificate.completion
    return xapi.statement(
        kind="certificate", pk=certificate.pk, actor=_actor(completion.cadre), verb_def=xapi.VERB_EARNED,
        obj=xapi.activity(path=reverse("verify", kwargs={"code": certificate.code}), type_iri=xapi.TYPE_CERTIFICATE,
                          name=f"{certificate.number} — {certificate.course_title}"),
        timestamp=certificate.issued_on, result={"completion": True, "success": True},
        context={"contextActivities": {"parent": [_course_activity(completion.course)]}},
    )


def completion_queue(completion: Completion) -> None:
    if xapi.enabled():
        xapi.statement_queue(completion_statement(completion))


def certificate_queue(certificate: Certificate) -> None:
    if xapi.enabled():
        xapi.statement_queue(certificate_statement(certificate))
