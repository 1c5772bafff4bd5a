"""Settings shared by every environment. Environment-specific files import * from here."""

import datetime
from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()

SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-insecure-ktlearn-key-change-me")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])

INSTALLED_APPS = [
    "lms",
    "organization",
    "rotation",
    "competency",
    "courses",
    "assessments",
    "targets",
    "cms",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "organization.apps.UsersAppConfig",  # wagtail.users with the role and unit (organization.admin.users)
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_celery_beat",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
    "ninja",  # the REST API's docs page from its own static files (no CDN; lms.rest)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "lms.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "lms.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After authentication: staff pass the second factor, a one-time password is replaced, before any other page.
    "organization.middleware.AccountGateMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # AxesMiddleware must be last: it turns a lockout into a response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "lms.urls"

from csp.constants import NONCE  # noqa: E402

# Content-Security-Policy (django-csp 4): scripts only from the site or with the request's nonce,
# styles only from static files (no style= attributes), no plugins, no framing by other sites.
# Bootstrap's CSS draws form arrows with data: SVG images, hence img-src data:.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],  # the nonce appears only on pages that use one
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "media-src": ["'self'"],
        "object-src": ["'none'"],
        "frame-ancestors": ["'self'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    },
}
# Wagtail 8's admin writes inline <script> blocks (inline panels, date and time widgets) and style=
# attributes, without a nonce: under /admin/ scripts and styles also allow 'unsafe-inline' (with no
# nonce in that policy, since a nonce would switch 'unsafe-inline' off). Every other directive is
# the same as the site's.
KTLEARN_ADMIN_CSP_UPDATE = {"script-src": ["'self'", "'unsafe-inline'"], "style-src": ["'self'", "'unsafe-inline'"]}
SECURE_REFERRER_POLICY = "same-origin"
KTLEARN_PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), "
    "magnetometer=(), gyroscope=(), accelerometer=()"
)

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "lms" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "organization.context_processors.roles",
                "courses.context_processors.notices",
            ],
        },
    },
]

WSGI_APPLICATION = "lms.wsgi.application"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DJANGO_CONN_MAX_AGE", default=0))
# A persistent connection that the server dropped (restart, idle timeout, failover) is replaced
# before the request uses it, instead of failing the request.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# SQLite (the default in dev, `make run` and tests): with Django's default DEFERRED transactions two
# requests that both read then write (Wagtail's editing-session ping and autosave, an upload) fail at
# once with "database is locked" — SQLite cannot upgrade both read locks, and does not wait. IMMEDIATE
# takes the write lock when the transaction begins, so the second request waits (up to `timeout`
# seconds) instead of failing; WAL lets reads go on while one request writes. Options given in
# DATABASE_URL win. Production runs on PostgreSQL (production.py).
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {**SQLITE_OPTIONS, **DATABASES["default"].get("OPTIONS", {})}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Django's defaults, plus the cheap hasher for the random one-time passwords of bulk-created logins
# (organization/hashers.py says why it is safe). Never first: the first one hashes every chosen password.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
    "organization.hashers.OneTimePasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "organization.password_validation.MinimumLengthValidator"},  # Vietnamese messages
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Optional single sign-on with an OpenID Connect provider (organization/oidc.py): on when
# OIDC_RP_CLIENT_ID is set. mozilla-django-oidc reads the OIDC_* settings.
OIDC_RP_CLIENT_ID = env("OIDC_RP_CLIENT_ID", default="")
KTLEARN_OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
OIDC_RP_CLIENT_SECRET = env("OIDC_RP_CLIENT_SECRET", default="")
OIDC_OP_AUTHORIZATION_ENDPOINT = env("OIDC_OP_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env("OIDC_OP_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env("OIDC_OP_USER_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env("OIDC_OP_JWKS_ENDPOINT", default="")
OIDC_RP_SIGN_ALGO = env("OIDC_RP_SIGN_ALGO", default="RS256")
OIDC_RP_SCOPES = env("OIDC_RP_SCOPES", default="openid email profile")
OIDC_USE_PKCE = env.bool("OIDC_USE_PKCE", default=True)
KTLEARN_OIDC_CODE_CLAIM = env("KTLEARN_OIDC_CODE_CLAIM", default="cadre_code")
KTLEARN_OIDC_PROVIDER_NAME = env("KTLEARN_OIDC_PROVIDER_NAME", default="")
LOGIN_REDIRECT_URL_FAILURE = "/accounts/login/?sso=failed"
if KTLEARN_OIDC_ENABLED:
    AUTHENTICATION_BACKENDS.append("organization.oidc.CadreOIDCBackend")
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

# Failed logins are throttled per username + IP: 5 failures lock for 15 minutes.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True

# Second factor for staff (organization.two_factor): the name authenticator apps show.
OTP_TOTP_ISSUER = env("KTLEARN_OTP_ISSUER", default="KTLearn")

# Vietnamese first, English second.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
# The project's catalogue first (makemessages writes there, and it wins), then the Vietnamese of Wagtail's
# admin screens (written for KTLearn, never touched by makemessages): both win over the apps' catalogues.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "lms" / "locale_wagtail"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
WAGTAIL_I18N_ENABLED = False
# Slugs are ASCII ("vi-tri-chuc-nang"), never percent-encoded Vietnamese: see lms/slugs.py.
WAGTAIL_ALLOW_UNICODE_SLUGS = False
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
FORMAT_MODULE_PATH = ["lms.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "/media/"
MEDIA_ROOT = env("DJANGO_MEDIA_ROOT", default=str(BASE_DIR / "media"))
# Private files (reports, evidence, external training, decisions, certificates): never under
# MEDIA_ROOT, served only by scoped views (lms/private_files.py). "filesystem" or "s3".
PRIVATE_MEDIA_ROOT = env("DJANGO_PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "private-media"))
KTLEARN_PRIVATE_STORAGE = env("KTLEARN_PRIVATE_STORAGE", default="filesystem")
# Behind nginx: the internal location that serves PRIVATE_MEDIA_ROOT (X-Accel-Redirect); empty = Django streams.
KTLEARN_PRIVATE_ACCEL_PREFIX = env("KTLEARN_PRIVATE_ACCEL_PREFIX", default="")
KTLEARN_PRIVATE_URL_SECONDS = env.int("KTLEARN_PRIVATE_URL_SECONDS", default=60)


def private_storage_config():
    """STORAGES["private"]: a folder outside MEDIA_ROOT, or an S3-compatible bucket (private ACL,
    signed URLs that expire after KTLEARN_PRIVATE_URL_SECONDS)."""
    if KTLEARN_PRIVATE_STORAGE == "s3":
        return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
            "bucket_name": env("KTLEARN_S3_BUCKET"),
            "endpoint_url": env("KTLEARN_S3_ENDPOINT_URL", default=None),
            "region_name": env("KTLEARN_S3_REGION", default=None),
            "access_key": env("KTLEARN_S3_ACCESS_KEY_ID", default=None),
            "secret_key": env("KTLEARN_S3_SECRET_ACCESS_KEY", default=None),
            "location": env("KTLEARN_S3_PREFIX", default="private"),
            "default_acl": "private",
            "querystring_auth": True,
            "signature_version": "s3v4",
            "querystring_expire": KTLEARN_PRIVATE_URL_SECONDS,
            "file_overwrite": False,
            "addressing_style": env("KTLEARN_S3_ADDRESSING_STYLE", default="path"),
        }}
    return {"BACKEND": "lms.private_files.PrivateFileSystemStorage"}


STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "private": private_storage_config(),
}

# Uploads: refuse large files early; Pillow refuses decompression bombs.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
KTLEARN_IMPORT_MAX_BYTES = env.int("KTLEARN_IMPORT_MAX_BYTES", default=5 * 1024 * 1024)
KTLEARN_PROVINCE_NAME = env("KTLEARN_PROVINCE_NAME", default="Ủy ban Kiểm tra Tỉnh ủy")
# Personal data (Decree 13/2023): cadres who retired or left are anonymized this many days after they left
# (manage.py anonymize_cadres; docs/operations.md).
KTLEARN_RETENTION_DAYS = env.int("KTLEARN_RETENTION_DAYS", default=5 * 365)

WAGTAIL_SITE_NAME = "KTLearn"
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", default="http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "doc", "xlsx", "pptx", "odt", "txt", "mp4", "webm"]
WAGTAILDOCS_DOCUMENT_FORM_BASE = "cms.forms.DocumentForm"
KTLEARN_DOCUMENT_MAX_BYTES = env.int("KTLEARN_DOCUMENT_MAX_BYTES", default=200 * 1024 * 1024)
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 64_000_000
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]  # no SVG: it can carry script
# Documents are always downloaded, never rendered in the site's origin.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_INLINE_CONTENT_TYPES = []
KTLEARN_UPLOAD_MAX_BYTES = env.int("KTLEARN_UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
KTLEARN_UPLOAD_MAX_IMAGE_PIXELS = env.int("KTLEARN_UPLOAD_MAX_IMAGE_PIXELS", default=40_000_000)
# The intranet has no internet: the admin must not call home for a new version.
WAGTAIL_ENABLE_UPDATE_CHECK = False

# The REST API (/api/v1/, lms.rest): requests per client (cache-counted; 429 with Retry-After beyond).
KTLEARN_API_RATE = env("KTLEARN_API_RATE", default="600/min")

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Sessions are read from the cache (written through to the database, kept in the cache 5 minutes at
# most: lms/sessions.py): no session query per request; with the cache down they come from the database.
SESSION_ENGINE = "lms.sessions"

# Celery: eager (in-process) when no broker is configured, so `make run` needs nothing else.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=None)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# The queue tasks are sent to and a worker started without -Q consumes. One Redis database may carry
# several deployments (CI's smoke test runs next to other runs): each names its own queue.
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default="celery")
# The one definition of the periodic jobs, keyed by registered task name. Beat (DatabaseScheduler)
# writes these entries into its PeriodicTask table by name each time it starts, so a change here
# reaches production with the next deploy; courses/migrations/0006_beat_schedule_from_settings.py
# wrote them once, so a new database lists them in the admin before beat has run. Times are
# CELERY_TIMEZONE (Asia/Ho_Chi_Minh). An entry disabled in the admin stays disabled; a time edited
# there is reset when beat restarts.
CELERY_BEAT_SCHEDULE = {
    # Mandatory courses for cadres in target positions (catches courses published or retargeted
    # since, and cadres loaded in bulk); then re-assignment of completions that have expired.
    "courses.required_courses_assign_all": {
        "task": "courses.required_courses_assign_all",
        "schedule": crontab(minute="30", hour="1"),
    },
    "courses.completions_expire": {"task": "courses.completions_expire", "schedule": crontab(minute="45", hour="1")},
    "competency.rollup_snapshots_nightly": {
        "task": "competency.rollup_snapshots_nightly",
        "schedule": crontab(minute="30", hour="1"),
    },
    # Daily despite its name: it makes every ReportSchedule whose cut-off is due (monthly, 6-monthly, annual, a date).
    "competency.reports_monthly": {"task": "competency.reports_monthly", "schedule": crontab(minute="0", hour="5")},
    "competency.reminders_daily": {"task": "competency.reminders_daily", "schedule": crontab(minute="0", hour="7")},
    # Daily: "due soon" and "overdue" notices in the cadres' notification centre (one per enrolment).
    "courses.due_notices_daily": {"task": "courses.due_notices_daily", "schedule": crontab(minute="50", hour="6")},
    "organization.rotation_alerts_daily": {
        "task": "organization.rotation_alerts_daily",
        "schedule": crontab(minute="15", hour="7"),
    },
    # Every five minutes (a number is seconds): sittings abandoned after their deadline are closed and
    # scored without waiting for the cadre to come back.
    "assessments.sittings_close_expired": {"task": "assessments.sittings_close_expired", "schedule": 5 * 60},
    # Every minute: publish the work user actions queued while the broker was down (lms.outbox).
    "lms.outbox_dispatch": {"task": "lms.outbox_dispatch", "schedule": 60},
    # Every five minutes: board jobs whose worker died are queued again, or failed after three tries.
    "targets.board_jobs_sweep": {"task": "targets.board_jobs_sweep", "schedule": 5 * 60},
    # Every ten minutes: the board's figures that writes made stale and nobody refreshed (a refresh
    # lost with its worker); normally a write queues its own refresh (targets.freshness).
    "targets.figures_refresh": {"task": "targets.figures_refresh", "schedule": 10 * 60},
}
# A broker that refuses or never answers must cost a request at most a couple of seconds: user
# actions queue work through the outbox (lms.outbox), which publishes with these timeouts and no
# retries, and leaves what it could not publish for the dispatcher.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# visibility_timeout: how long Redis waits before redelivering an unacknowledged (acks_late) task
# whose worker died. It must be longer than the longest task (CELERY_TASK_TIME_LIMIT, 30 min), or
# a task still running would be delivered a second time.
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 2, "visibility_timeout": 45 * 60}
# A task whose worker process is killed mid-run is put back on the queue instead of being lost; only
# tasks declared acks_late (the idempotent ones) are affected.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# The roll-up behind a snapshot or a report may run this long on PostgreSQL before the database
# cancels it (shorter than targets.jobs.STALE_AFTER, after which the job is taken for dead).
# The board's figures are computed again once writes have paused this long (targets.freshness); with
# tasks run in-process (no broker: development) at once.
KTLEARN_FIGURES_DEBOUNCE_SECONDS = env.int(
    "KTLEARN_FIGURES_DEBOUNCE_SECONDS", default=0 if CELERY_TASK_ALWAYS_EAGER else 30
)
KTLEARN_ROLLUP_STATEMENT_TIMEOUT = datetime.timedelta(
    seconds=env.int("KTLEARN_ROLLUP_STATEMENT_TIMEOUT_S", default=600)
)
# PostgreSQL work_mem for the figures computation only (SET LOCAL in its transaction): the sorts and
# hashes over a province's 200,000 cadres fit in memory instead of spilling to disk.
KTLEARN_ROLLUP_WORK_MEM = env.str("KTLEARN_ROLLUP_WORK_MEM", default="64MB")
CELERY_TIMEZONE = TIME_ZONE

# xAPI 1.0.3 statements (completions, quiz results, certificates) to a Learning Record Store:
# off unless the endpoint is set (docs/xapi.md). The endpoint is the LRS's xAPI base, e.g.
# https://lrs.example.vn/xAPI (statements go to <endpoint>/statements); key and secret are HTTP Basic.
KTLEARN_XAPI_ENDPOINT = env("KTLEARN_XAPI_ENDPOINT", default="")
KTLEARN_XAPI_KEY = env("KTLEARN_XAPI_KEY", default="")
KTLEARN_XAPI_SECRET = env("KTLEARN_XAPI_SECRET", default="")
KTLEARN_XAPI_TIMEOUT_SECONDS = env.int("KTLEARN_XAPI_TIMEOUT_SECONDS", default=5)
# The actors' account home page and the activities' ids start with this (default: WAGTAILADMIN_BASE_URL).
KTLEARN_XAPI_HOMEPAGE = env("KTLEARN_XAPI_HOMEPAGE", default="")

EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="KTLearn <no-reply@ktlearn.local>")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
