"""One real Celery round trip: a worker process started here, Redis as the broker."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from celery import Celery
from django.conf import settings
from django.db import connection

from pmqa_site.tasks import health_check

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def redis_url():
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.fail("REDIS_URL is not set: `make test` starts Redis and sets it for the second run.")
    return url


def database_url_for_worker() -> str:
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("postgresql"):
        return f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    return f"sqlite:///{db['NAME']}"


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_health_check_round_trip_through_a_real_worker(redis_url, tmp_path):
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "pmqa_site.settings.local",
            "CELERY_BROKER_URL": redis_url,
            "CELERY_RESULT_BACKEND": redis_url,
            "DATABASE_URL": database_url_for_worker(),
            "PMQA_NO_DOTENV": "1",
        }
    )
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "pmqa_site",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "-n",
            f"test-{uuid.uuid4().hex[:6]}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=open(tmp_path / "worker.log", "w"),
        stderr=subprocess.STDOUT,
    )
    # A client app of its own: the project's app is configured eager for the other tests.
    client = Celery("pmqa-test-client", broker=redis_url, backend=redis_url)
    try:
        token = uuid.uuid4().hex
        result = client.send_task(health_check.name, args=[token])
        payload = result.get(timeout=60)
        assert payload["token"] == token
        assert payload["database"] is True
        print(f"Celery round trip via {redis_url}: {payload}")
    finally:
        client.close()
        worker.terminate()
        worker.wait(timeout=30)
        assert connection.vendor in ("postgresql", "sqlite")
    log = (tmp_path / "worker.log").read_text()
    assert "pmqa_site.health_check" in log, log
