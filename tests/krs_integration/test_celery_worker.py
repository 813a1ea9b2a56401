"""One sync run through a real Celery worker (Redis broker), one task per office."""

import time
from pathlib import Path

import pytest

from krs_integration import services
from krs_integration.models import Indicator, SyncRun
from pmqa_site.celery import app
from tests.krs_integration.conftest import celery_pools_reset
from tests.workers import redis_url, start_worker  # noqa: F401 - redis_url is a fixture

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_sync_run_through_a_real_worker(redis_url, krs, catalogue, office, other_office, tmp_path):  # noqa: F811
    worker = start_worker(
        broker=redis_url,
        log=tmp_path / "worker.log",
        name="krs",
        extra_env={"KRS_BASE_URL": krs.url, "KRS_TOKEN": "test-token"},
    )
    # The sync queues its tasks through the project's app, so that app (eager for every
    # other test) points at Redis for this test only.
    saved = {key: app.conf[key] for key in ("broker_url", "result_backend", "task_always_eager")}
    app.conf.update(broker_url=redis_url, result_backend=redis_url, task_always_eager=False)
    celery_pools_reset()
    try:
        run = services.sync_run_start(trigger=SyncRun.Trigger.BUTTON)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            run.refresh_from_db()
            if run.is_finished:
                break
            time.sleep(0.3)
    finally:
        app.conf.update(saved)
        celery_pools_reset()
        worker.terminate()
        worker.wait(timeout=30)
    log = (tmp_path / "worker.log").read_text()
    assert run.status == SyncRun.Status.SUCCEEDED, log
    assert run.offices_ok == 2 and run.created_count == 60
    assert Indicator.objects.count() == 60
    assert log.count("krs_integration.sync_office") >= 2, log
