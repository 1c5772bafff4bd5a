"""Keyset (cursor) pagination: a page is ``WHERE id > last ORDER BY id LIMIT n+1``, so every page
costs the same queries and time whatever its depth. The cursor is opaque (base64 of the last id) and
carries nothing else: the filters are sent again with it. Imports no app."""

from __future__ import annotations

import base64

from .errors import ApiProblem

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"id:{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int | None:
    if not cursor:
        return None
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, value = text.split(":", 1)
        if kind != "id":
            raise ValueError(kind)
        return int(value)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiProblem(422, "The cursor is not one this API gave.",
                         errors=[{"field": "cursor", "message": "Invalid cursor."}]) from exc


def page(queryset, *, cursor: str | None, limit: int, key: str = "pk"):
    """(rows, next_cursor) of ``queryset`` (model instances or ``values()`` dicts) after ``cursor``.
    One query. ``next_cursor`` is None on the last page."""
    limit = max(1, min(int(limit or DEFAULT_LIMIT), MAX_LIMIT))
    after = decode_cursor(cursor)
    if after is not None:
        queryset = queryset.filter(**{f"{key}__gt": after})
    rows = list(queryset.order_by(key)[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    if not more or not rows:
        return rows, None
    last = rows[-1]
    last_id = last[key] if isinstance(last, dict) else getattr(last, key)
    return rows, encode_cursor(last_id)
