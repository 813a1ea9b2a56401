"""Tags of the national dashboard: sortable column headers, level names, dictionary look-ups."""

from django import template
from django.utils.html import format_html

from assessments.models import NO_LEVEL, Level

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
