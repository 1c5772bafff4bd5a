"""The notification centre: notices a user finds in the site (the navbar's bell and /learn/notices/).

Each notice is written by the service that causes it, in that service's transaction:
- assigned: a manager's assignment (services.enrollment_assign) and a position's required courses
  (services.required_courses_assign);
- certificate: a certificate issued (services.certificate_issue);
- marked: the last essay of a quiz attempt marked (the assessments.signals.sitting_marked receiver);
- due soon / overdue: the daily job (tasks.due_notices_daily_task → due_notices_create);
- reminder: a manager's reminder from the team page (reminders.reminders_send_to).

A notice's key is unique per user, so the same event never makes two notices: ``assigned:<enrolment>``,
``certificate:<certificate>``, ``marked:<sitting>``, ``due_soon:<enrolment>:<due date>`` and
``overdue:<enrolment>:<due date>`` (a new due date set by a manager is a new event). Texts are
written in the site's language (settings.LANGUAGE_CODE), as the reminder emails are.

The unread count of the badge is cached per user (the default cache, fail-soft in production) and
forgotten after the commit of every write that changes it; with the cache down it costs one query.
"""

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from organization.models import Cadre, CadreStatus

from .models import Enrollment, EnrollmentStatus, Notice, NoticeKind

DUE_SOON_DAYS = 14  # the same horizon as the reminder emails (courses.reminders.REMINDER_DAYS)
UNREAD_CACHE_SECONDS = 300
BATCH = 1000


def _unread_key(user_id: int) -> str:
    return f"courses:notices:unread:{user_id}"


def _forget_unread(user_ids: Iterable[int]) -> None:
    keys = [_unread_key(pk) for pk in set(user_ids) if pk]
    if keys:
        # Now, for the rest of this transaction, and again after the commit: a page read between
        # the write and the commit may have cached the old figure.
        cache.delete_many(keys)
        transaction.on_commit(lambda: cache.delete_many(keys))


def unread_count(user) -> int:
    """How many unread notices the user has: from the cache, else one query (then cached)."""
    if not user.is_authenticated:
        return 0
    key = _unread_key(user.pk)
    count = cache.get(key)
    if count is None:
        count = Notice.objects.filter(user=user, read_at__isnull=True).count()
        cache.set(key, count, UNREAD_CACHE_SECONDS)
    return count


def notices_add(rows: list[Notice], *, new_keys: bool = False) -> list[Notice]:
    """Write the notices whose (user, key) is new, in bulk; returns those written. A notice already
    there (a second run, a parallel one) is skipped, never duplicated. `new_keys`: the caller knows
    the keys are new (they name rows it has just created), which saves the look-up."""
    rows = [row for row in rows if row.user_id]
    if not rows:
        return []
    existing = set() if new_keys else set(
        Notice.objects.filter(user_id__in={r.user_id for r in rows}, key__in={r.key for r in rows})
        .values_list("user_id", "key")
    )
    new, seen = [], set()
    for row in rows:
        pair = (row.user_id, row.key)
        if pair not in existing and pair not in seen:
            seen.add(pair)
            new.append(row)
    Notice.objects.bulk_create(new, ignore_conflicts=True)
    _forget_unread(r.user_id for r in new)
    return new


def _date(day: datetime.date) -> str:
    return date_format(day, "d/m/Y")


def _continue_url(course_id: int) -> str:
    return reverse("courses:continue", args=[course_id])


def _assigned_text(enrollment: Enrollment) -> str:
    if enrollment.due_on:
        return _("You have been assigned the course “%(course)s”, due %(date)s.") % {
            "course": enrollment.course.title, "date": _date(enrollment.due_on)}
    return _("You have been assigned the course “%(course)s”.") % {"course": enrollment.course.title}


def assigned_notices_add(*, enrollments: list[Enrollment]) -> list[Notice]:
    """An "assigned" notice for each enrolment just created (its cadre and course loaded) whose cadre
    has a login; one insert, whatever their number."""
    with translation.override(settings.LANGUAGE_CODE):
        rows = [
            Notice(user_id=e.cadre.user_id, kind=NoticeKind.ASSIGNED, key=f"assigned:{e.pk}",
                   text=_assigned_text(e), url=_continue_url(e.course_id))
            for e in enrollments if e.cadre.user_id and e.pk  # PostgreSQL and SQLite return the new ids
        ]
    return notices_add(rows, new_keys=True)


def certificate_notice_add(*, certificate) -> list[Notice]:
    completion = certificate.completion
    user_id = completion.cadre.user_id
    if not user_id:
        return []
    with translation.override(settings.LANGUAGE_CODE):
        text = _("Your certificate for “%(course)s” has been issued (no. %(number)s).") % {
            "course": certificate.course_title, "number": certificate.number}
    return notices_add([Notice(user_id=user_id, kind=NoticeKind.CERTIFICATE, key=f"certificate:{certificate.pk}",
                               text=text, url=reverse("courses:certificate_pdf", args=[certificate.pk]))])


def marked_notice_add(*, sitting) -> list[Notice]:
    """The quiz attempt's last essay was marked: tell the cadre the result."""
    if not sitting.user_id or sitting.passed is None:
        return []
    with translation.override(settings.LANGUAGE_CODE):
        if sitting.passed:
            text = _("Your answers to “%(quiz)s” have been marked: passed (%(score)s/%(max)s).")
        else:
            text = _("Your answers to “%(quiz)s” have been marked: not passed (%(score)s/%(max)s).")
        text %= {"quiz": sitting.quiz.title, "score": sitting.current_score, "max": sitting.max_score}
    return notices_add([Notice(user_id=sitting.user_id, kind=NoticeKind.MARKED, key=f"marked:{sitting.pk}",
                               text=text, url=reverse("assessments:sitting_result", args=[sitting.pk]))])


def due_notices_create(*, on: datetime.date, days: int = DUE_SOON_DAYS) -> dict:
    """The daily notices: "due soon" for each active enrolment due within `days` days, "overdue" for
    each one past its due date, to working cadres with an active login. Idempotent: one notice per
    enrolment, kind and due date, however often it runs (an enrolment due soon today and overdue next
    week gets one of each). Returns how many of each were written. Queries: two per thousand enrolments."""
    due = (
        Enrollment.objects.filter(status=EnrollmentStatus.ACTIVE, due_on__isnull=False,
                                  due_on__lte=on + datetime.timedelta(days=days), cadre__status=CadreStatus.ACTIVE,
                                  cadre__user__isnull=False, cadre__user__is_active=True)
        .values_list("pk", "due_on", "course_id", "course__title", "cadre__user_id")
        .order_by("pk")
    )
    written = {NoticeKind.DUE_SOON: 0, NoticeKind.OVERDUE: 0}
    with translation.override(settings.LANGUAGE_CODE):
        batch = []
        for pk, due_on, course_id, title, user_id in due.iterator(chunk_size=BATCH):
            enrollment = Enrollment(pk=pk, due_on=due_on, course_id=course_id)
            enrollment.course_title = title
            batch.append(_due_notice_row(enrollment, user_id, on))
            if len(batch) >= BATCH:
                for notice in notices_add(batch):
                    written[notice.kind] += 1
                batch = []
        for notice in notices_add(batch):
            written[notice.kind] += 1
    return {"due_soon": written[NoticeKind.DUE_SOON], "overdue": written[NoticeKind.OVERDUE]}


def _due_notice_row(enrollment: Enrollment, user_id: int, on: datetime.date) -> Notice:
    course, due = enrollment.course_title, _date(enrollment.due_on)
    if enrollment.due_on < on:
        kind = NoticeKind.OVERDUE
        text = _("“%(course)s” was due on %(date)s and is overdue.") % {"course": course, "date": due}
    else:
        kind = NoticeKind.DUE_SOON
        text = _("“%(course)s” is due on %(date)s.") % {"course": course, "date": due}
    return Notice(user_id=user_id, kind=kind, key=f"{kind}:{enrollment.pk}:{enrollment.due_on.isoformat()}",
                  text=text, url=_continue_url(enrollment.course_id))


# --- Reading and marking read ---------------------------------------------------------------------------


def notices_of(user):
    """The user's notices, unread first, newest first (for the notification centre and the home page)."""
    return Notice.objects.filter(user=user).order_by(F("read_at").asc(nulls_first=True), "-created_at", "-id")


def notice_mark_read(*, by, notice_id: int) -> Notice:
    """Mark one of the user's notices read (already read: unchanged). Another user's notice, or one
    that does not exist, raises ObjectDoesNotExist: the same answer, so ids cannot be probed."""
    notice = Notice.objects.filter(user=by, pk=notice_id).first()
    if notice is None:
        raise ObjectDoesNotExist("no such notice")
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])
        _forget_unread([by.pk])
    return notice


def notices_mark_all_read(*, by) -> int:
    """Mark every unread notice of the user read; returns how many."""
    count = Notice.objects.filter(user=by, read_at__isnull=True).update(read_at=timezone.now())
    if count:
        _forget_unread([by.pk])
    return count


def study_notices_add(*, assignments: list, regulation) -> list[Notice]:
    """A "document to study" notice for each study assignment just created whose cadre has a login
    (one query for the logins, one insert); key ``study:<assignment>``."""
    ids = [a.pk for a in assignments if a.pk]
    if not ids:
        return []
    users = dict(Cadre.objects.filter(pk__in=[a.cadre_id for a in assignments], user__isnull=False)
                 .values_list("pk", "user_id"))
    with translation.override(settings.LANGUAGE_CODE):
        rows = [
            Notice(user_id=users[a.cadre_id], kind=NoticeKind.STUDY, key=f"study:{a.pk}",
                   text=_("Please study “%(number)s — %(title)s” and confirm it by %(date)s.") % {
                       "number": regulation.number, "title": regulation.title, "date": _date(a.due_on)},
                   url=reverse("courses:study_detail", args=[a.pk]))
            for a in assignments if a.pk and a.cadre_id in users
        ]
    return notices_add(rows, new_keys=True)
