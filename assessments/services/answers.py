"""Saving an office's checklist values and answer summary, and submitting for review."""

import functools
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import get_history_model_for_model

from orgprofile.access import office_edit_check
from pmqa_site.errors import Stale
from pmqa_site.prepared import prepared_insert, prepared_values
from pmqa_site.roles import Role, role_of
from pmqa_site.thaidates import format_thai_datetime

from ..catalogue_cache import catalogue_shape
from ..models import (
    AnswerText,
    Category,
    CategoryAssignment,
    ChecklistAnswer,
    ReviewState,
    SubItem,
    SubItemReport,
)
from ..selectors import assessment_overview, subitem_detail
from .reports import assessment_get_or_create, report_get_or_create, report_locked, report_summary, report_touch
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
    page than `editor_token`), and saying something else than what is saved. A value or text
    that changes loses its "carried from last year" mark.
    """
    office_edit_check(user=user, office=office, fiscal_year=subitem.catalogue.fiscal_year)
    report = report_locked(office=office, subitem=subitem)

    shape = catalogue_shape(subitem.catalogue)
    own = shape.subitem_by_id[subitem.pk]
    fields = {f.id: f for f in shape.answer_fields}
    foreign = (set(values) - {i.id for i in own.items}) | (set(texts) - set(fields))
    if foreign:
        raise ValidationError("แบบฟอร์มมีรายการที่ไม่ใช่ของประเด็นนี้ กรุณาโหลดหน้าใหม่")
    if any(v not in (0, 1, None) for v in values.values()):
        raise ValidationError("ค่าในช่องรายการตรวจสอบต้องเป็น 1 (ดำเนินการจริง) หรือ 0 (ยังไม่มีแนวทาง) หรือเว้นว่าง")

    # Read on every autosave: SQL written once per process (pmqa_site/prepared.py).
    current_values = {
        row["item_id"]: row["value"]
        for row in prepared_values(
            ("save-values",),
            lambda report_id: ChecklistAnswer.objects.filter(report_id=report_id).values("item_id", "value"),
            report.pk,
        )
    }
    current_texts = {
        row["field_id"]: row["text"]
        for row in prepared_values(
            ("save-texts",),
            lambda report_id: AnswerText.objects.filter(report_id=report_id).values("field_id", "text"),
            report.pk,
        )
    }

    same_page = bool(editor_token) and editor_token == report.last_editor_token
    if base_version != report.version and not same_page and _differs(values, texts, current_values, current_texts):
        changes = []
        for level, items in own.items_by_level:
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

    # What changed is written with one upsert per table and its audit rows in one insert: an
    # autosave costs the same few queries whatever the number of fields, on the day every
    # office saves at once.
    now = timezone.now()
    new_values = {
        item_id: value
        for item_id, value in values.items()
        if value != current_values.get(item_id) and not (value is None and item_id not in current_values)
    }
    new_texts = {
        field_id: text.strip()
        for field_id, text in texts.items()
        if text.strip() != current_texts.get(field_id, "") and not (not text.strip() and field_id not in current_texts)
    }
    if new_values:
        upsert_with_history(
            ChecklistAnswer,
            [
                ChecklistAnswer(report=report, item_id=k, value=v, updated_by=user, updated_at=now)
                for k, v in new_values.items()
            ],
            unique=("report", "item"),
            update=("value", "carried_from", "updated_by", "updated_at"),
            existing=current_values.keys(),
            key="item_id",
            user=user,
            now=now,
        )
    if new_texts:
        upsert_with_history(
            AnswerText,
            [
                AnswerText(report=report, field_id=k, text=v, updated_by=user, updated_at=now)
                for k, v in new_texts.items()
            ],
            unique=("report", "field"),
            update=("text", "carried_from", "updated_by", "updated_at"),
            existing=current_texts.keys(),
            key="field_id",
            user=user,
            now=now,
        )
    changed = [f"item:{k}" for k in new_values] + [f"field:{k}" for k in new_texts]
    if changed:
        summary = report_summary(
            subitem=own,
            values={**current_values, **new_values},
            texts={**current_texts, **new_texts},
            required=shape.required_field_ids,
        )
        # Most autosaves change a text and none of the summary columns: then the office's
        # summary row is neither locked nor recomputed (the row in memory is the locked row).
        summary = {name: value for name, value in summary.items() if getattr(report, name) != value}
        report = report_touch(
            report=report,
            user=user,
            answers_changed=True,
            summary=summary or None,
            editor_token=editor_token,
            locked=True,
        )
    return SaveResult(report=report, changed=changed)


def upsert_with_history(model, rows, *, unique, update, existing, key, user, now) -> None:
    """INSERT ... ON CONFLICT DO UPDATE for `rows`, then their simple_history rows in one insert
    (+ for a new answer, ~ for a changed one), as django-simple-history itself records them.
    Both statements are the ones bulk_create() writes, compiled once (pmqa_site/prepared.py):
    on every autosave, building them cost more than the database took to run them."""
    prepared_insert(("upsert", model._meta.label), rows, unique_fields=unique, update_fields=update)
    if any(row.pk is None for row in rows):
        # A database that cannot return the ids of upserted rows: read them back (one query).
        ids = dict(
            model.objects.filter(report=rows[0].report, **{f"{key}__in": [getattr(r, key) for r in rows]}).values_list(
                key, "pk"
            )
        )
        for row in rows:
            row.pk = ids[getattr(row, key)]
    history = _history_model(model)
    copied = [f.attname for f in model._meta.concrete_fields]
    prepared_insert(
        ("history", model._meta.label),
        [
            history(
                **{name: getattr(row, name) for name in copied},
                history_date=now,
                history_type="~" if getattr(row, key) in existing else "+",
                history_user=user,
            )
            for row in rows
        ],
    )


@functools.cache
def _history_model(model):
    """The simple_history model of `model`, looked up once (its manager is built anew on each
    access of `model.history`)."""
    return get_history_model_for_model(model)


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
    office_edit_check(user=user, office=office, fiscal_year=subitem.catalogue.fiscal_year)
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
    office_edit_check(user=user, office=office, fiscal_year=category.catalogue.fiscal_year)
    overview = assessment_overview(office=office, catalogue=category.catalogue, category_number=category.number)
    to_send = [s for s in overview.subitems if s.state not in (ReviewState.AWAITING, ReviewState.CERTIFIED)]
    if not to_send:
        raise ValidationError(_("หมวด %(n)d ไม่มีประเด็นที่ต้องส่งเพิ่ม") % {"n": category.number})
    subitems = SubItem.objects.select_related("catalogue").in_bulk([s.subitem.id for s in to_send])
    problems = []
    for status in to_send:
        missing = subitem_missing(office=office, subitem=subitems[status.subitem.id])
        if missing:
            problems.append(f"{status.subitem.number}: " + ", ".join(missing))
    if problems:
        raise ValidationError(
            _("ยังส่งหมวด %(n)d ไม่ได้ จึงยังไม่ได้ส่งประเด็นใดเลย — %(why)s")
            % {"n": category.number, "why": "; ".join(problems)}
        )
    return [subitem_submit(user=user, office=office, subitem=subitems[s.subitem.id]) for s in to_send]


@transaction.atomic
def category_assign(*, user, office, category: Category, assignee) -> None:
    """The coordinator sets who answers a category (None clears it)."""
    office_edit_check(user=user, office=office, fiscal_year=category.catalogue.fiscal_year)
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
