"""The Celery app. Settings come from Django's (CELERY_* names): JSON only, time limits, and
django-celery-beat's DatabaseScheduler; tasks live in each app's tasks.py."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.dev")

app = Celery("lms")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
