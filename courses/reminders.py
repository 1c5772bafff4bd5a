"""Daily training reminders: each cadre with training due within REMINDER_DAYS days or overdue gets
an email (the notices in the site are courses.notifications' daily due notices, one per enrolment);
each unit manager gets a digest for their subtree. A ReminderLog row per recipient and day makes a
second run the same day send nothing.
A manager can also remind chosen cadres at once from the team page (reminders_send_to)."""

import datetime
import logging
import smtplib
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from lms import outbox
from organization import roles
from organization.models import Cadre, CadreStatus
from organization.selectors import cadres_editable_by

from .models import Enrollment, EnrollmentStatus, Notice, NoticeKind, ReminderLog
from .notifications import notices_add

REMINDER_DAYS = 14
DIGEST_LIMIT = 50
REMINDER_EMAIL_TASK = "courses.reminder_email"

logger = logging.getLogger(__name__)


def _learning_url() -> str:
    return reverse("courses:my_learning")


def _line(enrollment, on: datetime.date) -> str:
    if enrollment.due_on < on:
        when = _("overdue since %(date)s") % {"date": enrollment.due_on.strftime("%d/%m/%Y")}
    else:
        when = _("due %(date)s") % {"date": enrollment.due_on.strftime("%d/%m/%Y")}
    return f"- {enrollment.course.title} ({when})"


def _once(key: str, on: datetime.date, send) -> bool:
    """Run `send` unless a reminder with this key was already sent; the log row and the sending
    share one transaction, so a failed send can be retried."""
    try:
        with transaction.atomic():
            ReminderLog.objects.create(key=key, sent_on=on)
            send()
    except IntegrityError:
        return False
    return True


def reminders_send(*, on: datetime.date) -> dict:
    """Send the day's reminders and digests; returns how many of each were sent."""

    horizon = on + datetime.timedelta(days=REMINDER_DAYS)
    due = list(
        Enrollment.objects.filter(status=EnrollmentStatus.ACTIVE, due_on__isnull=False, due_on__lte=horizon,
                                  cadre__status=CadreStatus.ACTIVE)
        .select_related("cadre", "cadre__user", "cadre__unit", "course")
        .order_by("cadre__name_sort_key", "cadre_id", "due_on")
    )
    by_cadre = defaultdict(list)
    for enrollment in due:
        by_cadre[enrollment.cadre].append(enrollment)
    url = _learning_url()
    sent = {"cadres": 0, "digests": 0}
    with translation.override(settings.LANGUAGE_CODE):
        for cadre, items in by_cadre.items():
            email = cadre.email or (cadre.user.email if cadre.user else "")
            if not email:
                continue
            text = "\n".join([
                _("Dear %(name)s,") % {"name": cadre.full_name}, "",
                _("This training is due soon or overdue:"), *(_line(e, on) for e in items), "",
                _("Open your learning page: %(url)s") % {"url": settings.WAGTAILADMIN_BASE_URL + url},
            ])

            def send(email=email, text=text):
                send_mail(_("KTLearn: training due"), text, None, [email])

            if _once(f"cadre:{cadre.pk}:{on.isoformat()}", on, send):
                sent["cadres"] += 1

        managers = (
            get_user_model().objects.filter(groups__name=roles.UNIT_MANAGER, is_active=True,
                                            ktlearn_profile__unit__isnull=False)
            .select_related("ktlearn_profile__unit").distinct()
        )
        for manager in managers:
            unit = manager.ktlearn_profile.unit
            items = [e for e in due if e.cadre.unit.path.startswith(unit.path)]
            if not items or not manager.email:
                continue
            overdue = sum(1 for e in items if e.due_on < on)
            lines = [f"{e.cadre.full_name} ({e.cadre.unit.name}) {_line(e, on)[1:]}" for e in items[:DIGEST_LIMIT]]
            if len(items) > DIGEST_LIMIT:
                lines.append(_("… and %(n)s more.") % {"n": len(items) - DIGEST_LIMIT})
            text = "\n".join([
                _("Training in %(unit)s: %(due)s due within %(days)s days, %(overdue)s overdue.")
                % {"unit": unit.name, "due": len(items) - overdue, "days": REMINDER_DAYS, "overdue": overdue},
                "", *lines,
            ])

            def send_digest(manager=manager, text=text):
                send_mail(_("KTLearn: training due in your units"), text, None, [manager.email])

            if _once(f"manager:{manager.pk}:{on.isoformat()}", on, send_digest):
                sent["digests"] += 1
    return sent


# --- A manager's reminder to the cadres chosen on the team page ---------------------------------------


@dataclass
class ReminderResult:
    sent: int = 0
    already_today: int = 0
    nothing_due: int = 0
    no_contact: int = 0


def _reminder_line(enrollment, on: datetime.date) -> str:
    if enrollment.due_on is None:
        return f"- {enrollment.course.title}"
    return _line(enrollment, on)


def _active_enrollments(cadre_ids) -> dict[int, list]:
    rows = (
        Enrollment.objects.filter(cadre_id__in=cadre_ids, status=EnrollmentStatus.ACTIVE).select_related("course")
        .order_by("cadre_id", F("due_on").asc(nulls_last=True), "created_at")
    )
    by_cadre = defaultdict(list)
    for enrollment in rows:
        by_cadre[enrollment.cadre_id].append(enrollment)
    return by_cadre


def _reminder_text(cadre, items, on: datetime.date) -> str:
    return "\n".join([
        _("Dear comrade %(name)s,") % {"name": cadre.full_name}, "",
        _("Your unit reminds you of this training:"), *(_reminder_line(e, on) for e in items), "",
        _("Open your learning page: %(url)s") % {"url": settings.WAGTAILADMIN_BASE_URL + _learning_url()},
    ])


@transaction.atomic
def reminders_send_to(*, by, cadres: list, on: datetime.date) -> ReminderResult:
    """Remind the named cadres now of their active enrolments (a manager's "remind" on the team page):
    an in-site notice for a cadre with a login, and an email queued through the outbox (lms.outbox: sent
    after the commit, so a mail server that is down never fails the request).

    Only cadres the user may edit (organization.selectors.cadres_editable_by): naming anyone else raises
    PermissionDenied and writes nothing. At most one such reminder per cadre and day (ReminderLog): a
    second one the same day sends nothing and is counted, as are cadres with no active enrolment and
    cadres with neither a login nor an email."""
    ids = {c.pk for c in cadres}
    if not ids:
        raise ValidationError(_("Choose the cadres first."))
    if set(cadres_editable_by(by).filter(pk__in=ids).values_list("pk", flat=True)) != ids:
        raise PermissionDenied(_("You can only remind cadres of your own units."))
    by_cadre = _active_enrollments(ids)
    result = ReminderResult()
    url = _learning_url()
    with translation.override(settings.LANGUAGE_CODE):
        for cadre in Cadre.objects.filter(pk__in=ids).select_related("user").order_by("pk"):
            items = by_cadre.get(cadre.pk)
            email = cadre.email or (cadre.user.email if cadre.user else "")
            if not items:
                result.nothing_due += 1
                continue
            if not email and not cadre.user:
                result.no_contact += 1
                continue

            def send(cadre=cadre, items=items, email=email):
                if cadre.user:
                    notices_add([Notice(user=cadre.user, kind=NoticeKind.REMINDER,
                                        key=f"manager-reminder:{on.isoformat()}",
                                        text="\n".join(_reminder_line(e, on) for e in items), url=url)])
                if email:
                    outbox.enqueue(REMINDER_EMAIL_TASK, cadre.pk, on.isoformat())

            if _once(f"manual:{cadre.pk}:{on.isoformat()}", on, send):
                result.sent += 1
            else:
                result.already_today += 1
    return result


def reminder_email_send(*, cadre_id: int, on: datetime.date) -> bool:
    """The email of a manager's reminder (queued by reminders_send_to), listing the cadre's active
    enrolments as they are when it is sent. A mail server error is logged, not raised: the in-site
    notice was already written, and a failed send must not break the request that queued it."""
    cadre = Cadre.objects.select_related("user").filter(pk=cadre_id).first()
    if cadre is None:
        return False
    email = cadre.email or (cadre.user.email if cadre.user else "")
    items = _active_enrollments([cadre.pk]).get(cadre.pk)
    if not email or not items:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        try:
            send_mail(_("KTLearn: a reminder from your unit"), _reminder_text(cadre, items, on), None, [email])
        except (smtplib.SMTPException, OSError):
            logger.exception("reminder email to cadre %s not sent", cadre_id)
            return False
    return True
