"""One real Celery round trip: a worker process started here, Redis as the broker."""

import uuid
from pathlib import Path

import pytest
from celery import Celery
from django.db import connection

from pmqa_site.tasks import health_check
from tests.workers import redis_url, start_worker  # noqa: F401 - redis_url is a fixture

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_health_check_round_trip_through_a_real_worker(redis_url, tmp_path):
    worker = start_worker(broker=redis_url, log=tmp_path / "worker.log", name="test")
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
