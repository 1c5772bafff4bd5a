import datetime

from celery import current_app
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import DatabaseError, connection, transaction
from django.db.models import Max
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.templatetags.static import static
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_celery_beat.models import PeriodicTask


@transaction.non_atomic_requests
@require_GET
def favicon(request):
    """/favicon.ico, which browsers ask for on every page whatever the page links: a redirect to the
    static icon (its hashed name in production, so not a permanent redirect)."""
    response = HttpResponseRedirect(static("img/favicon.ico"))
    response["Cache-Control"] = "public, max-age=86400"
    return response


@transaction.non_atomic_requests
@never_cache
@require_GET
def healthz(request):
    """200 'ok' when the database answers a query, 503 otherwise (for load balancers and monitors)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


BEAT_STALE_AFTER = datetime.timedelta(minutes=10)


def _check_database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        return {"state": "down", "error": str(exc)[:200]}
    return {"state": "ok"}


def _check_broker() -> dict:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"state": "ok", "detail": "tasks run in-process (no broker configured)"}
    try:
        with current_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=0, timeout=2)
    except Exception as exc:  # refused, timed out, bad URL
        return {"state": "down", "error": repr(exc)[:200]}
    return {"state": "ok"}


def _check_cache() -> dict:
    cache = caches["default"]
    # The fail-soft backend answers a miss when Redis is down; ask the plain backend underneath.
    reader = RedisCache.get if isinstance(cache, RedisCache) else type(cache).get
    try:
        reader(cache, "ktlearn:readyz")
    except Exception as exc:
        return {"state": "degraded", "error": repr(exc)[:200], "detail": "pages are served without the cache"}
    return {"state": "ok"}


def _check_beat() -> dict:

    last = PeriodicTask.objects.filter(enabled=True).aggregate(last=Max("last_run_at"))["last"]
    if last is None:
        return {"state": "unknown", "detail": "no periodic task has run yet"}
    age = timezone.now() - last
    state = "ok" if age <= BEAT_STALE_AFTER else "stale"
    return {"state": state, "last_run_at": last.isoformat(), "age_seconds": int(age.total_seconds())}


@transaction.non_atomic_requests
@never_cache
@require_GET
def readyz(request):
    """Readiness for monitoring: the database, the broker, the cache and the age of the last beat run,
    each with its state. 503 when the database or the broker is down (the site cannot do its work);
    a degraded cache or a stale beat is reported but does not make the site unready."""
    checks = {"database": _check_database(), "broker": _check_broker(), "cache": _check_cache()}
    checks["beat"] = _check_beat() if checks["database"]["state"] == "ok" else {"state": "unknown"}
    ready = checks["database"]["state"] == "ok" and checks["broker"]["state"] == "ok"
    return JsonResponse({"ready": ready, "checks": checks}, status=200 if ready else 503)
