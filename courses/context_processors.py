from .notifications import unread_count


def notices(request):
    """The navbar's unread badge: a callable, so a page that does not show the navbar pays nothing, and
    a page that does pays a cache read (one query when the cache is cold or down)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notice_count": lambda: unread_count(user)}
