"""The reporting calendar as pages read it: the fiscal years, which one is current, each year's
window and its extensions. Every office page asks for them, an admin changes them a few
times a year, so they are kept in the shared cache (Redis in production) instead of being
read on every request.

Freshness: every change (a save or delete of a fiscal year, window or extension, and the
services' bulk updates) calls `calendar_changed()`, when its transaction commits. That
replaces the cache's version token; what is kept is stored under the token read *before*
the database was read, so a request that read the old rows can only fill a version nobody
asks for again. The window rule itself (`windows.office_window_state`) computes open or
closed from the kept instants at the request's own time.

Other apps keep their own year-level values here with `calendar_kept` (the catalogues list
of `assessments`), and call `calendar_changed()` when those change.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction

from pmqa_site.versions import in_transaction, register, version_replace, version_token

from .models import FiscalYear, ReportingWindow, WindowExtension

VERSION_KEY = register("calendar:version")
# A safety net only (every change replaces the version at once): what a change that could
# not be announced (a migrate while Redis was down) leaves behind lasts no longer than this.
KEEP_SECONDS = 10 * 60

T = TypeVar("T")
logger = logging.getLogger(__name__)
# name -> (version, value, until): this process's copy, never older than KEEP_SECONDS
_memo: dict[str, tuple[str, object, float]] = {}


def _version() -> str:
    """The calendar's version token: read once per request (a request sees one calendar)."""
    return version_token(VERSION_KEY)


def calendar_kept(name: str, build: Callable[[], T]) -> T:
    """`build()`'s value, kept per version of the calendar: in this process, else in the
    shared cache, else built (and kept) now. While the cache cannot be reached, built on every
    call: nothing is kept that could not be told to change."""
    try:
        version = _version()
    except Exception:
        logger.warning("calendar read from the database: the cache cannot be reached", exc_info=True)
        return build()
    memo = _memo.get(name)
    if memo is not None and memo[0] == version and memo[2] > time.monotonic():
        return memo[1]
    if in_transaction():
        # Rows read inside a transaction may be its own, not yet committed (a service that
        # changed the calendar and reads it again) and may be rolled back: read, never kept.
        return build()
    key = f"calendar:{version}:{name}"
    try:
        value = cache.get(key)
        if value is None:
            value = build()
            cache.set(key, value, KEEP_SECONDS)
    except Exception:
        logger.warning("calendar read from the database: the cache cannot be reached", exc_info=True)
        return build()
    _memo[name] = (version, value, time.monotonic() + KEEP_SECONDS)
    return value


def calendar_changed() -> None:
    """The calendar (or a value kept with it) changed: every process reads it again. Called
    now and once more when the transaction commits, so no request keeps the rows it read
    before the commit."""

    def replace():
        version_replace(VERSION_KEY)  # this request, too, reads the changed calendar from now on

    replace()
    transaction.on_commit(replace)


@dataclass(frozen=True)
class Calendar:
    years: tuple[int, ...]  # every known fiscal year, newest first
    current: int | None  # the one marked current, else the latest
    windows: dict[int, ReportingWindow] = field(default_factory=dict)  # by fiscal year
    extensions: dict[tuple[int, int], tuple[WindowExtension, ...]] = field(default_factory=dict)  # (window, office)

    def window(self, year: int | None) -> ReportingWindow | None:
        return self.windows.get(self.current if year is None else year)


def _build() -> Calendar:
    rows = list(FiscalYear.objects.order_by("-year").values_list("year", "is_current"))
    years = tuple(year for year, _current in rows)
    current = next((year for year, is_current in rows if is_current), years[0] if years else None)
    windows = {w.fiscal_year.year: w for w in ReportingWindow.objects.select_related("fiscal_year")}
    extensions: dict[tuple[int, int], list[WindowExtension]] = {}
    for extension in WindowExtension.objects.order_by("-until"):
        extensions.setdefault((extension.window_id, extension.office_id), []).append(extension)
    return Calendar(
        years=years,
        current=current,
        windows=windows,
        extensions={key: tuple(found) for key, found in extensions.items()},
    )


def calendar() -> Calendar:
    return calendar_kept("calendar", _build)
