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

from django.db.models import Count, Min, Q, Sum
from django.db.models.functions import TruncDate
from django.utils.translation import gettext_lazy as _

from assessments.catalogue_cache import CatalogueShape, catalogue_shape
from assessments.models import (
    LEVEL_ORDER,
    LEVEL_POINTS,
    NO_LEVEL,
    QUEUE_STATES,
    Catalogue,
    Level,
    ReviewEvent,
    ReviewState,
    SubItemReport,
)
from assessments.scoring import Share
from krs_integration.models import Indicator
from orgprofile.models import Office
from pmqa_site import clock
from pmqa_site.thaidates import local

CATEGORY7 = 7
DECIDED = (ReviewState.CERTIFIED, ReviewState.NOT_CERTIFIED)


class Progress:
    """The stage an office is at, for the filter and the head figures."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    CERTIFIED = "certified"

    LABELS = {
        NOT_STARTED: _("ยังไม่เริ่ม"),
        IN_PROGRESS: _("กำลังดำเนินการ"),
        SUBMITTED: _("ส่งรายงานครบทุกประเด็น"),
        CERTIFIED: _("รับรองครบทุกประเด็น"),
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
    def answered_share(self) -> Share:
        return Share(done=self.answered, total=self.items)

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

    @property
    def kind_label(self) -> str:
        return str(Office.Kind(self.kind).label) if self.kind in Office.Kind.values else self.kind

    def _sum(self, attribute: str) -> int:
        return sum(getattr(cell, attribute) for cell in self.cells.values())

    @cached_property
    def subitems(self) -> int:
        return self._sum("subitems")

    @cached_property
    def answered_share(self) -> Share:
        return Share(done=self._sum("answered"), total=self._sum("items"))

    @cached_property
    def score(self) -> Share:
        return Share(done=self._sum("done"), total=self._sum("items"))

    def state_count(self, state: str) -> int:
        return sum(cell.states.get(state, 0) for cell in self.cells.values())

    @cached_property
    def waiting(self) -> int:
        return self._sum("waiting")

    @cached_property
    def certified(self) -> int:
        return self.state_count(ReviewState.CERTIFIED)

    @cached_property
    def stage(self) -> int | None:
        """300 / 400 / 500: the level every reportable sub-item has reached (None until then)."""
        levels = [cell.level for cell in self.cells.values()]
        if not levels or "" in levels:
            return None
        return LEVEL_POINTS[min((Level(level) for level in levels), key=LEVEL_ORDER.index)]

    @cached_property
    def progress(self) -> str:
        if self.certified == self.subitems and self.subitems:
            return Progress.CERTIFIED
        if self.state_count(ReviewState.NOT_REPORTED) == 0 and self.subitems:
            return Progress.SUBMITTED
        if self._sum("answered") or self.state_count(ReviewState.NOT_REPORTED) < self.subitems:
            return Progress.IN_PROGRESS
        return Progress.NOT_STARTED

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


SORTS = {
    "code": lambda row: row.code,
    "name": lambda row: row.name,
    "province": lambda row: (row.province, row.code),
    "answered": lambda row: (row.answered_share.fraction, row.code),
    "score": lambda row: (row.score.fraction, row.code),
    "waiting": lambda row: (row.waiting, row.code),
    "certified": lambda row: (row.certified, row.code),
    "stage": lambda row: (row.stage or 0, row.code),
    "category7": lambda row: (row.category7.share.fraction, row.code),
}


def _by_category(number: int):
    return lambda row: (row.cells[number].score.fraction if number in row.cells else 0, row.code)


SORTS.update({f"c{n}": _by_category(n) for n in range(1, CATEGORY7)})


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
    rows: list[OfficeRow]  # every office, filtered and sorted
    head: HeadFigures  # of every active office, whatever the filters
    category_numbers: list[int]
    provinces: list[str]
    filters: Filters


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


def national(*, catalogue: Catalogue, filters: Filters = Filters()) -> National:
    """Every active office's row for the year of `catalogue`, filtered and sorted."""
    shape = catalogue_shape(catalogue)
    template = _empty_cells(shape)
    reportable_ids = [s.id for s in shape.subitems if s.reportable and s.category_number in template]
    category_of = {s.id: s.category_number for s in shape.subitems}

    offices = list(Office.objects.filter(is_active=True).values("id", "code", "name", "kind", "province"))
    rows = {
        office["id"]: OfficeRow(
            **office,
            cells={n: Cell(category=n, subitems=c.subitems, items=c.items) for n, c in template.items()},
            category7=Category7(),
        )
        for office in offices
    }

    reports = (
        SubItemReport.objects.filter(assessment__catalogue=catalogue, subitem_id__in=reportable_ids)
        .values_list("assessment__office_id", "subitem_id", "state", "level")
        .annotate(n=Count("id"), answered=Sum("answered"), done=Sum("done"))
        .order_by()
    )
    for office_id, subitem_id, state, level, n, answered, done in reports:
        row = rows.get(office_id)
        if row is None:
            continue
        cell = row.cells[category_of[subitem_id]]
        cell.answered += answered or 0
        cell.done += done or 0
        cell.states[state] = cell.states.get(state, 0) + n
        if level:
            cell.levels[level] = cell.levels.get(level, 0) + n
    waiting = (
        SubItemReport.objects.filter(
            assessment__catalogue=catalogue, subitem_id__in=reportable_ids, state__in=QUEUE_STATES
        )
        .values_list("assessment__office_id")
        .annotate(since=Min("state_changed_at"))
        .order_by()
    )
    for office_id, since in waiting:
        if office_id in rows:
            rows[office_id].oldest_waiting = since
    for row in rows.values():
        for cell in row.cells.values():
            # Sub-items an office has not opened have no row: they are not reported.
            opened = sum(cell.states.values())
            cell.states[ReviewState.NOT_REPORTED] = (
                cell.states.get(ReviewState.NOT_REPORTED, 0) + cell.subitems - opened
            )

    indicators = (
        Indicator.objects.filter(fiscal_year=catalogue.fiscal_year, withdrawn_at__isnull=True)
        .values("office_id")
        .annotate(
            n=Count("id"),
            achieved=Count("id", filter=Q(achieved=True)),
            with_result=Count("id", filter=Q(result__isnull=False)),
        )
    )
    for row_values in indicators:
        row = rows.get(row_values["office_id"])
        if row is not None:
            row.category7 = Category7(
                indicators=row_values["n"], achieved=row_values["achieved"], with_result=row_values["with_result"]
            )

    everyone = list(rows.values())
    waiting_since = [row.oldest_waiting for row in everyone if row.oldest_waiting]
    progress = [row.progress for row in everyone]
    head = HeadFigures(
        offices=len(everyone),
        started=sum(1 for p in progress if p != Progress.NOT_STARTED),
        submitted=sum(1 for p in progress if p in (Progress.SUBMITTED, Progress.CERTIFIED)),
        certified=progress.count(Progress.CERTIFIED),
        waiting=sum(row.waiting for row in everyone),
        oldest_waiting=min(waiting_since) if waiting_since else None,
    )
    chosen = [row for row in everyone if _matches(row, filters)]
    chosen.sort(key=SORTS.get(filters.sort, SORTS["code"]), reverse=filters.descending)
    return National(
        catalogue=catalogue,
        shape=shape,
        rows=chosen,
        head=head,
        category_numbers=sorted(template),
        provinces=sorted({row.province for row in everyone if row.province}),
        filters=filters,
    )


def _matches(row: OfficeRow, filters: Filters) -> bool:
    if filters.kind and row.kind != filters.kind:
        return False
    if filters.province and row.province != filters.province:
        return False
    if filters.progress and row.progress != filters.progress:
        return False
    if filters.waiting and not row.waiting:
        return False
    if filters.search:
        needle = filters.search.strip().lower()
        if needle not in row.code.lower() and needle not in row.name.lower():
            return False
    return True


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


def states_per_category(national_: National) -> list[dict]:
    """Sub-items in each review state, per category, over every office (from the matrix)."""
    totals: dict[int, dict[str, int]] = {n: dict.fromkeys(STATE_ORDER, 0) for n in national_.category_numbers}
    for row in national_.rows:
        for number, cell in row.cells.items():
            for state, n in cell.states.items():
                totals[number][state] = totals[number].get(state, 0) + n
    return [{"category": n, **totals[n]} for n in national_.category_numbers]


def category7_attainment(*, fiscal_year: int) -> list[dict]:
    """Per result dimension: indicators that met their target, of all indicators."""
    rows = (
        Indicator.objects.filter(fiscal_year=fiscal_year, withdrawn_at__isnull=True, office__is_active=True)
        .values("dimension_code")
        .annotate(n=Count("id"), achieved=Count("id", filter=Q(achieved=True)))
        .order_by("dimension_code")
    )
    return [{"dimension": r["dimension_code"], "indicators": r["n"], "achieved": r["achieved"]} for r in rows]
