"""One sync run through a real Celery worker (Redis broker), one task per office."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from krs_integration import services
from krs_integration.models import Indicator, SyncRun
from pmqa_site.celery import app
from tests.krs_integration.conftest import celery_pools_reset
from tests.pmqa_site.test_celery import database_url_for_worker, redis_url  # noqa: F401 - fixture

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_sync_run_through_a_real_worker(redis_url, krs, catalogue, office, other_office, tmp_path):  # noqa: F811
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "pmqa_site.settings.local",
            "CELERY_BROKER_URL": redis_url,
            "CELERY_RESULT_BACKEND": redis_url,
            "DATABASE_URL": database_url_for_worker(),
            "PMQA_NO_DOTENV": "1",
            "KRS_BASE_URL": krs.url,
            "KRS_TOKEN": "test-token",
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
            f"krs-{uuid.uuid4().hex[:6]}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=open(tmp_path / "worker.log", "w"),
        stderr=subprocess.STDOUT,
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
