"""A Redis cache that degrades to "no cache" instead of failing the request.

The cache only ever speeds pages up, so Redis refusing connections or never answering must not turn
a page into a 500 or a hang: every operation has short socket timeouts (set in OPTIONS), any Redis
or socket error is logged once and answered as a miss (reads) or ignored (writes), and after a
failure the cache is not tried again for BACKOFF_SECONDS.
"""

import functools
import logging
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient

logger = logging.getLogger(__name__)

BACKOFF_SECONDS = 30


def _fail_soft(default=None):
    def decorate(method):
        @functools.wraps(method)
        def wrapped(self, *args, **kwargs):
            fallback = default(args, kwargs) if callable(default) else default
            if time.monotonic() < self._down_until:
                return fallback
            try:
                return method(self, *args, **kwargs)
            except Exception as exc:  # redis.RedisError, OSError, socket timeouts
                self._down_until = time.monotonic() + BACKOFF_SECONDS
                logger.warning("cache unavailable (%r): serving without it for %s s", exc, BACKOFF_SECONDS)
                return fallback

        return wrapped

    return decorate


def _get_default(args, kwargs):
    return kwargs.get("default", args[1] if len(args) > 1 else None)


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django's client builds a new redis.Redis object (and its table of ~170 response callbacks) for
    every cache operation; this one builds one per connection pool and reuses it (redis-py clients are
    thread-safe: each command takes a connection from the pool). Measured on the lesson page: 6 cache
    operations a request, 0.24 ms each of the 4.8 ms a request spent in Python under the profiler."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class FailSoftRedisCache(RedisCache):
    _down_until = 0.0

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient

    get = _fail_soft(_get_default)(RedisCache.get)
    get_many = _fail_soft(lambda args, kwargs: {})(RedisCache.get_many)
    has_key = _fail_soft(False)(RedisCache.has_key)
    set = _fail_soft(None)(RedisCache.set)
    add = _fail_soft(False)(RedisCache.add)
    touch = _fail_soft(False)(RedisCache.touch)
    delete = _fail_soft(False)(RedisCache.delete)
    set_many = _fail_soft(lambda args, kwargs: [])(RedisCache.set_many)
    delete_many = _fail_soft(None)(RedisCache.delete_many)
    clear = _fail_soft(False)(RedisCache.clear)
    incr = _fail_soft(lambda args, kwargs: kwargs.get("delta", args[1] if len(args) > 1 else 1))(RedisCache.incr)
