"""Parallel writes on the (file) SQLite database wait for each other instead of failing.

With Django's default DEFERRED transactions, two requests that each read and then write get
"database is locked" at once: both hold a read lock, neither can take the write lock, and SQLite
does not wait in that case. The project's SQLite options (lms/settings/base.py: IMMEDIATE and a busy
timeout) make the second transaction wait its turn. On PostgreSQL the test holds trivially.
"""

import threading

import pytest
from django.db import connections, transaction

from organization.models import ImportUpload
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 2
ROWS_EACH = 20


def test_two_threads_writing_in_parallel_never_hit_database_is_locked():
    user = UserFactory(username="importer")
    barrier = threading.Barrier(THREADS)
    errors = []

    def write(thread_no: int):
        try:
            barrier.wait()
            for i in range(ROWS_EACH):
                with transaction.atomic():
                    ImportUpload.objects.filter(user=user).count()  # read first, as a request does
                    ImportUpload.objects.create(token=f"t{thread_no}-{i}", user=user, filename=f"{i}.xlsx",
                                                content=b"x")
        except Exception as exc:  # noqa: BLE001 - any failure is reported by the main thread
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert ImportUpload.objects.filter(user=user).count() == THREADS * ROWS_EACH
