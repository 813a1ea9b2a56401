"""Reads of the assessments app. Each selector issues a fixed number of queries."""

from dataclasses import dataclass, field

from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from orgprofile.models import Office
from orgprofile.windows import current_year_query
from pmqa_site import clock
from pmqa_site.paging import keyset_page

from . import scoring
from .catalogue_cache import CatalogueShape, CategoryShape, FieldShape, ItemShape, SubItemShape, catalogue_shape
from .models import (
    QUEUE_STATES,
    AnswerText,
    Catalogue,
    CategoryAssignment,
    ChecklistAnswer,
    ConversationRead,
    Level,
    Message,
    ReviewEvent,
    ReviewState,
    SubItem,
    SubItemReport,
)


def current_catalogue() -> Catalogue | None:
    """The catalogue offices report against now: the current fiscal year's (one query)."""
    return Catalogue.objects.filter(fiscal_year=Subquery(current_year_query())).first()


@dataclass
class SubItemStatus:
    """One sub-item with the office's every answer (the sub-item page, readiness)."""

    subitem: SubItemShape
    report: SubItemReport | None
    values: dict[int, int | None]  # checklist item id → 1 / 0 / None
    filled_fields: int
    required_fields: int
    state: str = ReviewState.NOT_REPORTED

    @property
    def items(self) -> tuple[ItemShape, ...]:
        return self.subitem.items

    @property
    def state_label(self) -> str:
        return ReviewState(self.state).label

    @property
    def values_by_level(self) -> dict[str, list[int | None]]:
        return {level.value: [self.values.get(i.id) for i in items] for level, items in self.subitem.items_by_level}

    @property
    def level(self) -> Level | None:
        return scoring.attained_level(self.values_by_level)

    @property
    def level_points(self) -> int | None:
        return scoring.level_points(self.level)

    @property
    def share(self) -> scoring.Share:
        return scoring.share(self.values.get(item.id) for item in self.items)

    @property
    def answered(self) -> int:
        return sum(1 for item in self.items if self.values.get(item.id) in (0, 1))

    @property
    def unanswered(self) -> list[ItemShape]:
        return [item for item in self.items if self.values.get(item.id) not in (0, 1)]

    @property
    def total_items(self) -> int:
        return len(self.items)

    @property
    def complete(self) -> bool:
        return self.answered == self.total_items and self.filled_fields >= self.required_fields


@dataclass(slots=True)
class SubItemSummary:
    """One sub-item as pages that list sub-items show it, from the report's summary columns."""

    subitem: SubItemShape
    state: str
    answered: int
    done: int
    level_code: str
    fields_filled: int
    required_fields: int

    @property
    def total_items(self) -> int:
        return self.subitem.total

    @property
    def state_label(self) -> str:
        return ReviewState(self.state).label

    @property
    def level(self) -> Level | None:
        return Level(self.level_code) if self.level_code else None

    @property
    def level_points(self) -> int | None:
        return scoring.level_points(self.level)

    @property
    def share(self) -> scoring.Share:
        return scoring.Share(self.done, self.total_items)

    @property
    def complete(self) -> bool:
        return self.answered == self.total_items and self.fields_filled >= self.required_fields


@dataclass
class CategoryStatus:
    category: CategoryShape
    subitems: list = field(default_factory=list)  # SubItemSummary or SubItemStatus
    not_reportable: list[SubItemShape] = field(default_factory=list)
    assignee: object = None

    @property
    def share(self) -> scoring.Share:
        total = scoring.Share(0, 0)
        for status in self.subitems:
            total = total + status.share
        return total

    @property
    def answered(self) -> int:
        return sum(s.answered for s in self.subitems)

    @property
    def total_items(self) -> int:
        return sum(s.total_items for s in self.subitems)

    @property
    def submitted(self) -> int:
        return sum(1 for s in self.subitems if s.state != ReviewState.NOT_REPORTED)


@dataclass
class AssessmentOverview:
    catalogue: Catalogue
    assessment_id: int | None
    categories: list[CategoryStatus]
    answer_fields: tuple[FieldShape, ...]

    @property
    def subitems(self) -> list:
        return [s for c in self.categories for s in c.subitems]

    @property
    def share(self) -> scoring.Share:
        total = scoring.Share(0, 0)
        for category in self.categories:
            total = total + category.share
        return total

    @property
    def stage(self) -> int | None:
        return scoring.stage(s.level for s in self.subitems)

    def subitem(self, number: str):
        return next((s for s in self.subitems if s.subitem.number == number), None)


def _categories(shape: CatalogueShape, category_number: int | None, assignees: dict) -> dict[int, CategoryStatus]:
    return {
        c.id: CategoryStatus(category=c, assignee=assignees.get(c.id))
        for c in shape.categories
        if category_number is None or c.number == category_number
    }


def assessment_overview(*, office, catalogue: Catalogue, category_number: int | None = None) -> AssessmentOverview:
    """What the office home and category pages show: one row per sub-item (its summary
    columns) and the assignees, on the catalogue held in memory. Two queries."""
    shape = catalogue_shape(catalogue)
    required = len(shape.required_field_ids)
    reports = {
        row["subitem_id"]: row
        for row in SubItemReport.objects.filter(assessment__office=office, assessment__catalogue=catalogue).values(
            "subitem_id", "assessment_id", "state", "answered", "done", "level", "fields_filled"
        )
    }
    assignees = {
        a.category_id: a.user
        for a in CategoryAssignment.objects.filter(
            assessment__office=office, assessment__catalogue=catalogue
        ).select_related("user")
    }
    by_category = _categories(shape, category_number, assignees)
    for subitem in shape.subitems:
        status = by_category.get(subitem.category_id)
        if status is None:
            continue
        if not subitem.reportable:
            status.not_reportable.append(subitem)
            continue
        row = reports.get(subitem.id)
        status.subitems.append(
            SubItemSummary(
                subitem=subitem,
                state=row["state"] if row else ReviewState.NOT_REPORTED,
                answered=row["answered"] if row else 0,
                done=row["done"] if row else 0,
                level_code=row["level"] if row else "",
                fields_filled=row["fields_filled"] if row else 0,
                required_fields=required,
            )
        )
    assessment_id = next((row["assessment_id"] for row in reports.values()), None)
    return AssessmentOverview(
        catalogue=catalogue,
        assessment_id=assessment_id,
        categories=list(by_category.values()),
        answer_fields=shape.answer_fields,
    )


def assessment_answers(*, office, catalogue: Catalogue) -> list[SubItemStatus]:
    """Every reportable sub-item with the office's every answer (the readiness page): three
    queries whatever the number of answers."""
    shape = catalogue_shape(catalogue)
    required = shape.required_field_ids
    reports = {
        r.subitem_id: r
        for r in SubItemReport.objects.filter(assessment__office=office, assessment__catalogue=catalogue)
    }
    by_report = {r.pk: r.subitem_id for r in reports.values()}
    values: dict[int, dict[int, int | None]] = {}
    for report_id, item_id, value in ChecklistAnswer.objects.filter(report_id__in=by_report).values_list(
        "report_id", "item_id", "value"
    ):
        values.setdefault(by_report[report_id], {})[item_id] = value
    filled: dict[int, int] = {}
    for report_id in (
        AnswerText.objects.filter(report_id__in=by_report, field_id__in=required)
        .exclude(text="")
        .values_list("report_id", flat=True)
    ):
        filled[by_report[report_id]] = filled.get(by_report[report_id], 0) + 1
    return [
        SubItemStatus(
            subitem=subitem,
            report=reports.get(subitem.id),
            values=values.get(subitem.id, {}),
            filled_fields=filled.get(subitem.id, 0),
            required_fields=len(required),
            state=reports[subitem.id].state if subitem.id in reports else ReviewState.NOT_REPORTED,
        )
        for subitem in shape.subitems
        if subitem.reportable
    ]


@dataclass
class SubItemDetail:
    subitem: SubItem
    status: SubItemStatus
    report: SubItemReport | None
    answer_fields: tuple[FieldShape, ...]
    texts: dict[int, AnswerText]
    items_by_level: tuple[tuple[Level, tuple[ItemShape, ...]], ...]

    @property
    def version(self) -> int:
        return self.report.version if self.report else 0


def subitem_form_detail(*, subitem: SubItem) -> SubItemDetail:
    """What the answer form needs to read a posted form: the sub-item's items and fields, from
    the catalogue held in memory. No query (a save reads what is saved itself, under a lock)."""
    shape = catalogue_shape(subitem.catalogue)
    own = shape.subitem_by_id[subitem.pk]
    status = SubItemStatus(
        subitem=own, report=None, values={}, filled_fields=0, required_fields=len(shape.required_field_ids)
    )
    return SubItemDetail(
        subitem=subitem,
        status=status,
        report=None,
        answer_fields=shape.answer_fields,
        texts={},
        items_by_level=own.items_by_level,
    )


def subitem_detail(*, office, subitem: SubItem) -> SubItemDetail:
    """The sub-item page's data: checklist by level, the office's values and answer texts."""
    shape = catalogue_shape(subitem.catalogue)
    own = shape.subitem_by_id[subitem.pk]
    report = (
        SubItemReport.objects.filter(assessment__office=office, subitem=subitem)
        .select_related("updated_by", "assessment__office", "subitem__catalogue")
        .first()
    )
    values: dict[int, int | None] = {}
    texts: dict[int, AnswerText] = {}
    if report is not None:
        values = dict(ChecklistAnswer.objects.filter(report=report).values_list("item_id", "value"))
        texts = {t.field_id: t for t in AnswerText.objects.filter(report=report).only("field_id", "text", "report_id")}
    required_ids = shape.required_field_ids
    filled = sum(1 for fid, t in texts.items() if fid in required_ids and t.text.strip())
    status = SubItemStatus(
        subitem=own,
        report=report,
        values=values,
        filled_fields=filled,
        required_fields=len(required_ids),
        state=report.state if report else ReviewState.NOT_REPORTED,
    )
    return SubItemDetail(
        subitem=subitem,
        status=status,
        report=report,
        answer_fields=shape.answer_fields,
        texts=texts,
        items_by_level=own.items_by_level,
    )


# --- Review ------------------------------------------------------------------------------------


def report_snapshot(*, report: SubItemReport) -> dict:
    """What a decision was made on: checklist values and answer texts. (Evidence keeps its
    own append-only events, so what was added or superseded since a decision is read there.)"""
    return {
        "items": {str(k): v for k, v in ChecklistAnswer.objects.filter(report=report).values_list("item_id", "value")},
        "texts": {str(k): v for k, v in AnswerText.objects.filter(report=report).values_list("field_id", "text")},
    }


@dataclass
class Change:
    kind: str  # "item", "text"
    label: str
    before: str
    after: str


VALUE_TEXT = {1: "1", 0: "0", None: "ยังไม่ตอบ"}


def changes_since_last_decision(*, report: SubItemReport, detail: "SubItemDetail") -> tuple[object, list[Change]]:
    """The last decision and exactly what the office changed since it (ticks and texts)."""
    decision = (
        ReviewEvent.objects.filter(report=report, to_state__in=[ReviewState.CERTIFIED, ReviewState.NOT_CERTIFIED])
        .exclude(snapshot=None)
        .order_by("-at", "-id")
        .first()
    )
    if decision is None:
        return None, []
    before = decision.snapshot
    now = report_snapshot(report=report)
    changes: list[Change] = []
    for level, items in detail.items_by_level:
        for item in items:
            a, b = before["items"].get(str(item.id)), now["items"].get(str(item.id))
            if a != b:
                changes.append(
                    Change("item", f"{level.label} ข้อ {item.order}: {item.text[:80]}", VALUE_TEXT[a], VALUE_TEXT[b])
                )
    for f in detail.answer_fields:
        a, b = before["texts"].get(str(f.id), ""), now["texts"].get(str(f.id), "")
        if a != b:
            changes.append(Change("text", f.title, a, b))
    return decision, changes


@dataclass
class QueuePage:
    rows: list[dict]  # id, state, since, waited, office code/name/kind, sub-item number/title
    counts: dict
    total: int
    after: str | None  # the next page's cursor
    first: bool


def review_queue(
    *, state: str | None = None, search: str = "", kind: str = "", category: int | None = None, after: str | None = None
) -> QueuePage:
    """Sub-items for reviewers across all offices, longest-waiting first, a page at a time
    (keyset: the cost of a page does not grow with the number of offices). Counts per state
    come from one aggregate; `search` matches an office's code or a part of its name."""
    catalogue = current_catalogue()
    base = SubItemReport.objects.filter(assessment__catalogue=catalogue)
    offices = Office.objects.filter(is_active=True)
    if search:
        match = Q(code__iexact=search) | Q(name__icontains=search)
        offices = offices.filter(match)
        base = base.filter(assessment__office__in=offices)
    if kind:
        base = base.filter(assessment__office__kind=kind)
        offices = offices.filter(kind=kind)
    if category:
        base = base.filter(subitem__category__number=category)
    counts = {s: 0 for s in ReviewState.values}
    for row in base.values("state").annotate(n=Count("id")):
        counts[row["state"]] = row["n"]
    # "Not reported" also covers sub-items an office has not opened yet (no row at all).
    shape = catalogue_shape(catalogue) if catalogue else None
    reportable = sum(
        1 for s in (shape.subitems if shape else ()) if s.reportable and (not category or s.category_number == category)
    )
    counts[ReviewState.NOT_REPORTED] = max(
        0, offices.count() * reportable - sum(n for s, n in counts.items() if s != ReviewState.NOT_REPORTED)
    )
    states = [state] if state else list(QUEUE_STATES)
    total = sum(counts[s] for s in states)
    rows = base.filter(state__in=states).annotate(since=Coalesce("state_changed_at", "updated_at"))
    page = keyset_page(
        rows.values(
            "id",
            "state",
            "since",
            "assessment__office__code",
            "assessment__office__name",
            "assessment__office__kind",
            "subitem__number",
            "subitem__title",
        ),
        order=("since", "id"),
        after=after,
    )
    now = clock.now()
    for row in page.rows:
        row["waited"] = now - row["since"]
    return QueuePage(rows=page.rows, counts=counts, total=total, after=page.after, first=page.first)


def unread_conversations(*, side: str, office=None, limit: int = 20) -> list[SubItemReport]:
    """Sub-item reports whose conversation has messages from the other side this side has not
    read. Starts from the other side's messages (of one office when given), so that its cost
    follows the messages, not every report of the year."""
    other = Message.Side.CENTRAL if side == Message.Side.OFFICE else Message.Side.OFFICE
    read_at = ConversationRead.objects.filter(report=OuterRef("report"), side=side).values("read_at")[:1]
    messages = Message.objects.filter(side=other)
    reports = SubItemReport.objects.all()
    if office is not None:
        messages = messages.filter(report__assessment__office=office)
        reports = reports.filter(assessment__office=office)
    unread = (
        messages.annotate(read_at=Subquery(read_at))
        .filter(Q(read_at__isnull=True) | Q(created_at__gt=F("read_at")))
        .values("report_id")
    )
    reports = reports.filter(pk__in=unread)
    return list(reports.select_related("assessment__office", "subitem").order_by("-updated_at")[:limit])


# --- The generated answer form -----------------------------------------------------------------

# The evidence kind the product makes itself from the ten answer fields (แบบฟอร์มตอบประเด็น):
# reporting lays it out as a PDF; readiness and the evidence panel count it as attached.
GENERATED_EVIDENCE_KIND = "answer_form"


def generated_answer_form_available(*, fields_filled: int, required: int) -> bool:
    """The answer form exists once every required field of the answer summary is filled."""
    return required > 0 and fields_filled >= required
