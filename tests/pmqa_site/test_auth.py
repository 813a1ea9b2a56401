"""Login, lockout, role homes and the error pages, through the real forms."""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def login(client, username, password, ip="10.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip, follow=True)


def test_login_page_is_thai(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="th"' in html
    assert "เข้าสู่ระบบรายงาน PMQA 4.0" in html
    assert "ชื่อผู้ใช้" in html and "รหัสผ่าน" in html


@pytest.mark.parametrize(
    "fixture,landing",
    [
        ("staff", "assessments:home"),
        ("coordinator", "assessments:home"),
        ("reviewer", "assessments:queue"),
        ("admin_user", "reporting:manage-home"),
    ],
)
def test_each_role_lands_on_its_home(request, client, office, fixture, landing):
    user = request.getfixturevalue(fixture)
    response = login(client, user.username, PASSWORD)
    args = [office.code] if landing == "assessments:home" else []
    assert response.redirect_chain[-1][0] == reverse(landing, args=args)
    assert response.status_code == 200


def test_wrong_password_shows_thai_message_and_no_login(client, staff):
    response = login(client, staff.username, "wrong")
    assert response.status_code == 200
    assert "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_lockout_after_limit_is_per_username_and_address(office, client, staff, other_staff, settings):
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit):
        login(client, staff.username, "wrong", ip="203.0.113.7")
    locked = login(client, staff.username, PASSWORD, ip="203.0.113.7")
    assert locked.status_code == 429
    assert "ระงับการเข้าสู่ระบบชั่วคราว" in locked.content.decode()
    assert "15 นาที" in locked.content.decode()

    # Another office behind the same shared government address is not locked out.
    other = login(client, other_staff.username, PASSWORD, ip="203.0.113.7")
    assert other.redirect_chain[-1][0] == reverse("assessments:home", args=[other_staff.membership.office.code])
    client.logout()

    # The same user from another address is not locked out either.
    elsewhere = login(client, staff.username, PASSWORD, ip="198.51.100.9")
    assert elsewhere.redirect_chain[-1][0] == reverse("assessments:home", args=[office.code])
    assert AccessAttempt.objects.filter(username=staff.username, ip_address="203.0.113.7").exists()


def test_anonymous_is_sent_to_login_with_a_note(office, client):
    response = client.get(reverse("assessments:home", args=[office.code]), follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("login") + "?next=")
    assert "เซสชันอาจหมดอายุ" in response.content.decode()


def test_wrong_role_gets_thai_403_in_layout(client_for, staff):
    response = client_for(staff).get(reverse("assessments:queue"))
    assert response.status_code == 403
    html = response.content.decode()
    assert "ไม่มีสิทธิ์เข้าถึงหน้านี้" in html
    assert "navbar" in html


def test_unknown_page_gets_thai_404_in_layout(client_for, staff):
    response = client_for(staff).get("/no-such-page/")
    assert response.status_code == 404
    assert "ไม่พบหน้าที่ต้องการ" in response.content.decode()


def test_django_admin_is_for_admins_only(client_for, reviewer, admin_user):
    assert client_for(reviewer).get("/django-admin/").status_code == 302
    assert client_for(admin_user).get("/django-admin/").status_code == 200


def test_password_change_through_the_form(client_for, staff):
    client = client_for(staff)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a-much-better-pass-2566",
            "new_password2": "a-much-better-pass-2566",
        },
        follow=True,
    )
    assert "เปลี่ยนรหัสผ่านเรียบร้อยแล้ว" in response.content.decode()
    staff.refresh_from_db()
    assert staff.check_password("a-much-better-pass-2566")


def test_logout_is_a_post_and_returns_to_login(client_for, staff):
    client = client_for(staff)
    response = client.post(reverse("logout"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("login")
    assert "_auth_user_id" not in client.session


def test_responses_carry_a_strict_csp(client):
    response = client.get(reverse("login"))
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "object-src 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
