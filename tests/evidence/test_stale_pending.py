"""In the embedded default there is no beat to run the sweep: a row that a killed process left
"กำลังตรวจสอบ" is checked again when the panel is next looked at, not at the next restart."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from evidence import services
from evidence.models import Evidence, EvidenceState
from tests.evidence import corpus
from tests.evidence.conftest import upload_file


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
        started_ago=services.STALE_AFTER + timedelta(seconds=1),
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
        report, staff, kinds, django_capture_on_commit_callbacks, started_ago=services.STALE_AFTER * 2
    )
    Evidence.objects.filter(pk=evidence.pk).update(attempts=services.MAX_CHECK_ATTEMPTS)
    response = panel(client_for(staff), report)
    evidence.refresh_from_db()
    assert evidence.state == EvidenceState.REFUSED
    assert "กรุณาส่งไฟล์อีกครั้ง" in response.content.decode()
