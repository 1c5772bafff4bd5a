"""Test settings: fast hasher, locmem cache and mail, Celery in-process unless a test runs a real worker."""

import os

from .base import *  # noqa: F403
from .base import BASE_DIR, DATABASES, INSTALLED_APPS, env, private_storage_config

DEBUG = False
# Demo data and benchmarks: never installed in production (tests/test_settings.py checks it).
INSTALLED_APPS = [*INSTALLED_APPS, "demo", "bench"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", "organization.hashers.OneTimePasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# Tasks run in-process, except in tests/test_celery_worker.py, which starts a real worker with
# KTLEARN_CELERY_EAGER=0 and a dedicated Redis database so it cannot pick up anyone else's messages.
CELERY_TASK_ALWAYS_EAGER = env.bool("KTLEARN_CELERY_EAGER", default=True)
CELERY_BROKER_URL = env("TEST_CELERY_BROKER_URL", default="redis://127.0.0.1:6379/15")
CELERY_TASK_DEFAULT_QUEUE = env("KTLEARN_CELERY_QUEUE", default="ktlearn-test")

# SQLite: the test database is a file, not memory, so that a second process (the Celery worker,
# the live server's thread) sees the same data. The file is named after this process so that two
# test runs in one checkout do not clobber each other; pytest-xdist adds its own suffix per worker.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("TEST", {})
    DATABASES["default"]["TEST"]["NAME"] = env(
        "KTLEARN_TEST_SQLITE", default=str(BASE_DIR / ".test-db" / f"test-{os.getpid()}.sqlite3")
    )
    os.makedirs(os.path.dirname(DATABASES["default"]["TEST"]["NAME"]), exist_ok=True)
    # IMMEDIATE transactions and the busy timeout as in dev (base.py). WAL works on this file (an
    # in-memory database, KTLEARN_TEST_SQLITE=":memory:", keeps its "memory" journal: SQLite ignores
    # the pragma there). Durability is irrelevant for a throw-away database: synchronous=OFF keeps
    # file-backed tests fast.
    DATABASES["default"]["OPTIONS"]["init_command"] = "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;"
else:
    # PostgreSQL: one test database per run for the same reason (test_<name>_<pid>).
    DATABASES["default"].setdefault("TEST", {})
    DATABASES["default"]["TEST"].setdefault("NAME", f"test_{DATABASES['default']['NAME']}_{os.getpid()}")

MEDIA_ROOT = env("DJANGO_MEDIA_ROOT", default=str(BASE_DIR / "media-test"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "private": private_storage_config(),
}
AXES_ENABLED = True
LANGUAGE_CODE = "vi"
# Serve static files from the apps' folders (no collectstatic before tests, as in dev).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
