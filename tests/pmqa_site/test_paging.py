"""Lists of offices come a page at a time (keyset): every office once, in order, and a page
costs the same queries at 12 and at 120 offices; the count of offices is kept with the registry
and follows its changes."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from orgprofile.models import Office
from orgprofile.registry import offices_changed
from pmqa_site.paging import keyset_page

pytestmark = pytest.mark.django_db


def make_offices(n, start=0):
    Office.objects.bulk_create(
        Office(code=f"P{i:04d}", name=f"สำนักงานเขต {i:04d}", kind="spm" if i % 3 else "spp", province=f"จังหวัด {i % 7}")
        for i in range(start, start + n)
    )
    offices_changed()  # bulk_create sends no signal: a bulk loader says so itself


def total(html: str) -> int:
    return int(re.search(r'<span class="badge bg-secondary">(\d+)</span></h1>', html).group(1))


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
    names, queries, totals = [], [], set()
    while url:
        with CaptureQueriesContext(connection) as ctx:
            html = client.get(url).content.decode()
        queries.append(len(ctx.captured_queries))
        totals.add(total(html))
        names += re.findall(r"สำนักงานเขต \d{4}", html)
        found = re.search(r'href="(\?[^"]*after=[^"]+)">หน้าถัดไป', html)
        url = reverse("orgprofile:office-list") + found.group(1).replace("&amp;", "&") if found else None
    return names, queries, totals


def test_the_office_list_walks_every_office_at_a_fixed_cost(client_for, reviewer):
    make_offices(12)
    client = client_for(reviewer)
    _names, small, totals = walk(client, reverse("orgprofile:office-list"))
    assert totals == {12}
    make_offices(108, start=12)
    names, large, totals = walk(client, reverse("orgprofile:office-list"))
    assert len(names) == len(set(names)) == 120 and totals == {120}
    # The first page counts the offices, the next ones read the kept count.
    assert large[0] == small[0] and set(large[1:]) == {small[0] - 1}, (small, large)
    office = Office.objects.get(code="P0007")
    office.is_active = False
    office.save()  # an admin's edit: the count follows at once
    assert total(client.get(reverse("orgprofile:office-list")).content.decode()) == 119
    only_primary = client.get(reverse("orgprofile:office-list"), {"kind": "spp"}).content.decode()
    assert total(only_primary) == Office.objects.filter(is_active=True, kind="spp").count() == 40
    searched = client.get(reverse("orgprofile:office-list"), {"q": "เขต 0042"}).content.decode()
    assert "สำนักงานเขต 0042" in searched and "สำนักงานเขต 0043" not in searched
