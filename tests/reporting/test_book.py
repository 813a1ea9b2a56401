"""The report book read back: pdftotext finds the Thai titles as stored, pdffonts the
embedded Sarabun, the outline every sub-item, and the page count is the book's own pages
plus every merged evidence page. Then the cache by content hash, the frozen submitted copy,
the answer form, readiness, the command and who may download."""

import io
import re
import subprocess
from datetime import timedelta

import pikepdf
import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from assessments.models import AnswerText, SubItem, SubItemReport
from evidence.models import Evidence
from orgprofile.models import ProfileAnswer, ProfileQuestion
from orgprofile.services import profile_image_upload
from reporting import book, services
from reporting.models import Book
from tests.evidence import corpus
from tests.reporting import bookfill
from tests.webforms import form_posting_to

pytestmark = pytest.mark.django_db


def as_laid_out(title: str) -> re.Pattern:
    """The title as pdftotext gives it back from a page: every character in order, its spaces
    as spaces or line breaks, and a line break (Thai wraps between letters) or pdftotext's own
    space after a tone mark allowed between letters."""
    parts = []
    for char in title:
        parts.append(r"\s+" if char == " " else re.escape(char) + r"\s*")
    return re.compile("".join(parts))


def squeeze(text: str) -> str:
    """pdftotext adds a space after a tone mark drawn left of its consonant's advance (its
    layout guess, not the text): compared without whitespace, every character in order."""
    return re.sub(r"\s+", "", text)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def filled(office, staff, reviewer):
    catalogue = bookfill.load_everything()
    bookfill.fill_profile(office)
    reports = bookfill.fill_answers(office, catalogue, user=staff, decided_by=reviewer)
    evidence = bookfill.fill_evidence(reports[:4], user=staff, data=corpus.valid_pdf(3), pages=3)
    # One file of another length, to tell the pages apart.
    evidence.append(
        bookfill.add_pdf(
            reports[5], kind_code="summary_report", name="รายงานสรุป.pdf", data=corpus.valid_pdf(5), user=staff, pages=5
        )
    )
    # A disarmed file: the office's own bytes (9 pages here) are kept for audit, never merged.
    disarmed = evidence[0]
    disarmed.original_file.save("original.pdf", ContentFile(corpus.valid_pdf(9)), save=False)
    disarmed.disarmed = ["javascript"]
    disarmed.save()
    bookfill.fill_indicators(office)
    return catalogue


@pytest.fixture
def built(filled, office, tmp_path):
    content = book.book_content(office=office, fiscal_year=2566)
    target = tmp_path / "book.pdf"
    result = book.book_build_to(content, str(target))
    return content, target, result


def local(row: Book, tmp_path) -> str:
    """The stored book as a local file, whatever the storage (disk, or S3 in make test's run 2)."""
    target = tmp_path / f"stored-{row.pk}.pdf"
    with row.file.open("rb") as handle:
        target.write_bytes(handle.read())
    return str(target)


def pdftotext(path, *args) -> str:
    return subprocess.run(
        ["pdftotext", "-raw", *args, str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_thai_titles_extract_as_stored(built):
    content, target, _result = built
    text = squeeze(pdftotext(target))
    titles = [q.title for q in ProfileQuestion.objects.filter(question_set__fiscal_year=2566)]
    assert len(titles) == 13
    raw = pdftotext(target)
    for title in titles:
        assert as_laid_out(title).search(raw), title
    for subitem in SubItem.objects.filter(catalogue__fiscal_year=2566, reportable=True):
        assert as_laid_out(subitem.title).search(raw), subitem.number
    assert "ลักษณะสำคัญขององค์การ" in text  # SARA AM and SARA AA each read back as typed
    assert squeeze(content.office.name) in text
    assert f"หน้า2จาก{_result.pages}" in text  # the cover has no footer; the count includes the evidence


def test_thai_font_embedded(built):
    _content, target, _result = built
    fonts = subprocess.run(["pdffonts", str(target)], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in fonts.splitlines()[2:]]
    sarabun = [row for row in rows if "Sarabun" in row[0]]
    assert {row[0].split("+")[1] for row in sarabun} == {"Sarabun", "Sarabun-Bold"}
    for row in sarabun:
        assert row[-5:-2] == ["yes", "yes", "yes"], row  # embedded, subset, with a text map


def test_outline_has_every_part_category_subitem_and_file(built):
    content, target, _result = built
    with pikepdf.open(target) as pdf, pdf.open_outline() as outline:
        titles = []

        def walk(items):
            for item in items:
                titles.append(item.title)
                walk(item.children)

        walk(outline.root)
    for part in content.subitems:
        assert f"{part.subitem.number} {part.subitem.title}" in titles
    for category in content.categories:
        assert any(t.startswith(f"หมวด {category.number} ") for t in titles)
    for heading in ("ส่วนที่ 1 ลักษณะสำคัญขององค์การ", "ส่วนที่ 3 หมวด 7 ผลลัพธ์การดำเนินการ", "ภาคผนวก เอกสารหลักฐาน"):
        assert heading in titles
    merged = [row for _part, row in content.merged]
    assert len(merged) == 5
    for row in merged:
        assert any(row.evidence.display_name in t for t in titles), row.evidence.display_name


def test_pages_are_the_books_own_plus_every_merged_evidence_page(built, tmp_path):
    content, target, result = built
    evidence_pages = 0
    for _part, row in content.merged:
        with row.evidence.file.open("rb") as handle, pikepdf.open(io.BytesIO(handle.read())) as pdf:
            evidence_pages += len(pdf.pages)
    assert evidence_pages == 4 * 3 + 5
    with pikepdf.open(target) as pdf:
        total = len(pdf.pages)
    # The book's own pages carry its footer; the merged evidence pages are the files' own.
    pages_text = pdftotext(target).split("\f")[:total]
    own = sum(1 for page in pages_text if re.search(r"หน้า \d+ จาก \d+", page))
    # Every footer is true: its number is the page's place in the merged file, its total the file's.
    for index, page in enumerate(pages_text, start=1):
        for number, of in re.findall(r"หน้า (\d+) จาก (\d+)", page):
            assert (int(number), int(of)) == (index, total), page[-80:]
    cover = 1  # the cover has no footer
    assert total == own + cover + evidence_pages
    assert (result.pages, result.evidence_pages) == (total, evidence_pages)
    # The merged pages are the files' own: 595 × 842 pt (the corpus), the book's A4 is 595.28 × 841.89.
    with pikepdf.open(target) as pdf:
        sizes = [[float(v) for v in page.mediabox] for page in pdf.pages]
    assert sum(1 for size in sizes if size == [0, 0, 595, 842]) == evidence_pages
    assert "โครงการฉบับเก่า.pdf" in pdftotext(target)  # listed in the index, as superseded
    superseded = Evidence.objects.get(original_name="โครงการฉบับเก่า.pdf")
    assert all(row.evidence.pk != superseded.pk for _p, row in content.merged)


def test_same_content_same_book_and_any_change_a_new_one(
    filled, office, staff, django_capture_on_commit_callbacks, tmp_path
):
    with django_capture_on_commit_callbacks(execute=True):
        first = services.book_request(user=staff, office=office, fiscal_year=2566)
    first.refresh_from_db()
    assert first.state == Book.State.READY and first.pages > 0
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again = services.book_request(user=staff, office=office, fiscal_year=2566)
    assert again.pk == first.pk and not callbacks  # nothing to make: the second download is instant
    text = AnswerText.objects.filter(report__assessment__office=office).first()
    AnswerText.objects.filter(pk=text.pk).update(text="ข้อความที่แก้ไขใหม่")
    with django_capture_on_commit_callbacks(execute=True):
        changed = services.book_request(user=staff, office=office, fiscal_year=2566)
    changed.refresh_from_db()
    assert changed.pk != first.pk and changed.content_hash != first.content_hash
    assert changed.state == Book.State.READY
    assert "ข้อความที่แก้ไขใหม่" in pdftotext(local(changed, tmp_path))


def test_submitted_copy_is_frozen_and_later_changes_make_drafts(
    filled, office, coordinator, django_capture_on_commit_callbacks, tmp_path
):
    with django_capture_on_commit_callbacks(execute=True):
        submitted = services.book_submit(user=coordinator, office=office, fiscal_year=2566)
    submitted.refresh_from_db()
    assert submitted.kind == Book.Kind.SUBMITTED and submitted.state == Book.State.READY
    assert submitted.submitted_by == coordinator and submitted.submitted_at is not None
    frozen_path = local(submitted, tmp_path)
    frozen = open(frozen_path, "rb").read()
    assert "ฉบับที่ส่ง" in pdftotext(frozen_path)
    AnswerText.objects.filter(report__assessment__office=office).update(text="แก้ไขหลังส่ง")
    with django_capture_on_commit_callbacks(execute=True):
        draft = services.book_request(user=coordinator, office=office, fiscal_year=2566)
    draft.refresh_from_db()
    assert draft.kind == Book.Kind.DRAFT and draft.pk != submitted.pk
    submitted.refresh_from_db()
    with submitted.file.open("rb") as handle:
        assert handle.read() == frozen
    assert "แก้ไขหลังส่ง" not in pdftotext(frozen_path)
    assert "ฉบับร่าง" in pdftotext(local(draft, tmp_path))


def test_page_generates_and_downloads_through_the_form(
    filled, office, staff, django_app, django_capture_on_commit_callbacks
):
    page = django_app.get(reverse("reporting:book", args=[office.code]), user=staff)
    assert "ยังไม่เคยจัดทำรูปเล่ม" in page.text
    form = form_posting_to(page, reverse("reporting:book-generate", args=[office.code]))
    with django_capture_on_commit_callbacks(execute=True):
        response = form.submit()
    response = response.follow()
    link = response.html.select_one("a.book-download")
    assert link is not None, response.text[:500]
    download = django_app.get(link["href"], user=staff)
    assert download.content_type == "application/pdf"
    assert download.body.startswith(b"%PDF")


def test_answer_form_and_readiness(filled, office, staff, client_for, tmp_path):
    client = client_for(staff)
    response = client.get(reverse("reporting:answer-form", args=[office.code, "1.1.1"]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    path = tmp_path / "form.pdf"
    path.write_bytes(response.content)
    text = squeeze(pdftotext(path))
    assert "แบบฟอร์มตอบประเด็น1.1.1" in text
    with pikepdf.open(path) as pdf:
        pages = len(pdf.pages)
    assert f"หน้า1จาก{pages}" in text and f"หน้า{pages}จาก{pages}" in text
    assert squeeze(f"{bookfill.TEXT} (1.1.1 ข้อ 1)") in text
    readiness = client.get(reverse("reporting:readiness", args=[office.code])).content.decode()
    block = readiness.split('data-subitem="1.1.1"')[1].split('data-subitem="')[0]
    assert "แบบฟอร์มตอบประเด็น" not in block  # made from the ten fields: not asked for


def test_command_writes_the_same_book(filled, office, tmp_path):
    target = tmp_path / "cmd.pdf"
    out = io.StringIO()
    call_command("report_book", office.code, str(target), "--year", "2566", stdout=out)
    assert target.read_bytes().startswith(b"%PDF")
    assert squeeze(SubItem.objects.get(catalogue__fiscal_year=2566, number="1.1.1").title) in squeeze(pdftotext(target))
    assert "หน้า" in out.getvalue()


def test_other_office_cannot_download(filled, office, other_staff, staff, reviewer, client_for):
    row = Book(office=office, fiscal_year=2566, content_hash="1" * 64, state=Book.State.READY, pages=1)
    row.file.save("b.pdf", io.BytesIO(corpus.valid_pdf(1)), save=False)
    row.save()
    url = reverse("reporting:book-download", args=[office.code, row.pk])
    assert client_for(other_staff).get(url).status_code == 403
    # Their own office's code with office A's book: not found.
    url_b = reverse("reporting:book-download", args=[other_staff.membership.office.code, row.pk])
    assert client_for(other_staff).get(url_b).status_code == 404
    assert client_for(reviewer).get(url).status_code == 200


def test_a_book_lost_with_its_worker_is_made_again(filled, office, staff, django_capture_on_commit_callbacks):
    content = book.book_content(office=office, fiscal_year=2566)
    lost = Book.objects.create(
        office=office,
        fiscal_year=2566,
        content_hash=book.content_hash(content),
        state=Book.State.BUILDING,
        requested_at=timezone.now() - services.STALE_AFTER - timedelta(seconds=1),
    )
    with django_capture_on_commit_callbacks(execute=True):
        fresh = services.book_request(user=staff, office=office, fiscal_year=2566)
    lost.refresh_from_db()
    fresh.refresh_from_db()
    assert fresh.pk != lost.pk and fresh.state == Book.State.READY
    assert lost.state == Book.State.FAILED and lost.error


def test_a_failed_build_leaves_the_row_failed_with_a_thai_message(
    filled, office, staff, django_capture_on_commit_callbacks, monkeypatch
):
    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(book, "book_build_to", broken)
    with django_capture_on_commit_callbacks(execute=True):
        row = services.book_request(user=staff, office=office, fiscal_year=2566)
    row.refresh_from_db()
    assert row.state == Book.State.FAILED and "ไม่สำเร็จ" in row.error and not row.file


def test_profile_pictures_are_in_the_book_and_only_the_offices_own(
    filled, office, other_office, staff, other_staff, tmp_path
):
    def picture(user, owner, colour):
        buffer = io.BytesIO()
        Image.new("RGB", (120, 80), colour).save(buffer, "PNG")
        return profile_image_upload(
            user=user, office=owner, upload=SimpleUploadedFile("p.png", buffer.getvalue(), "image/png")
        )

    own = picture(staff, office, "blue")
    foreign = picture(other_staff, other_office, "red")
    answer = ProfileAnswer.objects.filter(profile__office=office).order_by("question__number").first()
    ProfileAnswer.objects.filter(pk=answer.pk).update(
        html=f'<p>แผนภาพโครงสร้าง</p><p><img src="/profile/images/{own.pk}/"></p>'
        f'<p><img src="/profile/images/{foreign.pk}/"></p>'
    )
    content = book.book_content(office=office, fiscal_year=2566)
    target = tmp_path / "pictures.pdf"
    book.book_build_to(content, str(target))
    listed = subprocess.run(["pdfimages", "-list", str(target)], capture_output=True, text=True, check=True).stdout
    sizes = [line.split()[3:5] for line in listed.splitlines()[2:]]
    assert sizes.count(["120", "80"]) == 1  # the office's own picture; the other office's is not fetched


def test_reading_the_book_costs_the_same_queries_with_more_evidence(filled, office, staff, django_assert_num_queries):
    book.book_content(office=office, fiscal_year=2566)  # catalogue into memory
    with CaptureQueriesContext(connection) as few:
        book.book_content(office=office, fiscal_year=2566)
    reports = list(SubItemReport.objects.filter(assessment__office=office).order_by("subitem__order"))
    bookfill.fill_evidence(reports[6:], user=staff, data=corpus.valid_pdf(1), pages=1, per_subitem=2)
    with django_assert_num_queries(len(few.captured_queries)):
        book.book_content(office=office, fiscal_year=2566)


def test_the_book_page_is_of_the_year_shown(filled, office, staff, client_for):
    client = client_for(staff)
    page = client.get(reverse("reporting:book", args=[office.code]), {"year": "2566"})
    assert page.status_code == 200 and "รูปเล่มรายงาน ปีงบประมาณ พ.ศ. 2566" in page.content.decode()
    assert client.get(reverse("reporting:book", args=[office.code]), {"year": "2599"}).status_code == 404
