"""A forgotten password: the reset link by e-mail through the rendered forms, Thai pages and
messages, the throttle, and the coordinator's one-time password for a staff member."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.conftest import PASSWORD
from tests.webforms import form_posting_to

pytestmark = pytest.mark.django_db


def ask_for_a_link(app, email):
    page = app.get(reverse("login")).click("ลืมรหัสผ่าน")
    form = form_posting_to(page, reverse("password_reset"))
    form["email"] = email
    return form.submit()


def test_a_forgotten_password_is_reset_by_the_link_in_the_email(django_app, staff):
    staff.email = "somsri@esa.example.go.th"
    staff.save()
    sent = ask_for_a_link(django_app, staff.email).follow()
    assert "ตรวจดูอีเมลของท่าน" in sent.text
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "ตั้งรหัสผ่านใหม่ ระบบรายงาน PMQA 4.0 สพฐ."
    assert f"ชื่อผู้ใช้ของท่าน: {staff.username}" in message.body
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/\S+/)", message.body).group(1)

    page = django_app.get(link).follow()  # Django moves the token out of the address
    form = page.forms[0]
    form["new_password1"] = "สั้น"
    form["new_password2"] = "สั้น"
    refused = form.submit()
    assert "รหัสผ่านสั้นเกินไป ต้องมีอย่างน้อย 8 ตัวอักษร" in refused.text
    assert "This password" not in refused.text
    form = refused.forms[0]
    form["new_password1"] = "ทะเลสาบสงขลา-2569"
    form["new_password2"] = "ทะเลสาบสงขลา-2569"
    done = form.submit().follow()
    assert "ตั้งรหัสผ่านใหม่แล้ว" in done.text
    staff.refresh_from_db()
    assert staff.check_password("ทะเลสาบสงขลา-2569")
    # The link works once.
    assert "ลิงก์นี้ใช้ไม่ได้แล้ว" in django_app.get(link).maybe_follow().text


def test_an_unknown_address_gets_the_same_answer_and_no_email(django_app):
    assert "ตรวจดูอีเมลของท่าน" in ask_for_a_link(django_app, "nobody@example.go.th").follow().text
    assert mail.outbox == []


def test_asking_too_often_is_throttled(django_app, staff):
    staff.email = "somsri@esa.example.go.th"
    staff.save()
    for _ in range(5):
        ask_for_a_link(django_app, staff.email)
    page = django_app.get(reverse("password_reset"))
    form = page.forms[0]
    form["email"] = staff.email
    refused = form.submit(status=429)
    assert "ขอลิงก์ตั้งรหัสผ่านใหม่บ่อยเกินไป" in refused.text
    assert len(mail.outbox) == 5


def test_a_coordinator_gives_a_staff_member_a_new_one_time_password(django_app, coordinator, staff):
    page = django_app.get(reverse("orgprofile:staff", args=[coordinator.membership.office.code]), user=coordinator)
    form = next(f for f in page.forms.values() if f.fields.get("user") and f["user"].value == str(staff.pk))
    shown = form.submit("action", value="password")
    password = shown.html.select_one("#new-account code").text
    assert "ตั้งรหัสผ่านใหม่แล้ว" in shown.text
    staff.refresh_from_db()
    assert staff.check_password(password) and not staff.check_password(PASSWORD)
    # Shown once: the staff page does not show it again.
    again = django_app.get(reverse("orgprofile:staff", args=[coordinator.membership.office.code]), user=coordinator)
    assert password not in again.text


def test_the_login_page_names_the_right_passwords(client, settings):
    settings.KRS_AUTH_ENABLED = False
    page = client.get(reverse("login")).content.decode()
    assert "ผู้ประสานงานของสำนักงานหรือผู้ดูแลระบบให้ไว้" in page and "KRS" not in page
    settings.KRS_AUTH_ENABLED = True
    assert "เดียวกับระบบ KRS" in client.get(reverse("login")).content.decode()
