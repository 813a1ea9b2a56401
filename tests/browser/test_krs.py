"""Category 7 in a real browser: the admin presses the sync button, the office sees 30 indicators."""

import os

import pytest

from tests.conftest import browser_login
from tests.krs_integration.conftest import (  # noqa: F401 - the KRS tests' fixtures, used by name
    _fresh_celery_pools,
    catalogue,
    krs,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("PMQA_SCREENSHOTS")


def shot(page, tmp_path, name):
    page.screenshot(path=str(tmp_path / name), full_page=True)
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, name), full_page=True)


def test_admin_sync_button_fills_category7(
    page,
    browser,
    live_server,
    krs,
    catalogue,
    office,
    staff,
    admin_user,
    tmp_path,  # noqa: F811
):
    browser_login(page, admin_user.username)
    page.goto(page.base_url + "/manage/")
    page.get_by_role("link", name="ปรับข้อมูลจาก KRS").first.click()
    page.get_by_label("สำนักงาน").select_option(label=office.name)
    page.locator("#krs-sync-button").click()
    page.wait_for_load_state("networkidle")
    assert "เพิ่มใหม่ 30" in page.locator("#krs-run-counts").inner_text()
    shot(page, tmp_path, "krs-run.png")

    context = browser.new_context(locale="th-TH", timezone_id="Asia/Bangkok", viewport={"width": 1280, "height": 900})
    office_page = context.new_page()
    office_page.base_url = live_server.url
    browser_login(office_page, staff.username)
    office_page.get_by_role("link", name="หมวด 7 (KRS)").click()
    office_page.wait_for_load_state("networkidle")
    assert office_page.locator("tr.krs-indicator").count() == 30
    headings = office_page.locator("section.card h2").all_inner_texts()
    assert [h.split()[0] for h in headings] == ["7.1", "7.2", "7.3", "7.4", "7.5", "7.6"]
    assert "2566" in office_page.locator("tr.krs-indicator td").nth(7).inner_text()
    shot(office_page, tmp_path, "krs-category7.png")
    context.close()


def test_category7_before_any_sync_says_so_in_thai(page, catalogue, staff, tmp_path):  # noqa: F811
    browser_login(page, staff.username)
    page.get_by_role("link", name="หมวด 7 (KRS)").click()
    page.wait_for_load_state("networkidle")
    assert "ยังไม่มีข้อมูลตัวชี้วัดจากระบบ KRS สำหรับสำนักงานนี้" in page.locator("#krs-empty").inner_text()
    assert page.locator("tr.krs-indicator").count() == 0
    shot(page, tmp_path, "krs-category7-empty.png")
