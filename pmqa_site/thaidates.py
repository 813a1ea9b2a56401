"""Dates as Thai readers write and read them: Thai month names, Buddhist-Era years (CE + 543),
Asia/Bangkok time. One plain module for templates, forms, services and exports alike."""

from __future__ import annotations

import datetime
import re

from django.utils import timezone

BE_OFFSET = 543
MONTHS = (
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
)
MONTHS_SHORT = (
    "ม.ค.",
    "ก.พ.",
    "มี.ค.",
    "เม.ย.",
    "พ.ค.",
    "มิ.ย.",
    "ก.ค.",
    "ส.ค.",
    "ก.ย.",
    "ต.ค.",
    "พ.ย.",
    "ธ.ค.",
)
# "31/12/2569" or "31/12/2569 16:30" (also "16.30", and an optional trailing "น.").
DATE_PATTERN = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$")
DATETIME_PATTERN = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s+(\d{1,2})[:.](\d{2})\s*(?:น\.)?\s*$")
# A year below this is taken for a CE year typed by mistake, not a B.E. one.
SMALLEST_BE_YEAR = 2400


class NotABuddhistEraYear(ValueError):
    """The text is a date, but its year is a CE year (2026), not a B.E. one (2569)."""


def local(value, tz=None):
    """An aware datetime in `tz` (default: the current time zone); anything else as it is.
    A caller formatting many values passes the zone, read once."""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return value.astimezone(tz or timezone.get_current_timezone())
    return value


def be_year(year_ce: int) -> int:
    return year_ce + BE_OFFSET


def format_thai_date(value, *, short: bool = False) -> str:
    """24 พฤศจิกายน 2569 (short: 24 พ.ย. 2569)."""
    if not value:
        return ""
    value = local(value)
    months = MONTHS_SHORT if short else MONTHS
    return f"{value.day} {months[value.month - 1]} {be_year(value.year)}"


def format_thai_datetime(value, *, short: bool = True, tz=None) -> str:
    """24 พ.ย. 2569 08:33 น. (`tz`: as local())"""
    if not value:
        return ""
    value = local(value, tz)
    months = MONTHS_SHORT if short else MONTHS
    return f"{value.day} {months[value.month - 1]} {be_year(value.year)} {value.hour:02d}:{value.minute:02d} น."


def format_numeric_datetime(value) -> str:
    """31/12/2569 16:30: what a form shows and takes back."""
    value = local(value)
    return f"{value.day:02d}/{value.month:02d}/{be_year(value.year)} {value:%H:%M}"


def format_duration(delta: datetime.timedelta | None, *, short: bool = False) -> str:
    """6 วัน 23 ชั่วโมง, 4 ชั่วโมง 5 นาที, 12 นาที (short: 3 วัน 4 ชม.). Two units at most,
    the largest first; under a minute reads "ไม่ถึง 1 นาที"."""
    if delta is None:
        return ""
    seconds = max(0, int(delta.total_seconds()))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    names = ("วัน", "ชม.", "นาที") if short else ("วัน", "ชั่วโมง", "นาที")
    parts = [f"{n} {name}" for n, name in zip((days, hours, minutes), names, strict=True) if n]
    if not parts:
        return "ไม่ถึง 1 นาที"
    return " ".join(parts[:2])


def _date_parts(day: int, month: int, year_be: int) -> tuple[int, int, int]:
    if year_be < SMALLEST_BE_YEAR:
        raise NotABuddhistEraYear(year_be)
    return year_be - BE_OFFSET, month, day


def parse_thai_date(text: str) -> datetime.date:
    """ "31/12/2569" → date(2026, 12, 31). ValueError if it is not such a date;
    NotABuddhistEraYear if the year is a CE one."""
    match = DATE_PATTERN.match(str(text))
    if not match:
        raise ValueError(text)
    day, month, year_be = (int(g) for g in match.groups())
    return datetime.date(*_date_parts(day, month, year_be))


def parse_thai_datetime(text: str) -> datetime.datetime:
    """ "31/12/2569 16:30" (Asia/Bangkok) → an aware datetime. Errors as parse_thai_date."""
    match = DATETIME_PATTERN.match(str(text))
    if not match:
        raise ValueError(text)
    day, month, year_be, hour, minute = (int(g) for g in match.groups())
    return timezone.make_aware(datetime.datetime(*_date_parts(day, month, year_be), hour, minute))


def day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The first and last instant of a Bangkok calendar day."""
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    end = timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))
    return start, end
