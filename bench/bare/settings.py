"""A bare Django site, the yardstick of `make bench-pages`: the same Django, the same gunicorn,
the same PostgreSQL server, and nothing of the product. `/bare/` answers at once; `/user/`
does what every product page does first (a database session and its user) and nothing else."""

import environ

env = environ.Env()
SECRET_KEY = "bench-only-bare-site-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions"]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
ROOT_URLCONF = "bench.bare.urls"
DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = 60
USE_TZ = True
TIME_ZONE = "Asia/Bangkok"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
