"""The per-office summary the national pages read (AssessmentSummary), kept in step with the
sub-item reports.

Every write that changes a report's summary columns or its review state calls
`summary_refresh` in its own transaction, after the report's row lock: the summary row is
locked last, so two writes of one office queue on it instead of one overwriting the other's
figures, and no two transactions wait on each other in the opposite order. A bulk change (a
catalogue's items, bulk loads) calls `summaries_rebuild`, a few queries for the whole year.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction

from ..catalogue_cache import CatalogueShape, catalogue_shape
from ..models import (
    CATEGORY7,
    LEVEL_ORDER,
    LEVEL_POINTS,
    QUEUE_STATES,
    Assessment,
    AssessmentSummary,
    Catalogue,
    Level,
    ReviewState,
    SubItemReport,
)
from ..queue_cache import queue_counts_changed

REPORT_COLUMNS = ("subitem_id", "state", "level", "answered", "done", "state_changed_at")
# Read with the reports, so that the catalogue's shape (held in process memory) costs no query.
CATALOGUE_COLUMNS = (
    "assessment__catalogue_id",
    "assessment__catalogue__fiscal_year",
    "assessment__catalogue__loaded_at",
)


class Progress:
    """The stage an office is at, for the national filter and head figures."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    CERTIFIED = "certified"


@dataclass(frozen=True)
class _Layout:
    """Which sub-items count, and the size of each category, for one catalogue."""

    category_of: dict[int, int]  # reportable sub-item of categories 1-6 -> its category number
    subitems: dict[int, int]  # category number -> reportable sub-items
    items: dict[int, int]  # category number -> their checklist items


def layout_of(subitems: Iterable[tuple[int, int, bool, int]]) -> _Layout:
    """The layout from (sub-item id, category number, reportable, checklist items) rows."""
    category_of, counts, items = {}, {}, {}
    for subitem_id, number, reportable, total in subitems:
        if not reportable or number >= CATEGORY7:
            continue
        category_of[subitem_id] = number
        counts[number] = counts.get(number, 0) + 1
        items[number] = items.get(number, 0) + total
    return _Layout(category_of=category_of, subitems=counts, items=items)


def _layout(shape: CatalogueShape) -> _Layout:
    return layout_of((s.id, s.category_number, s.reportable, s.total) for s in shape.subitems)


def summarise(layout: _Layout, rows: Iterable[tuple]) -> dict:
    """The summary's columns from one assessment's reports, rows of REPORT_COLUMNS."""
    categories = {str(n): {"answered": 0, "done": 0, "states": {}, "levels": {}} for n in sorted(layout.subitems)}
    levels_seen: list[str] = []
    oldest = None
    for subitem_id, state, level, answered, done, changed_at in rows:
        number = layout.category_of.get(subitem_id)
        if number is None:
            continue
        cell = categories[str(number)]
        cell["answered"] += answered or 0
        cell["done"] += done or 0
        cell["states"][state] = cell["states"].get(state, 0) + 1
        if level:
            cell["levels"][level] = cell["levels"].get(level, 0) + 1
            levels_seen.append(level)
        if state in QUEUE_STATES and changed_at is not None and (oldest is None or changed_at < oldest):
            oldest = changed_at
    for number, cell in categories.items():
        # Sub-items the office has not opened have no report: they are not reported.
        opened = sum(cell["states"].values())
        missing = layout.subitems[int(number)] - opened
        if missing:
            cell["states"][ReviewState.NOT_REPORTED] = cell["states"].get(ReviewState.NOT_REPORTED, 0) + missing

    def total(key: str) -> int:
        return sum(cell[key] for cell in categories.values())

    def in_state(*states) -> int:
        return sum(cell["states"].get(state, 0) for cell in categories.values() for state in states)

    subitems = sum(layout.subitems.values())
    answered, certified, not_reported = (
        total("answered"),
        in_state(ReviewState.CERTIFIED),
        in_state(ReviewState.NOT_REPORTED),
    )
    if subitems and certified == subitems:
        progress = Progress.CERTIFIED
    elif subitems and not_reported == 0:
        progress = Progress.SUBMITTED
    elif answered or not_reported < subitems:
        progress = Progress.IN_PROGRESS
    else:
        progress = Progress.NOT_STARTED
    stage = None
    if subitems and len(levels_seen) == subitems:
        stage = LEVEL_POINTS[min((Level(level) for level in levels_seen), key=LEVEL_ORDER.index)]
    return {
        "answered": answered,
        "done": total("done"),
        "items": sum(layout.items.values()),
        "subitems": subitems,
        "waiting": in_state(*QUEUE_STATES),
        "not_reported": not_reported,
        "awaiting": in_state(ReviewState.AWAITING),
        "certified": certified,
        "not_certified": in_state(ReviewState.NOT_CERTIFIED),
        "new_data": in_state(ReviewState.NEW_DATA),
        "oldest_waiting": oldest,
        "progress": progress,
        "stage": stage,
        "categories": categories,
    }


def summary_refresh(*, assessment_id: int) -> AssessmentSummary:
    """Recompute one office's summary from its reports; call inside the writing transaction,
    after the report rows it changed are locked. Three queries: lock, read, write."""
    with transaction.atomic():
        summary = AssessmentSummary.objects.select_for_update().filter(assessment_id=assessment_id).first()
        if summary is None:
            summary, _created = AssessmentSummary.objects.get_or_create(assessment_id=assessment_id)
            summary = AssessmentSummary.objects.select_for_update().get(assessment_id=assessment_id)
        rows = list(
            SubItemReport.objects.filter(assessment_id=assessment_id).values_list(*REPORT_COLUMNS, *CATALOGUE_COLUMNS)
        )
        if rows:
            pk, year, loaded_at = rows[0][-len(CATALOGUE_COLUMNS) :]
            shape = catalogue_shape(Catalogue(pk=pk, fiscal_year=year, loaded_at=loaded_at))
            width = len(REPORT_COLUMNS)
            before = _state_figures(summary)
            for name, value in summarise(_layout(shape), (row[:width] for row in rows)).items():
                setattr(summary, name, value)
            summary.save()
            if _state_figures(summary) != before:
                queue_counts_changed()
        return summary


def _state_figures(summary: AssessmentSummary) -> tuple:
    """What the reviewers' queue counts read of a summary: its states, overall and per category."""
    return (
        tuple(getattr(summary, state) for state in ReviewState.values),
        {number: figures.get("states") for number, figures in (summary.categories or {}).items()},
    )


def summaries_rebuild(*, catalogue) -> int:
    """Recompute the summary of every office of a year in a few queries (bulk loads, a change
    of the catalogue's items)."""
    shape = catalogue_shape(catalogue)
    layout = _layout(shape)
    by_assessment: dict[int, list[tuple]] = {
        pk: [] for pk in Assessment.objects.filter(catalogue=catalogue).values_list("pk", flat=True)
    }
    for assessment_id, *row in (
        SubItemReport.objects.filter(assessment__catalogue=catalogue)
        .order_by()
        .values_list("assessment_id", *REPORT_COLUMNS)
        .iterator(chunk_size=5000)
    ):
        by_assessment[assessment_id].append(tuple(row))
    summaries = [AssessmentSummary(assessment_id=pk, **summarise(layout, rows)) for pk, rows in by_assessment.items()]
    fields = [f.name for f in AssessmentSummary._meta.concrete_fields if not f.primary_key]
    with transaction.atomic():
        AssessmentSummary.objects.bulk_create(
            summaries, batch_size=1000, update_conflicts=True, unique_fields=["assessment"], update_fields=fields
        )
        queue_counts_changed()
    return len(summaries)
