"""Reporting windows: the one place that decides whether the window is open.

An interval includes its opening instant and excludes its closing one. A fiscal year with
no window configured is open to offices (so a fresh install works); once an admin sets a
window, it rules.
"""

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pmqa_site import clock
from pmqa_site.templatetags.thai_dates import format_thai_datetime

from .models import Catalogue, ReportingWindow, WindowExtension


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


def _current_window(catalogue=None) -> ReportingWindow | None:
    from .selectors import current_catalogue

    catalogue = catalogue or current_catalogue()
    if catalogue is None:
        return None
    return ReportingWindow.objects.filter(catalogue=catalogue).first()


def office_window_state(*, office, at: datetime | None = None, catalogue: Catalogue | None = None) -> OfficeWindowState:
    at = at or clock.now()
    window = _current_window(catalogue)
    if window is None:
        return OfficeWindowState(open=True, closes_at=None, opens_at=None, extended=False, configured=False)
    in_window = window.office_opens_at <= at < window.office_closes_at
    extension = (
        WindowExtension.objects.filter(window=window, office=office, starts_at__lte=at, until__gt=at)
        .order_by("-until")
        .first()
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


def window_edit_check(*, office, at, state: OfficeWindowState | None = None) -> None:
    """Raise EditRefused when `office` may not change its data at instant `at`."""
    from .access import EditRefused

    state = state or office_window_state(office=office, at=at)
    if state.open:
        return
    if state.opens_at and at < state.opens_at:
        raise EditRefused(_("ระบบยังไม่เปิดให้รายงาน จะเปิดเมื่อ %(t)s") % {"t": format_thai_datetime(state.opens_at)})
    raise EditRefused(
        _("ระบบปิดการรายงานแล้วเมื่อ %(t)s จึงยังไม่ได้บันทึกข้อมูลนี้ ข้อความที่พิมพ์ยังอยู่ในแบบฟอร์ม กรุณาติดต่อผู้ดูแลระบบหากต้องการขอขยายเวลา")
        % {"t": format_thai_datetime(state.closes_at)}
    )


def review_window_check(*, at: datetime | None = None) -> None:
    """Raise ValidationError when reviewers may not decide now."""
    at = at or clock.now()
    window = _current_window()
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
    *, user, catalogue: Catalogue, office_opens_at, office_closes_at, review_opens_at, review_closes_at
) -> ReportingWindow:
    """Open, close or move the reporting window of a fiscal year (admins)."""
    import logging

    values = {
        "office_opens_at": office_opens_at,
        "office_closes_at": office_closes_at,
        "review_opens_at": review_opens_at,
        "review_closes_at": review_closes_at,
    }
    _validate_window(values)
    window, _created = ReportingWindow.objects.update_or_create(
        catalogue=catalogue, defaults={**values, "updated_by": user}
    )
    logging.getLogger("pmqa.audit").info(
        "window set fiscal_year=%s by=%s office=%s..%s review=%s..%s",
        catalogue.fiscal_year,
        user,
        office_opens_at,
        office_closes_at,
        review_opens_at,
        review_closes_at,
    )
    return window


def window_close_now(*, user, catalogue: Catalogue) -> ReportingWindow:
    """Close the offices' window at this instant (admins)."""
    window = ReportingWindow.objects.get(catalogue=catalogue)
    at = clock.now()
    return window_set(
        user=user,
        catalogue=catalogue,
        office_opens_at=min(window.office_opens_at, at),
        office_closes_at=at,
        review_opens_at=window.review_opens_at,
        review_closes_at=window.review_closes_at,
    )


@transaction.atomic
def window_extend(*, user, window: ReportingWindow, office, starts_at, until, reason: str) -> WindowExtension:
    """Let one office keep editing until `until`, for a reason (admins)."""
    import logging

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
    logging.getLogger("pmqa.audit").info(
        "window extended fiscal_year=%s office=%s until=%s by=%s reason=%s",
        window.catalogue.fiscal_year,
        office.code,
        until,
        user,
        reason,
    )
    return extension
