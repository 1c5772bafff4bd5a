"""Background jobs for quizzes.

sittings_close_expired runs every few minutes (its entry is in settings.CELERY_BEAT_SCHEDULE):
sittings abandoned after their deadline are closed and scored, so results and evidence do not wait
for the cadre to come back. It is idempotent (a closed sitting is skipped), hence acks_late.
"""

from celery import shared_task

from . import services


@shared_task(name="assessments.sittings_close_expired", acks_late=True)
def sittings_close_expired_task() -> int:
    return services.sittings_close_expired()
