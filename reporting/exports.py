"""Excel and CSV out of the national read model and one office's assessment.

openpyxl in write-only mode streams rows to the file (memory stays flat with the number of
offices). Thai sheet names and headers; dates are real Excel dates in Bangkok time shown in
the Buddhist Era (number format with calendar 07); numbers are numbers. The CSV is the first
sheet as a flat table, byte for byte the same for the same data (nothing of the moment in it).
"""

from __future__ import annotations

import csv
import datetime
import io
from collections import defaultdict

from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font

from assessments.catalogue_cache import catalogue_shape
from assessments.models import (
    LEVEL_POINTS,
    NO_LEVEL,
    QUEUE_STATES,
    AnswerText,
    ChecklistAnswer,
    Level,
    ReviewEvent,
    ReviewState,
    SubItemReport,
)
from evidence.models import Evidence
from krs_integration.models import Indicator
from orgprofile.models import Office, ProfileAnswer
from pmqa_site import clock
from pmqa_site.thaidates import local

from .national import CATEGORY7, DECIDED, National
from .year_over_year import NationalYears

# Excel's Thai Buddhist calendar (07) in the number format: 2 ธ.ค. 2569 in Excel and LibreOffice.
BE_DATE = "[$-1070000]d/m/yyyy"
BE_DATETIME = "[$-1070000]d/m/yyyy h:mm"
FRACTION = "0.0000"
PERCENT = "0.00"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _naive(value: datetime.datetime | None) -> datetime.datetime | None:
    """Excel has no time zones: the Bangkok wall-clock time."""
    return local(value).replace(tzinfo=None) if value else None


def level_label(level: str) -> str:
    return str(Level(level).label) if level else str(NO_LEVEL)


class Sheet:
    """A write-only sheet with a bold header row and typed cells."""

    def __init__(self, workbook: Workbook, title: str, headers: list[str], widths: dict[int, int] | None = None):
        self.sheet = workbook.create_sheet(title=title[:31])
        for column, width in (widths or {}).items():
            self.sheet.column_dimensions[chr(ord("A") + column)].width = width
        self.sheet.freeze_panes = "C2"
        bold = Font(bold=True)
        self.sheet.append([self._cell(h, font=bold) for h in headers])

    def _cell(self, value, *, font=None, number_format=None):
        cell = WriteOnlyCell(self.sheet, value=value)
        if font:
            cell.font = font
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        if number_format:
            cell.number_format = number_format
        return cell

    def date(self, value: datetime.datetime | None, *, with_time: bool = False):
        return self._cell(_naive(value), number_format=BE_DATETIME if with_time else BE_DATE)

    def number(self, value, number_format: str):
        return self._cell(value, number_format=number_format)

    def append(self, values: list) -> None:
        self.sheet.append(values)


def national_summary_rows(national: National) -> tuple[list[str], list[list]]:
    """The first sheet (and the CSV): one row per office, plain values."""
    headers = [
        _("รหัสสำนักงาน"),
        _("ชื่อสำนักงาน"),
        _("ประเภท"),
        _("จังหวัด"),
        _("ความคืบหน้า"),
        _("ประเด็นที่ต้องรายงาน"),
        _("ยังไม่ได้รายงาน"),
        _("รอการรับรองผล"),
        _("มีข้อมูลใหม่"),
        _("รับรอง"),
        _("ไม่รับรอง"),
        _("สัดส่วนคะแนน หมวด 1-6"),
        _("ร้อยละ หมวด 1-6"),
        _("ขั้น (คะแนน)"),
    ]
    for number in national.category_numbers:
        headers += [_("ร้อยละ หมวด %(n)s") % {"n": number}, _("ระดับ หมวด %(n)s") % {"n": number}]
    headers += [_("หมวด 7 ตัวชี้วัด"), _("หมวด 7 บรรลุเป้าหมาย"), _("หมวด 7 ร้อยละ")]
    rows = []
    for row in national.rows:
        values = [
            row.code,
            row.name,
            row.kind_label,
            row.province,
            row.progress_label,
            row.subitems,
            row.state_count(ReviewState.NOT_REPORTED),
            row.state_count(ReviewState.AWAITING),
            row.state_count(ReviewState.NEW_DATA),
            row.state_count(ReviewState.CERTIFIED),
            row.state_count(ReviewState.NOT_CERTIFIED),
            float(row.score.fraction),
            float(row.score.percent),
            row.stage,
        ]
        for number in national.category_numbers:
            cell = row.cells[number]
            values += [float(cell.score.percent), level_label(cell.level)]
        values += [row.category7.indicators, row.category7.achieved, float(row.category7.share.percent)]
        rows.append(values)
    return headers, rows


def national_csv(national: National) -> bytes:
    headers, rows = national_summary_rows(national)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headers)
    for values in rows:
        writer.writerow(["" if v is None else (f"{v:.4f}" if isinstance(v, float) else v) for v in values])
    # A byte-order mark: Excel opens UTF-8 Thai correctly only with it.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def national_workbook(national: National, stream, *, year_over_year: NationalYears | None = None) -> None:
    """Write the national workbook to `stream` (a file or a BytesIO); with `year_over_year`, a
    sheet with this year and last year side by side."""
    workbook = Workbook(write_only=True)
    headers, rows = national_summary_rows(national)
    summary = Sheet(workbook, _("สรุปรายสำนักงาน"), headers, {0: 14, 1: 44, 4: 22})
    formats = {11: FRACTION, 12: PERCENT}
    for number_index in range(len(national.category_numbers)):
        formats[14 + number_index * 2] = PERCENT
    formats[len(headers) - 1] = PERCENT
    for values in rows:
        summary.append([summary.number(v, formats[i]) if i in formats else v for i, v in enumerate(values)])

    _category_sheets(workbook, national)
    _category7_sheet(workbook, national)
    _queue_sheet(workbook, national)
    if year_over_year is not None:
        _year_over_year_sheet(workbook, year_over_year)
    workbook.save(stream)


def _category_sheets(workbook: Workbook, national: National) -> None:
    shape = national.shape
    office_ids = [row.id for row in national.rows]
    reports: dict[tuple[int, int], dict] = {}
    for report in (
        SubItemReport.objects.filter(assessment__catalogue=national.catalogue, assessment__office_id__in=office_ids)
        .values("assessment__office_id", "subitem_id", "state", "level", "done", "submitted_at", "state_changed_at")
        .iterator(chunk_size=2000)
    ):
        reports[(report["assessment__office_id"], report["subitem_id"])] = report
    for number in national.category_numbers:
        subitems = [s for s in shape.subitems if s.category_number == number and s.reportable]
        headers = [_("รหัสสำนักงาน"), _("ชื่อสำนักงาน")]
        for subitem in subitems:
            headers += [
                _("%(n)s ระดับ") % {"n": subitem.number},
                _("%(n)s สัดส่วน") % {"n": subitem.number},
                _("%(n)s ร้อยละ") % {"n": subitem.number},
                _("%(n)s สถานะ") % {"n": subitem.number},
                _("%(n)s ส่งเมื่อ") % {"n": subitem.number},
                _("%(n)s ตัดสินเมื่อ") % {"n": subitem.number},
            ]
        sheet = Sheet(workbook, _("หมวด %(n)s") % {"n": number}, headers, {0: 14, 1: 44})
        for row in national.rows:
            values = [row.code, row.name]
            for subitem in subitems:
                report = reports.get((row.id, subitem.id)) or {}
                total = subitem.total or 1
                done = report.get("done", 0)
                state = report.get("state") or ReviewState.NOT_REPORTED
                decided = report.get("state_changed_at") if state in DECIDED else None
                values += [
                    level_label(report.get("level", "")),
                    sheet.number(round(done / total, 4), FRACTION),
                    sheet.number(round(done * 100 / total, 2), PERCENT),
                    str(ReviewState(state).label),
                    sheet.date(report.get("submitted_at")),
                    sheet.date(decided),
                ]
            sheet.append(values)


def _category7_sheet(workbook: Workbook, national: National) -> None:
    sheet = Sheet(
        workbook,
        _("หมวด 7"),
        [_("รหัสสำนักงาน"), _("ชื่อสำนักงาน"), _("ตัวชี้วัด"), _("มีผลการดำเนินงาน"), _("บรรลุเป้าหมาย"), _("ร้อยละที่บรรลุ")],
        {0: 14, 1: 44},
    )
    for row in national.rows:
        seven = row.category7
        sheet.append(
            [
                row.code,
                row.name,
                seven.indicators,
                seven.with_result,
                seven.achieved,
                sheet.number(float(seven.share.percent), PERCENT),
            ]
        )


def _queue_sheet(workbook: Workbook, national: National) -> None:
    sheet = Sheet(
        workbook,
        _("คิวรอตรวจ"),
        [_("รหัสสำนักงาน"), _("ชื่อสำนักงาน"), _("ประเด็น"), _("สถานะ"), _("รอตั้งแต่"), _("รอมาแล้ว (วัน)")],
        {0: 14, 1: 44, 4: 18},
    )
    now = clock.now()
    names = {row.id: (row.code, row.name) for row in national.rows}
    queue = (
        SubItemReport.objects.filter(
            assessment__catalogue=national.catalogue, assessment__office_id__in=list(names), state__in=QUEUE_STATES
        )
        .order_by("state_changed_at", "id")
        .values("assessment__office_id", "subitem__number", "state", "state_changed_at", "updated_at")
    )
    for item in queue.iterator(chunk_size=2000):
        since = item["state_changed_at"] or item["updated_at"]
        code, name = names[item["assessment__office_id"]]
        sheet.append(
            [
                code,
                name,
                item["subitem__number"],
                str(ReviewState(item["state"]).label),
                sheet.date(since, with_time=True),
                sheet.number(round((now - since).total_seconds() / 86400, 1), "0.0"),
            ]
        )


def office_workbook(*, office: Office, catalogue, stream) -> None:
    """One office's whole assessment: profile, every checklist tick, the answer fields,
    evidence with sizes and states, and every review decision with its reason."""
    shape = catalogue_shape(catalogue)
    workbook = Workbook(write_only=True)
    reports = {
        r.subitem_id: r
        for r in SubItemReport.objects.filter(assessment__office=office, assessment__catalogue=catalogue)
    }

    profile = Sheet(workbook, _("ลักษณะสำคัญขององค์การ"), [_("ข้อ"), _("คำถาม"), _("คำตอบ"), _("หมายเหตุ")], {1: 40, 2: 90})
    for answer in (
        ProfileAnswer.objects.filter(profile__office=office, profile__fiscal_year=catalogue.fiscal_year)
        .select_related("question")
        .order_by("question__number")
    ):
        note = _("ไม่เกี่ยวข้องกับส่วนราชการ") if answer.not_applicable else ""
        profile.append([answer.question.number, answer.question.title, strip_tags(answer.html).strip(), note])

    ticks = Sheet(workbook, _("รายการตรวจสอบ"), [_("ประเด็น"), _("ระดับ"), _("รายการ"), _("คำตอบ")], {2: 90})
    values = {
        (a["report__subitem_id"], a["item_id"]): a["value"]
        for a in ChecklistAnswer.objects.filter(report__in=reports.values()).values(
            "report__subitem_id", "item_id", "value"
        )
    }
    for subitem in shape.subitems:
        if subitem.category_number >= CATEGORY7:
            continue
        for item in subitem.items:
            value = values.get((subitem.id, item.id))
            ticks.append([subitem.number, level_label(item.level), item.text, value])

    fields = {f.id: f.title for f in shape.answer_fields}
    texts = Sheet(workbook, _("แบบสรุปประเด็นการตอบ"), [_("ประเด็น"), _("หัวข้อ"), _("ข้อความ")], {1: 40, 2: 90})
    by_subitem = defaultdict(list)
    for text in AnswerText.objects.filter(report__in=reports.values()).values("report__subitem_id", "field_id", "text"):
        by_subitem[text["report__subitem_id"]].append(text)
    for subitem in shape.subitems:
        for text in sorted(by_subitem.get(subitem.id, []), key=lambda t: t["field_id"]):
            texts.append([subitem.number, fields.get(text["field_id"], ""), text["text"]])

    evidence = Sheet(
        workbook,
        _("เอกสารหลักฐาน"),
        [
            _("ประเด็น"),
            _("ประเภท"),
            _("ไฟล์หรือลิงก์"),
            _("ขนาด (ไบต์)"),
            _("จำนวนหน้า"),
            _("สถานะ"),
            _("เหตุผล"),
            _("ส่งเมื่อ"),
            _("ยกเลิกเมื่อ"),
        ],
        {1: 30, 2: 40, 6: 40},
    )
    for item in (
        Evidence.objects.filter(report__in=reports.values())
        .select_related("report__subitem", "kind")
        .order_by("report__subitem__order", "uploaded_at", "pk")
    ):
        evidence.append(
            [
                item.report.subitem.number,
                item.kind.title,
                item.url if item.is_link else item.original_name,
                None if item.is_link else item.size,
                item.page_count,
                item.get_state_display(),
                item.reason,
                evidence.date(item.uploaded_at, with_time=True),
                evidence.date(item.superseded_at, with_time=True),
            ]
        )

    decisions = Sheet(
        workbook,
        _("ผลการตรวจรับรอง"),
        [_("ประเด็น"), _("จากสถานะ"), _("เป็นสถานะ"), _("เหตุผล"), _("โดย"), _("เมื่อ")],
        {3: 60},
    )
    for event in (
        ReviewEvent.objects.filter(report__in=reports.values())
        .select_related("report__subitem", "actor")
        .order_by("at", "pk")
    ):
        decisions.append(
            [
                event.report.subitem.number,
                str(ReviewState(event.from_state).label),
                str(ReviewState(event.to_state).label),
                event.reason,
                (event.actor.get_full_name() or event.actor.username) if event.actor else "",
                decisions.date(event.at, with_time=True),
            ]
        )

    summary = Sheet(
        workbook, _("สรุปรายประเด็น"), [_("ประเด็น"), _("ชื่อประเด็น"), _("ระดับ"), _("คะแนน"), _("สถานะ")], {1: 60}
    )
    for subitem in shape.subitems:
        if subitem.category_number >= CATEGORY7 or not subitem.reportable:
            continue
        report = reports.get(subitem.id)
        level = report.level if report else ""
        state = report.state if report else ReviewState.NOT_REPORTED
        summary.append(
            [
                subitem.number,
                subitem.title,
                level_label(level),
                LEVEL_POINTS.get(level) if level else None,
                str(ReviewState(state).label),
            ]
        )

    seven = Sheet(
        workbook,
        _("หมวด 7"),
        [_("รหัสตัวชี้วัด"), _("ชื่อตัวชี้วัด"), _("มิติ"), _("ค่าเป้าหมาย"), _("ผลการดำเนินงาน"), _("หน่วยนับ"), _("บรรลุเป้าหมาย")],
        {1: 60},
    )
    for indicator in Indicator.objects.filter(
        office=office, fiscal_year=catalogue.fiscal_year, withdrawn_at__isnull=True
    ).order_by("dimension_code", "code"):
        seven.append(
            [
                indicator.code,
                indicator.name,
                indicator.dimension_code,
                float(indicator.target),
                float(indicator.result) if indicator.result is not None else None,
                indicator.unit,
                _("บรรลุ") if indicator.achieved else _("ไม่บรรลุ"),
            ]
        )
    workbook.save(stream)


def _year_over_year_sheet(workbook: Workbook, years: NationalYears) -> None:
    """Both years side by side, one row per sub-item of this year's catalogue."""
    y, last = years.year, years.last_year
    sheet = Sheet(
        workbook,
        _("เทียบปี %(last)d-%(y)d") % {"y": y, "last": last},
        [
            _("ประเด็น"),
            _("ชื่อประเด็น"),
            _("คะแนนระดับเฉลี่ยปี %(y)d") % {"y": last},
            _("ร้อยละที่ดำเนินการปี %(y)d") % {"y": last},
            _("สำนักงานที่ผ่านระดับพื้นฐานขึ้นไปปี %(y)d") % {"y": last},
            _("คะแนนระดับเฉลี่ยปี %(y)d") % {"y": y},
            _("ร้อยละที่ดำเนินการปี %(y)d") % {"y": y},
            _("สำนักงานที่ผ่านระดับพื้นฐานขึ้นไปปี %(y)d") % {"y": y},
            _("เปลี่ยนแปลง (คะแนนระดับเฉลี่ย)"),
            _("เปลี่ยนแปลง (ร้อยละ)"),
        ],
        {1: 50},
    )
    for row in years.rows:

        def number(value):
            return sheet.number(None if value is None else float(value), PERCENT)

        sheet.append(
            [
                row.number,
                row.title,
                number(row.last_points),
                number(row.last_percent),
                row.last_at_level,
                number(row.points),
                number(row.percent),
                row.at_level,
                number(row.points_change),
                number(row.percent_change),
            ]
        )
