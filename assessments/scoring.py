"""The scoring rule, in one place. Pure functions over plain values: no database here.

- A sub-item's attained level is the highest level whose checklist items, and all lower
  levels' items, are all 1. A sub-item whose Basic items are not all 1 has no level.
- A category's (and the whole assessment's) score is the share of checklist items marked 1,
  shown as a fraction with four decimals and as ร้อยละ with two, like OBEC's report screen.
  Unanswered items count as not done.
- The office's stage is 300 (Basic), 400 (Advance) or 500 (Significance): the level that
  every reportable sub-item has reached, i.e. the lowest attained level among them.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .models import LEVEL_ORDER, LEVEL_POINTS, Level

FOUR_PLACES = Decimal("0.0001")
TWO_PLACES = Decimal("0.01")


def attained_level(values_by_level: Mapping[str, Iterable[int | None]]) -> Level | None:
    """values_by_level: {"basic": [1, 1], "advance": [1, 0], ...} → the attained level or None."""
    attained = None
    for level in LEVEL_ORDER:
        values = list(values_by_level.get(level.value, []))
        if not values or any(v != 1 for v in values):
            break
        attained = level
    return attained


@dataclass(frozen=True)
class Share:
    done: int
    total: int

    @property
    def fraction(self) -> Decimal:
        if not self.total:
            return Decimal("0.0000")
        return (Decimal(self.done) / Decimal(self.total)).quantize(FOUR_PLACES, rounding=ROUND_HALF_UP)

    @property
    def percent(self) -> Decimal:
        if not self.total:
            return Decimal("0.00")
        return (Decimal(self.done) * 100 / Decimal(self.total)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)

    @property
    def fraction_display(self) -> str:
        return f"{self.fraction:.4f}"

    @property
    def percent_display(self) -> str:
        return f"ร้อยละ {self.percent:.2f}"

    def __add__(self, other: "Share") -> "Share":
        return Share(self.done + other.done, self.total + other.total)


def share(values: Iterable[int | None]) -> Share:
    values = list(values)
    return Share(done=sum(1 for v in values if v == 1), total=len(values))


def stage(levels: Iterable[Level | None]) -> int | None:
    """The office's stage in points (300/400/500), or None when a sub-item has no level yet."""
    levels = list(levels)
    if not levels or any(level is None for level in levels):
        return None
    lowest = min(levels, key=LEVEL_ORDER.index)
    return LEVEL_POINTS[lowest]


def level_points(level: Level | None) -> int | None:
    return LEVEL_POINTS[level] if level is not None else None
