"""The REST API's shared infrastructure (/api/v1/, django-ninja; docs/api.md).

- ``auth``: bearer tokens of API clients (the client lookup is given by the router, so this package
  imports no app), the write permission;
- ``errors``: every error as RFC 9457 problem details (``application/problem+json``);
- ``pagination``: opaque keyset cursors (constant queries per page, whatever the page's depth);
- ``etag``: the JSON answer with its ETag, 304 on a matching ``If-None-Match``;
- ``throttling``: a rate per client (``KTLEARN_API_RATE``), 429 with ``Retry-After``.

``lms.rest.api`` is the router: it builds the NinjaAPI and mounts each app's ``<app>/rest.py``; it
is the one module here that imports apps.
"""
