"""No one deletes evidence: not the admin, not any code path."""

import re
from pathlib import Path

from django.contrib.admin.sites import site
from django.urls import reverse

from evidence.models import Evidence, EvidenceEvent
from evidence.services import evidence_upload
from tests.evidence import corpus
from tests.evidence.conftest import upload_file
from tests.webforms import form_posting_to

EVIDENCE_APP = Path(__file__).resolve().parents[2] / "evidence"


def test_admin_has_no_delete(rf, admin_user):
    request = rf.get("/")
    request.user = admin_user
    for model in (Evidence, EvidenceEvent):
        model_admin = site._registry[model]
        assert model_admin.has_delete_permission(request) is False
        assert "delete_selected" not in model_admin.get_actions(request)


def test_admin_delete_page_is_refused(client, staff, report, kinds, upload, django_user_model):
    upload(client, report, kinds["project"], "x.pdf", corpus.valid_pdf())  # anonymous: refused, nothing stored
    superuser = django_user_model.objects.create_superuser("root", "root@example.com", "x-very-long-password-1")

    evidence = evidence_upload(
        report=report, user=staff, kind=kinds["project"], uploaded=upload_file("ก.pdf", corpus.valid_pdf())
    )
    client.force_login(superuser, backend="orgprofile.auth.OfficeUserBackend")
    url = reverse("admin:evidence_evidence_delete", args=[evidence.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert Evidence.objects.filter(pk=evidence.pk).exists()


def test_no_code_path_deletes_rows_or_files():
    pattern = re.compile(r"\.delete\(|\bos\.remove\(|storage\.delete|shutil\.rmtree|\.unlink\(")
    offenders = []
    for path in EVIDENCE_APP.rglob("*.py"):
        for line in path.read_text().splitlines():
            if pattern.search(line):
                offenders.append(f"{path.name}: {line.strip()}")
    # The checker's copies (of a file kept in remote storage, and the disarmed output) live in a
    # temporary folder that goes with its `with` block.
    assert offenders == [], offenders


def test_a_wrong_file_is_cancelled_naming_the_file_used_instead(django_app, staff, report, kinds, upload, client_for):
    """The guide: "ยกเลิก ไฟล์ใด และใช้ไฟล์ใดแทน"; through the panel's rendered form."""
    client = client_for(staff)
    upload(client, report, kinds["project"], "โครงการผิด.pdf", corpus.valid_pdf(1))
    upload(client, report, kinds["project"], "โครงการที่ถูกต้อง.pdf", corpus.valid_pdf(2))
    wrong, right = Evidence.objects.order_by("pk")
    page = django_app.get(
        reverse("evidence:report", args=[report.assessment.office.code, report.subitem.number]), user=staff
    )
    form = form_posting_to(page, reverse("evidence:supersede", args=[wrong.pk]))
    form["reason"] = "แนบโครงการผิดปี"
    form["replacement"] = str(right.pk)
    done = form.submit().follow()
    assert "ใช้ “โครงการที่ถูกต้อง.pdf” แทน" in done.text
    wrong.refresh_from_db()
    assert wrong.superseded_at and wrong.replaced_by == right
    assert "แทนที่ด้วย" in done.text
    # The replacement must be another live file of the same sub-item.
    again = form_posting_to(done, reverse("evidence:supersede", args=[right.pk]))
    assert str(wrong.pk) not in [value for value, *_ in again["replacement"].options]
