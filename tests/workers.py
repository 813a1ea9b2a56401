"""Real Celery worker processes for the tests that need one (marked `redis`)."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[1]
CELERY_APP = ["-m", "celery", "-A", "pmqa_site"]


@pytest.fixture
def redis_url():
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.fail("REDIS_URL is not set: `make test` starts Redis and sets it for the second run.")
    return url


def database_url_for_worker() -> str:
    """The test database, as a URL a worker process can open."""
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("postgresql"):
        return f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    return f"sqlite:///{db['NAME']}"


def start_worker(*, broker: str, log: Path, name: str, command: list[str] = CELERY_APP, extra_env=None):
    """Start one solo-pool worker on `broker` against the test database, logging to `log`."""
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "pmqa_site.settings.local",
            "CELERY_BROKER_URL": broker,
            "CELERY_RESULT_BACKEND": broker,
            "DATABASE_URL": database_url_for_worker(),
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "PMQA_NO_DOTENV": "1",
            **(extra_env or {}),
        }
    )
    return subprocess.Popen(
        [
            sys.executable,
            *command,
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-n",
            f"{name}-{uuid.uuid4().hex[:6]}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=open(log, "w"),  # noqa: SIM115 - the worker writes to it until it stops
        stderr=subprocess.STDOUT,
    )
