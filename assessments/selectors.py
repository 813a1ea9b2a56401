"""Reads of the assessments app. Each selector issues a fixed number of queries."""

from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, Subquery

from orgprofile.models import Office
from orgprofile.windows import current_year_query

from . import scoring
from .models import (
    QUEUE_STATES,
    AnswerField,
    AnswerText,
    Assessment,
    Catalogue,
    Category,
    CategoryAssignment,
    ChecklistAnswer,
    ChecklistItem,
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
    subitem: SubItem
    report: SubItemReport | None
    items: list[ChecklistItem]
    values: dict[int, int | None]  # checklist item id → 1 / 0 / None
    filled_fields: int
    required_fields: int

    @property
    def state(self) -> str:
        return self.report.state if self.report else ReviewState.NOT_REPORTED

    @property
    def state_label(self) -> str:
        return ReviewState(self.state).label

    @property
    def values_by_level(self) -> dict[str, list[int | None]]:
        grouped: dict[str, list[int | None]] = {level.value: [] for level in Level}
        for item in self.items:
            grouped[item.level].append(self.values.get(item.id))
        return grouped

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
    def unanswered(self) -> list[ChecklistItem]:
        return [item for item in self.items if self.values.get(item.id) not in (0, 1)]

    @property
    def total_items(self) -> int:
        return len(self.items)

    @property
    def complete(self) -> bool:
        return self.answered == self.total_items and self.filled_fields >= self.required_fields


@dataclass
class CategoryStatus:
    category: Category
    subitems: list[SubItemStatus] = field(default_factory=list)
    not_reportable: list[SubItem] = field(default_factory=list)
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
    assessment: Assessment | None
    categories: list[CategoryStatus]
    answer_fields: list[AnswerField]

    @property
    def subitems(self) -> list[SubItemStatus]:
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

    def subitem(self, number: str) -> SubItemStatus | None:
        return next((s for s in self.subitems if s.subitem.number == number), None)


def assessment_overview(*, office, catalogue: Catalogue, category_number: int | None = None) -> AssessmentOverview:
    """Everything the office home, category and readiness pages show, in 7 queries."""
    categories = Category.objects.filter(catalogue=catalogue).order_by("number")
    subitems = SubItem.objects.filter(catalogue=catalogue).order_by("order")
    if category_number is not None:
        categories = categories.filter(number=category_number)
        subitems = subitems.filter(category__number=category_number)
    subitems = subitems.prefetch_related(
        Prefetch("checklist_items", queryset=ChecklistItem.objects.order_by("level", "order"))
    )
    answer_fields = list(AnswerField.objects.filter(catalogue=catalogue).order_by("order"))
    required_fields = sum(1 for f in answer_fields if f.required)
    required_ids = {f.id for f in answer_fields if f.required}
    assessment = Assessment.objects.filter(office=office, catalogue=catalogue).first()

    reports: dict[int, SubItemReport] = {}
    values: dict[int, dict[int, int | None]] = {}
    filled: dict[int, int] = {}
    assignees: dict[int, object] = {}
    if assessment is not None:
        for report in SubItemReport.objects.filter(assessment=assessment).select_related("updated_by"):
            reports[report.subitem_id] = report
        report_to_subitem = {r.id: r.subitem_id for r in reports.values()}
        for answer in ChecklistAnswer.objects.filter(report__assessment=assessment).only(
            "report_id", "item_id", "value"
        ):
            values.setdefault(report_to_subitem[answer.report_id], {})[answer.item_id] = answer.value
        for text in (
            AnswerText.objects.filter(report__assessment=assessment).exclude(text="").only("report_id", "field_id")
        ):
            if text.field_id in required_ids:
                subitem_id = report_to_subitem[text.report_id]
                filled[subitem_id] = filled.get(subitem_id, 0) + 1
        for assignment in CategoryAssignment.objects.filter(assessment=assessment).select_related("user"):
            assignees[assignment.category_id] = assignment.user

    by_category: dict[int, CategoryStatus] = {}
    for category in categories:
        by_category[category.id] = CategoryStatus(category=category, assignee=assignees.get(category.id))
    for subitem in subitems:
        status = by_category.get(subitem.category_id)
        if status is None:
            continue
        if not subitem.reportable:
            status.not_reportable.append(subitem)
            continue
        status.subitems.append(
            SubItemStatus(
                subitem=subitem,
                report=reports.get(subitem.id),
                items=list(subitem.checklist_items.all()),
                values=values.get(subitem.id, {}),
                filled_fields=filled.get(subitem.id, 0),
                required_fields=required_fields,
            )
        )
    return AssessmentOverview(
        catalogue=catalogue, assessment=assessment, categories=list(by_category.values()), answer_fields=answer_fields
    )


@dataclass
class SubItemDetail:
    subitem: SubItem
    status: SubItemStatus
    report: SubItemReport | None
    answer_fields: list[AnswerField]
    texts: dict[int, AnswerText]
    items_by_level: list[tuple[Level, list[ChecklistItem]]]

    @property
    def version(self) -> int:
        return self.report.version if self.report else 0


def subitem_detail(*, office, subitem: SubItem) -> SubItemDetail:
    """The sub-item page's data: checklist by level, the office's values and answer texts."""
    items = list(subitem.checklist_items.order_by("order"))
    answer_fields = list(AnswerField.objects.filter(catalogue_id=subitem.catalogue_id).order_by("order"))
    report = (
        SubItemReport.objects.filter(assessment__office=office, subitem=subitem)
        .select_related("updated_by", "assessment__office", "subitem")
        .first()
    )
    values: dict[int, int | None] = {}
    texts: dict[int, AnswerText] = {}
    if report is not None:
        values = dict(ChecklistAnswer.objects.filter(report=report).values_list("item_id", "value"))
        texts = {t.field_id: t for t in AnswerText.objects.filter(report=report)}
    required_ids = {f.id for f in answer_fields if f.required}
    filled = sum(1 for fid, t in texts.items() if fid in required_ids and t.text.strip())
    status = SubItemStatus(
        subitem=subitem,
        report=report,
        items=items,
        values=values,
        filled_fields=filled,
        required_fields=len(required_ids),
    )
    by_level = [(level, [i for i in items if i.level == level.value]) for level in Level]
    return SubItemDetail(
        subitem=subitem, status=status, report=report, answer_fields=answer_fields, texts=texts, items_by_level=by_level
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
    rows: list
    counts: dict
    total: int
    page: int
    pages: int


def review_queue(
    *,
    state: str | None = None,
    office_code: str = "",
    kind: str = "",
    category: int | None = None,
    page: int = 1,
    per_page: int = 50,
) -> QueuePage:
    """Sub-items for reviewers across all offices, longest-waiting first, in 5 queries."""
    catalogue = current_catalogue()
    base = SubItemReport.objects.filter(assessment__catalogue=catalogue)
    if office_code:
        base = base.filter(assessment__office__code=office_code)
    if kind:
        base = base.filter(assessment__office__kind=kind)
    if category:
        base = base.filter(subitem__category__number=category)
    counts = {s: 0 for s in ReviewState.values}
    for row in base.values("state").annotate(n=Count("id")):
        counts[row["state"]] = row["n"]
    # "Not reported" also covers sub-items an office has not opened yet (no row at all).
    offices = Office.objects.filter(is_active=True)
    subitems = SubItem.objects.filter(catalogue=catalogue, reportable=True)
    if office_code:
        offices = offices.filter(code=office_code)
    if kind:
        offices = offices.filter(kind=kind)
    if category:
        subitems = subitems.filter(category__number=category)
    expected = offices.count() * subitems.count()
    counts[ReviewState.NOT_REPORTED] = max(
        0, expected - sum(n for s, n in counts.items() if s != ReviewState.NOT_REPORTED)
    )
    rows = base.filter(state=state) if state else base.filter(state__in=QUEUE_STATES)
    total = rows.count()
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    rows = rows.select_related("assessment__office", "subitem__category").order_by("state_changed_at", "id")[
        (page - 1) * per_page : page * per_page
    ]
    return QueuePage(rows=list(rows), counts=counts, total=total, page=page, pages=pages)


def unread_conversations(*, side: str, office=None, limit: int = 20) -> list[SubItemReport]:
    """Sub-item reports whose conversation has messages from the other side this side has not read."""
    other = Message.Side.CENTRAL if side == Message.Side.OFFICE else Message.Side.OFFICE
    read_at = ConversationRead.objects.filter(report=OuterRef("report"), side=side).values("read_at")[:1]
    unread = (
        Message.objects.filter(report=OuterRef("pk"), side=other)
        .annotate(read_at=Subquery(read_at))
        .filter(Q(read_at__isnull=True) | Q(created_at__gt=F("read_at")))
    )
    reports = SubItemReport.objects.filter(Exists(unread))
    if office is not None:
        reports = reports.filter(assessment__office=office)
    return list(reports.select_related("assessment__office", "subitem").order_by("-updated_at")[:limit])
