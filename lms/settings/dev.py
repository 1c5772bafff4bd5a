from .base import *  # noqa: F403
from .base import INSTALLED_APPS, env

# DJANGO_DEBUG=0 turns it off for the benchmarks in bench/, which need the dev-only apps.
DEBUG = env.bool("DJANGO_DEBUG", default=True)
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# Demo data and benchmarks: never installed in production (tests/test_settings.py checks it).
INSTALLED_APPS = [*INSTALLED_APPS, "demo", "bench"]
