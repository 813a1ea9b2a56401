"""The report book in Chromium: office staff make their book, watch its progress and download
it; a reviewer downloads that office's book; another office's user cannot get it."""

import subprocess

import pytest

from tests.conftest import browser_login
from tests.evidence import corpus
from tests.reporting import bookfill

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def filled(office, staff, reviewer, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    catalogue = bookfill.load_everything()
    bookfill.fill_profile(office)
    reports = bookfill.fill_answers(office, catalogue, user=staff, decided_by=reviewer)
    # Enough evidence that making the book takes a few seconds: its progress is seen.
    bookfill.fill_evidence(reports, user=staff, data=corpus.valid_pdf_sized(pages=10, size=600_000), pages=10)
    bookfill.fill_indicators(office)
    return office


def download(page, tmp_path, name: str):
    with page.expect_download() as info:
        page.locator("a.book-download").click()
    target = tmp_path / name
    info.value.save_as(target)
    return target


def text_of(path) -> str:
    return subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_staff_makes_the_book_sees_progress_and_downloads_it(new_page, filled, staff, reviewer, other_staff, tmp_path):
    page = new_page()
    browser_login(page, staff.username)
    page.goto(f"{page.base_url}/offices/{filled.code}/")
    page.get_by_role("link", name="รูปเล่มรายงาน (PDF)").click()
    page.wait_for_load_state("networkidle")
    assert "รูปเล่มรายงาน ปีงบประมาณ พ.ศ. 2566" in page.locator("h1").inner_text()
    assert "ยังไม่เคยจัดทำรูปเล่ม" in page.locator("#book-status").inner_text()

    page.get_by_role("button", name="จัดทำรูปเล่มจากข้อมูลล่าสุด").click()
    # The server's progress, polled while the book is being made.
    building = page.locator(".book-status[data-state='building'] progress.book-progress")
    building.wait_for(timeout=30_000)
    assert page.locator(".book-status .book-step").inner_text().strip()
    page.locator("a.book-download").wait_for(timeout=90_000)
    assert "ดาวน์โหลดรูปเล่ม PDF" in page.locator("a.book-download").inner_text()

    book = download(page, tmp_path, "staff.pdf")
    assert book.read_bytes().startswith(b"%PDF")
    text = text_of(book)
    assert "ฉบับร่าง" in text and filled.code in text

    # Nothing changed: asking again gives the same book at once.
    page.get_by_role("button", name="จัดทำรูปเล่มจากข้อมูลล่าสุด").click()
    page.locator(".book-status[data-state='ready'] a.book-download").wait_for(timeout=10_000)
    assert download(page, tmp_path, "again.pdf").read_bytes() == book.read_bytes()

    # A reviewer downloads this office's book from the office's page.
    page2 = new_page()
    browser_login(page2, reviewer.username)
    page2.goto(f"{page2.base_url}/offices/{filled.code}/book/")
    reviewed = download(page2, tmp_path, "reviewer.pdf")
    assert reviewed.read_bytes() == book.read_bytes()  # same content, the same book

    # Another office's user gets the Thai refusal, for the page and for the file.
    page3 = new_page()
    browser_login(page3, other_staff.username)
    response = page3.goto(f"{page3.base_url}/offices/{filled.code}/book/")
    assert response.status == 403
    link = page.locator("a.book-download").get_attribute("href")
    assert page3.request.get(page3.base_url + link).status in (403, 404)
