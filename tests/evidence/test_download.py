"""Downloads go through one permission-checking view with safe headers."""

import io

import pikepdf
import pytest
from django.urls import reverse

from evidence.models import Evidence, EvidenceState
from tests.evidence import corpus
from tests.evidence.activecontent import active_content, bytes_after_eof


@pytest.fixture
def evidence(client_for, staff, report, kinds, upload):
    upload(client_for(staff), report, kinds["project"], "แผนปฏิบัติการ 2566.pdf", corpus.valid_pdf())
    return Evidence.objects.get()


@pytest.mark.parametrize("who", ["staff", "coordinator", "reviewer", "admin_user"])
def test_office_users_reviewers_and_admins_may_read(who, request, client, evidence):
    client.force_login(request.getfixturevalue(who), backend="orgprofile.auth.OfficeUserBackend")
    response = client.get(reverse("evidence:download", args=[evidence.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline; filename*=utf-8''")
    assert "%E0%B9%81%E0%B8%9C%E0%B8%99" in response["Content-Disposition"]  # "แผน"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("sandbox;")
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "SAMEORIGIN"


def test_another_offices_user_cannot_download(client_for, other_staff, evidence):
    response = client_for(other_staff).get(reverse("evidence:download", args=[evidence.pk]))
    assert response.status_code == 404
    assert b"%PDF" not in response.content


def test_anonymous_is_sent_to_login(client, evidence):
    client.logout()
    response = client.get(reverse("evidence:download", args=[evidence.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_another_offices_user_cannot_see_the_page(client_for, other_staff, report):
    assert (
        client_for(other_staff)
        .get(reverse("evidence:report", args=[report.assessment.office.code, report.subitem.number]))
        .status_code
        == 403
    )


def test_refused_files_are_only_attachments(client_for, staff, report, kinds, upload):
    client = client_for(staff)
    upload(client, report, kinds["project"], "มีรหัสผ่าน.pdf", corpus.encrypted_user_password())
    evidence = Evidence.objects.get()
    assert evidence.state == EvidenceState.REFUSED
    response = client.get(reverse("evidence:download", args=[evidence.pk]))
    assert response["Content-Disposition"].startswith("attachment;")


@pytest.mark.parametrize("name", ["javascript_open_action", "launch_action", "embedded_file", "pdf_zip_polyglot"])
def test_a_disarmed_file_is_served_without_its_active_content(name, client_for, reviewer, staff, report, kinds, upload):
    sent = corpus.CASES[name][0]()
    assert active_content(sent) or bytes_after_eof(sent)
    upload(client_for(staff), report, kinds["project"], "มีสคริปต์.pdf", sent)
    evidence = Evidence.objects.get()
    assert evidence.state == EvidenceState.VALID and evidence.disarmed

    response = client_for(reviewer).get(reverse("evidence:download", args=[evidence.pk]))
    served = b"".join(response.streaming_content)
    assert response["Content-Disposition"].startswith("inline;")
    assert active_content(served) == set()
    assert bytes_after_eof(served) == b""
    assert len(pikepdf.open(io.BytesIO(served)).pages) == 1
    # The bytes the office sent are kept for audit, and no URL serves them.
    assert evidence.original_file.read() == sent
    assert served != sent


def test_other_pages_keep_the_site_policy(client_for, staff, report):
    response = client_for(staff).get(
        reverse("evidence:report", args=[report.assessment.office.code, report.subitem.number])
    )
    assert response["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


@pytest.fixture
def local_storage(settings, tmp_path):
    """X-Accel-Redirect is for files on a volume nginx can read (not for an object store)."""
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    settings.MEDIA_ROOT = tmp_path / "media"


def test_x_accel_redirect_when_configured(local_storage, client_for, staff, evidence, settings):
    settings.PMQA_EVIDENCE_X_ACCEL_PREFIX = "/protected-media/"
    response = client_for(staff).get(reverse("evidence:download", args=[evidence.pk]))
    assert response["X-Accel-Redirect"] == "/protected-media/" + evidence.file.name
    assert response.content == b""
    assert response["Content-Security-Policy"].startswith("sandbox;")
