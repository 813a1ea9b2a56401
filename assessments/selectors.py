"""Reads of the assessments app. Each selector issues a fixed number of queries."""

from dataclasses import dataclass, field

from django.db.models import Prefetch

from . import scoring
from .models import (
    AnswerField,
    AnswerText,
    Assessment,
    Catalogue,
    Category,
    CategoryAssignment,
    ChecklistAnswer,
    ChecklistItem,
    Level,
    ReviewState,
    SubItem,
    SubItemReport,
)


def current_catalogue() -> Catalogue | None:
    """The catalogue offices report against now: the latest fiscal year loaded."""
    return Catalogue.objects.order_by("-fiscal_year").first()


def current_fiscal_year() -> int | None:
    catalogue = current_catalogue()
    return catalogue.fiscal_year if catalogue else None


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
        for answer in ChecklistAnswer.objects.filter(report__assessment=assessment).only("report_id", "item_id", "value"):
            values.setdefault(report_to_subitem[answer.report_id], {})[answer.item_id] = answer.value
        for text in AnswerText.objects.filter(report__assessment=assessment).exclude(text="").only("report_id", "field_id"):
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
        SubItemReport.objects.filter(assessment__office=office, subitem=subitem).select_related("updated_by").first()
    )
    values: dict[int, int | None] = {}
    texts: dict[int, AnswerText] = {}
    if report is not None:
        values = dict(ChecklistAnswer.objects.filter(report=report).values_list("item_id", "value"))
        texts = {t.field_id: t for t in AnswerText.objects.filter(report=report)}
    required_ids = {f.id for f in answer_fields if f.required}
    filled = sum(1 for fid, t in texts.items() if fid in required_ids and t.text.strip())
    status = SubItemStatus(
        subitem=subitem, report=report, items=items, values=values, filled_fields=filled, required_fields=len(required_ids)
    )
    by_level = [(level, [i for i in items if i.level == level.value]) for level in Level]
    return SubItemDetail(
        subitem=subitem, status=status, report=report, answer_fields=answer_fields, texts=texts, items_by_level=by_level
    )
