"""Uploads, photos, links and supersede through the real endpoints and forms."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from assessments.models import ReviewState, SubItemReport
from evidence.models import Evidence, EvidenceEvent, EvidenceSource, EvidenceState
from evidence.selectors import evidence_kinds_covered, evidence_kinds_covered_by_subitem, evidence_panel
from tests.evidence import corpus
from tests.evidence.conftest import upload_file


def panel_html(client, report) -> str:
    return client.get(
        reverse("evidence:report", args=[report.assessment.office.code, report.subitem.number])
    ).content.decode()


def test_page_heading_names_office_and_subitem(client_for, staff, report):
    html = panel_html(client_for(staff), report)
    assert report.assessment.office.name in html
    assert f"ประเด็น {report.subitem.number}" in html
    assert 'data-budget="2097152"' in html
    assert "ใช้ไป 0 ไบต์ · เหลือ 2.00 MB (2,097,152 ไบต์) จาก 2.00 MB (2,097,152 ไบต์)" in html


def test_meter_counts_pending_and_valid_but_not_refused_or_links(client_for, staff, report, kinds, upload):
    client = client_for(staff)
    good = corpus.valid_pdf_sized(pages=2, size=300_000)
    upload(client, report, kinds["project"], "โครงการ.pdf", good)
    upload(client, report, kinds["project"], "รหัสผ่าน.pdf", corpus.encrypted_user_password())
    client.post(
        reverse("evidence:link", args=[report.assessment.office.code, report.subitem.number]),
        {"url": "https://example.go.th/x", "title": "เว็บไซต์ สพท."},
    )
    context = evidence_panel(report=report)
    assert context.used == len(good)
    assert context.remaining == 2_097_152 - len(good)
    assert f'value="{len(good)}"' in panel_html(client, report)
    assert evidence_kinds_covered(report=report) == {"project", "photos_links"}


def test_kinds_covered_are_read_one_row_a_kind_not_one_a_file(client_for, staff, report, kinds, upload):
    """The readiness page's kinds covered: DISTINCT over the sub-item and the kind alone (the
    model's ordering, by report, kind and upload, once made it one row a file, sorted)."""
    client = client_for(staff)
    upload(client, report, kinds["project"], "โครงการ 1.pdf", corpus.valid_pdf())
    upload(client, report, kinds["project"], "โครงการ 2.pdf", corpus.valid_pdf_sized(pages=2, size=50_000))
    with CaptureQueriesContext(connection) as queries:
        covered = evidence_kinds_covered_by_subitem(assessment=report.assessment)
    assert covered == {report.subitem_id: {"project"}}
    (sql,) = [q["sql"] for q in queries.captured_queries]
    assert "DISTINCT" in sql and "ORDER BY" not in sql, sql
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM ({sql}) AS covered")
        assert cursor.fetchone()[0] == 1


def test_a_file_after_a_decision_marks_new_data_but_leaves_the_answer_form_current(
    client_for, staff, report, kinds, upload
):
    SubItemReport.objects.filter(pk=report.pk).update(state=ReviewState.CERTIFIED)
    upload(client_for(staff), report, kinds["project"], "ใหม่.pdf", corpus.valid_pdf())
    report.refresh_from_db()
    assert report.state == ReviewState.NEW_DATA
    assert report.updated_by == staff
    assert report.version == 0  # the answers did not change: an open answer form is not stale


def test_photo_becomes_a_pdf_that_fits(client_for, staff, report, kinds, upload):
    client = client_for(staff)
    response = upload(client, report, kinds["photos_links"], "กิจกรรม.jpg", corpus.jpeg_bytes(), "image/jpeg")
    assert response.status_code == 200, response.content
    evidence = Evidence.objects.get()
    assert evidence.source == EvidenceSource.PHOTO
    assert evidence.state == EvidenceState.VALID
    assert evidence.page_count == 1
    with evidence.file.open("rb") as handle:
        assert PdfReader(io.BytesIO(handle.read())).pages[0] is not None
    response = client.get(reverse("evidence:download", args=[evidence.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert "filename*=utf-8''" in response["Content-Disposition"]
    assert ".pdf" in response["Content-Disposition"]


def test_png_with_transparency_is_accepted(client_for, staff, report, kinds, upload):

    out = io.BytesIO()
    Image.new("RGBA", (300, 200), (0, 128, 0, 100)).save(out, format="PNG")
    response = upload(client_for(staff), report, kinds["photos_links"], "หน้าจอ.png", out.getvalue(), "image/png")
    assert response.status_code == 200
    assert Evidence.objects.get().state == EvidenceState.VALID


def test_photo_that_cannot_fit_what_is_left_is_refused_saying_so(client_for, staff, report, kinds, upload):
    client = client_for(staff)
    upload(client, report, kinds["project"], "ใหญ่.pdf", corpus.padded_to(corpus.valid_pdf(), 2_097_152 - 2000))
    response = upload(
        client, report, kinds["photos_links"], "ภาพใหญ่.jpg", corpus.jpeg_bytes((1600, 1200), noisy=True), "image/jpeg"
    )
    assert response.status_code == 400
    message = " ".join(response.json()["messages"])
    assert "ย่อและบีบอัดภาพ “ภาพใหญ่.jpg” จนเล็กที่สุดแล้วยังมีขนาด" in message
    assert "เกินพื้นที่ที่เหลือ 2.0 KB (2,000 ไบต์)" in message
    assert Evidence.objects.count() == 1


def test_broken_photo_is_refused(client_for, staff, report, kinds, upload):
    response = upload(
        client_for(staff), report, kinds["photos_links"], "เสีย.jpg", b"\xff\xd8\xff\xe0garbage", "image/jpeg"
    )
    assert response.status_code == 400
    assert "อ่านภาพ “เสีย.jpg” ไม่ได้" in " ".join(response.json()["messages"])


def test_gif_and_docx_are_refused(client_for, staff, report, kinds, upload):
    client = client_for(staff)
    for name, data in [("a.gif", b"GIF89a" + b"\0" * 20), ("รายงาน.docx", b"PK\x03\x04" + b"\0" * 20)]:
        response = upload(client, report, kinds["project"], name, data, "application/octet-stream")
        assert response.status_code == 400
        assert "รับเฉพาะไฟล์ PDF และภาพถ่าย JPEG หรือ PNG" in " ".join(response.json()["messages"])
    assert not Evidence.objects.exists()


def test_duplicate_of_an_active_file_is_refused_but_allowed_after_supersede(client_for, staff, report, kinds, upload):
    client = client_for(staff)
    data = corpus.valid_pdf(pages=2)
    upload(client, report, kinds["project"], "ก.pdf", data)
    upload(client, report, kinds["approval_letter"], "ข.pdf", data)
    first, second = Evidence.objects.order_by("pk")
    assert first.state == EvidenceState.VALID
    assert second.state == EvidenceState.REFUSED
    assert second.reason == "ไฟล์นี้ซ้ำกับไฟล์ “ก.pdf” ที่แนบไว้แล้วในประเด็นนี้"
    client.post(reverse("evidence:supersede", args=[first.pk]), {"reason": "แนบผิดประเภท"})
    upload(client, report, kinds["approval_letter"], "ค.pdf", data)
    assert Evidence.objects.order_by("pk").last().state == EvidenceState.VALID


def test_supersede_keeps_the_file_listed_struck_through_and_frees_the_budget(client_for, staff, report, kinds, upload):
    client = client_for(staff)
    data = corpus.valid_pdf_sized(pages=2, size=500_000)
    upload(client, report, kinds["project"], "ผิดไฟล์.pdf", data)
    evidence = Evidence.objects.get()
    assert evidence_panel(report=report).used == len(data)

    # A reason is required.
    response = client.post(reverse("evidence:supersede", args=[evidence.pk]), {"reason": ""}, follow=True)
    assert "เหตุผลที่ยกเลิก" in response.content.decode()
    evidence.refresh_from_db()
    assert evidence.superseded_at is None

    response = client.post(
        reverse("evidence:supersede", args=[evidence.pk]), {"reason": "แนบไฟล์ผิด ใช้ฉบับใหม่แทน"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    evidence.refresh_from_db()
    assert evidence.superseded_at is not None and evidence.superseded_by == staff
    assert "<del>" in html and "ผิดไฟล์.pdf" in html
    assert "ยกเลิกโดย สมศรี ใจดี เมื่อ" in html and "เหตุผล: แนบไฟล์ผิด ใช้ฉบับใหม่แทน" in html
    assert "2569" in html  # the date in the Buddhist Era
    assert evidence_panel(report=report).used == 0
    assert evidence.file.storage.exists(evidence.file.name)
    assert list(EvidenceEvent.objects.filter(evidence=evidence).values_list("action", flat=True)) == [
        "uploaded",
        "checked",
        "superseded",
    ]
    # Still downloadable by a reviewer.
    again = client.post(reverse("evidence:supersede", args=[evidence.pk]), {"reason": "อีกครั้ง"}, HTTP_HX_REQUEST="true")
    assert "รายการนี้ถูกยกเลิกไปแล้ว" in again.content.decode()


def test_link_form_validates_and_adds(client_for, staff, report):
    client = client_for(staff)
    bad = client.post(
        reverse("evidence:link", args=[report.assessment.office.code, report.subitem.number]),
        {"url": "javascript:alert(1)", "title": "x"},
        HTTP_HX_REQUEST="true",
    )
    assert "ลิงก์ (URL)" in bad.content.decode()
    assert not Evidence.objects.exists()
    ok = client.post(
        reverse("evidence:link", args=[report.assessment.office.code, report.subitem.number]),
        {"url": "https://www.obec.go.th/", "title": "ภาพกิจกรรมบนเว็บไซต์"},
        HTTP_HX_REQUEST="true",
    )
    assert "ภาพกิจกรรมบนเว็บไซต์" in ok.content.decode()
    link = Evidence.objects.get()
    assert link.is_link and link.state == EvidenceState.VALID and link.size == 0
    assert link.kind.code == "photos_links"


def test_non_script_upload_form_posts_and_comes_back_with_messages(
    client_for, staff, report, kinds, django_capture_on_commit_callbacks
):

    client = client_for(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("evidence:upload", args=[report.assessment.office.code, report.subitem.number]),
            {
                "kind": kinds["project"].pk,
                "files": [upload_file("หนึ่ง.pdf", corpus.valid_pdf(1)), upload_file("สอง.pdf", corpus.valid_pdf(2))],
                "next": reverse("evidence:report", args=[report.assessment.office.code, report.subitem.number]),
            },
            follow=True,
        )
    html = response.content.decode()
    assert "ได้รับไฟล์ “หนึ่ง.pdf” แล้ว" in html and "ได้รับไฟล์ “สอง.pdf” แล้ว" in html
    assert Evidence.objects.filter(state=EvidenceState.VALID).count() == 2


def test_upload_without_a_kind_is_refused(client_for, staff, report):

    response = client_for(staff).post(
        reverse("evidence:upload", args=[report.assessment.office.code, report.subitem.number]),
        {"files": upload_file("a.pdf", corpus.valid_pdf())},
        HTTP_X_REQUESTED_WITH="XMLHttpRequest",
    )
    assert response.status_code == 400
    assert "กรุณาเลือกประเภทเอกสารหลักฐาน" in response.json()["messages"]


def test_oversized_body_is_not_read_past_the_limit(client_for, staff, report, kinds, settings):

    settings.PMQA_EVIDENCE_PHOTO_MAX_BYTES = 100_000
    response = client_for(staff).post(
        reverse("evidence:upload", args=[report.assessment.office.code, report.subitem.number]),
        {"kind": kinds["project"].pk, "files": upload_file("ยักษ์.pdf", b"%PDF-1.7\n" + b"0" * 300_000)},
        HTTP_X_REQUESTED_WITH="XMLHttpRequest",
    )
    assert response.status_code == 400
    assert "ใหญ่เกินขีดจำกัด 97.7 KB (100,000 ไบต์) ต่อไฟล์" in " ".join(response.json()["messages"])
    assert not Evidence.objects.exists()


@pytest.mark.parametrize("who", ["other_staff", "reviewer", "admin_user"])
def test_only_the_office_itself_may_write(who, request, client_for, staff, report, kinds, upload):
    upload(client_for(staff), report, kinds["project"], "ของเรา.pdf", corpus.valid_pdf())
    evidence = Evidence.objects.get()
    user = request.getfixturevalue(who)
    client = client_for(user)
    response = upload(client, report, kinds["project"], "แทรก.pdf", corpus.valid_pdf(2))
    link = client.post(
        reverse("evidence:link", args=[report.assessment.office.code, report.subitem.number]),
        {"url": "https://a.example/", "title": "x"},
        HTTP_HX_REQUEST="true",
    )
    supersede = client.post(
        reverse("evidence:supersede", args=[evidence.pk]), {"reason": "ลองยกเลิก"}, HTTP_HX_REQUEST="true"
    )
    if who == "other_staff":
        # Another office's pages are refused by its code (403); its files do not exist (404).
        assert response.status_code == link.status_code == 403
        assert supersede.status_code == 404
    else:
        assert response.status_code == link.status_code == supersede.status_code == 403
        assert "ผู้ตรวจและผู้ดูแลระบบไม่สามารถแก้ไขข้อมูลของสำนักงานเขตพื้นที่ได้" in response.json()["messages"]
        assert "ผู้ตรวจและผู้ดูแลระบบไม่สามารถแก้ไขข้อมูลของสำนักงานเขตพื้นที่ได้" in supersede.content.decode()
        # Read-only page: no upload form, no supersede buttons.
        html = panel_html(client, report)
        assert "evidence-upload" not in html and "ยืนยันการยกเลิก" not in html
    assert Evidence.objects.count() == 1
    evidence.refresh_from_db()
    assert evidence.superseded_at is None


def test_huge_png_is_refused_before_decoding(client_for, staff, report, kinds, upload):

    out = io.BytesIO()
    Image.new("1", (5000, 4000)).save(out, format="PNG")  # 20 megapixels, a few kilobytes
    response = upload(client_for(staff), report, kinds["photos_links"], "ใหญ่มาก.png", out.getvalue(), "image/png")
    assert response.status_code == 400
    assert "มีขนาด 5000×4000 พิกเซล เกินขีดจำกัด 16 ล้านพิกเซล" in " ".join(response.json()["messages"])


def test_panel_swapped_by_htmx_keeps_the_users_page_as_return_address(client_for, staff, report):
    response = client_for(staff).post(
        reverse("evidence:link", args=[report.assessment.office.code, report.subitem.number]),
        {"url": "https://www.obec.go.th/", "title": "ลิงก์"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL="http://testserver/assessments/report/7/?tab=evidence",
    )
    assert 'name="next" value="/assessments/report/7/?tab=evidence"' in response.content.decode()


def test_a_multi_file_upload_says_which_files_were_stored_and_why_the_others_were_not(
    client_for, staff, report, kinds, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(staff).post(
            reverse("evidence:upload", args=[report.assessment.office.code, report.subitem.number]),
            {
                "kind": kinds["project"].pk,
                "files": [
                    upload_file("หนึ่ง.pdf", corpus.valid_pdf(1)),
                    upload_file("ไม่ใช่.pdf", corpus.exe_bytes()),
                    upload_file("สาม.pdf", corpus.valid_pdf(3)),
                ],
            },
            HTTP_X_REQUESTED_WITH="XMLHttpRequest",
        )
    assert response.status_code == 200  # two of three are in: the page must show them
    payload = response.json()
    assert payload["ok"] is False and payload["stored"] == 2 and payload["refused"] == 1
    assert [(f["name"], f["stored"]) for f in payload["files"]] == [
        ("หนึ่ง.pdf", True),
        ("ไม่ใช่.pdf", False),
        ("สาม.pdf", True),
    ]
    assert "รับเฉพาะไฟล์ PDF" in payload["files"][1]["message"]
    assert sorted(Evidence.objects.values_list("original_name", flat=True)) == ["สาม.pdf", "หนึ่ง.pdf"]


def test_a_message_attachment_past_the_limit_is_not_read_and_nothing_is_posted(
    client_for, staff, report, kinds, settings, tmp_path
):
    settings.PMQA_EVIDENCE_PHOTO_MAX_BYTES = 100_000
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = client_for(staff).post(
        reverse("evidence:message-send", args=[report.assessment.office.code, report.subitem.number]),
        {
            "body": "แนบรายงานฉบับเต็ม",
            "kind": kinds["project"].pk,
            "attachment": upload_file("ยักษ์.pdf", b"%PDF-1.7\n" + b"0" * 3_000_000),
        },
        follow=True,
    )
    assert "ใหญ่เกินขีดจำกัด 97.7 KB (100,000 ไบต์) ต่อไฟล์" in response.content.decode()
    assert list(tmp_path.iterdir()) == []  # never written to the temporary folder
    assert not Evidence.objects.exists()
    assert not report.messages.exists()


@pytest.mark.parametrize("url", ["ftp://files.example.go.th/x.pdf", "file:///etc/passwd", "javascript:alert(1)"])
def test_links_are_web_addresses_only(url, client_for, staff, report):
    response = client_for(staff).post(
        reverse("evidence:link", args=[report.assessment.office.code, report.subitem.number]),
        {"url": url, "title": "ลิงก์"},
        follow=True,
    )
    assert "ขึ้นต้นด้วย http:// หรือ https://" in response.content.decode()
    assert not Evidence.objects.exists()
