"""Reactions inside the organization app: a unit added to the tree gets its first placement."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import Unit
from .services import unit_placement_record


@receiver(post_save, sender=Unit, dispatch_uid="organization.unit_placement_on_create")
def _unit_created(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        unit_placement_record(instance)
