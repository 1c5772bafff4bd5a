"""Small query helpers for the hot paths (the pages every cadre opens)."""

from django.db.models import QuerySet


def unique_row(queryset: QuerySet):
    """The one row a filter on a unique key finds, or None: like `.first()` without its ORDER BY, which
    Django adds (and compiles: a tenth of a lesson page's time in Python) to pick among rows that a
    unique key cannot return. Only for filters that match at most one row."""
    return next(iter(queryset.order_by()[:1]), None)
