"""API clients' bearer tokens. Only a token's SHA-256 is stored (a token is 256 random bits, so a
plain hash is enough: nothing to brute-force); the token itself is shown once. Which client a hash
belongs to is asked of the ``resolve`` function the router passes in, so this module imports no app."""

from __future__ import annotations

import hashlib
import secrets

from django.core.exceptions import PermissionDenied
from ninja.security import HttpBearer

TOKEN_PREFIX = "ktl_"  # noqa: S105 - a marker that makes a leaked token recognisable, not a secret


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ClientTokenAuth(HttpBearer):
    """``Authorization: Bearer <token>``: ``request.auth`` is the client ``resolve(hash)`` returns
    (None for an unknown, revoked or expired token: 401)."""

    def __init__(self, resolve):
        super().__init__()
        self.resolve = resolve

    def authenticate(self, request, token):
        if not token or len(token) > 200:
            return None
        client = self.resolve(token_hash(token))
        if client is None:
            return None
        request.user = client.user  # the scoping selectors take a user: the client's own login
        return client


def require_write(request) -> None:
    """403 unless the calling client may write."""
    if not getattr(request.auth, "can_write", False):
        raise PermissionDenied("This client is read-only.")
