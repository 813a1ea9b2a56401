"""Settings shared by every run. Each run (local, test, production) starts from here.

Everything that differs between a laptop and production is read from the environment
(see .env.example); nothing here needs editing to deploy.
"""

from datetime import timedelta
from pathlib import Path

import environ
import sentry_sdk
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
if not env.bool("PMQA_NO_DOTENV", default=False):
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "simple_history",
    "pmqa_site",
    "orgprofile",
    "assessments",
    "evidence",
    "krs_integration",
    "reporting",
    "health_check",
]

MIDDLEWARE = [
    # First, so that "the instant a request arrived" is taken before anything else runs.
    "pmqa_site.clock.RequestTimeMiddleware",
    "pmqa_site.logs.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # A refusal a view did not put on its form (closed window, another office, a stale
    # form, a bad value) becomes a Thai response here: pmqa_site/web.py.
    "pmqa_site.web.RefusalMiddleware",
    # Axes last, as its documentation asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "pmqa_site.urls"
WSGI_APPLICATION = "pmqa_site.wsgi.application"

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
                "orgprofile.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
# The embedded default is SQLite in WAL mode, so that readers do not block the writer;
# IMMEDIATE transactions make concurrent writers queue instead of failing with "locked".
_database_url = env("DATABASE_URL", default="") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}"
try:
    _database = environ.Env.db_url_config(_database_url)
except Exception as exc:  # django-environ raises several kinds for a malformed URL
    raise ImproperlyConfigured(
        "DATABASE_URL is not a database URL (postgres://user:password@host:5432/name); see .env.example."
    ) from exc
if not _database.get("ENGINE") or (_database["ENGINE"] != "django.db.backends.sqlite3" and not _database.get("NAME")):
    raise ImproperlyConfigured(
        "DATABASE_URL names no database (postgres://user:password@host:5432/name); see .env.example."
    )
DATABASES = {"default": _database}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
            "transaction_mode": "IMMEDIATE",
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
# The busiest statements are prepared on the PostgreSQL server once per connection
# (pmqa_site/prepared.py). Off behind a pooler that shares a connection between clients.
PREPARED_ON_SERVER = env.bool("DB_PREPARED_ON_SERVER", default=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication ---------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses a locked-out username+address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, loading the user's role and office with the user (one query).
    "orgprofile.auth.OfficeUserBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    # Django's rules, with Thai messages (pmqa_site/passwords.py).
    {"NAME": "pmqa_site.passwords.UserAttributeSimilarityValidator"},
    {"NAME": "pmqa_site.passwords.MinimumLengthValidator"},
    {"NAME": "pmqa_site.passwords.CommonPasswordValidator"},
    {"NAME": "pmqa_site.passwords.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "orgprofile:home"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)

# Login throttling. Many offices reach us through one shared government address, so a
# lockout is keyed on username *and* address together: a wrong password typed at one
# office never locks out another office behind the same address.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=0)
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]

# --- Language, time ----------------------------------------------------------------------
LANGUAGE_CODE = "th"
# Thai only: there is no English catalogue, so no language switch is offered.
LANGUAGES = [("th", _("ไทย"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Bangkok"
USE_I18N = True
USE_TZ = True

# --- Static and media -------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(VAR_DIR / "staticfiles")))
MEDIA_URL = "media/"  # never served directly: downloads go through permission-checking views
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(VAR_DIR / "media")))

STORAGE_BACKEND = env("STORAGE_BACKEND", default="local")
if STORAGE_BACKEND == "s3":
    # Evidence, pictures and books in an S3-compatible object store (SeaweedFS here, MinIO,
    # Ceph or a cloud bucket elsewhere: only these variables change). Objects are private;
    # every download goes through a permission-checked view that streams the object.
    for _name in ("AWS_STORAGE_BUCKET_NAME", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        if not env(_name, default=""):
            raise ImproperlyConfigured(f"STORAGE_BACKEND=s3 needs {_name} (see .env.example).")
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env("AWS_S3_ENDPOINT_URL", default=None),
            "region_name": env("AWS_S3_REGION_NAME", default=None),
            "access_key": env("AWS_ACCESS_KEY_ID"),
            "secret_key": env("AWS_SECRET_ACCESS_KEY"),
            "addressing_style": env("AWS_S3_ADDRESSING_STYLE", default="path"),
            "signature_version": "s3v4",
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
elif STORAGE_BACKEND == "local":
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
else:
    raise ImproperlyConfigured("STORAGE_BACKEND must be local or s3 (see .env.example).")
STORAGES = {
    "default": _default_storage,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Uploads larger than this go to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 256 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o640

# --- Email -------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="pmqa@localhost")

# --- Celery ------------------------------------------------------------------------------
# With no broker configured (the embedded default) tasks run in the web process.
# Whether offices may report in a year whose reporting window no admin has set. The guide says
# to work only between the announced opening and closing, hence closed.
PMQA_OFFICES_OPEN_WITHOUT_WINDOW = env.bool("PMQA_OFFICES_OPEN_WITHOUT_WINDOW", default=False)
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
# The cache holds the password-reset throttle's counters (django-ratelimit): one process's
# memory in the embedded default, Redis wherever a broker is set (production requires one),
# so that every gunicorn worker counts the same requests.
CACHE_URL = env("CACHE_URL", default=CELERY_BROKER_URL)
CACHES = {
    "default": (
        {"BACKEND": "pmqa_site.cache.RedisCache", "LOCATION": CACHE_URL, "KEY_PREFIX": "pmqa"}
        if CACHE_URL.startswith(("redis://", "rediss://"))
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pmqa"}
    ),
    # Pieces of pages that depend only on what their key names (templates/base.html: the menu
    # of one user, role and office), kept in each process's memory: cheaper to read than to
    # draw, and nothing to tell other processes when they change (the key changes instead).
    "fragments": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pmqa-fragments"},
}
# Sessions are read on every request: from the shared Redis cache when there is one (the
# database stays the record, written through), which halves the cost of a small page
# (README, "Page costs"). A cache in each process's memory would let a session ended in one
# gunicorn worker live on in another, so without Redis sessions are read from the database.
SESSION_ENGINE = (
    "pmqa_site.sessions"  # Django's cached_db, which still answers when Redis is down
    if CACHES["default"]["BACKEND"].endswith("RedisCache")
    else "django.contrib.sessions.backends.db"
)
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL or None)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 120
CELERY_TASK_SOFT_TIME_LIMIT = 100
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE: dict = {
    # Proof for the readiness check that the beat and a worker are alive (pmqa_site.health).
    "heartbeat": {"task": "pmqa_site.beat_heartbeat", "schedule": 60.0},
}

# --- Forms and pages ---------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
MESSAGE_TAGS = {40: "danger"}

# Content-Security-Policy: everything is served from our own origin, no inline script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    },
}
# Pages are never framed; the one view that shows a PDF inside a review page opts in
# with @xframe_options_sameorigin and its own frame-ancestors.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# LOG_FORMAT=json: one JSON object per line (python-json-logger), for a log collector;
# plain (the default here, json in production): for a person reading a terminal.
LOG_FORMAT = env("LOG_FORMAT", default="plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"refusals_without_traceback": {"()": "pmqa_site.logs.RefusalsWithoutTraceback"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT if LOG_FORMAT in ("plain", "json") else "plain",
            "filters": ["refusals_without_traceback"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "pikepdf": {"level": "WARNING"},
        # The report book: WeasyPrint's per-page progress and fontTools' subsetting notes.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # One line per request (pmqa_site.logs); off unless asked for on a laptop.
        "pmqa.request": {"level": env("REQUEST_LOG_LEVEL", default="WARNING")},
    },
}
CSRF_FAILURE_VIEW = "pmqa_site.views.csrf_failure"

# --- Review and windows ----------------------------------------------------------------------
CELERY_BEAT_SCHEDULE["remind-window-closing"] = {
    "task": "assessments.remind_window_closing",
    "schedule": 6 * 60 * 60,  # every six hours; each office is reminded once per window
}

# Logins (django-axes keeps AccessAttempt for failures and AccessLog for logins, both in the
# admin), refused accesses and window changes go to the "pmqa.audit" logger.
LOGGING["loggers"]["pmqa.audit"] = {"level": "INFO"}

# --- EVIDENCE ------------------------------------------------------------------------------
# The seed: "จัดทำเป็นไฟล์ PDF ทั้งหมดต้องไม่เกิน 2 MB ในการแนบแต่ละข้อ". 2 MB as file managers
# count it. The upload page's browser check reads this (data-budget), Django refuses on it,
# and the reverse proxy's client_max_body_size is derived from it (README, "Evidence").
PMQA_EVIDENCE_BUDGET_BYTES = 2_097_152
# The reviewers' queue marks items that have waited longer than this for a decision.
PMQA_REVIEW_OVERDUE_DAYS = env.int("PMQA_REVIEW_OVERDUE_DAYS", default=7)
# The national dashboard keeps its figures, matrix (per filter and page) and charts this long
# in the cache and says when they were read (0: read them on every request; bench-pages does).
PMQA_NATIONAL_CACHE_SECONDS = env.int("PMQA_NATIONAL_CACHE_SECONDS", default=60)
# A phone photo is often larger than the budget before it is scaled and turned into PDF.
PMQA_EVIDENCE_PHOTO_MAX_BYTES = 5 * PMQA_EVIDENCE_BUDGET_BYTES
# Production behind nginx: serve files with X-Accel-Redirect to this internal location
# (e.g. "/protected-media/"); empty means Django streams the file itself.
PMQA_EVIDENCE_X_ACCEL_PREFIX = env("EVIDENCE_X_ACCEL_PREFIX", default="")
# A file pending longer than this was left by a check that died (the checker's CPU limit of 20 s
# plus its 120 s backstop): looking at its panel checks it again. Tests shorten it.
PMQA_EVIDENCE_STALE_SECONDS = env.int("PMQA_EVIDENCE_STALE_SECONDS", default=140)
CELERY_BEAT_SCHEDULE["evidence-sweep"] = {"task": "evidence.sweep", "schedule": 300.0}

# --- KRS ---------------------------------------------------------------------------------
# OBEC's key-result system (category 7). The JSON it must speak: krs_integration/CONTRACT.md.
# The embedded default points at the stand-in server (`python manage.py run_krs_standin`).
from celery.schedules import crontab  # noqa: E402

KRS_BASE_URL = env("KRS_BASE_URL", default="http://127.0.0.1:8001")
KRS_TOKEN = env("KRS_TOKEN", default="")
KRS_TIMEOUT = env.float("KRS_TIMEOUT", default=10.0)
KRS_RETRIES = env.int("KRS_RETRIES", default=3)
KRS_BACKOFF = env.float("KRS_BACKOFF", default=0.5)
KRS_AUTH_ENABLED = env.bool("KRS_AUTH_ENABLED", default=False)
if KRS_AUTH_ENABLED:
    # After axes, so a locked-out username is refused before KRS is asked.
    AUTHENTICATION_BACKENDS.insert(
        AUTHENTICATION_BACKENDS.index("axes.backends.AxesStandaloneBackend") + 1, "krs_integration.auth.KRSBackend"
    )
CELERY_BEAT_SCHEDULE["krs-nightly-sync"] = {
    "task": "krs_integration.sync_all_offices",
    "schedule": crontab(hour=env.int("KRS_SYNC_HOUR", default=2), minute=0),
}

# --- Error reporting (optional) -------------------------------------------------------------
# SENTRY_DSN set: unexpected errors go to Sentry (or a compatible service such as GlitchTip).
SENTRY_DSN = env("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk  # an optional service: loaded only when configured

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        send_default_pii=False,
        traces_sample_rate=0.0,
        environment=env("SENTRY_ENVIRONMENT", default="production"),
    )
