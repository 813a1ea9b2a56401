"""The report book (รูปเล่มรายงาน): one office's PMQA report for one fiscal year as one PDF.

How it is made:

1. `book_content` reads everything the book shows, from the same selectors as the pages, in
   a fixed number of queries, and `content_hash` hashes it: the hash names the book, so the
   same content is never built twice and any change makes a new one.
2. The evidence files (only the checked, served copy: `Evidence.file`, never
   `original_file`) are copied to a temporary folder in chunks and their pages counted.
3. WeasyPrint lays out the HTML (templates/reporting/book/) with the vendored Sarabun: the
   cover, the contents with page numbers (CSS `target-counter`), parts 1-3, and for the
   appendix a divider page per file. Each divider is a named page whose rule jumps the page
   counter over the pages of the file merged before it, and the last page over the last
   file's, so the page numbers, the contents and "หน้า X จาก Y" (Y: the number of the last
   page) already count the evidence, without laying out a page per evidence page.
4. pikepdf inserts each file's pages after its divider (qpdf copies the streams from the
   open files when it writes, so memory stays bounded by the largest object, not the book)
   and rewrites the Thai font's text map (reporting.fonttext). The outline (PDF bookmarks)
   comes from the headings: parts, categories, sub-items and every appendix file.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf
import weasyprint
from django.conf import settings
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from weasyprint.urls import URLFetcher, URLFetcherResponse

from assessments import scoring
from assessments.catalogue_cache import catalogue_shape
from assessments.models import (
    LEVEL_ORDER,
    NO_LEVEL,
    AnswerText,
    Catalogue,
    Level,
    ReviewEvent,
    ReviewState,
    level_title,
)
from assessments.selectors import SubItemStatus, assessment_answers, generated_answer_form_available
from evidence.models import Evidence, EvidenceSource, EvidenceState
from evidence.validation import human_size
from krs_integration.models import Indicator
from orgprofile.models import Office, ProfileImage
from orgprofile.selectors import profile_sheet
from pmqa_site import clock
from pmqa_site.thaidates import format_thai_date, format_thai_datetime

from . import fonttext

logger = logging.getLogger(__name__)
# Raise it when the layout or the content read changes: books made before are then remade.
BOOK_FORMAT = 1
FONT_DIR = fonttext.FONT_DIR
COPY_CHUNK = 1024 * 1024
ANSWER_FORM_KIND = "answer_form"
CATEGORY7 = 7  # results: shown from KRS in part 3, not as a checklist

Progress = Callable[[int, str], None]


def _no_progress(percent: int, step: str) -> None:
    return None


@dataclass
class EvidenceRow:
    evidence: Evidence
    merged: bool  # its pages are in the appendix
    note: str  # why not, in Thai, when not merged
    pages: int = 0
    local_path: str = ""
    counter_jump: int = 1  # its divider page: itself plus the pages of the file merged before it

    @property
    def anchor(self) -> str:
        return f"ev-{self.evidence.pk}"

    @property
    def size_display(self) -> str:
        return human_size(self.evidence.size)


@dataclass
class SubItemPart:
    status: SubItemStatus
    texts: list[tuple[str, str]]  # (field title, text) in the fields' order
    decision: ReviewEvent | None
    evidence: list[EvidenceRow]
    answer_form_generated: bool

    @property
    def subitem(self):
        return self.status.subitem

    @property
    def anchor(self) -> str:
        return "sub-" + self.subitem.number.replace(".", "-")

    is_reported = True

    @property
    def levels(self) -> list[dict]:
        rows = []
        for level, items in self.subitem.items_by_level:
            rows.append(
                {"title": level_title(level), "items": [(item, self.status.values.get(item.id)) for item in items]}
            )
        return rows

    @property
    def level_label(self) -> str:
        level = self.status.level
        return level_title(level) if level else str(NO_LEVEL)


@dataclass
class CategoryPart:
    number: int
    title: str
    subitems: list[SubItemPart] = field(default_factory=list)
    # In the catalogue's order: SubItemPart, or the SubItemShape of a sub-item offices do not
    # report (1.2, with the guide's reason).
    entries: list = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return f"cat-{self.number}"

    @property
    def share(self) -> scoring.Share:
        total = scoring.Share(0, 0)
        for part in self.subitems:
            total = total + part.status.share
        return total


@dataclass
class DimensionPart:
    code: str
    title: str
    indicators: list[Indicator]


@dataclass
class BookContent:
    office: Office
    catalogue: Catalogue
    kind: str
    profile: object  # orgprofile.selectors.ProfileSheet
    categories: list[CategoryPart]
    dimensions: list[DimensionPart]
    submitted_by: object = None
    submitted_at: object = None

    @property
    def fiscal_year(self) -> int:
        return self.catalogue.fiscal_year

    @property
    def subitems(self) -> list[SubItemPart]:
        return [s for c in self.categories for s in c.subitems]

    @property
    def share(self) -> scoring.Share:
        total = scoring.Share(0, 0)
        for category in self.categories:
            total = total + category.share
        return total

    @property
    def stage(self) -> int | None:
        return scoring.stage(s.status.level for s in self.subitems)

    @property
    def merged(self) -> list[tuple[SubItemPart, EvidenceRow]]:
        return [(s, row) for s in self.subitems for row in s.evidence if row.merged]


def _person(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.username


def book_content(*, office: Office, fiscal_year: int, kind: str = "draft", submitted_by=None, submitted_at=None):
    """Everything the book shows, read in a fixed number of queries (not one per sub-item)."""
    catalogue = Catalogue.objects.get(fiscal_year=fiscal_year)
    shape = catalogue_shape(catalogue)
    statuses = assessment_answers(office=office, catalogue=catalogue)
    report_ids = [s.report.pk for s in statuses if s.report is not None]
    texts: dict[int, dict[int, str]] = {}
    for report_id, field_id, text in AnswerText.objects.filter(report_id__in=report_ids).values_list(
        "report_id", "field_id", "text"
    ):
        texts.setdefault(report_id, {})[field_id] = text
    decisions: dict[int, ReviewEvent] = {}
    for event in (
        ReviewEvent.objects.filter(
            report_id__in=report_ids, to_state__in=[ReviewState.CERTIFIED, ReviewState.NOT_CERTIFIED]
        )
        .select_related("actor")
        .order_by("at", "pk")
    ):
        decisions[event.report_id] = event
    evidence: dict[int, list[EvidenceRow]] = {}
    for item in (
        Evidence.objects.filter(report_id__in=report_ids)
        .select_related("kind", "uploaded_by", "superseded_by")
        .order_by("kind__order", "uploaded_at", "pk")
    ):
        if item.superseded_at is not None:
            merged, note = False, _("ยกเลิกแล้ว ไม่รวมในเล่ม")
        elif item.source == EvidenceSource.LINK:
            merged, note = False, _("ลิงก์")
        elif item.state != EvidenceState.VALID or not item.file:
            merged, note = False, _("ยังไม่ผ่านการตรวจสอบ ไม่รวมในเล่ม")
        else:
            merged, note = True, ""
        evidence.setdefault(item.report_id, []).append(
            EvidenceRow(evidence=item, merged=merged, note=note, pages=item.page_count or 0)
        )
    required = len(shape.required_field_ids)
    categories = {c.id: CategoryPart(number=c.number, title=c.title) for c in shape.categories if c.number < CATEGORY7}
    by_subitem = {status.subitem.id: status for status in statuses}
    for subitem in shape.subitems:
        category = categories.get(subitem.category_id)
        if category is None:
            continue
        status = by_subitem.get(subitem.id)
        if status is None:
            category.entries.append(subitem)
            continue
        report_id = status.report.pk if status.report else None
        own = texts.get(report_id, {})
        category.subitems.append(
            SubItemPart(
                status=status,
                texts=[(f.title, own.get(f.id, "")) for f in shape.answer_fields],
                decision=decisions.get(report_id),
                evidence=evidence.get(report_id, []),
                answer_form_generated=generated_answer_form_available(
                    fields_filled=status.filled_fields, required=required
                ),
            )
        )
        category.entries.append(category.subitems[-1])
    indicators: dict[str, list[Indicator]] = {}
    for indicator in Indicator.objects.filter(
        office=office, fiscal_year=fiscal_year, withdrawn_at__isnull=True
    ).order_by("dimension_code", "code"):
        indicators.setdefault(indicator.dimension_code, []).append(indicator)
    dimensions = [
        DimensionPart(code=d.code, title=d.title, indicators=indicators.get(d.code, []))
        for d in catalogue.result_dimensions.order_by("code")
    ]
    return BookContent(
        office=office,
        catalogue=catalogue,
        kind=kind,
        profile=profile_sheet(office=office, fiscal_year=fiscal_year),
        categories=list(categories.values()),
        dimensions=dimensions,
        submitted_by=submitted_by,
        submitted_at=submitted_at,
    )


def content_hash(content: BookContent) -> str:
    """SHA-256 of everything in the book, in a stable order (not the moment it is printed)."""
    profile = content.profile
    data = {
        "format": BOOK_FORMAT,
        "kind": content.kind,
        "submitted": [_person(content.submitted_by), content.submitted_at.isoformat() if content.submitted_at else ""],
        "office": [content.office.code, content.office.name],
        "catalogue": [content.catalogue.fiscal_year, content.catalogue.loaded_at.isoformat()],
        "profile": [
            [
                row.question.pk,
                row.question.title,
                row.answer.html if row.answer else "",
                bool(row.answer and row.answer.not_applicable),
            ]
            for row in profile.rows
        ],
        "subitems": [
            {
                "n": part.subitem.number,
                "state": part.status.state,
                "values": sorted(part.status.values.items()),
                "texts": part.texts,
                "decision": [part.decision.pk, part.decision.reason] if part.decision else None,
                "evidence": [
                    [
                        row.evidence.pk,
                        row.evidence.sha256,
                        row.evidence.state,
                        row.evidence.superseded_at.isoformat() if row.evidence.superseded_at else "",
                        row.evidence.display_name,
                        row.evidence.url,
                        row.evidence.page_count,
                    ]
                    for row in part.evidence
                ],
            }
            for part in content.subitems
        ],
        "krs": [
            [i.code, i.name, str(i.target), str(i.result), i.unit, i.achieved, i.last_synced_at.isoformat()]
            for d in content.dimensions
            for i in d.indicators
        ],
    }
    return hashlib.sha256(json.dumps(data, ensure_ascii=False, sort_keys=True, default=str).encode()).hexdigest()


# --- Rendering ---------------------------------------------------------------------------------


def _fonts_css() -> str:
    regular = (FONT_DIR / "Sarabun-Regular.ttf").as_uri()
    bold = (FONT_DIR / "Sarabun-Bold.ttf").as_uri()
    return (
        f'@font-face {{ font-family: "Sarabun"; font-weight: 400; src: url("{regular}"); }}\n'
        f'@font-face {{ font-family: "Sarabun"; font-weight: 700; src: url("{bold}"); }}\n'
    )


class _BookFetcher(URLFetcher):
    """Pictures of the office's own profile, read from storage, and the vendored fonts;
    nothing else is fetched (no network, no other office's pictures, no other local file)."""

    def __init__(self, office: Office):
        super().__init__(allowed_protocols=("file", "http", "https"))
        self.office = office
        self.font_prefix = FONT_DIR.as_uri() + "/"

    def fetch(self, url, headers=None):
        if url.startswith(self.font_prefix):
            return super().fetch(url, headers)
        marker = "/profile/images/"
        if marker in url:
            key = url.split(marker, 1)[1].strip("/").split("/")[0]
            try:
                image = ProfileImage.objects.filter(pk=uuid.UUID(key), office=self.office).first()
            except ValueError:
                image = None
            if image is not None:
                with image.file.open("rb") as handle:
                    return URLFetcherResponse(url, body=handle.read(), headers={"Content-Type": image.content_type})
        raise ValueError(f"not fetched: {url[:80]}")


class _LayoutProgress(logging.Handler):
    """WeasyPrint logs "Step 5 - Creating layout - Page N" on its progress logger: turned
    into the task's progress (between `start` and `end` percent) at most twice a second."""

    def __init__(self, progress: Progress, *, pages: int, start: int, end: int):
        super().__init__(level=logging.INFO)
        self.progress, self.pages, self.start, self.end = progress, max(pages, 1), start, end
        self.last = 0.0
        # The logger is the process's: another thread's book (a threaded web server running
        # tasks eagerly) must not move this one's bar.
        self.thread = threading.get_ident()

    def emit(self, record):
        if record.thread != self.thread:
            return
        message = record.getMessage()
        if "Page" not in message or time.monotonic() - self.last < 0.5:
            return
        try:
            page = int(message.rsplit(" ", 1)[1])
        except ValueError:
            return
        self.last = time.monotonic()
        share = min(page / self.pages, 1)
        self.progress(self.start + round((self.end - self.start) * share), _("จัดหน้าเล่ม หน้า %(page)s") % {"page": page})


def render_pdf(html: str, *, office: Office, target: str, progress: Progress = _no_progress, **layout) -> list:
    """HTML → PDF at `target` with WeasyPrint; returns the laid-out pages (for anchors)."""
    handler = _LayoutProgress(progress, **layout) if layout else None
    progress_logger = logging.getLogger("weasyprint.progress")
    if handler:
        progress_logger.addHandler(handler)
        old_level, old_propagate = progress_logger.level, progress_logger.propagate
        progress_logger.setLevel(logging.INFO)
        progress_logger.propagate = False  # for the progress bar, not for the log
    try:
        document = weasyprint.HTML(
            string=html, base_url=str(settings.BASE_DIR), url_fetcher=_BookFetcher(office)
        ).render()
    finally:
        if handler:
            progress_logger.removeHandler(handler)
            progress_logger.setLevel(old_level)
            progress_logger.propagate = old_propagate
    document.write_pdf(target)
    return document.pages


def _page_of_anchor(pages) -> dict[str, int]:
    found = {}
    for index, page in enumerate(pages):
        for anchor in page.anchors:
            found.setdefault(anchor, index)
    return found


def _copy_evidence(rows: list[EvidenceRow], folder: Path, progress: Progress) -> None:
    """Each merged file to a local temporary file (chunk by chunk: S3 or disk alike), and its
    real page count (the appendix reserves exactly that many pages)."""
    for position, row in enumerate(rows, start=1):
        local = folder / f"{row.evidence.pk}.pdf"
        with row.evidence.file.open("rb") as source, open(local, "wb") as out:
            shutil.copyfileobj(source, out, COPY_CHUNK)
        with pikepdf.open(local) as pdf:
            row.pages = len(pdf.pages)
        row.local_path = str(local)
        if position % 5 == 0 or position == len(rows):
            progress(
                5 + round(20 * position / len(rows)),
                _("อ่านเอกสารหลักฐาน %(n)s จาก %(total)s ไฟล์") % {"n": position, "total": len(rows)},
            )


@dataclass
class BuiltBook:
    pages: int
    own_pages: int
    evidence_pages: int
    evidence_files: int
    seconds: float


def book_context(content: BookContent, *, generated_at) -> dict:
    previous = 0
    for _part, row in content.merged:
        row.counter_jump = 1 + previous
        previous = row.pages
    return {
        "end_jump": 1 + previous,
        "content": content,
        "office": content.office,
        "fonts_css": _fonts_css(),
        **_header(content.office, content.fiscal_year),
        "generated_at": generated_at,
        "generated_display": format_thai_datetime(generated_at, short=False),
        "levels": [(level.value, level.label) for level in LEVEL_ORDER],
        "state_labels": dict(ReviewState.choices),
        "is_submitted": content.kind == "submitted",
        "submitted_display": format_thai_datetime(content.submitted_at, short=False) if content.submitted_at else "",
        "submitted_by_name": _person(content.submitted_by),
        "stage_title": level_title(_stage_level(content.stage)) if content.stage else str(NO_LEVEL),
    }


def _header(office: Office, fiscal_year: int) -> dict:
    """The running header's texts as CSS strings (JSON's escaping of quotes suits CSS)."""
    return {
        "header_office": json.dumps(office.name, ensure_ascii=False),
        "header_year": json.dumps(_("ปีงบประมาณ พ.ศ. %(year)s") % {"year": fiscal_year}, ensure_ascii=False),
    }


def _stage_level(points: int | None) -> Level | None:
    return {300: Level.BASIC, 400: Level.ADVANCE, 500: Level.SIGNIFICANCE}.get(points)


def book_build_to(content: BookContent, target: str, *, progress: Progress = _no_progress) -> BuiltBook:
    """Write the whole book of `content` to the file `target`."""
    started = time.monotonic()
    merged = content.merged
    with tempfile.TemporaryDirectory(prefix="pmqa-book-") as tmp:
        folder = Path(tmp)
        progress(5, _("อ่านเอกสารหลักฐาน"))
        _copy_evidence([row for _part, row in merged], folder, progress)
        evidence_pages = sum(row.pages for _part, row in merged)
        html = render_to_string("reporting/book/book.html", book_context(content, generated_at=clock.now()))
        progress(25, _("จัดหน้าเล่ม"))
        laid_out = folder / "book.pdf"
        pages = render_pdf(
            html,
            office=content.office,
            target=str(laid_out),
            progress=progress,
            pages=len(content.subitems) * 3 + len(merged) + 20,
            start=25,
            end=70,
        )
        anchors = _page_of_anchor(pages)
        progress(75, _("รวมเอกสารหลักฐานเข้าเล่ม"))
        with pikepdf.open(laid_out) as book:
            opened = []
            try:
                # From the last file to the first, so that each divider's index still holds.
                for position, (_part, row) in enumerate(reversed(merged), start=1):
                    divider = anchors[row.anchor]
                    source = pikepdf.open(row.local_path)
                    opened.append(source)
                    for offset, page in enumerate(source.pages, start=1):
                        book.pages.insert(divider + offset, page)
                    if position % 10 == 0:
                        progress(
                            75 + round(15 * position / len(merged)),
                            _("รวมเอกสารหลักฐาน %(n)s จาก %(total)s ไฟล์") % {"n": position, "total": len(merged)},
                        )
                fonttext.fix_text_maps(book)
                book.docinfo["/Title"] = _("รายงานผลการดำเนินการ PMQA 4.0 %(office)s ปีงบประมาณ %(year)s") % {
                    "office": content.office.name,
                    "year": content.fiscal_year,
                }
                book.docinfo["/Author"] = content.office.name
                progress(92, _("บันทึกไฟล์"))
                book.save(target, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
            finally:
                for source in opened:
                    source.close()
        own = len(pages)
    return BuiltBook(
        pages=own + evidence_pages,
        own_pages=own,
        evidence_pages=evidence_pages,
        evidence_files=len(merged),
        seconds=time.monotonic() - started,
    )


def store_book_file(path: str, name: str) -> str:
    """Put a built file into the storage (disk or S3) without reading it whole."""
    with open(path, "rb") as handle:
        return default_storage.save(name, handle)


# --- The answer form of one sub-item --------------------------------------------------------


def answer_form_pdf(*, office: Office, part: SubItemPart, catalogue: Catalogue, target: str) -> int:
    """แบบฟอร์มตอบประเด็น of one sub-item, laid out from its ten fields; returns its pages."""
    html = render_to_string(
        "reporting/book/answer_form.html",
        {
            "office": office,
            "part": part,
            "catalogue": catalogue,
            "fonts_css": _fonts_css(),
            **_header(office, catalogue.fiscal_year),
            "generated_display": format_thai_date(clock.now()),
        },
    )
    with tempfile.TemporaryDirectory(prefix="pmqa-form-") as tmp:
        laid_out = os.path.join(tmp, "form.pdf")
        pages = render_pdf(html, office=office, target=laid_out)
        with pikepdf.open(laid_out) as pdf:
            fonttext.fix_text_maps(pdf)
            pdf.save(target)
    return len(pages)


def subitem_part(*, content: BookContent, number: str) -> SubItemPart | None:
    return next((s for s in content.subitems if s.subitem.number == number), None)
