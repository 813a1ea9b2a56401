"""Issue 3's journey in Chromium: answer 1.1.1 to Advance, write the summary, submit, see the score."""

import pytest
from django.core.management import call_command

from assessments.models import ReviewState, SubItemReport
from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def choose(page, level, position, value):
    card = page.locator(f".level-card[data-level='{level}']")
    item = card.locator("fieldset.checklist-item").nth(position - 1)
    item.locator("label", has_text=value).first.click()


def test_staff_answers_subitem_to_advance_and_submits(page, staff, tmp_path):
    call_command("load_catalogue", verbosity=0)
    browser_login(page, staff.username)
    page.goto(page.base_url + f"/offices/{staff.membership.office.code}/subitem/1.1.1/")
    assert "1.1.1 การนำระบบองค์การของผู้บริหาร" in page.locator("h1").inner_text()

    for level, position, value in [
        ("basic", 1, "1"),
        ("basic", 2, "1"),
        ("advance", 1, "1"),
        ("advance", 2, "1"),
        ("significance", 1, "0"),
        ("significance", 2, "0"),
    ]:
        choose(page, level, position, value)
    # Autosave reports each save; wait for it before typing on.
    page.locator("#save-status", has_text="บันทึกแล้ว").wait_for()

    textareas = page.locator("#subitem-form textarea")
    assert textareas.count() == 10
    for i in range(10):
        textareas.nth(i).fill(f"สรุปประเด็นที่ {i + 1} ของโครงการขับเคลื่อนนโยบาย")
    page.get_by_role("button", name="บันทึก", exact=True).click()
    page.wait_for_load_state("networkidle")
    assert "บันทึกประเด็น 1.1.1 แล้ว" in page.content()
    page.screenshot(path=str(tmp_path / "subitem.png"), full_page=True)

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="ส่งเพื่อรับรอง").click()
    page.wait_for_load_state("networkidle")
    assert "ส่งประเด็น 1.1.1 ให้ส่วนกลางตรวจรับรองแล้ว" in page.content()
    assert page.locator(".state-badge").first.inner_text() == ReviewState.AWAITING.label

    page.goto(page.base_url + "/office/")
    row = page.locator("tr[data-subitem='1.1.1']")
    assert "ระดับก้าวหน้า 400 คะแนน (Advance)" in row.locator(".level").inner_text()
    assert row.locator(".fraction").inner_text() == "0.6667"
    assert row.locator(".percent").inner_text() == "ร้อยละ 66.67"
    assert "รอการรับรองผล" in row.inner_text()
    assert page.locator("#overall-share").inner_text().startswith("0.0476")
    page.screenshot(path=str(tmp_path / "office_home.png"), full_page=True)
    assert SubItemReport.objects.get(subitem__number="1.1.1").state == ReviewState.AWAITING
