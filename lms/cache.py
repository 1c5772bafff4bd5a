"""A Redis cache that degrades to "no cache" instead of failing the request.

The cache only ever speeds pages up, so Redis refusing connections or never answering must not turn
a page into a 500 or a hang: every operation has short socket timeouts (set in OPTIONS), any Redis
or socket error is logged once and answered as a miss (reads) or ignored (writes), and after a
failure the cache is not tried again for BACKOFF_SECONDS.
"""

import functools
import logging
import time

from django.core.cache.backends.redis import RedisCache

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


class FailSoftRedisCache(RedisCache):
    _down_until = 0.0

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
