"""Year over year: the national dashboard and export beside last year, and the office home and
the dashboard costing the same queries at one year and at five."""

import io

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from assessments.models import SubItem
from assessments.selectors import current_catalogue
from assessments.services.answers import subitem_answers_save
from assessments.services.years import fiscal_year_open

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(db):
    call_command("load_catalogue", verbosity=0)
    return current_catalogue()


def _answer(office, user, catalogue, *, done: bool):
    """The office answers every item of every reportable sub-item: all 1 or all 0."""
    for subitem in SubItem.objects.filter(catalogue=catalogue, reportable=True).select_related("catalogue"):
        subitem_answers_save(
            user=user,
            office=office,
            subitem=subitem,
            base_version=0,
            values={item.id: 1 if done else 0 for item in subitem.checklist_items.all()},
            texts={},
        )


def _open(year, admin_user):
    return fiscal_year_open(user=admin_user, year=year, copy_from=year - 1).catalogue


def _queries(client, url, *, cold: bool = False) -> int:
    client.get(url)  # the catalogues are read into process memory once
    if cold:
        cache.clear()  # the dashboard's matrix and charts, kept a minute, read again
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries.captured_queries)


def test_office_home_and_dashboard_cost_the_same_queries_at_one_year_and_at_five(
    catalogue, office, staff, reviewer, admin_user, client_for
):
    home = reverse("assessments:home", args=[office.code])
    dashboard = reverse("reporting:national")
    export = reverse("reporting:national-export")

    def counts():
        return (
            _queries(client_for(staff), home),
            _queries(client_for(reviewer), dashboard),
            _queries(client_for(reviewer), export),
            _queries(client_for(reviewer), dashboard, cold=True),
        )

    _answer(office, staff, catalogue, done=True)
    one_year = counts()
    _answer(office, staff, _open(2567, admin_user), done=False)
    two_years = counts()
    for year in (2568, 2569, 2570):
        _answer(office, staff, _open(year, admin_user), done=year % 2 == 0)
    five_years = counts()
    # The office home reads last year's summary columns with this year's (one query), and the
    # dashboard keeps its year over year with its charts: both cost the same at one year and at
    # five. The export, and the dashboard once a minute when it reads its charts again, add the
    # two years' aggregate once there is a last year, whatever the number of years.
    assert five_years == two_years, (one_year, two_years, five_years)
    assert (one_year[0], one_year[1]) == (five_years[0], five_years[1]), (one_year, five_years)
    assert (five_years[2], five_years[3]) == (one_year[2] + 1, one_year[3] + 1), (one_year, five_years)
    # The year, its window, the catalogues and the number of profile questions are kept with the
    # calendar (orgprofile/calendar.py), the provinces of the dashboard's and the export's filter
    # with the office registry (orgprofile/registry.py): no query once kept; clearing the cache
    # (cold) reads them again (years, windows, extensions, catalogues; the provinces).
    assert one_year == (6, 2, 7, 16), one_year


def test_the_dashboard_and_the_export_set_this_year_beside_last_year(
    catalogue, office, staff, reviewer, admin_user, client_for
):
    _answer(office, staff, catalogue, done=True)
    _answer(office, staff, _open(2567, admin_user), done=False)
    client = client_for(reviewer)
    page = client.get(reverse("reporting:national")).content.decode()
    assert 'id="national-year-over-year"' in page
    assert "เทียบปีงบประมาณ 2567 กับปี 2566 รายประเด็น" in page

    workbook = load_workbook(io.BytesIO(client.get(reverse("reporting:national-export")).content))
    sheet = workbook["เทียบปี 2566-2567"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("ประเด็น", "ชื่อประเด็น", "คะแนนระดับเฉลี่ยปี 2566", "ร้อยละที่ดำเนินการปี 2566")
    by_number = {row[0]: row for row in rows[1:]}
    assert len(by_number) == SubItem.objects.filter(catalogue=current_catalogue(), reportable=True).count()
    # One office: everything done in 2566 (level 500, ร้อยละ 100), nothing done in 2567.
    number, _title, last_points, last_percent, last_at, points, percent, at, points_change, percent_change = by_number[
        "1.1.1"
    ]
    assert (last_points, last_percent, last_at) == (500, 100, 1)
    assert (points, percent, at) == (0, 0, 0)
    assert (points_change, percent_change) == (-500, -100)


def test_the_audit_timeline_shows_year_openings_and_carries(
    catalogue, office, staff, coordinator, admin_user, client_for
):
    _answer(office, staff, catalogue, done=True)
    client = client_for(admin_user)
    years = client.get(reverse("assessments:years"))
    assert years.status_code == 200
    client.post(reverse("assessments:years"), {"year": "2567", "copy_from": "2566", "make_current": "on"})
    assert current_catalogue().fiscal_year == 2567
    carry = client_for(coordinator).post(reverse("assessments:carry-forward", args=[office.code]), {"scope": "all"})
    assert carry.status_code == 302

    html = client_for(admin_user).get(reverse("reporting:audit"), {"kind": "year"}).content.decode()
    assert "เปิดปีงบประมาณ" in html and "คัดลอกชุดเกณฑ์จากปี 2566" in html
    assert "ยกข้อมูลจากปี 2566 มาเป็นฉบับร่าง" in html and office.name in html
    assert "ปีงบประมาณ 2567" in html
    # The carried ticks are in the office's history too, by the coordinator who carried them.
    office_html = client_for(admin_user).get(reverse("reporting:audit"), {"office": office.code, "kind": "answer"})
    assert coordinator.username in office_html.content.decode() or coordinator.get_full_name() in (
        office_html.content.decode()
    )
