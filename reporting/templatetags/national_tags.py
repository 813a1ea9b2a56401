"""Tags of the national dashboard: sortable column headers, level names, dictionary look-ups."""

from html import escape

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from assessments.models import NO_LEVEL, Level
from pmqa_site.links import office_url

register = template.Library()


@register.simple_tag(takes_context=True)
def sort_link(context, key: str, label: str):
    """A column header that sorts by `key`; a second click turns the order around."""
    current, descending = context["sort"], context["descending"]
    query = context["sort_query"]
    desc = key == current and not descending
    href = "?" + "&".join(part for part in (query, f"sort={key}", "desc=on" if desc else "") if part)
    mark = (" ▼" if descending else " ▲") if key == current else ""
    return format_html('<a href="{}" data-sort="{}">{}{}</a>', href, key, label, mark)


@register.simple_tag(takes_context=True)
def sort_state(context, key: str) -> str:
    """The header's aria-sort: how the column is sorted now."""
    if key != context["sort"]:
        return "none"
    return "descending" if context["descending"] else "ascending"


@register.simple_tag
def level_name(level: str):
    return Level(level).label if level else NO_LEVEL


@register.filter
def get(mapping, key):
    return mapping.get(key, 0) if hasattr(mapping, "get") else ""


CELL = (
    '<td class="national-cell"><a href="{}" class="d-block text-decoration-none">'
    '<span class="small">{}%</span>'
    '<svg class="state-bar" viewBox="0 0 100 8" preserveAspectRatio="none" role="img" aria-label="{}">{}</svg>'
    '<span class="small">{}</span></a></td>'
)
RECT = '<rect class="state-{}" x="{}" y="0" width="{}" height="8"></rect>'


@register.simple_tag
def matrix_cells(row):
    """The row's category cells of the national matrix. 50 rows × 6 cells are built here with
    str.format and html.escape on every text (format_html or template nodes cost more than
    the rest of the page); states are enum values and the numbers are formatted here."""
    cells = []
    for cell in row.cells.values():
        rects = "".join(RECT.format(state, x, width) for state, _label, _n, x, width in cell.state_bar)
        cells.append(
            CELL.format(
                escape(office_url("assessments:category", row.code, cell.category)),
                cell.answered_percent,
                escape(cell.state_label),
                rects,
                escape(str(cell.level_label)),
            )
        )
    return mark_safe("".join(cells))  # noqa: S308 - every text above is escaped
