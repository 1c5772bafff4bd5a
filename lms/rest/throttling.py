"""A request rate per API client (settings.KTLEARN_API_RATE, e.g. "600/min"), counted in the cache.
Over the rate the API answers 429 with ``Retry-After`` (ninja sets it from ``wait()``). Imports no app."""

from __future__ import annotations

from django.conf import settings
from ninja.throttling import SimpleRateThrottle


class ClientRateThrottle(SimpleRateThrottle):
    scope = "api-client"

    def __init__(self):
        super().__init__(rate=None)

    def get_rate(self):
        return getattr(settings, "KTLEARN_API_RATE", "600/min")

    def allow_request(self, request) -> bool:
        # Read the rate per request, so a change of the setting takes effect without a restart.
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)

    def get_cache_key(self, request):
        client = getattr(request, "auth", None)
        if client is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": client.pk}
