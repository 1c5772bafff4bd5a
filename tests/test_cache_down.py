"""The cache only speeds pages up: Redis refusing or never answering degrades to no cache, never to a 500."""

import time

import pytest
from django.core.cache import caches

from lms.cache import FailSoftRedisCache
from tests.factories import CadreFactory, UserFactory, unit_tree_root

from .test_outbox import _closed_port, silent_port  # noqa: F401 -- fixture


def _redis_cache(settings, port):
    settings.CACHES = {"default": {"BACKEND": "lms.cache.FailSoftRedisCache",
                                   "LOCATION": f"redis://127.0.0.1:{port}/0",
                                   "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}}
    # (Django's setting_changed handler drops the cache connections, so the next use reads CACHES.)


@pytest.fixture
def cadre_client(client, db):
    user = UserFactory(username="hoc-vien")
    CadreFactory(unit=unit_tree_root(), user=user)
    client.force_login(user)
    return client


@pytest.mark.parametrize("page", ["/", "/learn/", "/quiz/"])
def test_pages_answer_when_the_cache_refuses_connections(settings, cadre_client, page):
    _redis_cache(settings, _closed_port())
    assert isinstance(caches["default"], FailSoftRedisCache)
    assert cadre_client.get(page).status_code == 200


def test_a_silent_cache_is_given_up_after_one_timeout(settings, cadre_client, silent_port):  # noqa: F811
    _redis_cache(settings, silent_port)
    started = time.monotonic()
    assert cadre_client.get("/learn/").status_code == 200
    first = time.monotonic() - started
    started = time.monotonic()
    assert cadre_client.get("/learn/").status_code == 200
    # The first request paid at most a socket timeout; the next ones skip the cache entirely.
    assert first < 10 and time.monotonic() - started < 1


def test_reads_are_misses_and_writes_are_ignored_while_down(settings, db):
    _redis_cache(settings, _closed_port())
    cache = caches["default"]
    assert cache.get("k", "fallback") == "fallback"
    assert cache.set("k", 1) is None and cache.add("k", 1) is False
    assert cache.get_many(["a", "b"]) == {}
