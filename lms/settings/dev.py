from .base import *  # noqa: F403
from .base import INSTALLED_APPS

DEBUG = True
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# Demo data and benchmarks: never installed in production (tests/test_settings.py checks it).
INSTALLED_APPS = [*INSTALLED_APPS, "demo", "bench"]
