"""Daily training reminders: each cadre with training due within REMINDER_DAYS days or overdue gets
an email (and, with a login, a notice in the site); each unit manager gets a digest for their
subtree. A ReminderLog row per recipient and day makes a second run the same day send nothing."""

import datetime
from collections import defaultdict

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from organization import roles
from organization.models import CadreStatus

from .models import Enrollment, EnrollmentStatus, Notice, ReminderLog

REMINDER_DAYS = 14
DIGEST_LIMIT = 50


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
    sent = {"cadres": 0, "notices": 0, "digests": 0}
    with translation.override(settings.LANGUAGE_CODE):
        for cadre, items in by_cadre.items():
            email = cadre.email or (cadre.user.email if cadre.user else "")
            if not email and not cadre.user:
                continue
            text = "\n".join([
                _("Dear %(name)s,") % {"name": cadre.full_name}, "",
                _("This training is due soon or overdue:"), *(_line(e, on) for e in items), "",
                _("Open your learning page: %(url)s") % {"url": settings.WAGTAILADMIN_BASE_URL + url},
            ])

            def send(cadre=cadre, items=items, email=email, text=text):
                if email:
                    send_mail(_("KTLearn: training due"), text, None, [email])
                if cadre.user:
                    Notice.objects.create(user=cadre.user, key=f"training-due:{on.isoformat()}",
                                          text="\n".join(_line(e, on) for e in items), url=url)
                    sent["notices"] += 1

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
