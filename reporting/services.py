"""Writes of the top floor: asking for a report book and freezing the submitted one."""

from __future__ import annotations

import logging
import os
import tempfile
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from orgprofile.access import office_edit_check
from orgprofile.models import Office
from orgprofile.windows import year_edit_check
from pmqa_site.errors import EditRefused
from pmqa_site.roles import Role, role_of
from pmqa_site.tasks import enqueue_on_commit

from . import book
from .models import Book

logger = logging.getLogger(__name__)
BUILD_TASK = "reporting.book_build"
# A book queued or being made for longer than this was lost with its worker (the task's own
# hard limit is 300 s): it is marked failed and a new one is made.
STALE_AFTER = timedelta(minutes=10)


def book_request(*, user, office: Office, fiscal_year: int) -> Book:
    """The draft book of the office's data as it is now: the one already made when nothing
    changed since (instant), the one being made, or a new one queued for the task."""
    content = book.book_content(office=office, fiscal_year=fiscal_year)
    digest = book.content_hash(content)
    with transaction.atomic():
        existing = (
            Book.objects.select_for_update()
            .filter(office=office, fiscal_year=fiscal_year, kind=Book.Kind.DRAFT, content_hash=digest)
            .exclude(state=Book.State.FAILED)
            .order_by("-requested_at", "-pk")
            .first()
        )
        if existing is not None and not _lost(existing):
            return existing
        if existing is not None:
            Book.objects.filter(pk=existing.pk).update(
                state=Book.State.FAILED, finished_at=timezone.now(), error=_("การจัดทำค้างนานเกินไป ระบบเริ่มจัดทำใหม่")
            )
        draft = Book.objects.create(
            office=office,
            fiscal_year=fiscal_year,
            kind=Book.Kind.DRAFT,
            content_hash=digest,
            requested_by=user,
            step=_("รอคิว"),
        )
        enqueue_on_commit(BUILD_TASK, draft.pk)
    return draft


def _lost(row: Book) -> bool:
    return not row.is_done and row.requested_at < timezone.now() - STALE_AFTER


def book_submit(*, user, office: Office, fiscal_year: int) -> Book:
    """The coordinator submits the whole report: a copy of the book is frozen as the
    submitted version (its hash, who, when). Each submission is a new row; none is ever
    overwritten, and later changes only make new drafts."""
    office_edit_check(user=user, office=office)
    year_edit_check(fiscal_year=fiscal_year)
    if role_of(user) != Role.ESA_COORDINATOR:
        raise EditRefused(_("เฉพาะผู้ประสานงาน สพท. เท่านั้นที่ส่งรายงานทั้งฉบับได้"))
    now = timezone.now()
    content = book.book_content(
        office=office, fiscal_year=fiscal_year, kind=Book.Kind.SUBMITTED, submitted_by=user, submitted_at=now
    )
    with transaction.atomic():
        submitted = Book.objects.create(
            office=office,
            fiscal_year=fiscal_year,
            kind=Book.Kind.SUBMITTED,
            content_hash=book.content_hash(content),
            requested_by=user,
            submitted_by=user,
            submitted_at=now,
            step=_("รอคิว"),
        )
        enqueue_on_commit(BUILD_TASK, submitted.pk)
    return submitted


def _progress_writer(book_id: int):
    def write(percent: int, step: str) -> None:
        Book.objects.filter(pk=book_id).update(progress=min(max(percent, 0), 100), step=step[:200])

    return write


def book_build(*, book_id: int) -> str:
    """Make the book of row `book_id` (the task). Safe to run twice: a ready row is left as
    it is. A failure leaves the row failed with a Thai message, never "building"."""
    row = Book.objects.select_related("office", "submitted_by").get(pk=book_id)
    if row.state == Book.State.READY:
        return row.state
    Book.objects.filter(pk=row.pk).update(
        state=Book.State.BUILDING, started_at=timezone.now(), progress=1, step=_("อ่านข้อมูล"), error=""
    )
    progress = _progress_writer(row.pk)
    try:
        content = book.book_content(
            office=row.office,
            fiscal_year=row.fiscal_year,
            kind=row.kind,
            submitted_by=row.submitted_by,
            submitted_at=row.submitted_at,
        )
        digest = book.content_hash(content)
        with tempfile.TemporaryDirectory(prefix="pmqa-book-out-") as tmp:
            target = os.path.join(tmp, "book.pdf")
            built = book.book_build_to(content, target, progress=progress)
            size = os.path.getsize(target)
            row.content_hash = digest
            name = book.store_book_file(target, row.file.field.generate_filename(row, "book.pdf"))
    except Exception:
        logger.exception("report book %s failed", book_id)
        Book.objects.filter(pk=row.pk).update(
            state=Book.State.FAILED,
            finished_at=timezone.now(),
            step="",
            error=_("จัดทำรูปเล่มไม่สำเร็จ กรุณาลองใหม่อีกครั้ง หากยังไม่สำเร็จโปรดแจ้งผู้ดูแลระบบ"),
        )
        raise
    Book.objects.filter(pk=row.pk).update(
        state=Book.State.READY,
        content_hash=digest,
        file=name,
        size=size,
        pages=built.pages,
        evidence_pages=built.evidence_pages,
        evidence_files=built.evidence_files,
        seconds=built.seconds,
        progress=100,
        step=_("เสร็จแล้ว"),
        finished_at=timezone.now(),
    )
    return Book.State.READY
