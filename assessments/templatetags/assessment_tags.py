"""Tags of the self-assessment pages. The ones used once per row of a list (state and level
badges, a sub-item's URL) build their few characters in Python: on a page listing every
sub-item or every waiting item, a sub-template or a URL resolution per row is most of the
page's cost (see README, "Performance")."""

from functools import cache
from html import escape
from urllib.parse import quote

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from assessments.models import LEVEL_POINTS, NO_LEVEL, ReviewState, level_title
from pmqa_site import thaidates

register = template.Library()

STATE_CLASSES = {
    ReviewState.NOT_REPORTED: "bg-secondary",
    ReviewState.AWAITING: "bg-warning text-dark",
    ReviewState.CERTIFIED: "bg-success",
    ReviewState.NOT_CERTIFIED: "bg-danger",
    ReviewState.NEW_DATA: "bg-info text-dark",
}
# Placeholders every converter of the office URLs accepts (<str:code>, <int:number>, <str:number>).
_CODE, _NUMBER = "4242424242", "9898989898"
# What Django's reverse() leaves unquoted in a path argument.
_SAFE = "/~:@!$&'()*+,;="


@register.simple_tag
def state_badge(state):
    state = state or ReviewState.NOT_REPORTED
    return format_html('<span class="badge state-badge {}">{}</span>', STATE_CLASSES[state], ReviewState(state).label)


@register.simple_tag
def level_badge(level, points=None):
    """The level a sub-item reached, with its points; or that it has not reached Basic yet."""
    if level:
        return format_html('<span class="badge bg-primary">{}</span>', level_title(level))
    return format_html('<span class="badge bg-light text-dark border">{}</span>', NO_LEVEL)


@register.simple_tag(name="level_title")
def level_title_tag(level):
    return level_title(level)


@cache
def _pattern(name: str, with_number: bool) -> tuple[str, ...]:
    """The URL split around its placeholders: (before the code, between, after the number)."""
    url = reverse(name, args=[_CODE, _NUMBER] if with_number else [_CODE])
    before, rest = url.split(_CODE, 1)
    return (before, *rest.split(_NUMBER, 1)) if with_number else (before, rest)


@register.simple_tag
def office_url(name, code, number=None):
    """{% office_url "assessments:subitem" office.code "1.1.1" %}: reverse() once per process and
    URL name, then only the office's code and the number put in (a list of 23 or 50 rows)."""
    parts = _pattern(name, number is not None)
    code = quote(str(code), safe=_SAFE)
    if number is None:
        return parts[0] + code + parts[1]
    return parts[0] + code + parts[1] + quote(str(number), safe=_SAFE) + parts[2]


@register.filter
def points(level):
    return LEVEL_POINTS.get(level) if level else None


@register.filter
def get_item_field(form, item):
    return form.item_field(item)


@register.filter
def get_answer_field(form, answer_field):
    return form.answer_field(answer_field)


@register.filter
def get_key(mapping, key):
    return (mapping or {}).get(key, "")


QUEUE_ROW = (
    '<tr data-report="{id}"{warn}><td>{checkbox}</td>'
    '<td>{name} <span class="small text-muted">{code}</span></td>'
    "<td>{number} {title}</td>"
    "<td>{badge}</td>"
    '<td class="text-nowrap" title="{since}">{waited}{late}</td>'
    '<td><a class="btn btn-sm btn-outline-primary" href="{href}">{review}</a></td>'
    "</tr>"
)


CHECKBOX = (
    '<input class="form-check-input" type="checkbox" name="report" value="{id}" aria-label="{choose} {code} {number}">'
)


@register.simple_tag
def queue_rows(rows, overdue, *, selectable: bool, query: str = ""):
    """The reviewer queue's rows (50 a page), built with str.format and html.escape on every
    text: as template nodes they cost more than the rest of the page. `selectable`: a box to
    certify several at once (the current year only); `query`: the year shown, for the links."""
    labels = {
        "choose": escape(_("เลือก")),
        "review": escape(_("พิจารณา")),
        "late": format_html(' <span class="badge bg-danger">{}</span>', _("เกินกำหนด")),
    }
    badges = {state: state_badge(state) for state in ReviewState.values}
    html = []
    for row in rows:
        late = row["waited"] > overdue
        code, number = row["assessment__office__code"], row["subitem__number"]
        html.append(
            QUEUE_ROW.format(
                id=int(row["id"]),
                warn=' class="table-warning"' if late else "",
                checkbox=CHECKBOX.format(
                    id=int(row["id"]), choose=labels["choose"], code=escape(code), number=escape(number)
                )
                if selectable
                else "",
                code=escape(code),
                number=escape(number),
                name=escape(row["assessment__office__name"]),
                title=escape(Truncator(row["subitem__title"]).chars(60)),
                badge=badges[row["state"]],
                since=escape(thaidates.format_thai_datetime(row["since"])),
                waited=escape(_("รอมาแล้ว %(d)s") % {"d": thaidates.format_duration(row["waited"], short=True)}),
                late=labels["late"] if late else "",
                href=escape(office_url("assessments:review", code, number) + query),
                review=labels["review"],
            )
        )
    return mark_safe("".join(html))  # noqa: S308 - every text above is escaped
