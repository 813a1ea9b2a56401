"""Dates as Thai readers expect them: Thai month names and Buddhist-Era years (CE + 543)."""

import datetime

from django import template
from django.utils import timezone

register = template.Library()

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


def _local(value):
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def be_year(year_ce: int) -> int:
    return year_ce + BE_OFFSET


def format_thai_date(value, *, short: bool = False) -> str:
    if not value:
        return ""
    value = _local(value)
    months = MONTHS_SHORT if short else MONTHS
    return f"{value.day} {months[value.month - 1]} {be_year(value.year)}"


def format_thai_datetime(value, *, short: bool = True) -> str:
    if not value:
        return ""
    value = _local(value)
    return f"{format_thai_date(value, short=short)} {value:%H:%M} น."


@register.filter
def thai_date(value):
    """24 พฤศจิกายน 2569"""
    return format_thai_date(value)


@register.filter
def thai_date_short(value):
    """24 พ.ย. 2569"""
    return format_thai_date(value, short=True)


@register.filter
def thai_datetime(value):
    """24 พ.ย. 2569 08:33 น."""
    return format_thai_datetime(value)


@register.filter
def buddhist_year(value):
    """A CE year (int) or a date → its Buddhist-Era year."""
    if value in (None, ""):
        return ""
    if isinstance(value, (datetime.date, datetime.datetime)):
        return be_year(_local(value).year)
    return be_year(int(value))


@register.filter
def minutes(value):
    """A timedelta → whole minutes, rounded up (a lockout of 14:30 left reads 15)."""
    if not isinstance(value, datetime.timedelta):
        return ""
    return -(-int(value.total_seconds()) // 60)
