"""The layout's menu is drawn once per user, role and office and kept (templates/base.html,
settings.CACHES["fragments"]): each user still sees their own menu, a change of name, role or
office shows on the next page, and the logout form carries the request's own token."""

import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from pmqa_site.roles import Role

pytestmark = pytest.mark.django_db


def menu(client, url):
    html = client.get(url).content.decode()
    return html[html.index('<nav class="navbar') : html.index("</nav>")]


def test_each_user_sees_their_own_menu_and_changes_show_at_once(client_for, staff, reviewer, office, other_office):
    help_page = reverse("site:help")
    staff_menu = menu(client_for(staff), help_page)
    assert "หน้าหลักสำนักงาน" in staff_menu and office.name in staff_menu and "งานตรวจรับรอง" not in staff_menu
    reviewer_menu = menu(client_for(reviewer), help_page)
    assert "งานตรวจรับรอง" in reviewer_menu and "หน้าหลักสำนักงาน" not in reviewer_menu
    assert office.name not in reviewer_menu

    staff.first_name, staff.last_name = "สมหญิง", "ใจดี"
    staff.save()
    assert "สมหญิง ใจดี" in menu(client_for(staff), help_page)
    office.name = "สำนักงานเขตพื้นที่การศึกษาที่เปลี่ยนชื่อแล้ว"
    office.save()
    assert office.name in menu(client_for(staff), help_page)
    staff.groups.set([Group.objects.get(name=Role.OBEC_REVIEWER.value)])
    staff.membership.delete()
    staff.refresh_from_db()
    became = menu(client_for(staff), help_page)
    assert "งานตรวจรับรอง" in became and "หน้าหลักสำนักงาน" not in became


def test_the_logout_form_carries_the_requests_own_token(client_for, staff, office):
    client = client_for(staff)
    client.handler.enforce_csrf_checks = True
    html = client.get(reverse("site:help")).content.decode()
    form = re.search(
        r'<form method="post" action="([^"]+)">\s*<input type="hidden" name="csrfmiddlewaretoken" value="([^"]+)"', html
    )
    assert form and form.group(1) == reverse("logout")
    response = client.post(form.group(1), {"csrfmiddlewaretoken": form.group(2)})
    assert response.status_code == 302
    assert client.get(reverse("assessments:home", args=[office.code])).status_code == 302  # signed out
