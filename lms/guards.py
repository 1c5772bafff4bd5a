"""Guards shared by the dev-only management commands (demo, bench)."""

from django.conf import settings
from django.core.management.base import CommandError


def is_production_settings() -> bool:
    return (getattr(settings, "SETTINGS_MODULE", None) or "").endswith(".production")


def refuse_production_settings(command: str, why: str, *, force: bool) -> None:
    """Stop `command` under production settings unless `force`.

    A second line of defence: production settings do not install the demo and bench apps at all, but
    a settings module that imports production's and adds them back would otherwise write fake data."""
    if is_production_settings() and not force:
        raise CommandError(
            f"{command} refuses to run under production settings: {why}. "
            "Use --force only on a throw-away database."
        )
