from unittest import mock

from django.db import DatabaseError


def test_healthz_ok_when_database_answers(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


def test_healthz_503_when_database_fails(client, db):
    with mock.patch("lms.views.connection.cursor", side_effect=DatabaseError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503


# --- /readyz: each dependency with its state, for monitoring -------------------------------------


def test_readyz_reports_every_dependency(client, db):
    body = client.get("/readyz").json()
    assert body["ready"] is True
    assert set(body["checks"]) == {"database", "broker", "cache", "beat"}
    assert body["checks"]["database"]["state"] == "ok"
    assert body["checks"]["beat"]["state"] == "unknown"  # nothing has run in a fresh database


def test_readyz_is_503_when_the_broker_refuses(client, db, settings):
    from lms.celery import app as celery_app

    from .test_outbox import _closed_port, _use_broker

    settings.CELERY_TASK_ALWAYS_EAGER = False
    original = celery_app.conf.broker_url
    _use_broker(f"redis://127.0.0.1:{_closed_port()}/0")
    try:
        response = client.get("/readyz")
    finally:
        celery_app.conf.broker_url = original
        _use_broker(None)
    assert response.status_code == 503
    assert response.json()["checks"]["broker"]["state"] == "down"


def test_readyz_shows_a_degraded_cache_but_stays_ready(client, db, settings):
    from .test_outbox import _closed_port

    settings.CACHES = {"default": {"BACKEND": "lms.cache.FailSoftRedisCache",
                                   "LOCATION": f"redis://127.0.0.1:{_closed_port()}/0",
                                   "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}}
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"]["cache"]["state"] == "degraded"


def test_readyz_tells_the_age_of_the_last_beat_run(client, db):
    import datetime

    from django.utils import timezone
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    every = IntervalSchedule.objects.create(every=1, period=IntervalSchedule.MINUTES)
    PeriodicTask.objects.create(name="probe", task="lms.outbox_dispatch", interval=every,
                                last_run_at=timezone.now() - datetime.timedelta(hours=2))
    beat = client.get("/readyz").json()["checks"]["beat"]
    assert beat["state"] == "stale" and beat["age_seconds"] >= 7200
