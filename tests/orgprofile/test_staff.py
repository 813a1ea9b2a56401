"""The coordinator manages the office's own staff accounts."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from pmqa_site.roles import Role

pytestmark = pytest.mark.django_db


def test_coordinator_adds_a_staff_member_who_can_log_in(client, client_for, coordinator, office):
    response = client_for(coordinator).post(
        reverse("orgprofile:staff", args=[office.code]),
        {"action": "add", "username": "somsri.k", "first_name": "สมศรี", "last_name": "ขยัน", "email": ""},
    )
    html = response.content.decode()
    assert "สร้างบัญชีแล้ว" in html
    user = get_user_model().objects.get(username="somsri.k")
    assert user.membership.office == office and user.groups.filter(name=Role.ESA_STAFF.value).exists()
    password = html.split("<code>")[1].split("</code>")[0]
    client.logout()
    login = client.post(reverse("login"), {"username": "somsri.k", "password": password}, follow=True)
    assert login.redirect_chain[-1][0] == reverse("assessments:home", args=[office.code])


def test_duplicate_and_bad_usernames_are_refused(office, client_for, coordinator, staff):
    client = client_for(coordinator)
    dup = client.post(
        reverse("orgprofile:staff", args=[office.code]),
        {"action": "add", "username": staff.username, "first_name": "ก", "last_name": "ข"},
    )
    assert f"ชื่อผู้ใช้ {staff.username} มีอยู่แล้ว" in dup.content.decode()
    bad = client.post(
        reverse("orgprofile:staff", args=[office.code]),
        {"action": "add", "username": "ส ม", "first_name": "ก", "last_name": "ข"},
    )
    assert "ชื่อผู้ใช้ใช้ได้เฉพาะตัวอักษรอังกฤษ" in bad.content.decode()
    assert get_user_model().objects.count() == 2


def test_suspend_and_restore_a_staff_member(office, client_for, coordinator, staff):
    client = client_for(coordinator)
    client.post(reverse("orgprofile:staff", args=[office.code]), {"action": "suspend", "user": staff.pk})
    staff.refresh_from_db()
    assert not staff.is_active
    client.post(reverse("orgprofile:staff", args=[office.code]), {"action": "restore", "user": staff.pk})
    staff.refresh_from_db()
    assert staff.is_active


def test_coordinator_cannot_touch_another_office(office, client_for, coordinator, other_staff):
    response = client_for(coordinator).post(
        reverse("orgprofile:staff", args=[office.code]), {"action": "suspend", "user": other_staff.pk}
    )
    assert response.status_code == 404
    other_staff.refresh_from_db()
    assert other_staff.is_active


def test_staff_cannot_manage_accounts(office, client_for, staff):
    assert client_for(staff).get(reverse("orgprofile:staff", args=[office.code])).status_code == 403
