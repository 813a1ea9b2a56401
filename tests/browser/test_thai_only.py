"""A Chromium crawl of every page each role reaches by following links from its home: no
English interface words (a short list of those that must never appear), and the Thai 404."""

import io
import re
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.management import call_command

from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEVER = re.compile(
    r"\b(days?|hours?|minutes?|Choose|Created|Changed|Page not found|Traceback|Not Found|Server Error|Forbidden"
    r"|None|True|False)\b"
)
# Not pages for a person to read, or not GET: downloads, exports, Django's own admin (a
# developer's tool), health checks for machines, logging out.
SKIP = re.compile(r"/file/|/export/|/django-admin/|/healthz|/logout|/accounts/password/reset/[^/]+/")
MAX_PAGES = 60


def crawl(page, start: str) -> tuple[dict[str, list[str]], int]:
    origin = urlsplit(page.base_url).netloc
    queue, seen, found = [start], set(), {}
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = page.goto(url)
        if response is None or "text/html" not in (response.headers.get("content-type") or ""):
            continue
        words = sorted(set(NEVER.findall(page.locator("body").inner_text())))
        if words:
            found[urlsplit(url).path] = words
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
            href = urldefrag(href)[0]
            parts = urlsplit(href)
            if parts.netloc == origin and not SKIP.search(parts.path) and href not in seen:
                queue.append(href)
    return found, len(seen)


def test_no_english_interface_words_on_any_page_a_role_reaches(new_page, staff, coordinator, reviewer, admin_user):
    call_command("load_catalogue", verbosity=0)
    call_command("demo_national", offices=5, seed=5, stdout=io.StringIO())
    found, visited = {}, {}
    for user in (staff, coordinator, reviewer, admin_user):
        page = new_page()
        browser_login(page, user.username)
        own, visited[user.username] = crawl(page, page.url)
        found.update({f"{user.username} {path}": words for path, words in own.items()})
    assert found == {}
    assert min(visited.values()) >= 8, visited  # the crawl went past the home page


def test_a_wrong_address_shows_the_thai_404(page, staff):
    browser_login(page, staff.username)
    response = page.goto(page.base_url + "/offices/no-such-page/at/all/")
    assert response.status == 404
    assert "ไม่พบหน้าที่ต้องการ" in page.locator("body").inner_text()
    assert not NEVER.search(page.locator("body").inner_text())
