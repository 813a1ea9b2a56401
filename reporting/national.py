"""The national picture: every office × every category of one year, from a few set-based reads.

One aggregate over the sub-item reports (grouped by office and category, the summary columns
kept by every save: answered, done, level, state) and one over the KRS indicators give the
matrix; the catalogue comes from process memory. The number of queries does not depend on
the number of offices (pinned in tests/reporting/test_national.py), and the dashboard, the
exports and the command all read from here.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from django.core.paginator import Page, Paginator
from django.db.models import (
    Count,
    F,
    FilteredRelation,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.aggregates import Min
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.db.models.functions import Cast, Coalesce, TruncDate
from django.utils.translation import gettext_lazy as _

from assessments.catalogue_cache import CatalogueShape, catalogue_shape
from assessments.models import (
    LEVEL_ORDER,
    NO_LEVEL,
    QUEUE_STATES,
    Catalogue,
    Level,
    ReviewEvent,
    ReviewState,
    SubItemReport,
)
from assessments.scoring import Share
from assessments.services import summary
from krs_integration.models import Indicator
from orgprofile.models import Office
from pmqa_site import clock
from pmqa_site.thaidates import local

CATEGORY7 = 7
NATIONAL_PER_PAGE = 50
DECIDED = (ReviewState.CERTIFIED, ReviewState.NOT_CERTIFIED)


class Progress(summary.Progress):
    """The stage an office is at, for the filter and the head figures (kept in its summary)."""

    LABELS = {
        summary.Progress.NOT_STARTED: _("ยังไม่เริ่ม"),
        summary.Progress.IN_PROGRESS: _("กำลังดำเนินการ"),
        summary.Progress.SUBMITTED: _("ส่งรายงานครบทุกประเด็น"),
        summary.Progress.CERTIFIED: _("รับรองครบทุกประเด็น"),
    }


@dataclass
class Cell:
    """One office's category: sub-items by review state, checklist items answered and done,
    and the sub-items at each level."""

    category: int
    subitems: int  # reportable sub-items of the category
    items: int  # their checklist items
    answered: int = 0
    done: int = 0
    states: dict[str, int] = field(default_factory=dict)
    levels: dict[str, int] = field(default_factory=dict)

    @property
    def score(self) -> Share:
        return Share(done=self.done, total=self.items)

    @cached_property
    def level(self) -> str:
        """The level every sub-item of the category has reached ("" while one has none)."""
        reached = 0
        for level in reversed(LEVEL_ORDER):
            reached += self.levels.get(level.value, 0)
            if reached >= self.subitems and self.subitems:
                return level.value
        return ""

    @property
    def waiting(self) -> int:
        return sum(self.states.get(state, 0) for state in QUEUE_STATES)

    @property
    def state_bar(self) -> list[tuple[str, str, int, str, str]]:
        """(state, Thai label, count, start and width in per cent) for the stacked bar."""
        parts, start = [], 0.0
        for state in STATE_ORDER:
            n = self.states.get(state, 0)
            if n:
                width = 100 * n / self.subitems
                parts.append((state, STATE_LABELS[state], n, f"{start:.2f}", f"{width:.2f}"))
                start += width
        return parts

    @property
    def state_label(self) -> str:
        return ", ".join(f"{STATE_LABELS[state]} {n}" for state in STATE_ORDER if (n := self.states.get(state, 0)))

    @property
    def answered_percent(self) -> str:
        return f"{100 * self.answered / self.items:.0f}" if self.items else "0"

    @property
    def level_label(self) -> str:
        level = self.level
        return LEVEL_LABELS[level] if level else NO_LEVEL


STATE_LABELS = {state.value: str(state.label) for state in ReviewState}
LEVEL_LABELS = {level.value: str(level.label) for level in Level}
STATE_ORDER = [
    ReviewState.CERTIFIED.value,
    ReviewState.AWAITING.value,
    ReviewState.NEW_DATA.value,
    ReviewState.NOT_CERTIFIED.value,
    ReviewState.NOT_REPORTED.value,
]


@dataclass
class Category7:
    indicators: int = 0
    achieved: int = 0
    with_result: int = 0

    @property
    def share(self) -> Share:
        return Share(done=self.achieved, total=self.indicators)


@dataclass
class OfficeRow:
    id: int
    code: str
    name: str
    kind: str
    province: str
    cells: dict[int, Cell]
    category7: Category7
    oldest_waiting: datetime.datetime | None = None
    waiting: int = 0
    certified: int = 0
    stage: int | None = None  # 300 / 400 / 500: the level every reportable sub-item has reached
    progress: str = Progress.NOT_STARTED

    @property
    def kind_label(self) -> str:
        return str(Office.Kind(self.kind).label) if self.kind in Office.Kind.values else self.kind

    def _sum(self, attribute: str) -> int:
        return sum(getattr(cell, attribute) for cell in self.cells.values())

    @cached_property
    def subitems(self) -> int:
        return self._sum("subitems")

    @cached_property
    def score(self) -> Share:
        return Share(done=self._sum("done"), total=self._sum("items"))

    def state_count(self, state: str) -> int:
        return sum(cell.states.get(state, 0) for cell in self.cells.values())

    @property
    def progress_label(self) -> str:
        return str(Progress.LABELS[self.progress])


@dataclass(frozen=True)
class Filters:
    kind: str = ""
    province: str = ""
    progress: str = ""
    waiting: bool = False
    search: str = ""
    sort: str = "code"
    descending: bool = False


SUMMARY = "year__summary__"  # the office's summary of the year, through the filtered relation


def _category_done(number: int):
    return Cast(KeyTextTransform("done", KeyTransform(str(number), f"{SUMMARY}categories")), IntegerField())


def _zero(name: str):
    return Coalesce(F(f"{SUMMARY}{name}"), Value(0))


# Sort keys, each an SQL expression; ties are broken by the office code.
SORTS = {
    "code": lambda: F("code"),
    "name": lambda: F("name"),
    "province": lambda: F("province"),
    "answered": lambda: _zero("answered"),
    "score": lambda: _zero("done"),
    "waiting": lambda: _zero("waiting"),
    "certified": lambda: _zero("certified"),
    "stage": lambda: _zero("stage"),
    "category7": lambda: F("category7_share"),
}
SORTS.update({f"c{n}": (lambda n=n: Coalesce(_category_done(n), Value(0))) for n in range(1, CATEGORY7)})


@dataclass
class HeadFigures:
    offices: int
    started: int
    submitted: int
    certified: int
    waiting: int
    oldest_waiting: datetime.datetime | None

    @property
    def oldest_wait(self) -> datetime.timedelta | None:
        return clock.now() - self.oldest_waiting if self.oldest_waiting else None


@dataclass
class National:
    catalogue: Catalogue
    shape: CatalogueShape
    rows: list[OfficeRow]  # the offices chosen by the filters, sorted (one page on the dashboard)
    head: HeadFigures  # of every active office, whatever the filters
    category_numbers: list[int]
    filters: Filters
    count: int = 0  # offices chosen by the filters
    page: Page | None = None  # the dashboard's page, its object_list the rows
    at: datetime.datetime | None = None  # when it was read


def _empty_cells(shape: CatalogueShape) -> dict[int, Cell]:
    cells: dict[int, Cell] = {}
    for category in shape.categories:
        reportable = [s for s in shape.subitems if s.category_id == category.id and s.reportable]
        if category.number >= CATEGORY7 or not reportable:
            continue
        cells[category.number] = Cell(
            category=category.number, subitems=len(reportable), items=sum(s.total for s in reportable)
        )
    return cells


def category_numbers(*, catalogue: Catalogue) -> list[int]:
    """The categories of the matrix (1-6 with reportable sub-items), from process memory."""
    return sorted(_empty_cells(catalogue_shape(catalogue)))


OFFICE_COLUMNS = ("id", "code", "name", "kind", "province")
SUMMARY_COLUMNS = ("waiting", "certified", "stage", "progress", "oldest_waiting", "categories")


def _offices(catalogue: Catalogue, filters: Filters) -> QuerySet:
    """Active offices chosen by `filters`, sorted, each with its summary of the year (SQL)."""
    offices = Office.objects.filter(is_active=True).annotate(
        year=FilteredRelation("assessments", condition=Q(assessments__catalogue=catalogue))
    )
    if filters.kind:
        offices = offices.filter(kind=filters.kind)
    if filters.province:
        offices = offices.filter(province=filters.province)
    if filters.progress == Progress.NOT_STARTED:
        never = Q(**{f"{SUMMARY}progress__isnull": True})  # no assessment of the year yet
        offices = offices.filter(Q(**{f"{SUMMARY}progress": Progress.NOT_STARTED}) | never)
    elif filters.progress:
        offices = offices.filter(**{f"{SUMMARY}progress": filters.progress})
    if filters.waiting:
        offices = offices.filter(**{f"{SUMMARY}waiting__gt": 0})
    if needle := filters.search.strip():
        offices = offices.filter(Q(code__icontains=needle) | Q(name__icontains=needle))
    sort = filters.sort if filters.sort in SORTS else "code"
    if sort == "category7":
        current = (
            Indicator.objects.filter(
                office=OuterRef("pk"), fiscal_year=catalogue.fiscal_year, withdrawn_at__isnull=True
            )
            .order_by()  # the model's ordering would join the office again in every office's subquery
            .values("office")
        )
        offices = offices.annotate(
            category7_share=Coalesce(
                Subquery(
                    current.annotate(
                        share=Cast(Count("id", filter=Q(achieved=True)), FloatField()) / Count("id")
                    ).values("share")
                ),
                Value(0.0),
            )
        )
    key = SORTS[sort]()
    ordering = [key.desc() if filters.descending else key.asc()]
    if sort != "code":
        ordering.append(F("code").desc() if filters.descending else F("code").asc())
    return offices.order_by(*ordering).values_list(*OFFICE_COLUMNS, *(f"{SUMMARY}{name}" for name in SUMMARY_COLUMNS))


def _rows(values: list[tuple], *, template: dict[int, Cell], fiscal_year: int) -> list[OfficeRow]:
    """Office rows from `_offices` values, with their category 7 figures (one query)."""
    rows = []
    for office_id, code, name, kind, province, waiting, certified, stage, progress, oldest, categories in values:
        cells = {}
        for number, empty in template.items():
            own = (categories or {}).get(str(number))
            cells[number] = Cell(
                category=number,
                subitems=empty.subitems,
                items=empty.items,
                answered=own["answered"] if own else 0,
                done=own["done"] if own else 0,
                states=dict(own["states"]) if own else {ReviewState.NOT_REPORTED.value: empty.subitems},
                levels=dict(own["levels"]) if own else {},
            )
        rows.append(
            OfficeRow(
                id=office_id,
                code=code,
                name=name,
                kind=kind,
                province=province,
                cells=cells,
                category7=Category7(),
                oldest_waiting=oldest,
                waiting=waiting or 0,
                certified=certified or 0,
                stage=stage,
                progress=progress or Progress.NOT_STARTED,
            )
        )
    by_id = {row.id: row for row in rows}
    indicators = (
        Indicator.objects.filter(office_id__in=list(by_id), fiscal_year=fiscal_year, withdrawn_at__isnull=True)
        .values("office_id")
        .annotate(
            n=Count("id"),
            achieved=Count("id", filter=Q(achieved=True)),
            with_result=Count("id", filter=Q(result__isnull=False)),
        )
        .order_by()
    )
    for figures in indicators if by_id else ():
        by_id[figures["office_id"]].category7 = Category7(
            indicators=figures["n"], achieved=figures["achieved"], with_result=figures["with_result"]
        )
    return rows


def head_figures(*, catalogue: Catalogue) -> HeadFigures:
    """The head figures of every active office: one aggregate over the summaries."""
    figures = (
        Office.objects.filter(is_active=True)
        .annotate(year=FilteredRelation("assessments", condition=Q(assessments__catalogue=catalogue)))
        .aggregate(
            offices=Count("id"),
            started=Count("id", filter=~Q(**{f"{SUMMARY}progress": Progress.NOT_STARTED})),
            submitted=Count("id", filter=Q(**{f"{SUMMARY}progress__in": [Progress.SUBMITTED, Progress.CERTIFIED]})),
            certified=Count("id", filter=Q(**{f"{SUMMARY}progress": Progress.CERTIFIED})),
            waiting=Sum(f"{SUMMARY}waiting"),
            oldest_waiting=Min(f"{SUMMARY}oldest_waiting"),
        )
    )
    return HeadFigures(**{**figures, "waiting": figures["waiting"] or 0})


def national(*, catalogue: Catalogue, filters: Filters = Filters(), page: int | str | None = None) -> National:
    """The offices chosen by `filters`, sorted, for the year of `catalogue`: every one of them
    (exports), or with `page` the dashboard's page of NATIONAL_PER_PAGE. A fixed number of
    queries; with `page`, work that does not grow with the number of offices but in SQL."""
    shape = catalogue_shape(catalogue)
    template = _empty_cells(shape)
    offices = _offices(catalogue, filters)
    chosen = None
    if page is not None:
        chosen = Paginator(offices, NATIONAL_PER_PAGE).get_page(page)
        values = list(chosen.object_list)
    else:
        values = list(offices)
    rows = _rows(values, template=template, fiscal_year=catalogue.fiscal_year)
    if chosen is not None:
        chosen.object_list = rows
    return National(
        catalogue=catalogue,
        shape=shape,
        rows=rows,
        head=head_figures(catalogue=catalogue),
        category_numbers=sorted(template),
        filters=filters,
        count=chosen.paginator.count if chosen is not None else len(rows),
        page=chosen,
        at=clock.now(),
    )


# --- Charts ------------------------------------------------------------------------------------


def daily_progress(*, catalogue: Catalogue) -> list[dict]:
    """Per Bangkok day: sub-items sent for review and sub-items certified, with running totals."""
    per_day: dict[datetime.date, dict[str, int]] = defaultdict(lambda: {"sent": 0, "certified": 0})
    events = (
        ReviewEvent.objects.filter(report__assessment__catalogue=catalogue)
        .filter(to_state__in=[ReviewState.AWAITING, ReviewState.NEW_DATA, ReviewState.CERTIFIED])
        .annotate(day=TruncDate("at", tzinfo=local(clock.now()).tzinfo))
        .values("day", "to_state")
        .annotate(n=Count("id"))
        .order_by("day")
    )
    for event in events:
        key = "certified" if event["to_state"] == ReviewState.CERTIFIED else "sent"
        per_day[event["day"]][key] += event["n"]
    days, sent, certified = [], 0, 0
    for day in sorted(per_day):
        sent += per_day[day]["sent"]
        certified += per_day[day]["certified"]
        days.append({"day": day, **per_day[day], "sent_total": sent, "certified_total": certified})
    return days


def levels_per_subitem(*, catalogue: Catalogue, offices: int) -> list[dict]:
    """For each reportable sub-item of categories 1-6: how many offices reach each level."""
    shape = catalogue_shape(catalogue)
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for row in (
        SubItemReport.objects.filter(assessment__catalogue=catalogue, assessment__office__is_active=True)
        .exclude(level="")
        .values("subitem_id", "level")
        .annotate(n=Count("id"))
    ):
        counts[row["subitem_id"]][row["level"]] = row["n"]
    result = []
    for subitem in shape.subitems:
        if not subitem.reportable or subitem.category_number >= CATEGORY7:
            continue
        own = counts.get(subitem.id, {})
        reached = sum(own.values())
        result.append(
            {
                "number": subitem.number,
                "title": subitem.title,
                **{level.value: own.get(level.value, 0) for level in LEVEL_ORDER},
                "none": max(0, offices - reached),
            }
        )
    return result


def states_per_category(*, catalogue: Catalogue) -> list[dict]:
    """Sub-items in each review state, per category, over every active office (their summaries)."""
    template = _empty_cells(catalogue_shape(catalogue))
    totals: dict[int, dict[str, int]] = {n: dict.fromkeys(STATE_ORDER, 0) for n in template}
    for (categories,) in (
        Office.objects.filter(is_active=True)
        .annotate(year=FilteredRelation("assessments", condition=Q(assessments__catalogue=catalogue)))
        .values_list(f"{SUMMARY}categories")
        .iterator(chunk_size=1000)
    ):
        for number, empty in template.items():
            own = (categories or {}).get(str(number))
            for state, n in own["states"].items() if own else [(ReviewState.NOT_REPORTED, empty.subitems)]:
                totals[number][state] = totals[number].get(state, 0) + n
    return [{"category": n, **totals[n]} for n in sorted(template)]


def category7_attainment(*, fiscal_year: int) -> list[dict]:
    """Per result dimension: indicators that met their target, of all indicators."""
    rows = (
        Indicator.objects.filter(fiscal_year=fiscal_year, withdrawn_at__isnull=True, office__is_active=True)
        .values("dimension_code")
        .annotate(n=Count("id"), achieved=Count("id", filter=Q(achieved=True)))
        .order_by("dimension_code")
    )
    return [{"dimension": r["dimension_code"], "indicators": r["n"], "achieved": r["achieved"]} for r in rows]
