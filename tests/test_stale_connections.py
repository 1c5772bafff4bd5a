"""PostgreSQL drops the app's connection between requests (restart, failover, idle timeout): the next
request reconnects instead of answering 500 (persistent connections with CONN_HEALTH_CHECKS)."""

import psycopg
import pytest
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.test import RequestFactory

from tests.factories import CadreFactory, UserFactory, unit_tree_root

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _terminate(pid: int) -> None:
    """What a database restart does to a connection: the server ends it, the client is not told."""
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params, autocommit=True) as admin:
        assert admin.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone()[0]


@pytest.fixture
def persistent_connections():
    connection.settings_dict["CONN_MAX_AGE"] = 60
    connection.close()
    connection.ensure_connection()
    yield
    connection.settings_dict["CONN_MAX_AGE"] = 0
    connection.close()


def _serve(path: str, session_key: str) -> int:
    """One request through Django's WSGI handler, as gunicorn makes it (the test client would skip the
    request_started/finished connection housekeeping this is about)."""
    environ = RequestFactory().get(path).environ
    environ["HTTP_COOKIE"] = f"{settings.SESSION_COOKIE_NAME}={session_key}"
    status = []
    response = WSGIHandler()(environ, lambda code, headers, exc_info=None: status.append(code))
    response.close()  # request_finished: the connection is kept (CONN_MAX_AGE), not closed
    return int(status[0].split()[0])


def test_the_first_request_after_the_database_dropped_the_connection_is_not_a_500(client, persistent_connections):
    assert connection.health_check_enabled  # CONN_HEALTH_CHECKS = True in the settings
    user = UserFactory(username="hoc-vien")
    CadreFactory(unit=unit_tree_root(), user=user)
    client.force_login(user)
    session_key = client.session.session_key
    assert _serve("/learn/", session_key) == 200
    kept = connection.connection
    assert kept is not None and not kept.closed  # persistent: kept between requests

    _terminate(kept.info.backend_pid)

    assert _serve("/learn/", session_key) == 200
    assert connection.connection is not kept  # a new connection replaced the dead one
