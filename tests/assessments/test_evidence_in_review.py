"""Evidence where the office and the reviewer meet it: the sub-item page, messages, readiness, review."""

import pytest
from django.urls import reverse

from assessments.models import EvidenceKind, Message, ReviewState, SubItemReport
from evidence.models import Evidence, EvidenceState
from tests.assessments.conftest import all_texts, form_data
from tests.evidence import corpus
from tests.evidence.conftest import upload, upload_file  # noqa: F401 (upload is a fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_subitem_page_has_the_evidence_panel_at_once(office, client_for, staff, subitem_111):
    html = client_for(staff).get(reverse("assessments:subitem", args=[office.code, "1.1.1"])).content.decode()
    assert "evidence-panel" in html
    assert SubItemReport.objects.filter(subitem=subitem_111).exists()


def test_file_sent_in_a_message_is_checked_as_evidence(
    office, client_for, staff, subitem_111, django_capture_on_commit_callbacks
):
    client = client_for(staff)
    client.get(reverse("assessments:subitem", args=[office.code, "1.1.1"]))
    report = SubItemReport.objects.get(subitem=subitem_111)
    kind = EvidenceKind.objects.get(catalogue=subitem_111.catalogue, code="project")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("evidence:message-send", args=[report.assessment.office.code, report.subitem.number]),
            {
                "body": "แนบโครงการที่อ้างอิง",
                "kind": kind.pk,
                "attachment": upload_file("โครงการ.pdf", corpus.valid_pdf(2)),
            },
        )
    message = Message.objects.get()
    attached = message.attachments.get()
    assert attached.report == report
    assert attached.state == EvidenceState.VALID
    # A renamed PNG is refused by the same checks, and no message is posted.
    response = client.post(
        reverse("evidence:message-send", args=[report.assessment.office.code, report.subitem.number]),
        {"body": "ไฟล์ผิด", "kind": kind.pk, "attachment": upload_file("รูป.pdf", corpus.html_before_pdf())},
        follow=True,
    )
    assert Message.objects.count() == 1
    assert "PDF" in response.content.decode()


def test_attachment_needs_a_kind(office, client_for, staff, subitem_111):
    client = client_for(staff)
    client.get(reverse("assessments:subitem", args=[office.code, "1.1.1"]))
    report = SubItemReport.objects.get(subitem=subitem_111)
    response = client.post(
        reverse("evidence:message-send", args=[report.assessment.office.code, report.subitem.number]),
        {"body": "แนบ", "attachment": upload_file("a.pdf", corpus.valid_pdf(1))},
        follow=True,
    )
    assert "กรุณาเลือกประเภทเอกสารของไฟล์ที่แนบ" in response.content.decode()
    assert not Message.objects.exists() and not Evidence.objects.exists()


def test_readiness_names_the_guide_s_attachments_still_missing(office, client_for, staff, subitem_111, upload):
    client = client_for(staff)
    client.get(reverse("assessments:subitem", args=[office.code, "1.1.1"]))
    report = SubItemReport.objects.get(subitem=subitem_111)
    kinds = {k.code: k for k in EvidenceKind.objects.filter(catalogue=subitem_111.catalogue)}
    upload(client, report, kinds["project"], "โครงการ.pdf", corpus.valid_pdf(1))
    html = client.get(reverse("reporting:readiness", args=[office.code])).content.decode()
    block = html[html.index('data-subitem="1.1.1"') : html.index('data-subitem="1.3"')]
    assert "เอกสารแนบตามคู่มือที่ยังไม่ได้แนบ" in block
    note = subitem_111.evidence_note  # the guide's words for 1.1.1, entry i = kind i
    assert note[0] in block  # the answer form: not attached
    assert note[1] not in block  # the project: attached


def test_new_data_shows_evidence_added_since_the_decision(office, client_for, staff, reviewer, subitem_111, upload):
    client = client_for(staff)
    full = {(i.level, i.order): "1" for i in subitem_111.checklist_items.all()}
    client.post(
        reverse("assessments:subitem", args=[office.code, "1.1.1"]),
        form_data(subitem_111, values=full, texts=all_texts()),
    )
    client.post(reverse("assessments:subitem-submit", args=[office.code, "1.1.1"]))
    report = SubItemReport.objects.get(subitem=subitem_111)
    client_for(reviewer).post(
        reverse("assessments:review", args=[report.assessment.office.code, report.subitem.number]),
        {"decision": "reject", "reason": "ขาดหนังสืออนุมัติ"},
    )
    kind = EvidenceKind.objects.get(catalogue=subitem_111.catalogue, code="approval_letter")
    upload(client_for(staff), report, kind, "หนังสืออนุมัติ.pdf", corpus.valid_pdf(1))
    report.refresh_from_db()
    assert report.state == ReviewState.NEW_DATA
    html = (
        client_for(reviewer)
        .get(reverse("assessments:review", args=[report.assessment.office.code, report.subitem.number]))
        .content.decode()
    )
    changes = html[html.index('id="changes"') :]
    assert 'data-change="evidence"' in changes and "หนังสืออนุมัติ.pdf" in changes
    assert 'class="pdf-frame"' in html  # the checked PDF is readable in the page
