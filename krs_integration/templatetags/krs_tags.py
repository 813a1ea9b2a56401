import datetime

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def duration_seconds(value):
    """A timedelta → "12.3 วินาที" (empty for a run still going)."""
    if not isinstance(value, datetime.timedelta):
        return ""
    return _("%(s)s วินาที") % {"s": f"{value.total_seconds():.1f}"}


@register.filter
def krs_number(value):
    """A stored Decimal without trailing zeros: 80.0000 → 80, 84.5000 → 84.5."""
    if value is None:
        return "—"
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
