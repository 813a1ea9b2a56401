"""Saving an office's checklist values and answer summary, and submitting for review."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from orgprofile.access import office_edit_check
from pmqa_site.errors import Stale
from pmqa_site.roles import Role, role_of
from pmqa_site.thaidates import format_thai_datetime

from ..models import (
    AnswerField,
    AnswerText,
    Category,
    CategoryAssignment,
    ChecklistAnswer,
    ReviewState,
    SubItem,
    SubItemReport,
)
from ..selectors import assessment_overview, subitem_detail
from .reports import assessment_get_or_create, report_get_or_create, report_touch
from .review import report_transition


@dataclass
class StaleChange:
    label: str
    saved: str
    yours: str


class StaleFormError(Stale):
    """The form was drawn from an older version than the one saved now."""

    def __init__(self, *, report: SubItemReport, changes: list[StaleChange]):
        who = (report.updated_by.get_full_name() or report.updated_by.username) if report.updated_by else "-"
        super().__init__(
            _(
                "มีผู้บันทึกข้อมูลประเด็นนี้หลังจากที่ท่านเปิดแบบฟอร์ม (%(who)s เมื่อ %(when)s) "
                "ระบบจึงยังไม่บันทึกข้อมูลของท่าน ข้อความที่ท่านพิมพ์ยังอยู่ในแบบฟอร์ม "
                "กรุณาตรวจสอบรายการที่เปลี่ยนไปด้านล่าง แล้วกดบันทึกอีกครั้ง"
            )
            % {"who": who, "when": format_thai_datetime(report.updated_at)},
        )
        self.report = report
        self.changes = changes


@dataclass
class SaveResult:
    report: SubItemReport
    changed: list[str] = field(default_factory=list)


VALUE_LABEL = {1: "1", 0: "0", None: "ยังไม่ตอบ"}


@transaction.atomic
def subitem_answers_save(
    *,
    user,
    office,
    subitem: SubItem,
    base_version: int,
    values: dict[int, int | None],
    texts: dict[int, str],
    editor_token: str = "",
) -> SaveResult:
    """Save checklist values (item id → 1/0/None) and answer texts (field id → text).

    Refused whole, with nothing changed, when the user may not edit the office now, when a
    value is not 1, 0 or blank, when an id is not of this sub-item, or when the form is
    stale: drawn from an older version than the one saved now, by someone else (another
    page than `editor_token`), and saying something else than what is saved.
    """
    office_edit_check(user=user, office=office)
    report = report_get_or_create(office=office, subitem=subitem)
    report = SubItemReport.objects.select_for_update(of=("self",)).select_related("updated_by").get(pk=report.pk)

    item_ids = set(subitem.checklist_items.values_list("id", flat=True))
    fields = {f.id: f for f in AnswerField.objects.filter(catalogue_id=subitem.catalogue_id)}
    foreign = (set(values) - item_ids) | (set(texts) - set(fields))
    if foreign:
        raise ValidationError("แบบฟอร์มมีรายการที่ไม่ใช่ของประเด็นนี้ กรุณาโหลดหน้าใหม่")
    if any(v not in (0, 1, None) for v in values.values()):
        raise ValidationError("ค่าในช่องรายการตรวจสอบต้องเป็น 1 (ดำเนินการจริง) หรือ 0 (ยังไม่มีแนวทาง) หรือเว้นว่าง")

    saved_answers = {a.item_id: a for a in ChecklistAnswer.objects.filter(report=report)}
    saved_texts = {t.field_id: t for t in AnswerText.objects.filter(report=report)}
    current_values = {item_id: a.value for item_id, a in saved_answers.items()}
    current_texts = {field_id: t.text for field_id, t in saved_texts.items()}

    same_page = bool(editor_token) and editor_token == report.last_editor_token
    if base_version != report.version and not same_page and _differs(values, texts, current_values, current_texts):
        detail = subitem_detail(office=office, subitem=subitem)
        changes = []
        for level, items in detail.items_by_level:
            for item in items:
                if item.id in values and current_values.get(item.id) != values[item.id]:
                    changes.append(
                        StaleChange(
                            label=_("%(level)s ข้อ %(n)d") % {"level": level.label, "n": item.order},
                            saved=VALUE_LABEL[current_values.get(item.id)],
                            yours=VALUE_LABEL[values[item.id]],
                        )
                    )
        for field_id, text in texts.items():
            if current_texts.get(field_id, "") != text:
                changes.append(
                    StaleChange(label=fields[field_id].title, saved=current_texts.get(field_id, ""), yours=text)
                )
        raise StaleFormError(report=report, changes=changes)

    # Written in bulk (with their audit history rows): an autosave of a whole sub-item is a
    # handful of queries, not three per field, on the day every office saves at once.
    now = timezone.now()
    changed: list[str] = []
    answers_new, answers_changed = [], []
    for item_id, value in values.items():
        saved = saved_answers.get(item_id)
        if saved is None and value is not None:
            answers_new.append(ChecklistAnswer(report=report, item_id=item_id, value=value, updated_by=user))
        elif saved is not None and saved.value != value:
            saved.value, saved.updated_by, saved.updated_at = value, user, now
            answers_changed.append(saved)
        else:
            continue
        changed.append(f"item:{item_id}")
    texts_new, texts_changed = [], []
    for field_id, text in texts.items():
        text = text.strip()
        saved = saved_texts.get(field_id)
        if saved is None and text:
            texts_new.append(AnswerText(report=report, field_id=field_id, text=text, updated_by=user))
        elif saved is not None and saved.text != text:
            saved.text, saved.updated_by, saved.updated_at = text, user, now
            texts_changed.append(saved)
        else:
            continue
        changed.append(f"field:{field_id}")
    if answers_new:
        bulk_create_with_history(answers_new, ChecklistAnswer, default_user=user, default_date=now)
    if answers_changed:
        bulk_update_with_history(
            answers_changed, ChecklistAnswer, ["value", "updated_by", "updated_at"], default_user=user, default_date=now
        )
    if texts_new:
        bulk_create_with_history(texts_new, AnswerText, default_user=user, default_date=now)
    if texts_changed:
        bulk_update_with_history(
            texts_changed, AnswerText, ["text", "updated_by", "updated_at"], default_user=user, default_date=now
        )
    if changed:
        report = report_touch(report=report, user=user, answers_changed=True)
        SubItemReport.objects.filter(pk=report.pk).update(last_editor_token=editor_token)
        report.last_editor_token = editor_token
    return SaveResult(report=report, changed=changed)


def _differs(values, texts, current_values, current_texts) -> bool:
    """Whether a form's content differs from what is saved. A stale form that says exactly
    what is saved now (an autosave that landed a moment before the user pressed save) is no
    conflict."""
    return any(current_values.get(k) != v for k, v in values.items()) or any(
        current_texts.get(k, "") != v.strip() for k, v in texts.items()
    )


def subitem_missing(*, office, subitem: SubItem) -> list[str]:
    """What still stops this sub-item from being submitted, as Thai sentences."""
    detail = subitem_detail(office=office, subitem=subitem)
    missing = []
    if detail.status.unanswered:
        missing.append(_("ยังไม่ได้ตอบรายการตรวจสอบ %(n)d รายการ") % {"n": len(detail.status.unanswered)})
    empty = [
        f.title
        for f in detail.answer_fields
        if f.required and not (detail.texts.get(f.id) and detail.texts[f.id].text.strip())
    ]
    if empty:
        missing.append(_("ยังไม่ได้กรอกแบบสรุปประเด็นการตอบ %(n)d หัวข้อ") % {"n": len(empty)})
    return missing


@transaction.atomic
def subitem_submit(*, user, office, subitem: SubItem) -> SubItemReport:
    """Send one sub-item for review (ยังไม่ได้รายงาน / ไม่รับรอง / มีข้อมูลใหม่ → รอการรับรองผล)."""
    office_edit_check(user=user, office=office)
    report = report_get_or_create(office=office, subitem=subitem)
    report = SubItemReport.objects.select_for_update().get(pk=report.pk)
    if report.state == ReviewState.AWAITING:
        raise ValidationError(_("ประเด็น %(n)s ส่งแล้ว อยู่ระหว่างรอการรับรองผล") % {"n": subitem.number})
    if report.state == ReviewState.CERTIFIED:
        raise ValidationError(_("ประเด็น %(n)s ได้รับการรับรองแล้ว ไม่ต้องส่งซ้ำ") % {"n": subitem.number})
    missing = subitem_missing(office=office, subitem=subitem)
    if missing:
        raise ValidationError(_("ยังส่งประเด็น %(n)s ไม่ได้: %(why)s") % {"n": subitem.number, "why": "; ".join(missing)})
    return report_transition(report=report, to_state=ReviewState.AWAITING, user=user)


@transaction.atomic
def category_submit(*, user, office, category: Category) -> list[SubItemReport]:
    """Send every sub-item of a category that is not yet awaiting or certified. All or nothing."""
    office_edit_check(user=user, office=office)
    overview = assessment_overview(office=office, catalogue=category.catalogue, category_number=category.number)
    to_send = [s for s in overview.subitems if s.state not in (ReviewState.AWAITING, ReviewState.CERTIFIED)]
    if not to_send:
        raise ValidationError(_("หมวด %(n)d ไม่มีประเด็นที่ต้องส่งเพิ่ม") % {"n": category.number})
    problems = []
    for status in to_send:
        missing = subitem_missing(office=office, subitem=status.subitem)
        if missing:
            problems.append(f"{status.subitem.number}: " + ", ".join(missing))
    if problems:
        raise ValidationError(
            _("ยังส่งหมวด %(n)d ไม่ได้ จึงยังไม่ได้ส่งประเด็นใดเลย — %(why)s")
            % {"n": category.number, "why": "; ".join(problems)}
        )
    return [subitem_submit(user=user, office=office, subitem=s.subitem) for s in to_send]


@transaction.atomic
def category_assign(*, user, office, category: Category, assignee) -> None:
    """The coordinator sets who answers a category (None clears it)."""
    office_edit_check(user=user, office=office)
    if role_of(user) != Role.ESA_COORDINATOR:
        raise ValidationError("เฉพาะผู้ประสานงาน สพท. เท่านั้นที่มอบหมายหมวดให้เจ้าหน้าที่ได้")
    assessment = assessment_get_or_create(office=office, catalogue=category.catalogue)
    if assignee is None:
        CategoryAssignment.objects.filter(assessment=assessment, category=category).delete()
        return
    if getattr(getattr(assignee, "membership", None), "office_id", None) != office.id:
        raise ValidationError("มอบหมายได้เฉพาะเจ้าหน้าที่ของสำนักงานเดียวกัน")
    CategoryAssignment.objects.update_or_create(
        assessment=assessment,
        category=category,
        defaults={"user": assignee, "assigned_by": user, "assigned_at": timezone.now()},
    )
