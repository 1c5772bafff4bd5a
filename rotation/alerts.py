"""The daily rotation alert digest: each board member (the whole province) and each unit manager
(rotations into or out of their subtree) gets one email listing the rotations ending within 90 days
and the overdue returns. A RotationAlertLog row per user and day makes a second run the same day
send nothing; a failed send rolls its log row back, so the next run retries it."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from organization import roles

from . import selectors
from .models import ROTATION_ALERT_DAYS, Rotation, RotationAlertLog

DIGEST_LIMIT = 50


def _line(rotation, on: datetime.date) -> str:
    if rotation.planned_end < on:
        when = _("overdue since %(date)s") % {"date": rotation.planned_end.strftime("%d/%m/%Y")}
    else:
        when = _("ends %(date)s") % {"date": rotation.planned_end.strftime("%d/%m/%Y")}
    return f"- {rotation.cadre.full_name} ({rotation.cadre.code}), {rotation.get_direction_display()}: " \
           f"{rotation.from_label} → {rotation.to_label} — {when}"


def _once(key: str, on: datetime.date, send) -> bool:
    try:
        with transaction.atomic():
            RotationAlertLog.objects.create(key=key, sent_on=on)
            send()
    except IntegrityError:
        return False
    return True


def rotation_alerts_send(*, on: datetime.date) -> dict:
    """Send the day's digests; returns {"board": n, "managers": n}. Three queries for the alerts,
    whatever the number of recipients."""
    rows = Rotation.objects.select_related("cadre", "from_unit", "from_position", "to_unit", "to_position")
    ending = list(selectors.rotations_ending_soon(rows, on=on))
    overdue = list(selectors.rotations_overdue(rows, on=on))
    sent = {"board": 0, "managers": 0}
    if not ending and not overdue:
        return sent
    users = (
        get_user_model().objects.filter(groups__name__in=(roles.BOARD, roles.UNIT_MANAGER), is_active=True)
        .exclude(email="").select_related("ktlearn_profile__unit").prefetch_related("groups").distinct()
    )
    url = settings.WAGTAILADMIN_BASE_URL + reverse("rotation:overview")
    with translation.override(settings.LANGUAGE_CODE):
        for user in users:
            names = {group.name for group in user.groups.all()}
            if roles.BOARD in names:
                kind, scope = "board", settings.KTLEARN_PROVINCE_NAME
                mine_ending, mine_overdue = ending, overdue
            else:
                profile = getattr(user, "ktlearn_profile", None)
                unit = profile.unit if profile else None
                if unit is None:
                    continue
                kind, scope = "managers", unit.name

                def touches(rotation, path=unit.path):
                    units = (rotation.from_unit, rotation.to_unit)
                    return any(u is not None and u.path.startswith(path) for u in units)

                mine_ending = [r for r in ending if touches(r)]
                mine_overdue = [r for r in overdue if touches(r)]
            if not mine_ending and not mine_overdue:
                continue
            listed = (mine_overdue + mine_ending)[:DIGEST_LIMIT]
            lines = [_line(r, on) for r in listed]
            more = len(mine_overdue) + len(mine_ending) - len(listed)
            if more:
                lines.append(_("… and %(n)s more.") % {"n": more})
            text = "\n".join([
                _("Rotations in %(scope)s: %(overdue)s overdue return(s), %(ending)s ending within %(days)s days.")
                % {"scope": scope, "overdue": len(mine_overdue), "ending": len(mine_ending),
                   "days": ROTATION_ALERT_DAYS},
                "", *lines, "", _("Plan vs done and alerts: %(url)s") % {"url": url},
            ])

            def send(user=user, text=text):
                send_mail(_("KTLearn: rotations ending soon or overdue"), text, None, [user.email])

            if _once(f"rotation-digest:{user.pk}:{on.isoformat()}", on, send):
                sent[kind] += 1
    return sent
