"""Template filters over pmqa_site.thaidates: Thai month names, Buddhist-Era years."""

import datetime

from django import template
from django.utils import timezone

from pmqa_site import thaidates

register = template.Library()


@register.filter
def thai_date(value):
    """24 พฤศจิกายน 2569"""
    return thaidates.format_thai_date(value)


@register.filter
def thai_date_short(value):
    """24 พ.ย. 2569"""
    return thaidates.format_thai_date(value, short=True)


@register.filter
def thai_datetime(value):
    """24 พ.ย. 2569 08:33 น."""
    return thaidates.format_thai_datetime(value)


@register.filter
def buddhist_year(value):
    """A CE year (int) or a date → its Buddhist-Era year."""
    if value in (None, ""):
        return ""
    if isinstance(value, (datetime.date, datetime.datetime)):
        return thaidates.be_year(thaidates.local(value).year)
    return thaidates.be_year(int(value))


@register.filter
def thai_duration(value):
    """A timedelta → 6 วัน 23 ชั่วโมง"""
    return thaidates.format_duration(value)


@register.filter
def thai_duration_short(value):
    """A timedelta → 3 วัน 4 ชม."""
    return thaidates.format_duration(value, short=True)


@register.filter
def thai_until(value, now=None):
    """Time left until an aware datetime, in Thai words (the countdown beside a deadline)."""
    if not isinstance(value, datetime.datetime):
        return ""
    return thaidates.format_duration(value - (now or timezone.now()))


@register.filter
def minutes(value):
    """A timedelta → whole minutes, rounded up (a lockout of 14:30 left reads 15)."""
    if not isinstance(value, datetime.timedelta):
        return ""
    return -(-int(value.total_seconds()) // 60)
