"""axe-core (vendored in tests/browser/vendor, injected by the test, never served) on each
role's main pages: no serious or critical violation. And the keyboard: a skip link, focus on
the first field in error."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
SERIOUS = """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
  .filter(v => ['serious', 'critical'].includes(v.impact))
  .map(v => v.id + ': ' + v.nodes.slice(0, 3)
    .map(n => n.target.join(' ') + ' ' + ((n.any[0] || {}).message || '')).join(' | '))"""


def violations(page, path):
    page.goto(page.base_url + path)
    page.wait_for_load_state("networkidle")
    page.evaluate(AXE)  # through the DevTools protocol: the page's CSP stays as it is
    return page.evaluate(SERIOUS)


def test_no_serious_violation_on_each_role_s_pages(new_page, staff, reviewer, admin_user):
    call_command("load_catalogue", verbosity=0)
    call_command("demo_national", offices=20, seed=3, stdout=io.StringIO())
    office = staff.membership.office
    pages = {
        staff: [
            "/accounts/password/",
            f"/offices/{office.code}/",
            f"/offices/{office.code}/subitem/1.1.1/",
            f"/offices/{office.code}/profile/",
            f"/offices/{office.code}/readiness/",
            f"/offices/{office.code}/book/",
            "/help/",
        ],
        reviewer: [
            "/review/",
            "/national/",
            f"/offices/{office.code}/subitem/1.1.1/review/",
            "/offices/",
            f"/offices/{office.code}/book/",
        ],
        admin_user: ["/manage/", "/manage/windows/", "/manage/audit/"],
    }
    found = {}
    anonymous = new_page()
    for path in ("/accounts/login/", "/accounts/password/reset/"):
        found[f"anonymous {path}"] = violations(anonymous, path)
    for user, paths in pages.items():
        page = new_page()
        browser_login(page, user.username)
        for path in paths:
            found[f"{user.username} {path}"] = violations(page, path)
    assert {where: v for where, v in found.items() if v} == {}


def test_a_skip_link_and_focus_on_the_first_error(page):
    page.goto(page.base_url + "/help/")
    page.keyboard.press("Tab")
    skip = page.locator("a.skip-link")
    assert skip.evaluate("el => el === document.activeElement")
    assert skip.inner_text() == "ข้ามไปยังเนื้อหา"
    page.goto(page.base_url + "/accounts/password/reset/")
    page.get_by_role("button", name="ส่งลิงก์ตั้งรหัสผ่านใหม่").click()
    page.wait_for_load_state("networkidle")
    email = page.locator("input[name=email]")
    assert email.evaluate("el => el === document.activeElement")
    assert email.get_attribute("aria-invalid") == "true"
    described = email.get_attribute("aria-describedby")
    assert described and page.locator(f"#{described.split()[-1]}").inner_text()
