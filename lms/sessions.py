"""Sessions read from the cache, written through to the database (Django's cached_db), kept in the
cache for at most CACHE_SECONDS.

A session changed or ended while the cache was down (lms.cache ignores writes then) would otherwise
come back from the cache, as it was, once Redis answers again — a logout undone for the session's
whole age. Kept five minutes at most, a session is read from the database again soon after.
"""

from django.contrib.sessions.backends import cached_db

CACHE_SECONDS = 300


class _CappedCache:
    def __init__(self, cache, seconds: int):
        self._cache = cache
        self._seconds = seconds

    def set(self, key, value, timeout=None, **kwargs):
        timeout = self._seconds if timeout is None else min(timeout, self._seconds)
        return self._cache.set(key, value, timeout, **kwargs)

    async def aset(self, key, value, timeout=None, **kwargs):
        timeout = self._seconds if timeout is None else min(timeout, self._seconds)
        return await self._cache.aset(key, value, timeout, **kwargs)

    def __contains__(self, key):
        return key in self._cache

    def __getattr__(self, name):
        return getattr(self._cache, name)


class SessionStore(cached_db.SessionStore):
    def __init__(self, session_key=None):
        super().__init__(session_key)
        self._cache = _CappedCache(self._cache, CACHE_SECONDS)
