"""Reads of the KRS integration: category 7 for one office, the national view, sync runs."""

from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Case, Count, Exists, OuterRef, Q, When

from assessments.models import ResultDimension
from orgprofile.calendar import calendar_kept
from orgprofile.models import Office
from pmqa_site import clock
from pmqa_site.paging import keyset_page
from pmqa_site.prepared import prepared_values

from .contract import DIMENSIONS
from .models import Indicator, SyncOfficeResult, SyncRun


@dataclass
class DimensionGroup:
    code: str
    title: str
    indicators: list = field(default_factory=list)

    @property
    def achieved(self) -> int:
        return sum(1 for i in self.indicators if i.achieved)


def _dimension_titles(fiscal_year: int) -> dict[str, str]:
    titles = dict(ResultDimension.objects.filter(catalogue__fiscal_year=fiscal_year).values_list("code", "title"))
    return {code: titles.get(code, "") for code in DIMENSIONS}


def dimension_titles(*, fiscal_year: int) -> dict[str, str]:
    """Titles of 7.1-7.6 from the catalogue of that year (the code alone if none is loaded),
    kept with the calendar like the catalogues (a change of a catalogue replaces it)."""
    return calendar_kept(f"dimension-titles:{fiscal_year}", lambda: _dimension_titles(fiscal_year))


def office_category7(*, office: Office, fiscal_year: int) -> list[DimensionGroup]:
    """The office's current indicators grouped by 7.1-7.6, every dimension present."""
    groups = OrderedDict(
        (code, DimensionGroup(code=code, title=title))
        for code, title in dimension_titles(fiscal_year=fiscal_year).items()
    )
    indicators = Indicator.objects.filter(office=office, fiscal_year=fiscal_year, withdrawn_at__isnull=True).order_by(
        "dimension_code", "-kind", "code"
    )
    for indicator in indicators:
        groups[indicator.dimension_code].indicators.append(indicator)
    return list(groups.values())


def office_last_sync(*, office: Office, fiscal_year: int) -> SyncOfficeResult | None:
    """The office's latest finished sync or import that stored something, for the page header."""
    return (
        SyncOfficeResult.objects.filter(
            office=office,
            run__fiscal_year=fiscal_year,
            status__in=[SyncOfficeResult.Status.OK, SyncOfficeResult.Status.PARTIAL],
        )
        .select_related("run")
        .order_by("-finished_at")
        .first()
    )


def office_last_attempt(*, office: Office, fiscal_year: int) -> SyncOfficeResult | None:
    return (
        SyncOfficeResult.objects.filter(office=office, run__fiscal_year=fiscal_year)
        .exclude(status=SyncOfficeResult.Status.PENDING)
        .order_by("-finished_at")
        .first()
    )


@dataclass
class NationalRow:
    office: dict  # code, name, kind
    total: int
    achieved: int
    by_dimension: list[tuple[int, int]]  # (achieved, total) per 7.1-7.6

    @property
    def percent(self) -> float | None:
        return round(100 * self.achieved / self.total, 1) if self.total else None


@dataclass(frozen=True)
class NationalTotals:
    """What the national page shows of every office at once."""

    totals: list[tuple[int, int]]  # (achieved, total) per 7.1-7.6, every office
    offices: int  # offices listed, every page
    synced: int  # of them, those with indicators
    at: datetime  # when they were read


@dataclass
class NationalPage:
    rows: list[NationalRow]
    after: str | None
    first: bool


def national_summary(*, fiscal_year: int, offices, after: str | None = None, per_page: int = 50) -> NationalPage:
    """Indicators achieved per office and per dimension, a page of offices at a time (keyset):
    two queries whatever the number of offices."""
    page = keyset_page(offices.values("id", "code", "name", "kind"), order=("kind", "name", "id"), after=after)
    ids = [o["id"] for o in page.rows]

    def counts_of(year, *office_ids):
        return (
            Indicator.objects.filter(fiscal_year=year, withdrawn_at__isnull=True, office__in=office_ids)
            .values("office_id", "dimension_code")
            .annotate(total=Count("pk"), achieved=Count("pk", filter=Q(achieved=True)))
            # Without it, the model's ordering (by office) joins every office's row, though
            # the grouped query then drops the ORDER BY: a scan that grows with the offices.
            .order_by()
        )

    # Every reviewer's national page: its SQL written once per process and number of offices.
    counts = prepared_values(("krs-national-counts", len(ids)), counts_of, fiscal_year, *ids) if ids else []
    cells: dict[int, dict[str, tuple[int, int]]] = {}
    for row in counts:
        cells.setdefault(row["office_id"], {})[row["dimension_code"]] = (row["achieved"], row["total"])
    rows = []
    for office in page.rows:
        per = [cells.get(office["id"], {}).get(code, (0, 0)) for code in DIMENSIONS]
        rows.append(
            NationalRow(
                office=office,
                total=sum(t for _a, t in per),
                achieved=sum(a for a, _t in per),
                by_dimension=per,
            )
        )
    return NationalPage(rows=rows, after=page.after, first=page.first)


def national_totals(*, fiscal_year: int, offices) -> NationalTotals:
    """Indicators achieved per dimension over every office listed, how many offices are listed
    and how many have indicators: two aggregates over every office's indicators (the page keeps
    them for PMQA_NATIONAL_CACHE_SECONDS, as the dashboard keeps its figures)."""
    current = Indicator.objects.filter(fiscal_year=fiscal_year, withdrawn_at__isnull=True)
    by_dimension = {
        row["dimension_code"]: (row["achieved"], row["total"])
        for row in current.filter(office__in=offices)
        .values("dimension_code")
        .annotate(total=Count("pk"), achieved=Count("pk", filter=Q(achieved=True)))
        .order_by()  # as in national_summary: no join of every office for the model's ordering
    }
    listed = offices.aggregate(
        n=Count("id"), synced=Count("id", filter=Q(Exists(current.filter(office=OuterRef("pk")))))
    )
    return NationalTotals(
        totals=[by_dimension.get(code, (0, 0)) for code in DIMENSIONS],
        offices=listed["n"],
        synced=listed["synced"],
        at=clock.now(),
    )


def sync_runs_recent(*, limit: int = 50):
    return SyncRun.objects.select_related("started_by").order_by("-started_at", "-id")[:limit]


def sync_run_results(*, run: SyncRun):
    """Offices with a problem first, then the rest, by office code."""
    S = SyncOfficeResult.Status
    rank = Case(
        When(status=S.FAILED, then=0), When(status=S.PARTIAL, then=1), When(status=S.PENDING, then=2), default=3
    )
    return run.office_results.select_related("office").order_by(rank, "office__code")
