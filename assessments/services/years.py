"""Year after year: opening a fiscal year with its catalogue version, the catalogue mapping
between versions, and carrying an office's work forward into the new year.

Nothing here changes an earlier year: opening a year writes the new catalogue and its
mapping; carrying forward reads last year's answers and writes this year's draft.
"""

import json
import logging
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from orgprofile.access import office_edit_check
from orgprofile.models import FiscalYear, Profile
from orgprofile.services import profile_carry_forward
from orgprofile.windows import fiscal_year_make_current
from pmqa_site.roles import Role, role_of

from ..catalogue_cache import catalogue_shape, catalogue_touch
from ..models import (
    AnswerField,
    AnswerText,
    Assessment,
    Catalogue,
    ChecklistAnswer,
    ChecklistItem,
    ReviewState,
    SubItem,
    SubItemReport,
    YearEvent,
)
from ..selectors import MappingReport, catalogue_mapping_report, item_code, previous_catalogue
from .answers import upsert_with_history
from .catalogue import catalogue_export, catalogue_load, catalogue_validate
from .reports import report_get_or_create, report_summary, report_touch

audit_log = logging.getLogger("pmqa.audit")


# --- Opening a year and the catalogue mapping ------------------------------------------------


@transaction.atomic
def catalogue_map(*, catalogue: Catalogue, user=None) -> MappingReport:
    """Map each sub-item and checklist item of `catalogue` to last year's by code where the text
    is the same (and unmap it where the text changed). What an admin mapped by hand is kept."""
    previous = previous_catalogue(catalogue=catalogue)
    if previous is None:
        return catalogue_mapping_report(catalogue=catalogue)
    old_subitems = {s.number: s for s in SubItem.objects.filter(catalogue=previous)}
    old_items = {
        (i.subitem.number, i.level, i.order): i
        for i in ChecklistItem.objects.filter(subitem__catalogue=previous).select_related("subitem")
    }
    subitems = list(SubItem.objects.filter(catalogue=catalogue, mapped_by_hand=False))
    for subitem in subitems:
        old = old_subitems.get(subitem.number)
        subitem.previous = old if old is not None and old.title == subitem.title else None
    SubItem.objects.bulk_update(subitems, ["previous"])
    items = list(
        ChecklistItem.objects.filter(subitem__catalogue=catalogue, mapped_by_hand=False).select_related("subitem")
    )
    for item in items:
        old = old_items.get((item.subitem.number, item.level, item.order))
        item.previous = old if old is not None and old.text == item.text else None
    ChecklistItem.objects.bulk_update(items, ["previous"])
    catalogue_touch(catalogue_id=catalogue.pk)
    return catalogue_mapping_report(catalogue=catalogue)


@transaction.atomic
def mapping_set(*, user, item: ChecklistItem | SubItem, previous: ChecklistItem | SubItem | None) -> None:
    """An admin maps a changed sub-item or checklist item to last year's by hand (or unmaps it:
    `previous` None). Only to last year's catalogue, and a sub-item to a sub-item."""
    catalogue = item.catalogue if isinstance(item, SubItem) else item.subitem.catalogue
    last = previous_catalogue(catalogue=catalogue)
    if previous is not None:
        previous_catalogue_id = (
            previous.catalogue_id if isinstance(previous, SubItem) else previous.subitem.catalogue_id
        )
        if type(previous) is not type(item) or last is None or previous_catalogue_id != last.pk:
            raise ValidationError(_("จับคู่ได้เฉพาะกับรายการชนิดเดียวกันของชุดเกณฑ์ปีก่อนหน้าเท่านั้น"))
    item.previous = previous
    item.mapped_by_hand = True
    item.save(update_fields=["previous", "mapped_by_hand"])
    catalogue_touch(catalogue_id=catalogue.pk)
    YearEvent.objects.create(
        kind=YearEvent.Kind.MAPPED,
        fiscal_year=catalogue.fiscal_year,
        from_year=last.fiscal_year if last else None,
        actor=user,
        at=timezone.now(),
        note=(_("จับคู่ %(item)s กับปีก่อน") if previous else _("ยกเลิกการจับคู่ %(item)s กับปีก่อน")) % {"item": item},
    )


@dataclass
class YearOpenResult:
    catalogue: Catalogue
    report: MappingReport


@transaction.atomic
def fiscal_year_open(
    *, user, year: int, catalogue_text: str | None = None, copy_from: int | None = None, make_current: bool = True
) -> YearOpenResult:
    """Open fiscal year `year` with its catalogue version: a new catalogue file, or a copy of
    year `copy_from`'s catalogue. Its reporting window is left unset (closed to offices until an
    admin sets it); the catalogue is mapped to last year's; `make_current` makes it the year
    offices see first. Refused whole when the year already has a catalogue."""
    if (catalogue_text is None) == (copy_from is None):
        raise ValidationError(_("กรุณาเลือกอย่างใดอย่างหนึ่ง: ไฟล์ชุดเกณฑ์ใหม่ หรือคัดลอกชุดเกณฑ์ของปีก่อน"))
    if Catalogue.objects.filter(fiscal_year=year).exists():
        raise ValidationError(_("ปีงบประมาณ %(y)d เปิดแล้ว (มีชุดเกณฑ์ของปีนี้อยู่แล้ว)") % {"y": year})
    if catalogue_text is not None:
        data = catalogue_validate(text=catalogue_text)
        if data["fiscal_year"] != year:
            raise ValidationError(
                _("ไฟล์ชุดเกณฑ์เป็นของปีงบประมาณ %(f)d ไม่ใช่ปี %(y)d") % {"f": data["fiscal_year"], "y": year}
            )
        source_fields = {}
    else:
        source = Catalogue.objects.filter(fiscal_year=copy_from).first()
        if source is None:
            raise ValidationError(_("ยังไม่มีชุดเกณฑ์ของปีงบประมาณ %(y)d ให้คัดลอก") % {"y": copy_from})
        data = catalogue_export(catalogue=source)
        data["fiscal_year"] = year
        source_fields = dict(AnswerField.objects.filter(catalogue=source).values_list("order", "required"))
    catalogue = catalogue_load(text=json.dumps(data, ensure_ascii=False)).catalogue
    for order, required in source_fields.items():
        AnswerField.objects.filter(catalogue=catalogue, order=order).update(required=required)
    fiscal_year = FiscalYear.objects.get(year=year)
    if fiscal_year.created_by_id is None and user is not None:
        FiscalYear.objects.filter(pk=fiscal_year.pk).update(created_by=user)
    catalogue_touch(catalogue_id=catalogue.pk)
    catalogue.refresh_from_db()
    report = catalogue_map(catalogue=catalogue, user=user)
    if make_current:
        fiscal_year_make_current(fiscal_year=fiscal_year)
    source_words = _("คัดลอกชุดเกณฑ์จากปี %(y)d") % {"y": copy_from} if copy_from else _("นำเข้าไฟล์ชุดเกณฑ์ใหม่")
    YearEvent.objects.create(
        kind=YearEvent.Kind.OPENED,
        fiscal_year=year,
        from_year=report.previous_year,
        actor=user,
        at=timezone.now(),
        note=_("%(source)s · ตรงกัน %(m)d เปลี่ยนแปลง %(c)d เพิ่ม %(a)d ตัดออก %(r)d%(current)s")
        % {
            "source": source_words,
            "m": len(report.matched),
            "c": len(report.changed),
            "a": len(report.added),
            "r": len(report.removed),
            "current": _(" · กำหนดเป็นปีปัจจุบัน") if make_current else "",
        },
    )
    audit_log.info("fiscal year opened year=%s by=%s copy_from=%s current=%s", year, user, copy_from, make_current)
    return YearOpenResult(catalogue=catalogue, report=report)


@transaction.atomic
def fiscal_year_set_current(*, user, year: int) -> FiscalYear:
    """Make `year` the year offices see first (admins). Other years become read-only."""
    fiscal_year = FiscalYear.objects.filter(year=year).first()
    if fiscal_year is None or not Catalogue.objects.filter(fiscal_year=year).exists():
        raise ValidationError(_("ยังไม่ได้เปิดปีงบประมาณ %(y)d") % {"y": year})
    fiscal_year_make_current(fiscal_year=fiscal_year)
    YearEvent.objects.create(kind=YearEvent.Kind.CURRENT, fiscal_year=year, actor=user, at=timezone.now())
    audit_log.info("fiscal year made current year=%s by=%s", year, user)
    return fiscal_year


# --- Carry forward -------------------------------------------------------------------------------

SCOPE_ALL = "all"
SCOPE_PROFILE = "profile"


@dataclass
class CarryResult:
    from_year: int
    subitems: int = 0
    values: int = 0
    texts: int = 0
    profile: bool = False
    not_carried: list[str] = field(default_factory=list)  # items left blank: changed or added


def _scope_subitems(shape, scope) -> list:
    if scope == SCOPE_PROFILE:
        return []
    number = None if scope == SCOPE_ALL else int(scope)
    return [s for s in shape.subitems if s.reportable and (number is None or s.category_number == number)]


@transaction.atomic
def assessment_carry_forward(*, user, office, catalogue: Catalogue, scope, replace: bool = False) -> CarryResult:
    """Copy last year's work of `office` into `catalogue`'s year as a draft (coordinators):
    `scope` is "all" (the profile and every category), "profile", or a category number.

    Copied: the profile's answers, checklist values of the items mapped to last year's, and the
    ten answer fields of the sub-items mapped to last year's; each marked "carried from" last
    year until the office edits it. Never copied: review states, decisions, conversations.
    Refused when what it would replace has answers, unless `replace` (the office confirmed),
    and always where a sub-item was already sent for review."""
    office_edit_check(user=user, office=office, fiscal_year=catalogue.fiscal_year)
    if role_of(user) != Role.ESA_COORDINATOR:
        raise ValidationError(_("เฉพาะผู้ประสานงาน สพท. เท่านั้นที่ยกข้อมูลจากปีก่อนได้"))
    previous = previous_catalogue(catalogue=catalogue)
    if previous is None:
        raise ValidationError(_("ไม่มีข้อมูลของปีงบประมาณก่อนหน้าให้ยกมา"))
    result = CarryResult(from_year=previous.fiscal_year)
    shape, old_shape = catalogue_shape(catalogue), catalogue_shape(previous)
    targets = _scope_subitems(shape, scope)
    if scope not in (SCOPE_ALL, SCOPE_PROFILE) and not targets:
        raise ValidationError(_("ไม่มีหมวดนี้ในชุดเกณฑ์ของปีงบประมาณ %(y)d") % {"y": catalogue.fiscal_year})

    reports = {
        r.subitem_id: r
        for r in SubItemReport.objects.select_for_update(of=("self",)).filter(
            assessment__office=office, subitem_id__in=[s.id for s in targets]
        )
    }
    sent = sorted(
        (shape.subitem_by_id[r.subitem_id].number for r in reports.values() if r.state != ReviewState.NOT_REPORTED),
        key=lambda n: [int(p) for p in n.split(".")],
    )
    if sent:
        raise ValidationError(
            _("ประเด็น %(n)s ส่งตรวจหรือมีผลการพิจารณาแล้ว จึงยกข้อมูลจากปีก่อนมาทับไม่ได้") % {"n": ", ".join(sent)}
        )
    report_ids = [r.pk for r in reports.values()]
    current_values: dict[int, dict[int, int | None]] = {}
    for report_id, item_id, value in ChecklistAnswer.objects.filter(report_id__in=report_ids).values_list(
        "report_id", "item_id", "value"
    ):
        current_values.setdefault(report_id, {})[item_id] = value
    current_texts: dict[int, dict[int, str]] = {}
    for report_id, field_id, text in AnswerText.objects.filter(report_id__in=report_ids).values_list(
        "report_id", "field_id", "text"
    ):
        current_texts.setdefault(report_id, {})[field_id] = text
    has_answers = any(v is not None for vs in current_values.values() for v in vs.values()) or any(
        t.strip() for ts in current_texts.values() for t in ts.values()
    )
    if has_answers and not replace:
        raise ValidationError(
            _(
                "ปีงบประมาณ %(y)d มีคำตอบในส่วนที่เลือกแล้ว หากต้องการให้ข้อมูลจากปี %(p)d แทนที่ข้อมูลเดิม "
                "กรุณาทำเครื่องหมายยืนยันการแทนที่แล้วกดอีกครั้ง"
            )
            % {"y": catalogue.fiscal_year, "p": previous.fiscal_year}
        )

    old_assessment = Assessment.objects.filter(office=office, catalogue=previous).first()
    old_values: dict[int, int] = {}
    old_texts: dict[tuple[int, int], str] = {}  # (last year's sub-item id, field order) → text
    if old_assessment is not None:
        old_values = dict(
            ChecklistAnswer.objects.filter(report__assessment=old_assessment, value__isnull=False).values_list(
                "item_id", "value"
            )
        )
        field_order = {f.id: f.order for f in old_shape.answer_fields}
        for subitem_id, field_id, text in (
            AnswerText.objects.filter(report__assessment=old_assessment).exclude(text="")
        ).values_list("report__subitem_id", "field_id", "text"):
            old_texts[(subitem_id, field_order[field_id])] = text

    subitems = SubItem.objects.select_related("catalogue").in_bulk([s.id for s in targets])
    now = timezone.now()
    year = previous.fiscal_year
    for target in targets:
        values = {
            item.id: old_values[item.previous_id]
            for item in target.items
            if item.previous_id is not None and item.previous_id in old_values
        }
        texts = {
            f.id: old_texts[(target.previous_id, f.order)]
            for f in shape.answer_fields
            if target.previous_id is not None and (target.previous_id, f.order) in old_texts
        }
        result.not_carried += [
            item_code(target.number, item.level, item.order) for item in target.items if item.previous_id is None
        ]
        report = reports.get(target.id)
        had_values = current_values.get(report.pk, {}) if report else {}
        had_texts = current_texts.get(report.pk, {}) if report else {}
        if (
            not values
            and not texts
            and not any(v is not None for v in had_values.values())
            and not any(t.strip() for t in had_texts.values())
        ):
            continue
        if report is None:
            report = report_get_or_create(office=office, subitem=subitems[target.id])
        value_rows = [
            ChecklistAnswer(
                report=report,
                item_id=item.id,
                value=values.get(item.id),
                carried_from=year if item.id in values else None,
                updated_by=user,
                updated_at=now,
            )
            for item in target.items
            if item.id in values or had_values.get(item.id) is not None
        ]
        text_rows = [
            AnswerText(
                report=report,
                field_id=f.id,
                text=texts.get(f.id, ""),
                carried_from=year if f.id in texts else None,
                updated_by=user,
                updated_at=now,
            )
            for f in shape.answer_fields
            if f.id in texts or (had_texts.get(f.id) or "").strip()
        ]
        for model, rows, unique, update, existing, key in (
            (ChecklistAnswer, value_rows, ("report", "item"), ("value",), had_values, "item_id"),
            (AnswerText, text_rows, ("report", "field"), ("text",), had_texts, "field_id"),
        ):
            if rows:
                upsert_with_history(
                    model,
                    rows,
                    unique=unique,
                    update=(*update, "carried_from", "updated_by", "updated_at"),
                    existing=existing.keys(),
                    key=key,
                    user=user,
                    now=now,
                )
        summary = report_summary(subitem=target, values=values, texts=texts, required=shape.required_field_ids)
        report_touch(report=report, user=user, answers_changed=True, summary=summary)
        result.subitems += 1
        result.values += len(values)
        result.texts += len(texts)

    if scope in (SCOPE_ALL, SCOPE_PROFILE):
        last_profile = Profile.objects.filter(office=office, fiscal_year=catalogue.fiscal_year - 1).first()
        if last_profile is not None and any(a.is_answered for a in last_profile.answers.all()):
            profile_carry_forward(user=user, office=office, fiscal_year=catalogue.fiscal_year, replace=replace)
            result.profile = True
        elif scope == SCOPE_PROFILE:
            raise ValidationError(
                _("ไม่มีคำตอบลักษณะสำคัญขององค์การของปีงบประมาณ %(year)d ให้ยกมา") % {"year": catalogue.fiscal_year - 1}
            )
    YearEvent.objects.create(
        kind=YearEvent.Kind.CARRIED,
        fiscal_year=catalogue.fiscal_year,
        from_year=year,
        office=office,
        actor=user,
        at=now,
        note=_("%(scope)s: %(s)d ประเด็น รายการตรวจสอบ %(v)d รายการ แบบสรุป %(t)d หัวข้อ%(profile)s%(replace)s")
        % {
            "scope": scope_label(scope),
            "s": result.subitems,
            "v": result.values,
            "t": result.texts,
            "profile": _(" และลักษณะสำคัญขององค์การ") if result.profile else "",
            "replace": _(" (ยืนยันแทนที่ข้อมูลเดิม)") if replace else "",
        },
    )
    audit_log.info(
        "carried forward office=%s year=%s from=%s scope=%s by=%s",
        office.code,
        catalogue.fiscal_year,
        year,
        scope,
        user,
    )
    return result


def scope_label(scope) -> str:
    if scope == SCOPE_ALL:
        return _("ทั้งหมด (ลักษณะสำคัญขององค์การและหมวด 1-6)")
    if scope == SCOPE_PROFILE:
        return _("ลักษณะสำคัญขององค์การ")
    return _("หมวด %(n)s") % {"n": scope}
