"""Each office page issues a fixed number of queries, whatever the number of answers."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import SubItem
from tests.assessments.conftest import all_texts, form_data

pytestmark = pytest.mark.django_db

PAGES = [
    ("office-home", []),
    ("category", [1]),
    ("subitem", ["1.1.1"]),
    ("readiness", []),
]


def count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def answer_everything(client, catalogue):
    for sub in SubItem.objects.filter(catalogue=catalogue, reportable=True):
        values = {(i.level, i.order): "1" for i in sub.checklist_items.all()}
        client.post(reverse("subitem", args=[sub.number]), form_data(sub, values=values, texts=all_texts()))


@pytest.mark.parametrize("name,args", PAGES)
def test_page_query_count_is_fixed(client_for, staff, catalogue, name, args):
    client = client_for(staff)
    url = reverse(name, args=args)
    first = SubItem.objects.get(catalogue=catalogue, number="1.1.1")
    client.post(reverse("subitem", args=["1.1.1"]), form_data(first, values={("basic", 1): "1"}))
    one = count(client, url)
    answer_everything(client, catalogue)
    full = count(client, url)
    assert full == one, f"{name}: {one} queries with one answer, {full} with every item answered"
    assert full <= 20, f"{name}: {full} queries"
    print(f"{name}: {full} queries")


def test_reviewer_view_of_an_office_is_fixed(client_for, staff, reviewer, office, catalogue):
    answer_everything(client_for(staff), catalogue)
    client = client_for(reviewer)
    n = count(client, reverse("office-assessment", args=[office.code]))
    assert n <= 20
