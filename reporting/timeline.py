"""One audit timeline, read from every store that records who did what.

Several stores feed it: django-simple-history (checklist ticks, answer texts, reporting
windows, extensions), the append-only ReviewEvent and EvidenceEvent, profile revisions,
messages, KRS sync runs and refused accesses. `timeline()` asks each source for its newest
rows under the same filters and merges them into one list, newest first, in Thai words:
who, what, when (B.E., Bangkok time), before → after. No internal ids reach a reader.

Paging is by time (keyset): the next page asks for entries older than the last one shown,
so a page costs one query per source whatever the page number.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments.models import (
    AnswerText,
    ChecklistAnswer,
    Level,
    Message,
    ReviewEvent,
    ReviewState,
    SubItemReport,
    YearEvent,
)
from evidence.models import EvidenceEvent, EvidenceState
from krs_integration.models import SyncOfficeResult, SyncRun
from orgprofile.models import Office, ProfileAnswerRevision, ReportingWindow, WindowExtension
from pmqa_site.models import RefusedAccess
from pmqa_site.thaidates import format_thai_datetime

from .models import Book

TEXT_PREVIEW = 160
VALUE_WORDS = {1: "1 (ดำเนินการจริง)", 0: "0 (ยังไม่มีแนวทาง)", None: "ยังไม่ตอบ"}


@dataclass(frozen=True)
class Kind:
    code: str
    label: object  # a lazy Thai string


KINDS = [
    Kind("answer", gettext_lazy("รายการตรวจสอบ")),
    Kind("text", gettext_lazy("แบบสรุปประเด็นการตอบ")),
    Kind("review", gettext_lazy("สถานะและการพิจารณา")),
    Kind("evidence", gettext_lazy("เอกสารหลักฐาน")),
    Kind("message", gettext_lazy("ข้อความสื่อสาร")),
    Kind("profile", gettext_lazy("ลักษณะสำคัญขององค์การ")),
    Kind("window", gettext_lazy("ช่วงเวลารายงาน")),
    Kind("year", gettext_lazy("ปีงบประมาณและการยกข้อมูลจากปีก่อน")),
    Kind("krs", gettext_lazy("ข้อมูลจาก KRS")),
    Kind("refused", gettext_lazy("การเข้าถึงที่ถูกปฏิเสธ")),
    Kind("book", gettext_lazy("รูปเล่มรายงานฉบับที่ส่ง")),
]
KIND_LABELS = {k.code: k.label for k in KINDS}


@dataclass(frozen=True)
class Entry:
    at: datetime
    kind: str
    who: str
    office: str  # the office's name, or "" for what concerns every office
    subject: str  # what it is about, in words: "ประเด็น 2.1", "ลักษณะสำคัญขององค์การ ข้อ (3)"
    action: str  # what happened, in words
    before: str = ""
    after: str = ""
    note: str = ""  # a reason, a file name

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def when(self) -> str:
        return format_thai_datetime(self.at)


@dataclass
class Filters:
    """What the reader asked for. `report` narrows to one sub-item of one office."""

    office: Office | None = None
    username: str = ""
    kinds: set[str] = field(default_factory=set)
    start: datetime | None = None
    end: datetime | None = None
    report: SubItemReport | None = None

    def wants(self, kind: str) -> bool:
        return not self.kinds or kind in self.kinds


@dataclass
class Page:
    entries: list[Entry]
    older: datetime | None  # pass as `before` for the next page; None on the last page


def _who(user, fallback: str = "") -> str:
    if user is None:
        return fallback or _("ระบบ")
    return user.get_full_name() or user.username


def _cut(text: str) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= TEXT_PREVIEW else text[: TEXT_PREVIEW - 1] + "…"


def _window(qs: QuerySet, date_field: str, f: Filters, before: datetime | None, limit: int) -> QuerySet:
    if f.start:
        qs = qs.filter(**{f"{date_field}__gte": f.start})
    if f.end:
        qs = qs.filter(**{f"{date_field}__lte": f.end})
    if before:
        qs = qs.filter(**{f"{date_field}__lt": before})
    return qs.order_by(f"-{date_field}")[:limit]


def _subitem(report) -> str:
    return _("ประเด็น %(n)s") % {"n": report.subitem.number}


# --- Sources ---------------------------------------------------------------------------------
# Each takes the filters, the cursor and a limit and yields entries newest first.


def _answers(f: Filters, before, limit) -> Iterable[Entry]:
    history = ChecklistAnswer.history.model
    previous = history.objects.filter(id=OuterRef("id"), history_date__lt=OuterRef("history_date")).order_by(
        "-history_date"
    )
    qs = history.objects.select_related("history_user", "item", "report__subitem", "report__assessment__office")
    qs = qs.annotate(before_value=Subquery(previous.values("value")[:1]))
    if f.report is not None:
        qs = qs.filter(report_id=f.report.pk)
    elif f.office is not None:
        qs = qs.filter(report__assessment__office=f.office)
    if f.username:
        qs = qs.filter(history_user__username=f.username)
    for row in _window(qs, "history_date", f, before, limit):
        level = Level(row.item.level).label
        yield Entry(
            at=row.history_date,
            kind="answer",
            who=_who(row.history_user),
            office=row.report.assessment.office.name,
            subject=_subitem(row.report),
            action=_("%(level)s ข้อ %(n)d: %(text)s")
            % {"level": level, "n": row.item.order, "text": _cut(row.item.text)},
            before=VALUE_WORDS.get(row.before_value, "") if row.history_type != "+" else VALUE_WORDS[None],
            after=VALUE_WORDS.get(row.value, ""),
        )


def _texts(f: Filters, before, limit) -> Iterable[Entry]:
    history = AnswerText.history.model
    previous = history.objects.filter(id=OuterRef("id"), history_date__lt=OuterRef("history_date")).order_by(
        "-history_date"
    )
    qs = history.objects.select_related("history_user", "field", "report__subitem", "report__assessment__office")
    qs = qs.annotate(before_text=Subquery(previous.values("text")[:1]))
    if f.report is not None:
        qs = qs.filter(report_id=f.report.pk)
    elif f.office is not None:
        qs = qs.filter(report__assessment__office=f.office)
    if f.username:
        qs = qs.filter(history_user__username=f.username)
    for row in _window(qs, "history_date", f, before, limit):
        yield Entry(
            at=row.history_date,
            kind="text",
            who=_who(row.history_user),
            office=row.report.assessment.office.name,
            subject=_subitem(row.report),
            action=_("แก้ไขหัวข้อ “%(t)s”") % {"t": row.field.title},
            before=_cut(row.before_text or ""),
            after=_cut(row.text),
        )


def _reviews(f: Filters, before, limit) -> Iterable[Entry]:
    qs = ReviewEvent.objects.select_related("actor", "report__subitem", "report__assessment__office")
    if f.report is not None:
        qs = qs.filter(report=f.report)
    elif f.office is not None:
        qs = qs.filter(report__assessment__office=f.office)
    if f.username:
        qs = qs.filter(actor__username=f.username)
    for row in _window(qs, "at", f, before, limit):
        if row.to_state == ReviewState.AWAITING:
            action = _("ส่งให้ส่วนกลางตรวจรับรอง")
        elif row.is_decision:
            action = _("ผลการพิจารณา: %(s)s") % {"s": ReviewState(row.to_state).label}
        else:
            action = _("สำนักงานแก้ไขหลังการพิจารณา")
        yield Entry(
            at=row.at,
            kind="review",
            who=_who(row.actor),
            office=row.report.assessment.office.name,
            subject=_subitem(row.report),
            action=action,
            before=ReviewState(row.from_state).label,
            after=ReviewState(row.to_state).label,
            note=row.reason,
        )


EVIDENCE_ACTIONS = {
    EvidenceEvent.Action.UPLOADED: gettext_lazy("ส่งไฟล์"),
    EvidenceEvent.Action.LINKED: gettext_lazy("เพิ่มลิงก์"),
    EvidenceEvent.Action.CHECKED: gettext_lazy("ระบบตรวจสอบไฟล์"),
    EvidenceEvent.Action.SUPERSEDED: gettext_lazy("ยกเลิก"),
}


def _evidence(f: Filters, before, limit) -> Iterable[Entry]:
    qs = EvidenceEvent.objects.select_related(
        "user", "evidence__kind", "evidence__report__subitem", "evidence__report__assessment__office"
    )
    if f.report is not None:
        qs = qs.filter(evidence__report=f.report)
    elif f.office is not None:
        qs = qs.filter(evidence__report__assessment__office=f.office)
    if f.username:
        qs = qs.filter(user__username=f.username)
    states = dict(EvidenceState.choices)
    for row in _window(qs, "at", f, before, limit):
        evidence = row.evidence
        yield Entry(
            at=row.at,
            kind="evidence",
            who=_who(row.user),
            office=evidence.report.assessment.office.name,
            subject=_subitem(evidence.report),
            action=f"{EVIDENCE_ACTIONS[row.action]}: {evidence.kind.title}",
            before=states.get(row.from_state, "") if row.from_state != row.to_state else "",
            after=states.get(row.to_state, "") if row.from_state != row.to_state else "",
            note=" · ".join(p for p in (evidence.display_name or evidence.url, row.reason) if p),
        )


def _messages(f: Filters, before, limit) -> Iterable[Entry]:
    qs = Message.objects.select_related("author", "report__subitem", "report__assessment__office")
    if f.report is not None:
        qs = qs.filter(report=f.report)
    elif f.office is not None:
        qs = qs.filter(report__assessment__office=f.office)
    if f.username:
        qs = qs.filter(author__username=f.username)
    for row in _window(qs, "created_at", f, before, limit):
        yield Entry(
            at=row.created_at,
            kind="message",
            who=_who(row.author),
            office=row.report.assessment.office.name,
            subject=_subitem(row.report),
            action=_("ข้อความจาก%(side)s") % {"side": row.get_side_display()},
            note=_cut(row.body),
        )


def _profile(f: Filters, before, limit) -> Iterable[Entry]:
    if f.report is not None:
        return
    qs = ProfileAnswerRevision.objects.select_related("created_by", "answer__question", "answer__profile__office")
    if f.office is not None:
        qs = qs.filter(answer__profile__office=f.office)
    if f.username:
        qs = qs.filter(created_by__username=f.username)
    for row in _window(qs, "saved_at", f, before, limit):
        yield Entry(
            at=row.saved_at,
            kind="profile",
            who=_who(row.created_by),
            office=row.answer.profile.office.name,
            subject=_("ลักษณะสำคัญขององค์การ ข้อ (%(n)d)") % {"n": row.answer.question.number},
            action=f"{row.get_kind_display()} {_('ฉบับที่')} {row.number}",
            after=_("ไม่เกี่ยวข้องกับส่วนราชการ") if row.not_applicable else "",
        )


def _windows(f: Filters, before, limit) -> Iterable[Entry]:
    if f.report is not None or f.office is not None:
        return
    history = ReportingWindow.history.model
    previous = history.objects.filter(id=OuterRef("id"), history_date__lt=OuterRef("history_date")).order_by(
        "-history_date"
    )
    qs = history.objects.select_related("history_user", "fiscal_year").annotate(
        before_opens=Subquery(previous.values("office_opens_at")[:1]),
        before_closes=Subquery(previous.values("office_closes_at")[:1]),
    )
    if f.username:
        qs = qs.filter(history_user__username=f.username)
    for row in _window(qs, "history_date", f, before, limit):
        was = (
            f"{format_thai_datetime(row.before_opens)} – {format_thai_datetime(row.before_closes)}"
            if row.before_opens
            else _("ยังไม่ได้กำหนด")
        )
        yield Entry(
            at=row.history_date,
            kind="window",
            who=_who(row.history_user),
            office="",
            subject=_("ช่วงเวลารายงาน ปีงบประมาณ %(y)d") % {"y": row.fiscal_year.year},
            action=_("กำหนดช่วงเวลาที่สำนักงานรายงานได้"),
            before=was,
            after=f"{format_thai_datetime(row.office_opens_at)} – {format_thai_datetime(row.office_closes_at)}",
        )


def _extensions(f: Filters, before, limit) -> Iterable[Entry]:
    if f.report is not None:
        return
    qs = WindowExtension.objects.select_related("created_by", "office", "window__fiscal_year")
    if f.office is not None:
        qs = qs.filter(office=f.office)
    if f.username:
        qs = qs.filter(created_by__username=f.username)
    for row in _window(qs, "created_at", f, before, limit):
        yield Entry(
            at=row.created_at,
            kind="window",
            who=_who(row.created_by),
            office=row.office.name,
            subject=_("ช่วงเวลารายงาน ปีงบประมาณ %(y)d") % {"y": row.window.fiscal_year.year},
            action=_("ขยายเวลาเฉพาะสำนักงาน"),
            after=f"{format_thai_datetime(row.starts_at)} – {format_thai_datetime(row.until)}",
            note=row.reason,
        )


def _years(f: Filters, before, limit) -> Iterable[Entry]:
    """Years opened, made current, mapped by hand, and offices' carries forward."""
    if f.report is not None:
        return
    qs = YearEvent.objects.select_related("actor", "office")
    if f.office is not None:
        qs = qs.filter(office=f.office)
    if f.username:
        qs = qs.filter(actor__username=f.username)
    for row in _window(qs, "at", f, before, limit):
        if row.kind == YearEvent.Kind.CARRIED:
            action = _("ยกข้อมูลจากปี %(p)s มาเป็นฉบับร่าง") % {"p": row.from_year}
        else:
            action = row.get_kind_display()
        yield Entry(
            at=row.at,
            kind="year",
            who=_who(row.actor),
            office=row.office.name if row.office else "",
            subject=_("ปีงบประมาณ %(y)d") % {"y": row.fiscal_year},
            action=action,
            note=row.note,
        )


def _krs(f: Filters, before, limit) -> Iterable[Entry]:
    if f.report is not None:
        return
    if f.office is not None:
        qs = SyncOfficeResult.objects.select_related("run__started_by", "office").filter(
            office=f.office, finished_at__isnull=False
        )
        if f.username:
            qs = qs.filter(run__started_by__username=f.username)
        for row in _window(qs, "finished_at", f, before, limit):
            yield Entry(
                at=row.finished_at,
                kind="krs",
                who=_who(row.run.started_by),
                office=row.office.name,
                subject=_("หมวด 7 ปีงบประมาณ %(y)d") % {"y": row.run.fiscal_year},
                action=f"{_('ปรับข้อมูลจาก KRS')} ({row.run.get_trigger_display()}): {row.get_status_display()}",
                note=_("เพิ่มใหม่ %(c)d ปรับปรุง %(u)d ปฏิเสธ %(r)d")
                % {"c": row.created_count, "u": row.updated_count, "r": row.refused_count},
            )
        return
    qs = SyncRun.objects.select_related("started_by")
    if f.username:
        qs = qs.filter(started_by__username=f.username)
    for row in _window(qs, "started_at", f, before, limit):
        yield Entry(
            at=row.started_at,
            kind="krs",
            who=_who(row.started_by),
            office="",
            subject=_("หมวด 7 ปีงบประมาณ %(y)d") % {"y": row.fiscal_year},
            action=f"{_('ปรับข้อมูลจาก KRS')} ({row.get_trigger_display()}): {row.get_status_display()}",
            note=_("สำเร็จ %(ok)d ไม่สำเร็จ %(failed)d จาก %(total)d สำนักงาน")
            % {"ok": row.offices_ok, "failed": row.offices_failed, "total": row.offices_total},
        )


def _refused(f: Filters, before, limit) -> Iterable[Entry]:
    if f.report is not None:
        return
    qs = RefusedAccess.objects.select_related("user")
    if f.office is not None:
        # Refusals of this office's own people, and of anyone on this office's pages.
        qs = qs.filter(Q(user__membership__office=f.office) | Q(path__contains=f"/offices/{f.office.code}/"))
    if f.username:
        qs = qs.filter(username=f.username)
    for row in _window(qs, "at", f, before, limit):
        yield Entry(
            at=row.at,
            kind="refused",
            who=_who(row.user, fallback=_("ผู้ที่ยังไม่ได้เข้าสู่ระบบ")),
            office="",
            subject=row.path,
            action=_("ถูกปฏิเสธการเข้าถึง"),
            note=row.reason,
        )


def _books(f: Filters, before, limit) -> Iterable[Entry]:
    """The coordinator's submissions of the whole report (the frozen books); drafts are reads."""
    if f.report is not None:
        return
    qs = Book.objects.filter(kind=Book.Kind.SUBMITTED).select_related("submitted_by", "office")
    if f.office is not None:
        qs = qs.filter(office=f.office)
    if f.username:
        qs = qs.filter(submitted_by__username=f.username)
    for row in _window(qs, "submitted_at", f, before, limit):
        yield Entry(
            at=row.submitted_at,
            kind="book",
            who=_who(row.submitted_by),
            office=row.office.name,
            subject=_("รูปเล่มรายงาน ปีงบประมาณ %(year)s") % {"year": row.fiscal_year},
            action=_("ส่งรายงานทั้งฉบับ"),
            note=_("รหัสตรวจสอบ %(hash)s") % {"hash": row.content_hash[:16]},
        )


SOURCES: list[tuple[str, Callable[[Filters, datetime | None, int], Iterable[Entry]]]] = [
    ("answer", _answers),
    ("text", _texts),
    ("review", _reviews),
    ("evidence", _evidence),
    ("message", _messages),
    ("profile", _profile),
    ("window", _windows),
    ("window", _extensions),
    ("year", _years),
    ("krs", _krs),
    ("refused", _refused),
    ("book", _books),
]


def timeline(*, filters: Filters, before: datetime | None = None, limit: int = 50) -> Page:
    """The newest `limit` entries older than `before`, from every source the filters admit,
    as one list, newest first. One query per source."""
    streams = [list(source(filters, before, limit + 1)) for kind, source in SOURCES if filters.wants(kind)]
    merged = list(islice(heapq.merge(*streams, key=lambda e: e.at, reverse=True), limit + 1))
    entries = merged[:limit]
    older = entries[-1].at if len(merged) > limit else None
    return Page(entries=entries, older=older)
