"""What is kept of the office registry (orgprofile/registry.py): the dashboard's provinces and the
office list's count cost no query once kept, and follow every change of an office, whether
an admin's edit, a delete, a CSV import or a bulk update that says so. (The dashboard's
filter: tests/reporting/test_national.py.)"""

from unittest import mock

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from orgprofile.models import Office
from orgprofile.registry import active_office_count, active_provinces, offices_changed
from orgprofile.services import offices_import_csv
from pmqa_site import versions

pytestmark = pytest.mark.django_db


@pytest.fixture
def offices(db):
    return [
        Office.objects.create(code="R01", name="เขต ก", kind="spp", province="เชียงใหม่"),
        Office.objects.create(code="R02", name="เขต ข", kind="spm", province="กระบี่"),
        Office.objects.create(code="R03", name="เขต ค", kind="spp", province="เชียงใหม่"),
        Office.objects.create(code="R04", name="เขต ง", kind="spp", province="ตาก", is_active=False),
        Office.objects.create(code="R05", name="เขต จ", kind="spm", province=""),
    ]


def reads(call):
    with CaptureQueriesContext(connection) as queries:
        value = call()
    return value, len(queries)


def test_kept_values_cost_no_query_on_the_next_read(offices):
    assert reads(active_provinces) == (["กระบี่", "เชียงใหม่"], 1)  # sorted, no blank, no inactive office
    assert reads(active_provinces) == (["กระบี่", "เชียงใหม่"], 0)
    assert reads(active_office_count) == (4, 1)
    assert reads(lambda: active_office_count(kind="spp")) == (2, 1)
    assert reads(lambda: active_office_count(kind="spp")) == (2, 0)
    assert reads(active_office_count) == (4, 0)


def test_every_change_of_an_office_is_seen_on_the_next_read(offices):
    active_provinces(), active_office_count()
    closed = offices[3]
    closed.is_active = True
    closed.save()  # the Django admin, a service: a signal
    assert active_provinces() == ["กระบี่", "ตาก", "เชียงใหม่"] and active_office_count() == 5
    offices[1].delete()
    assert active_provinces() == ["ตาก", "เชียงใหม่"] and active_office_count() == 4
    result = offices_import_csv(text="code,name,kind,province\nR09,สพป.น่าน เขต 1,spp,น่าน\n")
    assert result.ok, result
    assert "น่าน" in active_provinces() and active_office_count() == 5
    Office.objects.filter(code="R01").update(is_active=False)
    offices_changed()  # a bulk update sends no signal: its writer says so
    assert active_office_count() == 4 and active_office_count(kind="spp") == 3


def test_what_a_transaction_read_and_rolled_back_is_never_kept(offices):
    """Read inside a transaction that then rolls back: its own rows are seen there, and no
    page after it is served them from what is kept."""

    class RolledBack(Exception):
        pass

    with pytest.raises(RolledBack), transaction.atomic():
        Office.objects.create(code="R10", name="เขต ฉ", kind="spp", province="ยะลา")
        assert "ยะลา" in active_provinces() and active_office_count() == 5
        raise RolledBack
    assert reads(active_provinces) == (["กระบี่", "เชียงใหม่"], 1)
    assert reads(active_office_count) == (4, 1)


def test_an_unreachable_cache_reads_the_database(offices):
    with mock.patch.object(versions.cache, "get", side_effect=ConnectionError("redis down")):
        assert reads(active_provinces) == (["กระบี่", "เชียงใหม่"], 1)
        assert reads(active_provinces) == (["กระบี่", "เชียงใหม่"], 1)  # every time, until it is back
