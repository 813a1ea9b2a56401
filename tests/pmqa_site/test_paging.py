"""Lists of offices come a page at a time (keyset): every office once, in order, and a page
costs the same queries at 12 and at 120 offices."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from orgprofile.models import Office
from pmqa_site.paging import keyset_page

pytestmark = pytest.mark.django_db


def make_offices(n, start=0):
    Office.objects.bulk_create(
        Office(code=f"P{i:04d}", name=f"สำนักงานเขต {i:04d}", kind="spm" if i % 3 else "spp", province=f"จังหวัด {i % 7}")
        for i in range(start, start + n)
    )


def test_keyset_pages_cover_every_row_once_and_a_bad_cursor_is_page_one(db):
    make_offices(123)
    seen, after, pages = [], None, 0
    while True:
        page = keyset_page(Office.objects.values("id", "code"), order=("code", "id"), after=after, per_page=50)
        seen += [row["code"] for row in page.rows]
        pages += 1
        if page.after is None:
            break
        after = page.after
    assert pages == 3 and seen == sorted(seen) and len(seen) == len(set(seen)) == 123
    assert keyset_page(Office.objects.values("id", "code"), order=("code", "id"), after="garbage").first


def walk(client, url):
    names, queries = [], []
    while url:
        with CaptureQueriesContext(connection) as ctx:
            html = client.get(url).content.decode()
        queries.append(len(ctx.captured_queries))
        names += re.findall(r"สำนักงานเขต \d{4}", html)
        found = re.search(r'href="(\?[^"]*after=[^"]+)">หน้าถัดไป', html)
        url = reverse("orgprofile:office-list") + found.group(1).replace("&amp;", "&") if found else None
    return names, queries


def test_the_office_list_walks_every_office_at_a_fixed_cost(client_for, reviewer):
    make_offices(12)
    client = client_for(reviewer)
    _names, small = walk(client, reverse("orgprofile:office-list"))
    make_offices(108, start=12)
    names, large = walk(client, reverse("orgprofile:office-list"))
    assert len(names) == len(set(names)) == 120
    assert max(large) == max(small)
    searched = client.get(reverse("orgprofile:office-list"), {"q": "เขต 0042"}).content.decode()
    assert "สำนักงานเขต 0042" in searched and "สำนักงานเขต 0043" not in searched
