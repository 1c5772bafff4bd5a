"""Tombstones: what the REST API's changes feed says about deleted records (lms.models.Tombstone).

An app registers the models its API lists (in its signals module, so every process tracks them, not
only the web server): ``track(Cadre, resource="cadres", key=..., unit_path=...)``. A deletion —
one object, a queryset or a cascade — writes one tombstone per object in the deleting transaction
(pre_delete: the related rows the unit path is read from still exist then).

Shared infrastructure: imports no app (pyproject.toml's import-linter contract).
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models.signals import pre_delete

_TRACKED: dict[type, str] = {}


def track(model, *, resource: str, key: Callable[[object], str], unit_path: Callable[[object], str]) -> None:
    """Write a Tombstone(resource, object id, key(obj), unit_path(obj)) whenever an object of ``model``
    is deleted. Idempotent per model."""
    if model in _TRACKED:
        return
    _TRACKED[model] = resource

    def _deleted(sender, instance, **kwargs):
        from .models import Tombstone

        Tombstone.objects.create(resource=resource, object_id=instance.pk, key=str(key(instance) or "")[:120],
                                 unit_path=unit_path(instance) or "")

    pre_delete.connect(_deleted, sender=model, weak=False, dispatch_uid=f"lms.tombstone.{resource}")


def tracked_resources() -> list[str]:
    return sorted(_TRACKED.values())
