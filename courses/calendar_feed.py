"""A cadre's due dates as an iCalendar feed (RFC 5545) at a private address.

A calendar application subscribes to ``/learn/calendar/<token>.ics`` and fetches it without logging
in, so the token is the only key: 256 random bits, one per cadre (CalendarFeed), drawn again when
the cadre asks (the old address then answers 404). A cadre who no longer works (retired, left) or
whose login is closed gets 404 as well.

The feed has one all-day event per active enrolment with a due date, on that date; its UID is
stable (``enrollment-<id>@<host>``), so a due date moved by a manager moves the event in the
subscribed calendar instead of adding one.
"""

import datetime
import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from organization.models import Cadre, CadreStatus

from .models import CalendarFeed, Enrollment, EnrollmentStatus

TOKEN_BYTES = 32
MAX_LINE_OCTETS = 75


def _new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def calendar_feed_of(*, cadre: Cadre) -> CalendarFeed:
    """The cadre's feed, created with a new token the first time. Idempotent under parallel requests."""
    feed = CalendarFeed.objects.filter(cadre=cadre).first()
    if feed is not None:
        return feed
    try:
        with transaction.atomic():
            return CalendarFeed.objects.create(cadre=cadre, token=_new_token())
    except IntegrityError:  # a parallel request created it first
        return CalendarFeed.objects.get(cadre=cadre)


@transaction.atomic
def calendar_feed_regenerate(*, cadre: Cadre) -> CalendarFeed:
    """Draw a new token for the cadre's feed: the old address stops working at once."""
    feed = CalendarFeed.objects.select_for_update().filter(cadre=cadre).first()
    if feed is None:
        return CalendarFeed.objects.create(cadre=cadre, token=_new_token())
    feed.token = _new_token()
    feed.save(update_fields=["token"])
    return feed


def cadre_for_token(token: str) -> Cadre | None:
    """The working cadre whose feed has this token (None for an unknown, old or malformed token)."""
    if not token or len(token) > 64:
        return None
    feed = (
        CalendarFeed.objects.filter(token=token, cadre__status=CadreStatus.ACTIVE)
        .select_related("cadre", "cadre__user").first()
    )
    if feed is None:
        return None
    user = feed.cadre.user
    if user is not None and not user.is_active:
        return None
    return feed.cadre


def due_enrollments(*, cadre: Cadre) -> list[Enrollment]:
    """The cadre's active enrolments with a due date, soonest first (one query)."""
    return list(
        Enrollment.objects.filter(cadre=cadre, status=EnrollmentStatus.ACTIVE, due_on__isnull=False)
        .select_related("course").order_by("due_on", "pk")
    )


# --- RFC 5545 text --------------------------------------------------------------------------------------


def _escape(text: str) -> str:
    """TEXT value escaping (RFC 5545 §3.3.11)."""
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def _fold(line: str) -> str:
    """Fold a content line into lines of at most 75 octets (§3.1), never inside a UTF-8 character;
    each continuation starts with one space."""
    out, current, size = [], "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        limit = MAX_LINE_OCTETS if not out else MAX_LINE_OCTETS - 1
        if size + width > limit:
            out.append(current)
            current, size = "", 0
        current += char
        size += width
    out.append(current)
    return "\r\n ".join(out)


def _date(day: datetime.date) -> str:
    return day.strftime("%Y%m%d")


def feed_ics(*, cadre: Cadre, enrollments: list[Enrollment], base_url: str, host: str,
             now: datetime.datetime | None = None) -> bytes:
    """The feed as bytes (UTF-8, CRLF line ends, folded lines). `base_url` is the site's address
    (scheme and host) for the links back to each course."""
    from django.urls import reverse

    now = now or timezone.now()
    stamp = now.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    with translation.override(settings.LANGUAGE_CODE):
        name = _("KTLearn: training due dates of %(name)s") % {"name": cadre.full_name}
        lines = [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//KTLearn//Training due dates//VI",
            "CALSCALE:GREGORIAN",
            "METHOD:PUBLISH",
            f"X-WR-CALNAME:{_escape(name)}",
        ]
        for enrollment in enrollments:
            course = enrollment.course
            url = base_url + reverse("courses:continue", args=[course.pk])
            summary = _("Due: %(course)s") % {"course": course.title}
            description = _("Complete the course “%(course)s” by this day. Open it: %(url)s") % {
                "course": course.title, "url": url}
            lines += [
                "BEGIN:VEVENT",
                f"UID:enrollment-{enrollment.pk}@{host}",
                f"DTSTAMP:{stamp}",
                f"DTSTART;VALUE=DATE:{_date(enrollment.due_on)}",
                f"DTEND;VALUE=DATE:{_date(enrollment.due_on + datetime.timedelta(days=1))}",
                f"SUMMARY:{_escape(summary)}",
                f"DESCRIPTION:{_escape(description)}",
                f"URL:{url}",
                "TRANSP:TRANSPARENT",
                "END:VEVENT",
            ]
        lines.append("END:VCALENDAR")
    return ("\r\n".join(_fold(line) for line in lines) + "\r\n").encode("utf-8")
