"""The national picture year over year: each sub-item's level and ร้อยละ this year beside
last year's, over every active office. Kept apart from national.py (its own read, its own
template include and export sheet) so that the dashboard's matrix is untouched.

One aggregate query for both years, whatever the number of years or offices; the catalogues
come from process memory (assessments.catalogue_cache).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Case, Count, IntegerField, Q, Sum, Value, When

from assessments.catalogue_cache import catalogue_shape
from assessments.models import LEVEL_POINTS, Catalogue, SubItemReport

TWO_PLACES = Decimal("0.01")

POINTS = Case(
    *[When(level=level.value, then=Value(points)) for level, points in LEVEL_POINTS.items()],
    default=Value(0),
    output_field=IntegerField(),
)


def _percent(done: int, total: int) -> Decimal:
    if not total:
        return Decimal("0.00")
    return (Decimal(done) * 100 / Decimal(total)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def _mean(points: int, offices: int) -> Decimal:
    if not offices:
        return Decimal("0.00")
    return (Decimal(points) / Decimal(offices)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class SubItemYears:
    """One sub-item nationally: the mean level points over the offices (300 ระดับพื้นฐาน …
    500 ระดับพัฒนาจนเกิดผล; 0 for an office not at Basic yet), offices at each level, and ร้อยละ
    of checklist items done, this year and last year."""

    number: str
    title: str
    points: Decimal
    percent: Decimal
    at_level: int  # offices that reached a level
    last_points: Decimal | None  # None: not in last year's catalogue
    last_percent: Decimal | None
    last_at_level: int | None

    @property
    def points_change(self) -> Decimal | None:
        return None if self.last_points is None else self.points - self.last_points

    @property
    def percent_change(self) -> Decimal | None:
        return None if self.last_percent is None else self.percent - self.last_percent


@dataclass(frozen=True)
class NationalYears:
    year: int
    last_year: int
    offices: int
    rows: list[SubItemYears]


def national_year_over_year(*, catalogue: Catalogue, previous: Catalogue | None, offices: int) -> NationalYears | None:
    """Every reportable sub-item of `catalogue` beside the same sub-item of `previous` (by the
    catalogue mapping, else by its number), over `offices` active offices. None without a
    previous year."""
    if previous is None:
        return None
    shape, last_shape = catalogue_shape(catalogue), catalogue_shape(previous)
    sums: dict[tuple[int, int], dict] = {}
    for row in (
        SubItemReport.objects.filter(
            assessment__catalogue__in=[catalogue.pk, previous.pk], assessment__office__is_active=True
        )
        .values("assessment__catalogue_id", "subitem_id")
        .annotate(done=Sum("done"), points=Sum(POINTS), at_level=Count("id", filter=~Q(level="")))
    ):
        sums[(row["assessment__catalogue_id"], row["subitem_id"])] = row
    rows = []
    for subitem in shape.subitems:
        if not subitem.reportable:
            continue
        this = sums.get((catalogue.pk, subitem.id), {})
        last = last_shape.subitem_by_id.get(subitem.previous_id) if subitem.previous_id else None
        last = last or last_shape.subitem_by_number.get(subitem.number)
        before = sums.get((previous.pk, last.id), {}) if last is not None and last.reportable else None
        rows.append(
            SubItemYears(
                number=subitem.number,
                title=subitem.title,
                points=_mean(this.get("points") or 0, offices),
                percent=_percent(this.get("done") or 0, subitem.total * offices),
                at_level=this.get("at_level") or 0,
                last_points=None if before is None else _mean(before.get("points") or 0, offices),
                last_percent=None if before is None else _percent(before.get("done") or 0, last.total * offices),
                last_at_level=None if before is None else before.get("at_level") or 0,
            )
        )
    return NationalYears(year=catalogue.fiscal_year, last_year=previous.fiscal_year, offices=offices, rows=rows)
