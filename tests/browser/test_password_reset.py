"""A forgotten password, in Chromium: the link from the e-mail (Django's test outbox), a new
password, and the login that works with it."""

import re

import pytest
from django.core import mail

from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_forgotten_password_is_reset_by_email_in_the_browser(page, staff):
    staff.email = "somsri@esa.example.go.th"
    staff.save()
    page.goto(page.base_url + "/accounts/login/")
    page.get_by_role("link", name="ลืมรหัสผ่าน").click()
    page.get_by_label("อีเมลที่ลงทะเบียนไว้กับบัญชี").fill(staff.email)
    page.get_by_role("button", name="ส่งลิงก์ตั้งรหัสผ่านใหม่").click()
    page.wait_for_load_state("networkidle")
    assert "ตรวจดูอีเมลของท่าน" in page.locator("h1").inner_text()

    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/accounts/password/reset/\S+/", mail.outbox[0].body).group(0)
    page.goto(link)
    page.locator("input[name=new_password1]").fill("ทะเลสาบสงขลา-2569")
    page.locator("input[name=new_password2]").fill("ทะเลสาบสงขลา-2569")
    page.get_by_role("button", name="บันทึกรหัสผ่านใหม่").click()
    page.wait_for_load_state("networkidle")
    assert "ตั้งรหัสผ่านใหม่แล้ว" in page.locator("h1").inner_text()

    browser_login(page, staff.username, password="ทะเลสาบสงขลา-2569")
    assert f"/offices/{staff.membership.office.code}/" in page.url
