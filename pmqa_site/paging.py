"""Keyset pagination: a page of rows after the last row of the page before, found through an
index, so that page 1 and page 100 cost the same and no page counts every row first.

The cursor is the ordering values of the last row shown, in an opaque, URL-safe string.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils.dateparse import parse_datetime


@dataclass
class KeysetPage:
    rows: list
    after: str | None  # the cursor of the next page; None on the last page
    first: bool  # whether this is the first page


def _encode(values: list) -> str:
    plain = [v.isoformat() if isinstance(v, datetime) else v for v in values]
    return base64.urlsafe_b64encode(json.dumps(plain).encode()).decode().rstrip("=")


def _decode(cursor: str, size: int) -> list | None:
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, TypeError):
        return None
    if not isinstance(values, list) or len(values) != size:
        return None
    return [parse_datetime(v) if isinstance(v, str) and "T" in v and parse_datetime(v) else v for v in values]


def _after(fields: tuple[str, ...], values: list) -> Q:
    """Rows after `values` in the ascending order of `fields` (a lexicographic comparison),
    with the first field's bound stated on its own as well: a condition the database can start
    an index scan from, where the lexicographic OR alone is only a filter on every row before."""
    condition = Q()
    for index, name in enumerate(fields):
        step = Q(**{f"{name}__gt": values[index]})
        for earlier, value in zip(fields[:index], values[:index], strict=True):
            step &= Q(**{earlier: value})
        condition |= step
    return Q(**{f"{fields[0]}__gte": values[0]}) & condition if len(fields) > 1 else condition


def keyset_page(queryset: QuerySet, *, order: tuple[str, ...], after: str | None, per_page: int = 50) -> KeysetPage:
    """One page of `queryset` (rows as it yields them: objects or dicts) in the ascending order
    of `order`, whose last field must make the order total (an id). A bad cursor is page 1."""
    values = _decode(after, len(order)) if after else None
    rows = queryset.order_by(*order)
    if values is not None:
        rows = rows.filter(_after(order, values))
    return keyset_rows(list(rows[: per_page + 1]), order=order, per_page=per_page, first=values is None)


def keyset_rows(rows: list, *, order: tuple[str, ...], per_page: int = 50, first: bool = True) -> KeysetPage:
    """The page made of `rows`, the first per_page + 1 rows in the order of `order` (read by
    the caller, such as a prepared read of the first page; the one past the page tells
    whether there is a next one)."""
    more = len(rows) > per_page
    rows = rows[:per_page]
    cursor = None
    if more:
        last = rows[-1]
        cursor = _encode([last[name] if isinstance(last, dict) else getattr(last, name) for name in order])
    return KeysetPage(rows=rows, after=cursor, first=first)
