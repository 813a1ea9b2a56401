"""Evidence in a real browser: upload a PDF and a photo, watch the budget meter, see both
checked, supersede one with a reason and see it struck through."""

import io
import os

import pytest
from django.core.management import call_command

from assessments.models import SubItem
from assessments.services.reports import report_get_or_create
from tests.conftest import browser_login
from tests.evidence import corpus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def report(office, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("load_catalogue", stdout=io.StringIO())
    subitem = SubItem.objects.filter(reportable=True).order_by("catalogue", "order").first()
    return report_get_or_create(office=office, subitem=subitem)


def meter_value(page, report) -> int:
    return int(float(page.locator(f"#evidence-meter-{report.pk}").get_attribute("value")))


def test_upload_pdf_and_photo_then_supersede(page, staff, report, tmp_path):
    pdf = tmp_path / "แผนปฏิบัติราชการ 2566.pdf"
    pdf.write_bytes(corpus.valid_pdf_sized(pages=4, size=400_000))
    photo = tmp_path / "ภาพกิจกรรม.jpg"
    photo.write_bytes(corpus.jpeg_bytes((1600, 1200)))

    browser_login(page, staff.username)
    page.goto(f"{page.base_url}/offices/{report.assessment.office.code}/subitem/{report.subitem.number}/evidence/")
    assert (
        report.assessment.office.name in page.locator("h1").inner_text()
        or report.assessment.office.name in page.content()
    )
    meter_text = page.locator(".evidence-meter-text")
    assert "ใช้ไป 0 ไบต์" in meter_text.inner_text()
    assert meter_value(page, report) == 0

    form = page.locator("form.evidence-upload")
    form.get_by_label("ประเภทเอกสารหลักฐาน").select_option(label="โครงการต้องเป็นโครงการเดียวกับที่ยกมาอ้างอิง")
    form.locator("input[type=file]").set_input_files(str(pdf))
    form.get_by_role("button", name="ส่งไฟล์").click()
    page.locator(".evidence-progress-row.is-done").first.wait_for()
    page.locator("tr[data-state=valid]", has=page.get_by_role("link", name="แผนปฏิบัติราชการ 2566.pdf")).wait_for(
        timeout=20_000
    )
    after_pdf = meter_value(page, report)
    assert after_pdf == pdf.stat().st_size
    assert "เหลือ" in meter_text.inner_text()

    form.get_by_label("ประเภทเอกสารหลักฐาน").select_option(label="ภาพถ่ายกิจกรรม/Link เกี่ยวข้อง/ภาพถ่ายหน้าเว็บ หน้าระบบ")
    form.locator("input[type=file]").set_input_files(str(photo))
    form.get_by_role("button", name="ส่งไฟล์").click()
    page.locator("tr[data-state=valid]", has=page.get_by_role("link", name="ภาพกิจกรรม.jpg")).wait_for(timeout=20_000)
    assert page.locator("tr[data-state=valid]").count() == 2
    after_photo = meter_value(page, report)
    assert after_photo > after_pdf
    page.screenshot(path=str(tmp_path / "evidence-uploaded.png"), full_page=True)

    row = page.locator("tr", has=page.get_by_role("link", name="แผนปฏิบัติราชการ 2566.pdf"))
    row.locator("summary", has_text="ยกเลิก").click()
    row.get_by_label("เหตุผลที่ยกเลิก").fill("แนบฉบับร่าง จะส่งฉบับลงนามแทน")
    row.get_by_role("button", name="ยืนยันการยกเลิก").click()
    struck = page.locator("tr.evidence-superseded", has=page.get_by_role("link", name="แผนปฏิบัติราชการ 2566.pdf"))
    struck.wait_for()
    assert struck.locator("del").count() == 1
    assert "line-through" in struck.locator("td").first.evaluate("el => getComputedStyle(el).textDecorationLine")
    assert "เหตุผล: แนบฉบับร่าง จะส่งฉบับลงนามแทน" in struck.inner_text()
    assert meter_value(page, report) == after_photo - after_pdf

    shot = os.environ.get("PMQA_SCREENSHOT_DIR")
    page.screenshot(
        path=str((shot and os.path.join(shot, "evidence-panel.png")) or tmp_path / "evidence-panel.png"), full_page=True
    )

    # The checked photo opens inline in Chromium's PDF viewer despite the sandboxing CSP.
    href = (
        page.locator("tr", has=page.get_by_role("link", name="ภาพกิจกรรม.jpg")).locator("a").first.get_attribute("href")
    )
    response = page.goto(page.base_url + href)
    assert (response.header_value("content-security-policy") or "").startswith("sandbox;"), response.headers_array()
    assert response.header_value("content-type") == "application/pdf"
    # Chromium's PDF viewer (a built-in extension) took the file despite `sandbox`.
    viewer = "chrome-extension://mhjfbmdgcfjbbpaeojofohoefgiehjai/"
    for _ in range(50):
        if any(frame.url.startswith(viewer) for frame in page.frames):
            break
        page.wait_for_timeout(100)
    assert any(frame.url.startswith(viewer) for frame in page.frames), [f.url for f in page.frames]
