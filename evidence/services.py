"""Writes of the evidence app: upload, link, supersede, and the validation outcome.

Every office write calls orgprofile.access.office_edit_check first and
assessments.services.reports.report_touch after. Nothing here deletes a row or a file.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import EvidenceKind, Message, SubItemReport
from assessments.services.conversation import message_check, message_post, side_of
from assessments.services.reports import report_touch
from orgprofile.access import office_edit_check
from pmqa_site.tasks import enqueue_on_commit

from . import pdfcheck
from .models import Evidence, EvidenceAbsence, EvidenceEvent, EvidenceSource, EvidenceState, stored_name
from .validation import (
    budget_bytes,
    budget_check,
    clean_name,
    human_size,
    photo_max_bytes,
    photo_to_pdf,
    reason_for,
    sniff_kind,
)

logger = logging.getLogger(__name__)

MAX_CHECK_ATTEMPTS = 3
LINK_KIND_CODE = "photos_links"


def _budget_filter() -> Q:
    """Evidence that counts against the budget: active files not refused."""
    return Q(superseded_at__isnull=True, state__in=[EvidenceState.PENDING, EvidenceState.VALID]) & ~Q(
        source=EvidenceSource.LINK
    )


def _locked_used_bytes(report: SubItemReport) -> int:
    # Lock the report row so that two uploads at once cannot both fit in the same space.
    SubItemReport.objects.select_for_update().filter(pk=report.pk).first()
    return Evidence.objects.filter(_budget_filter(), report=report).aggregate(total=Sum("size"))["total"] or 0


def _kind_check(*, report: SubItemReport, kind: EvidenceKind) -> None:
    if kind.catalogue_id != report.subitem.catalogue_id:
        raise ValidationError(_("ประเภทเอกสารที่เลือกไม่ได้อยู่ในเกณฑ์ปีนี้"), code="kind")


def _sha256_of(uploaded) -> str:
    digest = hashlib.sha256()
    uploaded.seek(0)
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    return digest.hexdigest()


def _queue_check(evidence_id: int) -> None:
    enqueue_on_commit("evidence.validate", evidence_id)


def evidence_upload(
    *, report: SubItemReport, user, kind: EvidenceKind, uploaded, message: Message | None = None
) -> Evidence:
    """Store one uploaded PDF or photo as pending evidence and queue its check.

    `uploaded` is a Django UploadedFile (a temporary file on disk for anything but small
    files). A photo becomes a PDF here; the budget is checked on what would be stored,
    before anything is stored.
    """
    office_edit_check(user=user, office=report.assessment.office)
    _kind_check(report=report, kind=kind)
    name = clean_name(uploaded.name)
    if uploaded.size == 0:
        raise ValidationError(_("ไฟล์ “%(name)s” ว่างเปล่า (0 ไบต์)") % {"name": name}, code="empty")
    uploaded.seek(0)
    head = uploaded.read(16)
    uploaded.seek(0)
    file_type = sniff_kind(name=name, head=head)
    with transaction.atomic():
        used = _locked_used_bytes(report)
        if file_type == "pdf":
            budget_check(name=name, size=uploaded.size, used=used)
            content = File(uploaded)
            size = uploaded.size
            sha256 = _sha256_of(uploaded)
            source = EvidenceSource.PDF
        else:
            if uploaded.size > photo_max_bytes():
                raise ValidationError(
                    _("ไฟล์ภาพ “%(name)s” ขนาด %(size)s เกินขีดจำกัด %(limit)s ต่อภาพ")
                    % {"name": name, "size": human_size(uploaded.size), "limit": human_size(photo_max_bytes())},
                    code="photo",
                )
            data = photo_to_pdf(name=name, source=uploaded, remaining=max(budget_bytes() - used, 0))
            content = ContentFile(data)
            size = len(data)
            sha256 = hashlib.sha256(data).hexdigest()
            source = EvidenceSource.PHOTO
        evidence = Evidence(
            report=report,
            kind=kind,
            source=source,
            original_name=name,
            size=size,
            sha256=sha256,
            uploaded_by=user,
            message=message,
        )
        # The storage picks the generated name (models.stored_name) and copies chunk by chunk.
        evidence.file.save("upload.pdf", content, save=False)
        evidence.full_clean(exclude=["file"])
        evidence.save()
        EvidenceEvent.objects.create(
            evidence=evidence, action=EvidenceEvent.Action.UPLOADED, to_state=EvidenceState.PENDING, user=user
        )
        report_touch(report=report, user=user)
        _queue_check(evidence.pk)
    return evidence


@transaction.atomic
def message_send(
    *, report: SubItemReport, user, body: str, attachment=None, kind: EvidenceKind | None = None
) -> Message:
    """Post a message on a sub-item's conversation, with an optional file from the office.

    The file is evidence like any other: the same checks and the same 2 MB budget. Refused
    whole (no message, no file) when either is refused."""
    message_check(report=report, user=user, body=body)
    if attachment is not None:
        if side_of(user) != Message.Side.OFFICE:
            raise ValidationError(_("ส่วนกลางส่งข้อความได้ แต่ไฟล์หลักฐานต้องแนบโดยสำนักงาน"))
        if kind is None:
            raise ValidationError({"kind": _("กรุณาเลือกประเภทเอกสารของไฟล์ที่แนบ")})
    message = message_post(report=report, user=user, body=body)
    if attachment is not None:
        evidence_upload(report=report, user=user, kind=kind, uploaded=attachment, message=message)
    return message


@transaction.atomic
def evidence_link_add(*, report: SubItemReport, user, url: str, title: str) -> Evidence:
    """A link is evidence of the photos/links kind; it has no bytes and uses no budget."""
    office_edit_check(user=user, office=report.assessment.office)
    if urlsplit(url.strip()).scheme.lower() not in ("http", "https"):
        raise ValidationError(_("กรุณาใส่ลิงก์ของหน้าเว็บที่ขึ้นต้นด้วย http:// หรือ https://"), code="url")
    kind = EvidenceKind.objects.filter(catalogue_id=report.subitem.catalogue_id, code=LINK_KIND_CODE).first()
    if kind is None:
        raise ValidationError(_("เกณฑ์ปีนี้ไม่มีประเภทเอกสารสำหรับลิงก์"), code="kind")
    evidence = Evidence(
        report=report,
        kind=kind,
        source=EvidenceSource.LINK,
        url=url.strip(),
        title=title.strip(),
        state=EvidenceState.VALID,
        checked_at=timezone.now(),
        uploaded_by=user,
    )
    evidence.full_clean()
    evidence.save()
    EvidenceEvent.objects.create(
        evidence=evidence, action=EvidenceEvent.Action.LINKED, to_state=EvidenceState.VALID, user=user
    )
    report_touch(report=report, user=user)
    return evidence


@transaction.atomic
def evidence_absence_mark(*, report: SubItemReport, user, kind: EvidenceKind, reason: str) -> EvidenceAbsence:
    """The office has no document of `kind` for this sub-item: say so, with a reason."""
    office_edit_check(user=user, office=report.assessment.office)
    _kind_check(report=report, kind=kind)
    reason = (reason or "").strip()
    if len(reason) < 3:
        raise ValidationError(_("กรุณาระบุเหตุผลที่ไม่มีเอกสารนี้ อย่างน้อย 3 ตัวอักษร"), code="reason")
    absence, _created = EvidenceAbsence.objects.update_or_create(
        report=report, kind=kind, defaults={"reason": reason[:500], "marked_by": user, "marked_at": timezone.now()}
    )
    report_touch(report=report, user=user)
    return absence


@transaction.atomic
def evidence_supersede(*, evidence: Evidence, user, reason: str, replacement: Evidence | None = None) -> Evidence:
    """Withdraw a file or link with a reason, and name the one used instead when there is one
    (the guide: "ยกเลิก ไฟล์ใด และใช้ไฟล์ใดแทน"). It leaves the budget but stays listed and readable."""
    report = evidence.report
    office_edit_check(user=user, office=report.assessment.office)
    reason = (reason or "").strip()
    if len(reason) < 3:
        raise ValidationError(_("กรุณาระบุเหตุผลที่ยกเลิก อย่างน้อย 3 ตัวอักษร"), code="reason")
    if len(reason) > 500:
        raise ValidationError(_("เหตุผลที่ยกเลิกยาวเกิน 500 ตัวอักษร"), code="reason")
    locked = Evidence.objects.select_for_update().get(pk=evidence.pk)
    if locked.superseded_at is not None:
        raise ValidationError(_("รายการนี้ถูกยกเลิกไปแล้ว"), code="superseded")
    if replacement is not None and (
        replacement.pk == locked.pk
        or replacement.report_id != locked.report_id
        or replacement.superseded_at is not None
    ):
        raise ValidationError(_("ไฟล์ที่ใช้แทนต้องเป็นไฟล์อื่นของประเด็นเดียวกันที่ยังไม่ถูกยกเลิก"), code="replacement")
    locked.superseded_at = timezone.now()
    locked.superseded_by = user
    locked.supersede_reason = reason
    locked.replaced_by = replacement
    locked.save(update_fields=["superseded_at", "superseded_by", "supersede_reason", "replaced_by"])
    EvidenceEvent.objects.create(
        evidence=locked,
        action=EvidenceEvent.Action.SUPERSEDED,
        from_state=locked.state,
        to_state=locked.state,
        user=user,
        reason=reason,
    )
    report_touch(report=report, user=user)
    return locked


# --- Validation outcome (called by the task) ---------------------------------------------------


def _finish(
    *,
    evidence_id: int,
    state: str,
    reason: str = "",
    detail: str = "",
    page_count=None,
    disarmed_copy: str = "",
    disarmed: list[str] | None = None,
) -> bool:
    """Move a pending row to its final state; False when another run finished it first.

    `disarmed_copy` is the stored name of a copy without active content: it becomes the file
    that is served, and the bytes the office sent stay in `original_file`, never served."""
    with transaction.atomic():
        row = Evidence.objects.select_for_update().filter(pk=evidence_id, state=EvidenceState.PENDING).first()
        if row is None:
            return False
        row.state = state
        row.reason = reason[:500]
        row.check_detail = detail[:500]
        row.page_count = page_count
        row.checked_at = timezone.now()
        fields = ["state", "reason", "check_detail", "page_count", "checked_at"]
        if disarmed_copy:
            row.original_file.name = row.file.name
            row.file.name = disarmed_copy
            row.disarmed = disarmed or []
            fields += ["original_file", "file", "disarmed"]
        row.save(update_fields=fields)
        EvidenceEvent.objects.create(
            evidence=row,
            action=EvidenceEvent.Action.CHECKED,
            from_state=EvidenceState.PENDING,
            to_state=state,
            reason=reason[:500],
        )
    return True


def evidence_give_up(*, evidence_id: int) -> bool:
    attempts = Evidence.objects.filter(pk=evidence_id).values_list("attempts", flat=True).first() or 0
    return _finish(
        evidence_id=evidence_id,
        state=EvidenceState.REFUSED,
        reason=reason_for("unchecked", attempts=attempts),
        detail="gave up after repeated failures",
    )


def _local_path_or_copy(name: str, folder: str) -> str:
    """A path the checker can read: the file itself on local storage, else a copy in `folder`."""
    try:
        return default_storage.path(name)
    except NotImplementedError:
        path = os.path.join(folder, "checked.pdf")
        with open(path, "wb") as out, default_storage.open(name, "rb") as source:
            shutil.copyfileobj(source, out)
        return path


def evidence_check(*, evidence_id: int) -> str | None:
    """Check one pending file and record the verdict. Safe to run twice: a row that is no
    longer pending is left alone. Returns the final state, or None when nothing was decided
    (another run had it, or the check must be made again later)."""
    with transaction.atomic():
        row = Evidence.objects.select_for_update().filter(pk=evidence_id, state=EvidenceState.PENDING).first()
        if row is None:
            return None
        if row.attempts >= MAX_CHECK_ATTEMPTS:
            give_up = True
        else:
            give_up = False
            # Counted before the check starts, so a worker killed mid-check still counts.
            row.attempts += 1
            row.check_started_at = timezone.now()
            row.save(update_fields=["attempts", "check_started_at"])
    if give_up:
        evidence_give_up(evidence_id=evidence_id)
        return EvidenceState.REFUSED

    with tempfile.TemporaryDirectory(prefix="pmqa-check-") as folder:
        path = _local_path_or_copy(row.file.name, folder)
        verdict = pdfcheck.check_pdf_file(path, output=os.path.join(folder, "disarmed.pdf"))
        logger.info(
            "evidence %s checked: ok=%s code=%s disarmed=%s cpu_ms=%s",
            evidence_id,
            verdict.ok,
            verdict.code,
            ",".join(verdict.disarmed),
            verdict.cpu_ms,
        )
        if verdict.retry:
            return None  # left pending: the sweep (or the next look at the panel) checks it again
        if not verdict.ok:
            _finish(
                evidence_id=evidence_id,
                state=EvidenceState.REFUSED,
                reason=reason_for(verdict.code),
                detail=verdict.detail,
            )
            return EvidenceState.REFUSED
        twin = (
            Evidence.objects.filter(report_id=row.report_id, sha256=row.sha256, superseded_at__isnull=True)
            .filter(Q(state=EvidenceState.VALID) | Q(state=EvidenceState.PENDING, pk__lt=row.pk))
            .exclude(pk=row.pk)
            .first()
        )
        if twin is not None:
            _finish(
                evidence_id=evidence_id,
                state=EvidenceState.REFUSED,
                reason=reason_for("duplicate", name=twin.display_name),
                detail=f"same SHA-256 as evidence {twin.pk}",
            )
            return EvidenceState.REFUSED
        copy = ""
        if verdict.disarmed:
            with open(verdict.output, "rb") as disarmed:
                copy = default_storage.save(stored_name(row, "disarmed.pdf"), File(disarmed))
    if not _finish(
        evidence_id=evidence_id,
        state=EvidenceState.VALID,
        page_count=verdict.page_count,
        disarmed_copy=copy,
        disarmed=verdict.disarmed,
    ):
        return None
    return EvidenceState.VALID


def evidence_recheck_stale(*, report: SubItemReport) -> int:
    """Check again, now, the files of one report that a lost check left pending.

    Called when the panel is looked at: in the embedded default there is no beat to run the
    sweep, and a row must not say "กำลังตรวจสอบ" (and hold the office's budget) until a restart."""
    return evidence_sweep(stale_after=stale_after(), report=report)


def stale_after() -> timedelta:
    """How long a check may hold its row (settings.PMQA_EVIDENCE_STALE_SECONDS)."""
    return timedelta(seconds=settings.PMQA_EVIDENCE_STALE_SECONDS)


def evidence_sweep(*, stale_after: timedelta = timedelta(minutes=5), report: SubItemReport | None = None) -> int:
    """Finish rows a lost worker or a lost broker left pending: queue them again, or give up
    on those already tried MAX_CHECK_ATTEMPTS times. Returns how many rows it touched."""
    cutoff = timezone.now() - stale_after
    stale = Evidence.objects.filter(state=EvidenceState.PENDING)
    if report is not None:
        stale = stale.filter(report=report)
    stale = stale.filter(Q(check_started_at__lte=cutoff) | Q(check_started_at__isnull=True, uploaded_at__lte=cutoff))
    touched = 0
    for evidence_id, attempts in stale.values_list("pk", "attempts"):
        if attempts >= MAX_CHECK_ATTEMPTS:
            evidence_give_up(evidence_id=evidence_id)
        else:
            with transaction.atomic():
                _queue_check(evidence_id)
        touched += 1
    return touched


def evidence_reattach(*, report: SubItemReport, user, source: Evidence) -> Evidence:
    """Attach one of last year's files of the same sub-item again to this year's `report`.

    Nothing is carried silently: the file is stored again as a new upload of this year, of the
    kind with the same code, so it passes the current checks again (queued like any upload) and
    counts against this year's 2 MB budget. Last year's row is only read."""
    office = report.assessment.office
    office_edit_check(user=user, office=office, fiscal_year=report.subitem.catalogue.fiscal_year)
    source_report = source.report
    if (
        source_report.assessment.office_id != office.pk
        or report.subitem.previous_id is None
        or source_report.subitem_id != report.subitem.previous_id
    ):
        raise ValidationError(_("แนบอีกครั้งได้เฉพาะไฟล์ของประเด็นเดียวกันในปีก่อนของสำนักงานเดียวกัน"))
    if source.is_link or not source.is_active or source.state != EvidenceState.VALID:
        raise ValidationError(
            _("ไฟล์ “%(name)s” ของปีก่อนถูกยกเลิกหรือไม่ผ่านการตรวจสอบ จึงแนบอีกครั้งไม่ได้") % {"name": source.display_name}
        )
    if Evidence.objects.filter(report=report, reattached_from=source, superseded_at__isnull=True).exists():
        raise ValidationError(_("ไฟล์ “%(name)s” แนบในปีนี้แล้ว") % {"name": source.display_name})
    kind = EvidenceKind.objects.filter(catalogue_id=report.subitem.catalogue_id, code=source.kind.code).first()
    if kind is None:
        raise ValidationError(
            _("เกณฑ์ปีนี้ไม่มีประเภทเอกสาร “%(kind)s” จึงแนบไฟล์นี้อีกครั้งไม่ได้ กรุณาส่งไฟล์ใหม่") % {"kind": source.kind.title}
        )
    with transaction.atomic(), source.file.open("rb") as handle:
        evidence = evidence_upload(
            report=report, user=user, kind=kind, uploaded=File(handle, name=source.original_name)
        )
        Evidence.objects.filter(pk=evidence.pk).update(reattached_from=source)
        evidence.reattached_from = source
    return evidence
