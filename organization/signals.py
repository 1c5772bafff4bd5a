"""Reactions inside the organization app: a unit added to the tree gets its first placement; a
user logging in is flagged for the account gate (organization.middleware): staff must pass the second
factor, a one-time password must be replaced."""

from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_save
from django.dispatch import receiver

from . import two_factor
from .accounts import must_change_password
from .middleware import MUST_CHANGE_PASSWORD
from .models import Unit
from .services import unit_placement_record


@receiver(post_save, sender=Unit, dispatch_uid="organization.unit_placement_on_create")
def _unit_created(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        unit_placement_record(instance)


@receiver(user_logged_in, dispatch_uid="organization.one_time_password_at_login")
def _logged_in(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    two_factor.session_mark(request, user)
    if must_change_password(user):
        request.session[MUST_CHANGE_PASSWORD] = True


# The REST API's changes feed: deletions become tombstones (lms.tombstones), scoped by unit path.
def _unit_path(unit_id) -> str:
    return Unit.objects.filter(pk=unit_id).values_list("path", flat=True).first() or ""


def _cadre_path(cadre_id) -> str:
    from .models import Cadre

    return Cadre.objects.filter(pk=cadre_id).values_list("unit__path", flat=True).first() or ""


def _track_deletions():
    from lms import tombstones

    from .models import Cadre, PositionAssignment

    tombstones.track(Unit, resource="units", key=lambda u: u.code, unit_path=lambda u: u.path)
    tombstones.track(Cadre, resource="cadres", key=lambda c: c.code, unit_path=lambda c: _unit_path(c.unit_id))
    tombstones.track(PositionAssignment, resource="position-assignments",
                     key=lambda a: f"{a.start_date.isoformat()}", unit_path=lambda a: _cadre_path(a.cadre_id))


_track_deletions()
