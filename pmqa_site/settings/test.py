"""The test suite. Reads DATABASE_URL / CELERY_BROKER_URL like every run, so the same suite
runs against SQLite (nothing set) and against PostgreSQL + Redis (both set by `make test`)."""

from .base import *  # noqa: F401,F403
from .base import CACHES as BASE_CACHES
from .base import CONTENT_SECURITY_POLICY, VAR_DIR, env

DEBUG = False
SECRET_KEY = "test-only-secret-key-test-only-secret-key-test-only"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(VAR_DIR / "test-media")))  # noqa: F405

# Most tests are about something other than the calendar and set no window; the real default
# (closed) is tested in tests/orgprofile/test_no_window.py.
PMQA_OFFICES_OPEN_WITHOUT_WINDOW = True

# Tests call tasks in-process unless a test starts a real worker on purpose.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY

# WhiteNoise serves from the finders in tests; the folder only has to exist.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STATIC_ROOT = VAR_DIR / "test-static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)

# Each test starts with empty throttle counters, whatever broker the run uses.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pmqa-tests"},
    "fragments": BASE_CACHES["fragments"],
}
