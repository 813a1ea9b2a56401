"""A reviewer's look at the country in Chromium: the dashboard, filtered to สพม., sorted by
waiting items, one office opened, and the national workbook downloaded and read back."""

import io

import openpyxl
import pytest
from django.core.management import call_command

from assessments.models import ReviewState
from assessments.selectors import current_catalogue
from reporting.national import Filters, national
from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reviewer_filters_sorts_opens_an_office_and_downloads_the_workbook(page, reviewer, tmp_path):
    call_command("load_catalogue", verbosity=0)
    call_command("demo_national", offices=60, seed=11, stdout=io.StringIO())
    browser_login(page, reviewer.username)
    page.get_by_role("link", name="ภาพรวมประเทศ").click()
    page.wait_for_load_state("networkidle")
    assert "ภาพรวมระดับประเทศ" in page.locator("h1").inner_text()
    # The charts are drawn (Chart.js sizes each canvas it draws on).
    assert page.locator("canvas#chart-levels").get_attribute("style")

    page.get_by_label("ประเภท").select_option(label="สพม.")
    page.get_by_role("button", name="กรอง").click()
    page.wait_for_load_state("networkidle")
    page.locator("a[data-sort='waiting']").click()  # ascending
    page.locator("a[data-sort='waiting']").click()  # then most waiting first
    page.wait_for_load_state("networkidle")
    assert "desc=on" in page.url and "kind=spm" in page.url
    rows = page.locator("table.national-matrix tbody tr")
    assert rows.count() > 0
    kinds = rows.locator("th .small").all_inner_texts()
    assert all("สพม." in text for text in kinds)
    expected = national(
        catalogue=current_catalogue(), filters=Filters(kind="spm", sort="waiting", descending=True)
    ).rows
    codes = rows.evaluate_all("rows => rows.map(r => r.dataset.office)")
    assert codes == [r.code for r in expected][: len(codes)]
    page.screenshot(path=str(tmp_path / "national.png"), full_page=True)

    with page.expect_download() as download_info:
        page.locator("a[data-export='xlsx']").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    book = openpyxl.load_workbook(io.BytesIO(download.path().read_bytes()))
    header, *values = list(book["สรุปรายสำนักงาน"].iter_rows(values_only=True))
    by_code = {r.code: r for r in expected}
    assert len(values) == len(expected)
    for row in values:
        office = by_code[row[0]]
        assert row[header.index("รอการรับรองผล")] == office.state_count(ReviewState.AWAITING)
        assert row[header.index("รับรอง")] == office.certified

    first = rows.first.locator("th a")
    name = first.inner_text()
    first.click()
    page.wait_for_load_state("networkidle")
    assert name in page.content()
    assert f"/offices/{codes[0]}/" in page.url
