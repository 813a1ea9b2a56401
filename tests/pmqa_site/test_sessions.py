"""Sessions read from the shared cache (pmqa_site/sessions.py): a cached session costs no
query, and a cache that cannot be reached only sends the read to the database."""

from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pmqa_site.prepared import statement_text

pytestmark = pytest.mark.django_db


@override_settings(SESSION_ENGINE="pmqa_site.sessions")
def test_a_cached_session_costs_no_query(client_for, staff, office):
    client = client_for(staff)
    url = reverse("assessments:home", args=[office.code])
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert not any("django_session" in statement_text(q["sql"]) for q in queries.captured_queries)


@override_settings(SESSION_ENGINE="pmqa_site.sessions")
def test_an_unreachable_cache_reads_the_session_from_the_database(client_for, staff, office):
    client = client_for(staff)
    url = reverse("assessments:home", args=[office.code])
    cache.clear()
    down = ConnectionError("redis down")
    with (
        mock.patch.object(cache, "get", side_effect=down),
        mock.patch.object(cache, "set", side_effect=down),
        mock.patch.object(cache, "add", side_effect=down),
        CaptureQueriesContext(connection) as queries,
    ):
        response = client.get(url)
    assert response.status_code == 200
    assert staff.username in response.content.decode() or staff.get_full_name() in response.content.decode()
    assert any("django_session" in statement_text(q["sql"]) for q in queries.captured_queries)
