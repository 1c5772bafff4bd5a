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
