"""The reporting calendar: which fiscal year is current, and whether its window is open.

The one place that decides whether the window is open. An interval includes its opening
instant and excludes its closing one. A fiscal year with no window configured is open to
offices (so a fresh install works); once an admin sets a window, it rules.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from pmqa_site import clock
from pmqa_site.errors import EditRefused
from pmqa_site.thaidates import format_thai_datetime

from .calendar import calendar, calendar_changed
from .models import FiscalYear, Office, ReportingWindow, WindowExtension

audit_log = logging.getLogger("pmqa.audit")


# --- Fiscal years ------------------------------------------------------------------------------


def current_year_query():
    """The current year's number as a subquery, for a caller that joins on it."""
    return FiscalYear.objects.order_by("-is_current", "-year").values("year")[:1]


def current_year() -> FiscalYear | None:
    """The year offices see first: the one marked current, else the latest known."""
    years = list(FiscalYear.objects.order_by("-is_current", "-year")[:1])
    return years[0] if years else None


def current_fiscal_year() -> int | None:
    return calendar().current


def fiscal_years_known() -> list[int]:
    """Every fiscal year the product knows, newest first: the year switcher."""
    return list(calendar().years)


def past_year_message(year: int) -> str:
    return _("ปีงบประมาณ %(y)d ไม่ใช่ปีปัจจุบัน ข้อมูลของปีนี้เปิดดูได้อย่างเดียว ระบบจึงไม่บันทึกการแก้ไข") % {"y": year}


def year_edit_check(*, fiscal_year: int) -> None:
    """Raise EditRefused unless `fiscal_year` is the current year: an earlier (or a not yet
    current) year's data is read-only, whatever its window says."""
    if fiscal_year != current_fiscal_year():
        raise EditRefused(past_year_message(fiscal_year))


@dataclass(frozen=True)
class YearShown:
    """Which fiscal year a page shows (`?year=` in its address, else the current year), the
    current one and every known one (the year switcher). An earlier year is read-only."""

    year: int | None
    current: int | None
    years: tuple[int, ...]

    @property
    def is_current(self) -> bool:
        return self.year == self.current

    @property
    def query(self) -> str:
        """What links of a page append to stay in the year shown ("" for the current year)."""
        return "" if self.is_current or self.year is None else f"?year={self.year}"


def year_shown(request) -> YearShown:
    """The year a page shows, from `?year=` (the kept calendar). An unknown year is a 404."""
    kept = calendar()
    years, current = kept.years, kept.current
    asked = request.GET.get("year")
    if not asked:
        return YearShown(year=current, current=current, years=years)
    if not asked.isdigit() or int(asked) not in years:
        raise Http404(_("ไม่มีข้อมูลปีงบประมาณ %(y)s ในระบบ") % {"y": asked[:8]})
    return YearShown(year=int(asked), current=current, years=years)


@transaction.atomic
def fiscal_year_ensure(*, year: int, user=None) -> FiscalYear:
    """The FiscalYear row of `year`, created when a catalogue for it is first loaded. The
    first year the product knows becomes current; a later one is made current explicitly."""
    fiscal_year, created = FiscalYear.objects.get_or_create(year=year, defaults={"created_by": user})
    if created and not FiscalYear.objects.filter(is_current=True).exists():
        fiscal_year_make_current(fiscal_year=fiscal_year)
    return fiscal_year


@transaction.atomic
def fiscal_year_make_current(*, fiscal_year: FiscalYear) -> FiscalYear:
    FiscalYear.objects.filter(is_current=True).exclude(pk=fiscal_year.pk).update(is_current=False)
    FiscalYear.objects.filter(pk=fiscal_year.pk).update(is_current=True)
    calendar_changed()  # .update() sends no signal
    fiscal_year.is_current = True
    return fiscal_year


# --- Windows -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class OfficeWindowState:
    open: bool
    closes_at: datetime | None  # when this office's editing ends (window or extension)
    opens_at: datetime | None
    extended: bool
    configured: bool

    def seconds_left(self, at: datetime) -> int | None:
        if not self.open or self.closes_at is None:
            return None
        return max(0, int((self.closes_at - at).total_seconds()))


def window_of(*, fiscal_year: int | None = None) -> ReportingWindow | None:
    """The window of `fiscal_year` (default: the current year), if an admin set one."""
    return calendar().window(fiscal_year)


def office_window_state(
    *, office: Office, at: datetime | None = None, fiscal_year: int | None = None
) -> OfficeWindowState:
    at = at or clock.now()
    kept = calendar()
    window = kept.window(fiscal_year)
    if window is None:
        # The guide: offices work only between the announced opening and closing. A year whose
        # window no admin has set is closed to offices (PMQA_OFFICES_OPEN_WITHOUT_WINDOW aside).
        return OfficeWindowState(
            open=settings.PMQA_OFFICES_OPEN_WITHOUT_WINDOW,
            closes_at=None,
            opens_at=None,
            extended=False,
            configured=False,
        )
    in_window = window.office_opens_at <= at < window.office_closes_at
    extension = next(  # the kept extensions are ordered by their end, latest first
        (e for e in kept.extensions.get((window.pk, office.pk), ()) if e.starts_at <= at < e.until), None
    )
    if extension is not None and (not in_window or extension.until > window.office_closes_at):
        return OfficeWindowState(
            open=True, closes_at=extension.until, opens_at=window.office_opens_at, extended=True, configured=True
        )
    return OfficeWindowState(
        open=in_window,
        closes_at=window.office_closes_at,
        opens_at=window.office_opens_at,
        extended=False,
        configured=True,
    )


def window_edit_check(*, office: Office, at: datetime, state: OfficeWindowState | None = None) -> None:
    """Raise EditRefused when `office` may not change its data at instant `at`."""
    state = state or office_window_state(office=office, at=at)
    if state.open:
        return
    if not state.configured:
        raise EditRefused(_("ระบบยังไม่เปิดให้รายงาน: ผู้ดูแลระบบยังไม่ได้กำหนดช่วงเวลารายงานของปีนี้ ดูช่องทางติดต่อได้ที่หน้า “วิธีใช้”"))
    if state.opens_at and at < state.opens_at:
        raise EditRefused(_("ระบบยังไม่เปิดให้รายงาน จะเปิดเมื่อ %(t)s") % {"t": format_thai_datetime(state.opens_at)})
    raise EditRefused(
        _("ระบบปิดการรายงานแล้วเมื่อ %(t)s จึงยังไม่ได้บันทึกข้อมูลนี้ ข้อความที่พิมพ์ยังอยู่ในแบบฟอร์ม กรุณาติดต่อผู้ดูแลระบบหากต้องการขอขยายเวลา")
        % {"t": format_thai_datetime(state.closes_at)}
    )


def review_window_check(*, at: datetime | None = None) -> None:
    """Raise ValidationError when reviewers may not decide now."""
    at = at or clock.now()
    window = window_of()
    if window is None:
        return
    if not window.review_opens_at <= at < window.review_closes_at:
        raise ValidationError(
            _("อยู่นอกช่วงเวลาตรวจรับรอง (%(a)s ถึง %(b)s)")
            % {"a": format_thai_datetime(window.review_opens_at), "b": format_thai_datetime(window.review_closes_at)}
        )


def _validate_window(values: dict) -> None:
    errors = {}
    if values["office_closes_at"] <= values["office_opens_at"]:
        errors["office_closes_at"] = _("เวลาปิดการรายงานต้องอยู่หลังเวลาเปิด")
    if values["review_closes_at"] <= values["review_opens_at"]:
        errors["review_closes_at"] = _("เวลาปิดการตรวจรับรองต้องอยู่หลังเวลาเปิด")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def window_set(
    *, user, fiscal_year: FiscalYear, office_opens_at, office_closes_at, review_opens_at, review_closes_at
) -> ReportingWindow:
    """Open, close or move the reporting window of a fiscal year (admins)."""
    values = {
        "office_opens_at": office_opens_at,
        "office_closes_at": office_closes_at,
        "review_opens_at": review_opens_at,
        "review_closes_at": review_closes_at,
    }
    _validate_window(values)
    window, _created = ReportingWindow.objects.update_or_create(
        fiscal_year=fiscal_year, defaults={**values, "updated_by": user}
    )
    audit_log.info(
        "window set fiscal_year=%s by=%s office=%s..%s review=%s..%s",
        fiscal_year.year,
        user,
        office_opens_at,
        office_closes_at,
        review_opens_at,
        review_closes_at,
    )
    return window


def window_close_now(*, user, fiscal_year: FiscalYear) -> ReportingWindow:
    """Close the offices' window at this instant (admins)."""
    window = ReportingWindow.objects.filter(fiscal_year=fiscal_year).first()
    if window is None:
        raise ValidationError(_("ยังไม่ได้กำหนดช่วงเวลารายงาน"))
    at = clock.now()
    return window_set(
        user=user,
        fiscal_year=fiscal_year,
        office_opens_at=min(window.office_opens_at, at),
        office_closes_at=at,
        review_opens_at=window.review_opens_at,
        review_closes_at=window.review_closes_at,
    )


@transaction.atomic
def window_extend(*, user, window: ReportingWindow, office: Office, starts_at, until, reason: str) -> WindowExtension:
    """Let one office keep editing until `until`, for a reason (admins)."""
    errors = {}
    if until <= starts_at:
        errors["until"] = _("เวลาสิ้นสุดการขยายต้องอยู่หลังเวลาเริ่ม")
    if not reason.strip():
        errors["reason"] = _("กรุณาระบุเหตุผลการขยายเวลา")
    if errors:
        raise ValidationError(errors)
    extension = WindowExtension.objects.create(
        window=window, office=office, starts_at=starts_at, until=until, reason=reason.strip(), created_by=user
    )
    audit_log.info(
        "window extended fiscal_year=%s office=%s until=%s by=%s reason=%s",
        window.fiscal_year.year,
        office.code,
        until,
        user,
        reason,
    )
    return extension


def demo_window_ensure(*, days: int = 30) -> ReportingWindow | None:
    """For demo and benchmark databases only: open the current year's window (from yesterday
    for `days` days, reviews two weeks longer) when no admin has set one. A set window is kept."""
    year = current_year()
    if year is None or ReportingWindow.objects.filter(fiscal_year=year).exists():
        return None
    now = clock.now()
    return window_set(
        user=None,
        fiscal_year=year,
        office_opens_at=now - timedelta(days=1),
        office_closes_at=now + timedelta(days=days),
        review_opens_at=now - timedelta(days=1),
        review_closes_at=now + timedelta(days=days + 14),
    )
