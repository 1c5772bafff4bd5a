"""Background jobs for quizzes.

sittings_close_expired runs every few minutes (a django-celery-beat PeriodicTask that
`ensure_periodic_tasks` creates after each migrate): sittings abandoned after their deadline are
closed and scored, so results and evidence do not wait for the cadre to come back. It is
idempotent (a closed sitting is skipped), hence acks_late.
"""

from celery import shared_task

from . import services

CLOSE_EXPIRED_EVERY_MINUTES = 5


@shared_task(name="assessments.sittings_close_expired", acks_late=True)
def sittings_close_expired_task() -> int:
    return services.sittings_close_expired()


def ensure_periodic_tasks() -> None:
    """Schedule sittings_close_expired in django-celery-beat (idempotent)."""
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    every, _ = IntervalSchedule.objects.get_or_create(every=CLOSE_EXPIRED_EVERY_MINUTES,
                                                      period=IntervalSchedule.MINUTES)
    PeriodicTask.objects.update_or_create(
        name="Close expired quiz sittings",
        defaults={"task": "assessments.sittings_close_expired", "interval": every, "enabled": True},
    )
