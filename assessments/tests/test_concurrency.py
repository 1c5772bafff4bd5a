"""Attempt limits and submission hold when requests race (PostgreSQL: real row locks).

Each thread is a separate HTTP request through Django's full stack (ATOMIC_REQUESTS), on its own
database connection. A short sleep is injected between the checks and the writes so both requests
pass their checks before either writes: without the constraints and row locks, both would write.
"""

import threading
import time

import pytest
from django.db import connections
from django.test import Client

from assessments import services
from assessments.models import Sitting
from assessments.signals import quiz_passed
from competency.models import Evidence

from . import builders as b

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]


def _in_parallel(user, n, method, url):
    barrier = threading.Barrier(n)
    statuses = []

    def run():
        client = Client()
        client.force_login(user)
        try:
            barrier.wait()
            statuses.append(getattr(client, method)(url).status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return statuses


@pytest.fixture
def slow_draw(monkeypatch):
    original = services._draw_questions

    def slow(*args, **kwargs):
        time.sleep(0.3)
        return original(*args, **kwargs)

    monkeypatch.setattr(services, "_draw_questions", slow)


def test_simultaneous_starts_of_a_single_attempt_quiz_create_one_sitting(slow_draw):
    quiz, _ = b.quiz_with_mc(3, single_attempt=True)
    user, _ = b.cadre_user()
    statuses = _in_parallel(user, 4, "post", f"/quiz/{quiz.url}/start/")
    assert statuses == [302] * 4
    assert Sitting.objects.filter(user=user, quiz=quiz).count() == 1


def test_simultaneous_starts_never_exceed_max_attempts(slow_draw):
    quiz, _ = b.quiz_with_mc(2, max_attempts=2)
    user, _ = b.cadre_user()
    services.sitting_submit(sitting_id=services.sitting_start(by=user, quiz=quiz).pk, by=user)
    _in_parallel(user, 5, "post", f"/quiz/{quiz.url}/start/")
    attempts = Sitting.objects.filter(user=user, quiz=quiz).order_by("attempt_no").values_list("attempt_no", flat=True)
    assert list(attempts) == [1, 2]


def test_simultaneous_submissions_record_one_result(monkeypatch):
    comp = b.competency("GS1")
    quiz, qs = b.quiz_with_mc(2, cat=b.category(competency=comp), attests_level=2, pass_mark=50)
    user, cadre = b.cadre_user()
    sitting = services.sitting_start(by=user, quiz=quiz)
    services.sitting_answer(sitting_id=sitting.pk, by=user, question_id=qs[0].pk,
                            choice_ids=[b.right_answer(qs[0]).pk])
    original = services.progress_recompute

    def slow(**kwargs):
        time.sleep(0.3)
        return original(**kwargs)

    monkeypatch.setattr(services, "progress_recompute", slow)
    passed = []
    quiz_passed.connect(lambda sender, sitting, **kw: passed.append(sitting.pk), weak=False, dispatch_uid="conc")
    try:
        statuses = _in_parallel(user, 4, "post", f"/quiz/sitting/{sitting.pk}/submit/")
    finally:
        quiz_passed.disconnect(dispatch_uid="conc")
    sitting.refresh_from_db()
    assert statuses == [302] * 4
    assert passed == [sitting.pk]
    assert (sitting.complete, sitting.current_score, sitting.passed) == (True, 1, True)
    assert Evidence.objects.filter(cadre=cadre).count() == 1
