import datetime
from html import escape

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from pmqa_site.links import office_url

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


@register.simple_tag
def national_rows(rows):
    """The national category 7 table's rows (50 a page), in one pass: as template nodes, six
    dimension cells an office were most of the page (README, "Page costs")."""
    no_data = escape(_("ยังไม่มีข้อมูล"))
    html = []
    for row in rows:
        href = escape(office_url("krs:category7", row.office["code"]))
        cells = "".join(
            f'<td class="text-center">{f"{achieved}/{total}" if total else "—"}</td>'
            for achieved, total in row.by_dimension
        )
        overall = f"{row.achieved}/{row.total}" if row.total else f'<span class="text-muted">{no_data}</span>'
        percent = "—" if row.percent is None else str(row.percent)
        html.append(
            f'<tr><td><a href="{href}">{escape(row.office["name"])}</a></td>{cells}'
            f'<td class="text-center">{overall}</td><td class="text-end">{percent}</td></tr>'
        )
    return mark_safe("".join(html))  # noqa: S308 - every text above is escaped
