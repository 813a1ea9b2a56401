"""Issue 6's journey across roles in Chromium: submit, reject, fix, resubmit, certify, close."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from assessments.models import ReviewState, SubItemReport
from orgprofile.models import FiscalYear, ReportingWindow
from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def set_level(page, level, position, value):
    item = page.locator(f".level-card[data-level='{level}'] fieldset.checklist-item").nth(position - 1)
    item.locator("label", has_text=value).first.click()


def accept_next_dialog(page):
    page.once("dialog", lambda dialog: dialog.accept())


def test_review_journey_across_roles(new_page, staff, reviewer, admin_user, tmp_path):
    call_command("load_catalogue", verbosity=0)

    now = timezone.now()
    ReportingWindow.objects.create(
        fiscal_year=FiscalYear.objects.get(year=2566),
        office_opens_at=now - timedelta(days=1),
        office_closes_at=now + timedelta(days=7),
        review_opens_at=now - timedelta(days=1),
        review_closes_at=now + timedelta(days=30),
    )

    # Staff fills 1.1.1 completely and submits it.
    office = new_page()
    browser_login(office, staff.username)
    office.goto(office.base_url + f"/offices/{staff.membership.office.code}/subitem/1.1.1/")
    for level in ("basic", "advance", "significance"):
        for position in (1, 2):
            set_level(office, level, position, "1")
    office.locator("#save-status", has_text="บันทึกแล้ว").wait_for()
    textareas = office.locator("#subitem-form textarea")
    for i in range(textareas.count()):
        textareas.nth(i).fill(f"คำตอบหัวข้อ {i + 1}")
    office.get_by_role("button", name="บันทึก", exact=True).click()
    office.wait_for_load_state("networkidle")
    accept_next_dialog(office)
    office.get_by_role("button", name="ส่งเพื่อรับรอง").click()
    office.wait_for_load_state("networkidle")
    assert "ส่งประเด็น 1.1.1 ให้ส่วนกลางตรวจรับรองแล้ว" in office.content()

    # The reviewer finds it in the queue and does not certify it, with a reason.
    review = new_page()
    browser_login(review, reviewer.username)
    assert review.url.endswith("/review/")
    review.locator("#queue a", has_text="พิจารณา").first.click()
    review.wait_for_load_state("networkidle")
    review.get_by_label("ไม่รับรอง").check()
    review.get_by_role("button", name="บันทึกผลการพิจารณา").click()
    review.wait_for_load_state("networkidle")
    assert "กรุณาระบุเหตุผลที่ไม่รับรอง" in review.content()  # an empty reason is refused
    review.get_by_label("ไม่รับรอง").check()
    review.get_by_label("เหตุผล / ข้อเสนอแนะ").fill("ระดับ Significance ยังไม่มีหลักฐานผลการเปลี่ยนแปลง")
    review.get_by_role("button", name="บันทึกผลการพิจารณา").click()
    review.wait_for_load_state("networkidle")
    report = SubItemReport.objects.get(subitem__number="1.1.1")
    assert report.state == ReviewState.NOT_CERTIFIED

    # Staff sees the reason, changes one tick and resubmits.
    office.goto(office.base_url + f"/offices/{staff.membership.office.code}/subitem/1.1.1/")
    assert "ระดับ Significance ยังไม่มีหลักฐานผลการเปลี่ยนแปลง" in office.locator("#rejection").inner_text()
    set_level(office, "significance", 2, "0")
    office.locator("#save-status", has_text="บันทึกแล้ว").wait_for()
    office.reload()
    accept_next_dialog(office)
    office.get_by_role("button", name="ส่งเพื่อรับรอง").click()
    office.wait_for_load_state("networkidle")
    assert "ส่งประเด็น 1.1.1 ให้ส่วนกลางตรวจรับรองแล้ว" in office.content()

    # The reviewer sees exactly the change, and certifies.
    review.goto(review.base_url + f"/offices/{report.assessment.office.code}/subitem/{report.subitem.number}/review/")
    changes = review.locator("#changes").inner_text()
    assert "ระดับพัฒนาจนเกิดผล (Significance) ข้อ 2" in changes
    review.get_by_label("รับรอง", exact=True).check()
    review.get_by_role("button", name="บันทึกผลการพิจารณา").click()
    review.wait_for_load_state("networkidle")
    report.refresh_from_db()
    assert report.state == ReviewState.CERTIFIED

    # The admin closes the window.
    admin = new_page()
    browser_login(admin, admin_user.username)
    admin.goto(admin.base_url + "/manage/windows/")
    accept_next_dialog(admin)
    admin.get_by_role("button", name="ปิดการรายงานของสำนักงานทันที").click()
    admin.wait_for_load_state("networkidle")
    assert "ปิดการรายงานของสำนักงานแล้ว" in admin.content()

    # Staff's next save is refused; the typed text is still on the page.
    office.goto(office.base_url + f"/offices/{staff.membership.office.code}/subitem/1.3/")
    office.screenshot(path=str(tmp_path / "closed.png"), full_page=True)
    assert "ระบบปิดการรายงานแล้ว" in office.locator("#window-notice").inner_text()
    # The page offers no editing any more; a form kept open from before the close is refused.
    office.goto(office.base_url + f"/offices/{staff.membership.office.code}/subitem/1.1.1/")
    assert office.locator("#subitem-form textarea").first.get_attribute("readonly") is not None


def test_form_open_across_the_close_is_refused_and_keeps_text(new_page, staff, tmp_path):
    call_command("load_catalogue", verbosity=0)

    now = timezone.now()
    window = ReportingWindow.objects.create(
        fiscal_year=FiscalYear.objects.get(year=2566),
        office_opens_at=now - timedelta(days=1),
        office_closes_at=now + timedelta(days=7),
        review_opens_at=now - timedelta(days=1),
        review_closes_at=now + timedelta(days=30),
    )
    office = new_page()
    browser_login(office, staff.username)
    office.goto(office.base_url + f"/offices/{staff.membership.office.code}/subitem/1.3/")
    # The window closes while the page is open (as an admin would from another machine).
    window.office_closes_at = timezone.now()
    window.save()
    text = "ข้อความที่พิมพ์หลังปิดระบบต้องไม่หาย"
    office.locator("#subitem-form textarea").first.fill(text)
    office.get_by_role("button", name="บันทึก", exact=True).click()
    office.wait_for_load_state("networkidle")
    assert "ระบบปิดการรายงานแล้ว" in office.content()
    assert office.locator("#subitem-form textarea").first.input_value() == text
    office.screenshot(path=str(tmp_path / "refused.png"), full_page=True)
