"""The national dashboard and its exports, on offices filled by `demo_national`: figures equal
to the database's, filters and sorting, a fixed number of queries whatever the number of
offices, Excel and CSV read back, and who may see them."""

import csv
import io
from datetime import datetime, timedelta

import openpyxl
import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import QUEUE_STATES, ReviewState, SubItem, SubItemReport
from assessments.selectors import current_catalogue
from assessments.services.reports import report_get_or_create
from krs_integration.models import Indicator
from orgprofile.models import Office
from orgprofile.windows import fiscal_year_ensure, window_set
from pmqa_site import clock
from reporting.exports import BE_DATE
from reporting.national import Filters, national

pytestmark = pytest.mark.django_db


def demo(offices: int, seed: int = 7) -> None:
    call_command("demo_national", offices=offices, seed=seed, stdout=io.StringIO())


@pytest.fixture
def catalogue(db):
    call_command("load_catalogue", verbosity=0)
    return current_catalogue()


@pytest.fixture
def filled(catalogue):
    demo(40)
    return catalogue


def dashboard_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries.captured_queries)


def test_the_dashboard_and_its_export_cost_the_same_queries_at_12_245_and_2450_offices(catalogue, client_for, reviewer):
    client = client_for(reviewer)
    url = reverse("reporting:national") + "?sort=waiting&desc=on"
    export = reverse("reporting:national-export")
    counts = {}
    for offices in (12, 245, 2450):
        demo(offices)
        assert Office.objects.filter(is_active=True, is_demo=True).count() == offices
        cache.clear()  # the charts are kept for a minute: measure the page without and with them
        counts[offices] = (
            dashboard_queries(client, url),
            dashboard_queries(client, url),
            dashboard_queries(client, export),
        )
    assert counts[12] == counts[245] == counts[2450], counts
    # The page: session, user; the catalogue and the window are in the kept calendar
    # (orgprofile/calendar.py), the provinces of the filter kept with the office registry
    # (orgprofile/registry.py). Once a minute per filter and page, the matrix: the page of
    # offices and its count, their category 7 figures, the head figures; and the charts: the
    # office count and four aggregates (last year, for year over year, is kept with the
    # calendar). cache.clear() also clears the calendar (its four reads: years, windows,
    # extensions, catalogues) and the provinces (one).
    assert counts[12][1] == 2, counts
    assert counts[12][0] == counts[12][1] + 4 + 5 + 4 + 1, counts


def test_the_filter_offers_a_new_province_at_once(filled, client_for, reviewer):
    """The provinces are kept with the office registry (orgprofile/registry.py): an office in a
    province no other office is in shows in the filter on the next page, and can be chosen."""
    url = reverse("reporting:national")
    assert "พะเยาใหม่" not in client_for(reviewer).get(url).content.decode()
    Office.objects.create(code="NEW01", name="สพป.พะเยาใหม่ เขต 1", kind="spp", province="พะเยาใหม่")
    html = client_for(reviewer).get(url, {"province": "พะเยาใหม่"}).content.decode()
    assert '<option value="พะเยาใหม่" selected>พะเยาใหม่</option>' in html


def test_head_figures_and_cells_equal_the_database(filled, client_for, reviewer):
    data = national(catalogue=filled)
    waiting = SubItemReport.objects.filter(assessment__catalogue=filled, state__in=QUEUE_STATES).count()
    assert data.head.waiting == waiting
    assert data.head.offices == Office.objects.filter(is_active=True).count()
    # One office, one category, state by state, against the rows themselves.
    row = next(r for r in data.rows if r.waiting)
    for number, cell in row.cells.items():
        stored = dict(
            SubItemReport.objects.filter(
                assessment__office_id=row.id, subitem__category__number=number, subitem__reportable=True
            )
            .values_list("state")
            .annotate(n=Count("id"))
        )
        for state in (ReviewState.AWAITING, ReviewState.CERTIFIED, ReviewState.NOT_CERTIFIED):
            assert cell.states.get(state, 0) == stored.get(state, 0)
        assert sum(cell.states.values()) == cell.subitems
    achieved = Indicator.objects.filter(office_id=row.id, achieved=True, withdrawn_at__isnull=True).count()
    assert row.category7.achieved == achieved and row.category7.indicators == 30

    html = client_for(reviewer).get(reverse("reporting:national")).content.decode()
    assert f'data-figure="waiting">{waiting}<' in html
    assert f'data-figure="submitted">{data.head.submitted}<' in html


def test_filters_search_and_sorting(filled, client_for, reviewer):
    secondary = national(catalogue=filled, filters=Filters(kind=Office.Kind.SECONDARY))
    assert secondary.rows and {r.kind for r in secondary.rows} == {Office.Kind.SECONDARY}
    by_waiting = national(catalogue=filled, filters=Filters(sort="waiting", descending=True)).rows
    assert [r.waiting for r in by_waiting] == sorted((r.waiting for r in by_waiting), reverse=True)
    only_waiting = national(catalogue=filled, filters=Filters(waiting=True)).rows
    assert only_waiting and all(r.waiting for r in only_waiting)
    one = national(catalogue=filled, filters=Filters(search="DEMO-N-007")).rows
    assert [r.code for r in one] == ["DEMO-N-007"]

    page = client_for(reviewer).get(reverse("reporting:national"), {"kind": "spm", "q": "มัธยม"}).content.decode()
    assert "สพม." in page and "· สพป. ·" not in page
    # Each office links to its assessment, each cell to that category.
    code = secondary.rows[0].code
    assert reverse("assessments:home", args=[code]) in page
    assert reverse("assessments:category", args=[code, 1]) in page


def test_the_national_workbook_reads_back_with_the_dashboard_figures(filled, client_for, reviewer):
    response = client_for(reviewer).get(reverse("reporting:national-export"), {"kind": "spm"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[:2] == ["สรุปรายสำนักงาน", "หมวด 1"] and "คิวรอตรวจ" in book.sheetnames
    data = {r.code: r for r in national(catalogue=filled, filters=Filters(kind=Office.Kind.SECONDARY)).rows}
    summary = list(book["สรุปรายสำนักงาน"].iter_rows(values_only=True))
    header, rows = summary[0], summary[1:]
    assert header[0] == "รหัสสำนักงาน" and len(rows) == len(data)  # the page's filter applies
    for values in rows:
        row = data[values[0]]
        assert values[header.index("รอการรับรองผล")] == row.state_count(ReviewState.AWAITING)
        assert values[header.index("รับรอง")] == row.certified
        assert values[header.index("ร้อยละ หมวด 1-6")] == pytest.approx(float(row.score.percent))
        assert values[header.index("หมวด 7 บรรลุเป้าหมาย")] == row.category7.achieved
    # Dates are real dates shown in the Buddhist Era; waiting days are numbers.
    queue = list(book["คิวรอตรวจ"].iter_rows(min_row=2))
    assert queue
    assert isinstance(queue[0][4].value, datetime) and queue[0][4].number_format.startswith("[$-1070000]")
    assert isinstance(queue[0][5].value, float)
    submitted = [c for r in book["หมวด 1"].iter_rows(min_row=2) for c in r if isinstance(c.value, datetime)]
    assert submitted and all(c.number_format == BE_DATE for c in submitted)


def test_the_csv_is_the_same_bytes_for_the_same_data(filled, tmp_path):
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    call_command("export_national", str(first), stdout=io.StringIO())
    call_command("export_national", str(second), "--format", "csv", stdout=io.StringIO())
    assert first.read_bytes() == second.read_bytes()
    rows = list(csv.reader(io.StringIO(first.read_bytes().decode("utf-8-sig"))))
    assert rows[0][:2] == ["รหัสสำนักงาน", "ชื่อสำนักงาน"]
    assert len(rows) - 1 == Office.objects.filter(is_active=True).count()
    workbook = tmp_path / "n.xlsx"
    call_command("export_national", str(workbook), "--year", str(filled.fiscal_year), stdout=io.StringIO())
    assert openpyxl.load_workbook(workbook).sheetnames[0] == "สรุปรายสำนักงาน"


def test_one_office_workbook_holds_its_whole_assessment(filled, client_for, reviewer):
    office = Office.objects.get(code="DEMO-N-003")
    response = client_for(reviewer).get(reverse("reporting:office-export", args=[office.code]))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert {"ลักษณะสำคัญขององค์การ", "รายการตรวจสอบ", "เอกสารหลักฐาน", "ผลการตรวจรับรอง", "หมวด 7"} <= set(book.sheetnames)
    ticks = [r for r in book["รายการตรวจสอบ"].iter_rows(min_row=2, values_only=True) if r[3] is not None]
    from_db = SubItemReport.objects.filter(assessment__office=office).values_list("answered", flat=True)
    assert len(ticks) == sum(from_db)
    assert book["หมวด 7"].max_row == 31


def test_offices_may_not_see_the_national_pages(filled, client_for, staff, other_staff):
    client = client_for(staff)
    assert client.get(reverse("reporting:national")).status_code == 403
    assert client.get(reverse("reporting:national-export")).status_code == 403
    assert client.get(reverse("reporting:office-export", args=[staff.membership.office.code])).status_code == 200
    assert client.get(reverse("reporting:office-export", args=[other_staff.membership.office.code])).status_code == 403


def test_demo_national_refuses_a_database_with_real_answers(catalogue, office):
    subitem = SubItem.objects.filter(catalogue=catalogue, reportable=True).first()
    report = report_get_or_create(office=office, subitem=subitem)
    SubItemReport.objects.filter(pk=report.pk).update(answered=1)
    with pytest.raises(CommandError, match="สำนักงานจริง"):
        demo(3)
    assert not Office.objects.filter(is_demo=True, code__startswith="DEMO-N-").exists()
    call_command("demo_national", offices=3, force=True, stdout=io.StringIO())
    assert Office.objects.filter(is_demo=True, code__startswith="DEMO-N-").count() == 3
    assert SubItemReport.objects.get(pk=report.pk).answered == 1  # the real office is untouched


def test_the_readiness_button_is_the_office_s_own_and_reviewers_get_the_workbook(filled, client_for, staff, reviewer):
    code = staff.membership.office.code
    readiness = reverse("reporting:readiness", args=[code])
    export = reverse("reporting:office-export", args=[code])
    own = client_for(staff).get(reverse("assessments:home", args=[code])).content.decode()
    central = client_for(reviewer).get(reverse("assessments:home", args=[code])).content.decode()
    assert readiness in own and export not in own
    assert readiness not in central and export in central


def test_the_countdown_is_in_thai(client_for, staff, catalogue):
    year = fiscal_year_ensure(year=catalogue.fiscal_year)
    now = clock.now()
    window_set(
        user=None,
        fiscal_year=year,
        office_opens_at=now - timedelta(days=1),
        office_closes_at=now + timedelta(days=6, hours=23, minutes=30),
        review_opens_at=now - timedelta(days=1),
        review_closes_at=now + timedelta(days=20),
    )
    page = client_for(staff).get(reverse("assessments:home", args=[staff.membership.office.code])).content.decode()
    assert "เหลือเวลาอีก 6 วัน 23 ชั่วโมง" in page
    for english in ("days", "hours", "minutes"):
        assert english not in page
