"""Serving a page in one query, and caches of rendered content that follow every change.

Wagtail routes a URL one path segment at a time (a query for each child and for its specific page),
after a query for the site, then checks view restrictions with two more queries (the ancestors'
aliases, the restrictions). `serve` below resolves the page from its indexed `url_path` in one
query that also joins the specific page's table, takes the site and "may any restriction or alias
apply here?" from a small table kept in the cache, and hands the result to Wagtail's own serve view,
so its hooks (view restrictions included) and the page's `serve` run as before. When the table says
a restriction or an alias is on the page's path, Wagtail's own restriction check runs unchanged.

The routing table is dropped whenever a site, a page or a view restriction is saved, deleted or
moved (after commit as well, so a request reading the old rows cannot keep them), and lives at most
ROUTING_SECONDS anyway. Rendered content (lesson bodies, course outlines) is keyed by a content
version that every page, image, document or regulation change renews (`content_changed`; other apps
connect the models their pages render, e.g. quizzes). With the cache down every read falls back to
the database: slower, never wrong, never an error (lms.cache).
"""

import contextlib
import threading
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.db.models.signals import post_delete, post_save
from django.utils import translation
from wagtail.models import Page, PageViewRestriction, Site, get_page_models
from wagtail.signals import page_published, page_unpublished, post_page_move
from wagtail.url_routing import RouteResult

from lms.queries import unique_row

ROUTING_KEY = "ktlearn:routing:v1"
ROUTING_SECONDS = 300
CONTENT_VERSION_KEY = "ktlearn:content-version"
RENDERED_SECONDS = 24 * 3600

_SITE_FIELDS = ("id", "hostname", "port", "site_name", "root_page_id", "is_default_site")


# --- One read of the shared keys per request -------------------------------------------------------------

_local = threading.local()


@contextlib.contextmanager
def request_scope():
    """Within a request: the routing table and the content version are read from the cache once
    (one round trip for both), not at each use. A change made during the request drops them."""
    values = cache.get_many([ROUTING_KEY, CONTENT_VERSION_KEY])
    _local.memo = {key: value for key, value in values.items() if value is not None}
    try:
        yield
    finally:
        _local.memo = None


def _memo() -> dict:
    memo = getattr(_local, "memo", None)
    return memo if memo is not None else {}


# --- The routing table ---------------------------------------------------------------------------------


def _routing_table_build() -> dict:
    return {
        "sites": list(Site.objects.order_by("pk").values(*_SITE_FIELDS, root_url_path=F("root_page__url_path"))),
        # Paths under which a view restriction or an alias may change what Wagtail checks.
        "restricted": sorted(set(PageViewRestriction.objects.values_list("page__path", flat=True))),
        "aliases": sorted(Page.objects.filter(alias_of__isnull=False).values_list("path", flat=True)),
    }


def routing_table() -> dict:
    memo = _memo()
    table = memo.get(ROUTING_KEY) or cache.get(ROUTING_KEY)
    if table is None:
        table = _routing_table_build()
        cache.set(ROUTING_KEY, table, ROUTING_SECONDS)
    memo[ROUTING_KEY] = table
    return table


def routing_changed(**kwargs):
    _memo().pop(ROUTING_KEY, None)
    cache.delete(ROUTING_KEY)
    transaction.on_commit(lambda: cache.delete(ROUTING_KEY))


def _match_site(sites: list[dict], hostname: str, port: int) -> dict | None:
    """wagtail.models.sites.get_site_for_hostname, on the cached rows."""

    def rank(site):
        if site["hostname"] == hostname and site["port"] == port:
            return 0
        if site["hostname"] == hostname and site["is_default_site"]:
            return 1
        if site["is_default_site"]:
            return 2
        return 3

    candidates = sorted((s for s in sites if s["hostname"] == hostname or s["is_default_site"]), key=rank)
    if not candidates:
        return None
    if len(candidates) == 1 or rank(candidates[0]) in (0, 1):
        return candidates[0]
    if rank(candidates[0]) == 2:
        return candidates[len(candidates) == 2]
    return None


def site_for_request(request) -> Site | None:
    """The request's Wagtail site without a query (Site.find_for_request reads it from the request)."""
    if not hasattr(request, "_wagtail_site"):
        from django.http.request import split_domain_port

        hostname = split_domain_port(request._get_raw_host())[0]
        try:
            port = int(request.get_port())
        except ValueError:
            port = None
        row = _match_site(routing_table()["sites"], hostname, port)
        if row is None:
            request._wagtail_site = None
        else:
            request._wagtail_site = Site.from_db("default", _SITE_FIELDS, [row[name] for name in _SITE_FIELDS])
            request._wagtail_site_root_url_path = row["root_url_path"]
    return request._wagtail_site


def may_be_restricted(page) -> bool:
    """False when no view restriction and no alias sits on the page's path (then it has no restriction)."""
    if getattr(page, "alias_of_id", None):
        return True
    table = routing_table()
    return any(page.path.startswith(path) for path in (*table["restricted"], *table["aliases"]))


class CachedViewRestrictionsMixin:
    """Page types whose view restrictions cost no query when none applies (Wagtail's check otherwise)."""

    def get_view_restrictions(self):
        if not may_be_restricted(self):
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()


# --- One query per page ----------------------------------------------------------------------------------


def _specific_relations() -> dict:
    """{page model: the reverse one-to-one from Page to it}, for page types that subclass Page directly."""
    return {model: model._meta.model_name for model in get_page_models()
            if model is not Page and Page in model.__bases__}


_RELATIONS = None


def _relations() -> dict:
    global _RELATIONS
    if _RELATIONS is None:
        _RELATIONS = _specific_relations()
    return _RELATIONS


_CUSTOM_ROUTES = None


def _wagtail_routes_itself() -> bool:
    """Pages that route their own sub-URLs (RoutablePageMixin…) or localized sites: Wagtail's way."""
    global _CUSTOM_ROUTES
    if _CUSTOM_ROUTES is None:
        _CUSTOM_ROUTES = any(model.route is not Page.route for model in get_page_models())
    return settings.WAGTAIL_I18N_ENABLED or _CUSTOM_ROUTES


def page_for_url_path(url_path: str):
    """The specific page at `url_path`, in one query (None if there is none): which page and type
    the path leads to is cached under the content version (renewed by any page change or move), so
    the page is read from its own table; without that, one query joining every page type's table."""
    version = content_version()
    if version is None:
        return _page_joined(url_path)
    found = cached_render(("route", url_path), lambda: _route_of(url_path), version=version)
    if not found:
        return None  # known to lead nowhere
    from django.contrib.contenttypes.models import ContentType

    page_id, content_type_id = found
    model = ContentType.objects.get_for_id(content_type_id).model_class()
    page = unique_row(model.objects.filter(pk=page_id, url_path=url_path)) if model is not None else None
    return page if page is not None else _page_joined(url_path)


def _route_of(url_path: str):
    row = Page.objects.filter(url_path=url_path).values_list("pk", "content_type_id").first()
    return tuple(row) if row else ""


def _page_joined(url_path: str):
    relations = _relations()
    page = Page.objects.select_related(*relations.values()).filter(url_path=url_path).first()
    if page is None:
        return None
    model = page.specific_class
    if model is None or model is Page:
        return page
    relation = relations.get(model)
    specific = getattr(page, relation, None) if relation else None
    return specific if specific is not None else page.specific


def fast_route(request, path: str) -> bool:
    """Resolve the page for Wagtail (request._wagtail_route_for_request); False to let Wagtail route."""
    if _wagtail_routes_itself():
        return False
    site = site_for_request(request)
    if site is None:
        return False
    components = [component for component in path.split("/") if component]
    page = page_for_url_path(request._wagtail_site_root_url_path + "".join(f"{c}/" for c in components))
    request._wagtail_route_for_request = RouteResult(page) if page is not None and page.live else None
    return True


def serve(request, path):
    """Wagtail's serve view, with the page found in one query. GET and HEAD run outside a
    transaction (a page is read; a view that writes takes its own transaction); other methods keep
    ATOMIC_REQUESTS' behaviour."""
    from wagtail.views import serve as wagtail_serve

    with request_scope():
        fast_route(request, path)
        if request.method in ("GET", "HEAD"):
            return wagtail_serve(request, path)
        with transaction.atomic():
            return wagtail_serve(request, path)


serve = transaction.non_atomic_requests(serve)


# --- Rendered content, keyed by the content version ------------------------------------------------------


def content_version() -> str | None:
    """The current content version, or None when the cache is unavailable (then nothing is cached)."""
    memo = _memo()
    version = memo.get(CONTENT_VERSION_KEY) or cache.get(CONTENT_VERSION_KEY)
    if version is None:
        cache.add(CONTENT_VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(CONTENT_VERSION_KEY)
    if version is not None:
        memo[CONTENT_VERSION_KEY] = version
    return version


def content_changed(**kwargs):
    """Every rendered page part cached so far is stale (now, and again after commit)."""
    _memo().pop(CONTENT_VERSION_KEY, None)
    cache.set(CONTENT_VERSION_KEY, uuid.uuid4().hex, None)
    transaction.on_commit(lambda: cache.set(CONTENT_VERSION_KEY, uuid.uuid4().hex, None))


# Rendered parts are also kept in the process: a key holds the content version, so what it names never
# changes (a change renews the version, and the old keys are simply not asked for again). The version
# itself is read from the shared cache once per request, so a change made in another process is seen
# at the next request. At most LOCAL_ENTRIES entries, the oldest dropped first.
LOCAL_ENTRIES = 2000
_local_rendered: dict = {}
_local_lock = threading.Lock()


def _local_put(key: str, value) -> None:
    with _local_lock:
        _local_rendered[key] = value
        while len(_local_rendered) > LOCAL_ENTRIES:
            _local_rendered.pop(next(iter(_local_rendered)))


def cached_render(key_parts: tuple, render, *, seconds: int = RENDERED_SECONDS, version: str | None = None):
    """render() cached under the content version and the language (in the process, then in the shared
    cache); render() itself when there is no version (the cache is down)."""
    version = version or content_version()
    if version is None:
        return render()
    key = ":".join(["ktlearn:rendered", version, translation.get_language() or "", *map(str, key_parts)])
    value = _local_rendered.get(key)
    if value is not None:
        return value
    value = cache.get(key)
    if value is None:
        value = render()
        cache.set(key, value, seconds)
    _local_put(key, value)
    return value


def rendered_stream(request, page, field: str = "body"):
    """The page's StreamField rendered to HTML, cached for the page's live revision. A preview, or
    a page that is not live, is rendered every time and never cached."""
    from django.utils.safestring import mark_safe

    value = getattr(page, field)

    def render():
        return str(value.render_as_block(context={"page": page, "request": request}))

    if getattr(request, "is_preview", False) or not page.live or not page.live_revision_id:
        return mark_safe(render())  # noqa: S308 - Wagtail's own rendering of the page's blocks
    site = getattr(request, "_wagtail_site", None)
    html = cached_render(("stream", page.pk, field, page.live_revision_id, getattr(site, "pk", "")), render)
    return mark_safe(html)  # noqa: S308 - Wagtail's own rendering of the page's blocks


def rendered_richtext(request, page, field: str = "body"):
    """The page's rich text field expanded to HTML (links to pages and documents resolved), cached
    for the page's live revision like rendered_stream."""
    from django.utils.safestring import mark_safe
    from wagtail.templatetags.wagtailcore_tags import richtext

    def render():
        return str(richtext(getattr(page, field)))

    if getattr(request, "is_preview", False) or not page.live or not page.live_revision_id:
        return mark_safe(render())  # noqa: S308 - Wagtail's own expansion of the stored rich text
    site = getattr(request, "_wagtail_site", None)
    html = cached_render(("richtext", page.pk, field, page.live_revision_id, getattr(site, "pk", "")), render)
    return mark_safe(html)  # noqa: S308 - Wagtail's own expansion of the stored rich text


def _page_saved(sender, instance, raw=False, **kwargs):
    if raw or not isinstance(instance, Page):
        return
    routing_changed()
    content_changed()


def connect_receivers():
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model

    from .models import Regulation

    post_save.connect(_page_saved, dispatch_uid="cms_routing_page_saved")
    post_delete.connect(_page_saved, dispatch_uid="cms_routing_page_deleted")
    post_page_move.connect(routing_changed, dispatch_uid="cms_routing_page_moved")
    post_page_move.connect(content_changed, dispatch_uid="cms_content_page_moved")
    page_published.connect(content_changed, dispatch_uid="cms_content_page_published")
    page_unpublished.connect(content_changed, dispatch_uid="cms_content_page_unpublished")
    for model in (Site, PageViewRestriction):
        post_save.connect(routing_changed, sender=model, dispatch_uid=f"cms_routing_{model.__name__}_saved")
        post_delete.connect(routing_changed, sender=model, dispatch_uid=f"cms_routing_{model.__name__}_deleted")
    for model in (Regulation, get_image_model(), get_document_model()):
        post_save.connect(content_changed, sender=model, dispatch_uid=f"cms_content_{model.__name__}_saved")
        post_delete.connect(content_changed, sender=model, dispatch_uid=f"cms_content_{model.__name__}_deleted")


# --- Whole pages for anonymous visitors ----------------------------------------------------------------

CSRF_SENTINEL = "ktlearn-csrf-token-0f6c1b"  # noqa: S105 - a placeholder replaced by each visitor's token


def anonymous_page_cacheable(request, page) -> bool:
    """A page an anonymous visitor asks for plainly (GET, no query string), that shows them no messages
    and is live, not a preview: the same HTML for every such visitor, but for the CSRF token. (Any save
    of a page renews the content version, so a page kept without revisions is safe too.)"""
    from django.contrib.messages import get_messages

    return (request.method == "GET" and not request.user.is_authenticated and not request.GET
            and not getattr(request, "is_preview", False) and page.live and not len(get_messages(request)))


def serve_anonymous_cached(request, page, render_response):
    """The page's response for an anonymous visitor, rendered once per live revision, site, language and
    day (the footer shows the date) and kept like other rendered parts (cached_render: renewed by any
    content change). The CSRF token of the language form is rendered as a placeholder and replaced by
    the visitor's own token, so each visitor gets a valid token and the cookie that goes with it.
    `render_response(extra_context)` renders the page's template response with that extra context."""
    from django.http import HttpResponse
    from django.middleware.csrf import get_token
    from django.utils import timezone

    def render():
        response = render_response({"csrf_token": CSRF_SENTINEL})
        response.render()
        return response.content.decode()

    site = getattr(request, "_wagtail_site", None)
    html = cached_render(("anonymous-page", page.pk, page.live_revision_id, getattr(site, "pk", ""),
                          timezone.localdate().isoformat()), render)
    return HttpResponse(html.replace(CSRF_SENTINEL, get_token(request)))
