"""In the embedded default there is no beat to run the sweep: a row that a killed process left
"กำลังตรวจสอบ" is checked again when the panel is next looked at, not at the next restart."""

import json
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from evidence import pdfcheck, services
from evidence.models import Evidence, EvidenceState
from tests.evidence import corpus
from tests.evidence.conftest import upload_file

ROOT = Path(__file__).resolve().parents[2]


def left_by_a_killed_check(report, staff, kinds, django_capture_on_commit_callbacks, *, started_ago):
    # The upload committed but its check never ran to the end: the process died inside it.
    with django_capture_on_commit_callbacks(execute=False):
        evidence = services.evidence_upload(
            report=report, user=staff, kind=kinds["project"], uploaded=upload_file("แผน.pdf", corpus.valid_pdf(2))
        )
    Evidence.objects.filter(pk=evidence.pk).update(attempts=1, check_started_at=timezone.now() - started_ago)
    return evidence


def panel(client, report):
    return client.get(reverse("evidence:panel", args=[report.assessment.office.code, report.subitem.number]))


def test_a_row_left_pending_past_the_check_limit_is_decided_on_the_next_look(
    client_for, staff, report, kinds, django_capture_on_commit_callbacks
):
    evidence = left_by_a_killed_check(
        report,
        staff,
        kinds,
        django_capture_on_commit_callbacks,
        started_ago=services.stale_after() + timedelta(seconds=1),
    )
    # The check is queued when the look commits (in the embedded default, run there and then).
    with django_capture_on_commit_callbacks(execute=True):
        panel(client_for(staff), report)
    evidence.refresh_from_db()
    assert evidence.state == EvidenceState.VALID and evidence.attempts == 2
    response = panel(client_for(staff), report)
    assert "ผ่านการตรวจสอบ" in response.content.decode()


def test_a_check_still_within_its_limit_is_left_to_finish(
    client_for, staff, report, kinds, django_capture_on_commit_callbacks
):
    evidence = left_by_a_killed_check(
        report, staff, kinds, django_capture_on_commit_callbacks, started_ago=timedelta(seconds=5)
    )
    panel(client_for(staff), report)
    evidence.refresh_from_db()
    assert evidence.state == EvidenceState.PENDING and evidence.attempts == 1


def test_a_row_tried_too_often_is_refused_with_a_reason_not_left_pending(
    client_for, staff, report, kinds, django_capture_on_commit_callbacks
):
    evidence = left_by_a_killed_check(
        report, staff, kinds, django_capture_on_commit_callbacks, started_ago=services.stale_after() * 2
    )
    Evidence.objects.filter(pk=evidence.pk).update(attempts=services.MAX_CHECK_ATTEMPTS)
    response = panel(client_for(staff), report)
    evidence.refresh_from_db()
    assert evidence.state == EvidenceState.REFUSED
    assert "กรุณาส่งไฟล์อีกครั้ง" in response.content.decode()


def test_the_stale_limit_outlasts_the_checker():
    assert settings.PMQA_EVIDENCE_STALE_SECONDS >= pdfcheck.CHILD_CPU_SECONDS + pdfcheck.WALL_BACKSTOP_SECONDS


def test_the_embedded_process_killed_mid_check_leaves_a_row_decided_after_restart(tmp_path):
    """For real: the product's own process (SQLite file, tasks in-process) is killed inside a
    check; a new process, looking at the panel once the row is stale, decides it."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "pmqa_site.settings.local",
        "PMQA_NO_DOTENV": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'embedded.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "CELERY_BROKER_URL": "",
        "STORAGE_BACKEND": "local",
        "PMQA_EVIDENCE_STALE_SECONDS": "2",
    }
    hang = subprocess.Popen(
        [sys.executable, "-m", "tests.evidence.embedded_process", "upload-and-hang"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        lines = iter(hang.stdout.readline, "")
        assert "hanging" in (line.strip() for line in lines)  # inside the check now
    finally:
        hang.send_signal(signal.SIGKILL)
        hang.wait(timeout=30)
    time.sleep(3)  # past the (shortened) stale limit
    looked = subprocess.run(
        [sys.executable, "-m", "tests.evidence.embedded_process", "look"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    result = json.loads(looked.stdout.strip().splitlines()[-1])
    assert result == {"status": 200, "state": "valid", "attempts": 2}
