"""Each office page issues a fixed number of queries, whatever the number of answers."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import AnswerText, SubItem
from pmqa_site.prepared import statement_text
from tests.assessments.conftest import all_texts, form_data

pytestmark = pytest.mark.django_db

PAGES = [
    ("assessments:home", []),
    ("assessments:category", [1]),
    ("assessments:subitem", ["1.1.1"]),
    ("reporting:readiness", []),
]


def count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def answer_everything(office, client, catalogue):
    for sub in SubItem.objects.filter(catalogue=catalogue, reportable=True):
        values = {(i.level, i.order): "1" for i in sub.checklist_items.all()}
        client.post(
            reverse("assessments:subitem", args=[office.code, sub.number]),
            form_data(sub, values=values, texts=all_texts()),
        )


@pytest.mark.parametrize("name,args", PAGES)
def test_page_query_count_is_fixed(office, client_for, staff, catalogue, name, args):
    client = client_for(staff)
    url = reverse(name, args=[office.code, *args])
    first = SubItem.objects.get(catalogue=catalogue, number="1.1.1")
    client.post(
        reverse("assessments:subitem", args=[office.code, "1.1.1"]), form_data(first, values={("basic", 1): "1"})
    )
    client.get(url)  # what pages keep with the calendar (the number of profile questions) is read once
    one = count(client, url)
    answer_everything(office, client, catalogue)
    full = count(client, url)
    assert full == one, f"{name}: {one} queries with one answer, {full} with every item answered"
    assert full <= 20, f"{name}: {full} queries"
    print(f"{name}: {full} queries")


def test_reviewer_view_of_an_office_is_fixed(client_for, staff, reviewer, office, catalogue):
    answer_everything(office, client_for(staff), catalogue)
    client = client_for(reviewer)
    n = count(client, reverse("assessments:home", args=[office.code]))
    assert n <= 20


def test_saving_a_subitem_costs_the_same_whatever_changed(office, client_for, staff, subitem_111):
    """Answers are written in bulk with their history rows: not three queries per field. The
    statements of an autosave are pinned: the lock, the two reads of what is saved, one upsert,
    one insert of history rows and the report's update, in one transaction with no savepoint
    of its own inside it."""
    client = client_for(staff)
    url = reverse("assessments:subitem", args=[office.code, "1.1.1"])
    client.get(url)
    full = {(i.level, i.order): "1" for i in subitem_111.checklist_items.all()}
    client.post(url, form_data(subitem_111, version=0, values=full, texts=all_texts("ก")), HTTP_HX_REQUEST="true")
    one_field_data = form_data(subitem_111, version=1, values=full, texts=all_texts("ก") | {1: "ข 1"})
    every_field_data = form_data(subitem_111, version=2, values=full, texts=all_texts("ค"))
    with CaptureQueriesContext(connection) as one_field:
        client.post(url, one_field_data, HTTP_HX_REQUEST="true")
    with CaptureQueriesContext(connection) as every_field:
        client.post(url, every_field_data, HTTP_HX_REQUEST="true")

    def statements(ctx):  # what runs after the session and the user, which every page reads
        kinds = []
        for query in ctx.captured_queries:
            sql = statement_text(query["sql"])  # on PostgreSQL, a prepared statement's own SQL
            words = sql.split()
            if "django_session" not in sql:
                kinds.append(" ".join(words[:3]) if words[0] == "INSERT" else words[0])
        return kinds[1:]

    assert statements(one_field) == statements(every_field)
    assert statements(every_field) == [
        "SAVEPOINT",  # the save's transaction (a savepoint here: the test runs inside one)
        "SELECT",  # the report, locked
        "SELECT",  # the checklist values saved
        "SELECT",  # the answer texts saved
        'INSERT INTO "assessments_answertext"',  # the upsert of every changed text
        'INSERT INTO "assessments_historicalanswertext"',  # their history rows
        "UPDATE",  # the report: version, editor, summary
        "RELEASE",
    ], statements(every_field)

    assert AnswerText.history.filter(text="ค 5", history_user=staff).count() == 1  # the audit row is written
