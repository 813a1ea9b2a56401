"""The embedded default: one machine, no services. SQLite, local media, tasks in-process."""

from .base import *  # noqa: F401,F403
from .base import ALLOWED_HOSTS, SECRET_KEY, env

# Off unless a developer asks for it (DEBUG=1 make run): people meet the Thai 404 and 500
# pages, never Django's technical ones.
DEBUG = env.bool("DEBUG", default=False)
# WhiteNoise serves the static files from the apps' folders, without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
SECRET_KEY = SECRET_KEY or "local-development-only-not-a-secret-key-change-me-in-production"
ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost"]

# The embedded default keeps its database and media under var/ (git-ignored).
from .base import VAR_DIR  # noqa: E402

VAR_DIR.mkdir(exist_ok=True)
(VAR_DIR / "staticfiles").mkdir(exist_ok=True)
