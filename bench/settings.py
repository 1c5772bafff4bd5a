"""Settings for bench/pages.py only: the production settings as they are, plus a bare "ok" view
(bench/urls.py) to compare every page with. Never used to serve the site."""

from lms.settings.production import *  # noqa: F403
from lms.settings.production import CACHES, env

ROOT_URLCONF = "bench.urls"
# collectstatic writes the hashed, compressed files here (the manifest storage needs them).
STATIC_ROOT = env("KTLEARN_BENCH_STATIC_ROOT")
# One key prefix per run: the Redis database may be shared with other runs.
CACHES["default"]["KEY_PREFIX"] = env("KTLEARN_BENCH_CACHE_PREFIX", default="bench-pages")
