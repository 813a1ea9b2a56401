"""A real worker killed (SIGKILL) in the middle of a check; the sweep and a restarted worker
finish the row. Redis is the broker, the worker uses the test database."""

import signal
import time
from datetime import timedelta
from pathlib import Path

import pytest

from evidence import services
from evidence.models import Evidence, EvidenceState
from pmqa_site.celery import app
from tests import workers
from tests.evidence import corpus
from tests.evidence.conftest import upload_file
from tests.workers import redis_url  # noqa: F401 - a fixture

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def start_worker(module: list[str], broker: str, log: Path):
    return workers.start_worker(broker=broker, log=log, name="kill", command=module)


def wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_worker_killed_during_validation_leaves_no_row_pending(redis_url, tmp_path, report, staff, kinds):  # noqa: F811
    app.conf.update(broker_url=redis_url, result_backend=redis_url, task_always_eager=False)
    slow = start_worker(["-m", "tests.evidence.slow_worker"], redis_url, tmp_path / "slow.log")
    normal = None
    try:
        evidence = services.evidence_upload(
            report=report, user=staff, kind=kinds["project"], uploaded=upload_file("รายงาน.pdf", corpus.valid_pdf(3))
        )
        # The worker has taken the task and counted the attempt: it is inside the check now.
        wait_for(lambda: Evidence.objects.filter(pk=evidence.pk, attempts=1).exists(), 60, "the check to start")
        wait_for(lambda: "hanging" in (tmp_path / "slow.log").read_text(), 30, "the checker to hang")
        slow.send_signal(signal.SIGKILL)
        slow.wait(timeout=10)
        evidence.refresh_from_db()
        assert evidence.state == EvidenceState.PENDING  # left behind by the lost worker

        normal = start_worker(["-m", "celery", "-A", "pmqa_site"], redis_url, tmp_path / "normal.log")
        assert services.evidence_sweep(stale_after=timedelta(0)) == 1
        wait_for(
            lambda: Evidence.objects.filter(pk=evidence.pk).exclude(state=EvidenceState.PENDING).exists(),
            60,
            "the restarted worker to finish the row",
        )
        evidence.refresh_from_db()
        assert evidence.state == EvidenceState.VALID
        assert evidence.attempts == 2
        assert evidence.page_count == 3
        assert not Evidence.objects.filter(state=EvidenceState.PENDING).exists()
    finally:
        app.conf.update(task_always_eager=True)
        for worker in (slow, normal):
            if worker is not None and worker.poll() is None:
                worker.terminate()
                worker.wait(timeout=30)
    assert "evidence.validate" in (tmp_path / "normal.log").read_text()
