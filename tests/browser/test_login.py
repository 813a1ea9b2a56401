"""The first journey in a real browser: log in, land on the role's home, in Thai."""

import pytest

from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_logs_in_and_lands_on_office_home(page, staff, tmp_path):
    page.goto(page.base_url + "/")
    assert "เข้าสู่ระบบรายงาน PMQA 4.0" in page.content()
    page.screenshot(path=str(tmp_path / "login.png"))
    browser_login(page, staff.username)
    assert page.url.endswith(f"/offices/{staff.membership.office.code}/")
    assert staff.membership.office.name in page.locator("h1").inner_text()
    # The layout's font really loaded (Thai glyphs are not drawn with a fallback box font).
    font_ok = page.evaluate("document.fonts.check('16px Sarabun', 'สวัสดี')")
    assert font_ok


def test_wrong_password_message_in_browser(page, staff):
    browser_login(page, staff.username, password="wrong-password")
    assert "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง" in page.content()
