"""The validation task: idempotent, attempts counted, gives up, swept when left pending."""

from datetime import timedelta

import pytest
from django.utils import timezone

from evidence import services, tasks
from evidence.models import Evidence, EvidenceEvent, EvidenceState
from tests.evidence import corpus
from tests.evidence.conftest import upload_file


@pytest.fixture
def pending(report, staff, kinds):
    # Created without running the queued check (no on-commit in this test transaction).
    return services.evidence_upload(
        report=report, user=staff, kind=kinds["project"], uploaded=upload_file("ก.pdf", corpus.valid_pdf())
    )


def test_upload_leaves_the_row_pending_until_checked(pending):
    assert pending.state == EvidenceState.PENDING
    assert pending.attempts == 0


def test_running_twice_is_harmless(pending):
    assert tasks.evidence_validate.apply(args=[pending.pk]).get() == EvidenceState.VALID
    assert tasks.evidence_validate.apply(args=[pending.pk]).get() is None
    pending.refresh_from_db()
    assert pending.state == EvidenceState.VALID and pending.attempts == 1 and pending.page_count == 1
    assert EvidenceEvent.objects.filter(evidence=pending, action="checked").count() == 1


def test_gives_up_after_the_attempts_with_a_thai_reason(pending):
    Evidence.objects.filter(pk=pending.pk).update(attempts=services.MAX_CHECK_ATTEMPTS)
    assert services.evidence_check(evidence_id=pending.pk) == EvidenceState.REFUSED
    pending.refresh_from_db()
    assert pending.reason == "ระบบตรวจสอบไฟล์นี้ไม่ได้หลังจากพยายาม 3 ครั้ง กรุณาส่งไฟล์อีกครั้งภายหลัง"


def test_a_failure_outside_the_checker_ends_in_a_final_state(pending, monkeypatch):
    def broken_storage(name):
        raise OSError("disk gone")

    monkeypatch.setattr(services, "_local_path_or_copy", broken_storage)
    tasks.evidence_validate.apply(args=[pending.pk])
    pending.refresh_from_db()
    assert pending.state == EvidenceState.REFUSED
    assert "ระบบตรวจสอบไฟล์นี้ไม่ได้" in pending.reason


def test_sweep_queues_stale_rows_and_gives_up_on_exhausted_ones(
    pending, report, staff, kinds, django_capture_on_commit_callbacks
):
    exhausted = services.evidence_upload(
        report=report, user=staff, kind=kinds["project"], uploaded=upload_file("ข.pdf", corpus.valid_pdf(2))
    )
    fresh = services.evidence_upload(
        report=report, user=staff, kind=kinds["project"], uploaded=upload_file("ค.pdf", corpus.valid_pdf(3))
    )
    old = timezone.now() - timedelta(minutes=30)
    Evidence.objects.filter(pk=pending.pk).update(uploaded_at=old)  # never started: a lost broker
    Evidence.objects.filter(pk=exhausted.pk).update(check_started_at=old, attempts=services.MAX_CHECK_ATTEMPTS)
    with django_capture_on_commit_callbacks(execute=True):
        touched = services.evidence_sweep()
    assert touched == 2
    states = dict(Evidence.objects.values_list("pk", "state"))
    assert states[pending.pk] == EvidenceState.VALID
    assert states[exhausted.pk] == EvidenceState.REFUSED
    assert states[fresh.pk] == EvidenceState.PENDING  # not stale yet: a worker may have it
