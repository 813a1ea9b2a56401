"""An office attaches a PDF through the panel's rendered form, as a browser without
JavaScript would: the same checks, the same budget, the file checked after the upload."""

import pytest
from django.urls import reverse
from webtest import Upload

from evidence.models import Evidence, EvidenceState
from tests.evidence import corpus
from tests.webforms import form_posting_to

pytestmark = pytest.mark.django_db(transaction=True)


def test_upload_through_the_rendered_panel_form(django_app, office, staff, report, kinds):
    url = reverse("assessments:subitem", args=[office.code, report.subitem.number])
    page = django_app.get(url, user=staff)
    form = form_posting_to(page, reverse("evidence:upload", args=[office.code, report.subitem.number]))
    assert [option for option, _selected, _text in form["kind"].options][1:] == [str(k.pk) for k in kinds.values()]
    form["kind"] = str(kinds["project"].pk)
    form["files"] = [Upload("โครงการพัฒนาครู.pdf", corpus.valid_pdf(3), "application/pdf")]
    back = form.submit().follow()
    assert back.request.path == url  # the panel's form comes back to the page the user is on
    assert "ได้รับไฟล์ “โครงการพัฒนาครู.pdf” แล้ว กำลังตรวจสอบ" in back.text
    evidence = Evidence.objects.get()
    # In the embedded default the check runs in the web process once the upload commits.
    assert evidence.state == EvidenceState.VALID and evidence.page_count == 3
    assert evidence.kind == kinds["project"] and evidence.uploaded_by == staff
    assert "โครงการพัฒนาครู.pdf" in django_app.get(url, user=staff).text

    # A file over what is left of the 2 MB is refused by the same form, and nothing is stored.
    form = form_posting_to(back, reverse("evidence:upload", args=[office.code, report.subitem.number]))
    form["kind"] = str(kinds["project"].pk)
    form["files"] = [Upload("ใหญ่เกิน.pdf", corpus.one_byte_over(), "application/pdf")]
    refused = form.submit().follow()
    assert "ใหญ่เกิน.pdf" in refused.text and "2 MB" in refused.text
    assert Evidence.objects.count() == 1


def test_attaching_a_file_does_not_make_the_open_answer_form_stale(django_app, office, staff, report, kinds):
    """Found by the deadline-rush benchmark: a file attached between two autosaves of the same
    page must not turn the next autosave into "someone else saved" (the form's text is the
    user's own, and nobody changed the answers)."""
    url = reverse("assessments:subitem", args=[office.code, report.subitem.number])
    page = django_app.get(url, user=staff)
    upload = form_posting_to(page, reverse("evidence:upload", args=[office.code, report.subitem.number]))
    upload["kind"] = str(kinds["project"].pk)
    upload["files"] = [Upload("คำสั่งแต่งตั้ง.pdf", corpus.valid_pdf(1), "application/pdf")]
    upload.submit()
    form = page.forms["subitem-form"]  # the answer form as it was before the file went in
    field = next(name for name in form.fields if name.startswith("field_"))
    form[field] = "ข้อความที่พิมพ์ต่อหลังแนบไฟล์"
    saved = form.submit(headers={"HX-Request": "true"})
    assert saved.status_code == 200 and "บันทึกแล้ว" in saved.text
    report.refresh_from_db()
    assert report.answer_texts.get().text == "ข้อความที่พิมพ์ต่อหลังแนบไฟล์"
