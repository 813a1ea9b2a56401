"""The kept calendar (orgprofile/calendar.py): pages read the years, windows and extensions
without a query once kept, and every change, however made, is seen on the next read."""

from datetime import datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from orgprofile import calendar as kept_calendar
from orgprofile.calendar import calendar
from orgprofile.models import FiscalYear, ReportingWindow, WindowExtension
from orgprofile.windows import fiscal_year_make_current, office_window_state, window_extend, window_set

pytestmark = pytest.mark.django_db
BKK = ZoneInfo("Asia/Bangkok")
CLOSE = datetime(2026, 12, 31, 16, 30, tzinfo=BKK)


@pytest.fixture
def year(db):
    return FiscalYear.objects.create(year=2566, is_current=True)


def _set(year, admin_user, closes):
    return window_set(
        user=admin_user,
        fiscal_year=year,
        office_opens_at=closes - timedelta(days=30),
        office_closes_at=closes,
        review_opens_at=closes - timedelta(days=30),
        review_closes_at=closes + timedelta(days=30),
    )


def test_kept_calendar_costs_no_query_on_the_next_read(year, admin_user):
    _set(year, admin_user, CLOSE)
    calendar()
    with CaptureQueriesContext(connection) as queries:
        kept = calendar()
    assert len(queries) == 0
    assert kept.current == 2566 and kept.years == (2566,)
    assert kept.window(None).office_closes_at == CLOSE


def test_a_service_change_is_seen_at_once(year, admin_user, office):
    _set(year, admin_user, CLOSE)
    at = CLOSE - timedelta(hours=1)
    assert office_window_state(office=office, at=at).open
    _set(year, admin_user, CLOSE - timedelta(days=1))  # the admin closes it earlier
    assert not office_window_state(office=office, at=at).open
    window_extend(
        user=admin_user, window=ReportingWindow.objects.get(), office=office, starts_at=at, until=CLOSE, reason="ไฟดับ"
    )
    state = office_window_state(office=office, at=at + timedelta(minutes=1))
    assert state.open and state.extended and state.closes_at == CLOSE


def test_a_change_made_outside_the_services_is_seen_too(year, admin_user, office):
    """The Django admin saves rows itself: the signals replace the kept calendar."""
    window = _set(year, admin_user, CLOSE)
    at = CLOSE - timedelta(hours=1)
    assert office_window_state(office=office, at=at).open
    window.office_closes_at = at
    window.save()
    assert not office_window_state(office=office, at=at).open
    extension = WindowExtension.objects.create(
        window=window, office=office, starts_at=at, until=CLOSE, reason="เครือข่ายขัดข้อง", created_by=admin_user
    )
    assert office_window_state(office=office, at=at).open
    extension.delete()
    assert not office_window_state(office=office, at=at).open
    window.delete()
    assert calendar().window(None) is None


def test_making_a_year_current_is_seen_at_once(year):
    newer = FiscalYear.objects.create(year=2567)
    assert calendar().current == 2566
    fiscal_year_make_current(fiscal_year=newer)  # an update(): no signal, the service says so
    assert calendar().current == 2567 and calendar().years == (2567, 2566)


def test_a_read_that_raced_a_change_is_never_served(year, admin_user):
    """A request read the rows, then the change committed: what it keeps is stored under the
    version it read before, which the change replaced, so nobody reads it again."""
    _set(year, admin_user, CLOSE)
    calendar()
    old_version = kept_calendar._version()
    stale = kept_calendar._build()
    _set(year, admin_user, CLOSE - timedelta(days=2))
    kept_calendar.cache.set(f"calendar:{old_version}:calendar", stale)  # the slow request's late write
    assert calendar().window(None).office_closes_at == CLOSE - timedelta(days=2)


def test_an_unreachable_cache_reads_the_database(year, admin_user, office):
    _set(year, admin_user, CLOSE)
    with mock.patch.object(kept_calendar.cache, "get", side_effect=ConnectionError("redis down")):
        with CaptureQueriesContext(connection) as queries:
            kept = calendar()
    assert kept.window(None).office_closes_at == CLOSE
    assert len(queries) == 3  # years, windows, extensions: read every time until the cache is back


def test_a_change_that_cannot_be_announced_is_refused_whole(year, admin_user):
    """With the cache unreachable, a process could keep the old window: the change is rolled
    back instead, and the admin tries again when Redis is back."""
    _set(year, admin_user, CLOSE)
    with mock.patch.object(kept_calendar.cache, "set", side_effect=ConnectionError("redis down")):
        with pytest.raises(ConnectionError):
            _set(year, admin_user, CLOSE - timedelta(days=3))
    assert ReportingWindow.objects.get().office_closes_at == CLOSE


def test_what_a_transaction_reads_is_never_kept(year, admin_user):
    """Read inside the transaction that changed the calendar, before it commits: not kept, so a
    rollback leaves nothing behind and no other process sees rows not yet committed."""
    _set(year, admin_user, CLOSE)
    with pytest.raises(RuntimeError), transaction.atomic():
        _set(year, admin_user, CLOSE - timedelta(days=5))
        assert calendar().window(None).office_closes_at == CLOSE - timedelta(days=5)  # its own change
        raise RuntimeError("rolled back")
    assert calendar().window(None).office_closes_at == CLOSE
