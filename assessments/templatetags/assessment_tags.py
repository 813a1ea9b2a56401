"""Tags of the self-assessment pages. The ones used once per row of a list (state and level
badges, a sub-item's URL) build their few characters in Python: on a page listing every
sub-item or every waiting item, a sub-template or a URL resolution per row is most of the
page's cost (see README, "Performance")."""

import functools
from html import escape

from django import template
from django.template.defaultfilters import linebreaksbr
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from assessments.models import LEVEL_POINTS, NO_LEVEL, ReviewState, level_title
from pmqa_site import thaidates
from pmqa_site.links import office_url

register = template.Library()

STATE_CLASSES = {
    ReviewState.NOT_REPORTED: "bg-secondary",
    ReviewState.AWAITING: "bg-warning text-dark",
    ReviewState.CERTIFIED: "bg-success",
    ReviewState.NOT_CERTIFIED: "bg-danger",
    ReviewState.NEW_DATA: "bg-info text-dark",
}


# A badge is one of a handful of strings per language, drawn once per process: on the office
# home (23 rows) and the queue (50) drawing them was most of what the rows cost.
@functools.lru_cache(maxsize=64)
def _state_badge(state: str, language: str | None) -> str:
    return format_html('<span class="badge state-badge {}">{}</span>', STATE_CLASSES[state], ReviewState(state).label)


@functools.lru_cache(maxsize=64)
def _level_badge(level: str, language: str | None) -> str:
    if level:
        return format_html('<span class="badge bg-primary">{}</span>', level_title(level))
    return format_html('<span class="badge bg-light text-dark border">{}</span>', NO_LEVEL)


@register.simple_tag
def state_badge(state):
    return _state_badge(str(state or ReviewState.NOT_REPORTED), get_language())


@register.simple_tag
def level_badge(level, points=None):
    """The level a sub-item reached; or that it has not reached Basic yet."""
    return _level_badge(str(level or ""), get_language())


@register.simple_tag(name="level_title")
def level_title_tag(level):
    return level_title(level)


@register.simple_tag(name="office_url")
def office_url_tag(name, code, number=None):
    """{% office_url "assessments:subitem" office.code "1.1.1" %} (pmqa_site/links.py)."""
    return office_url(name, code, number)


@register.filter
def points(level):
    return LEVEL_POINTS.get(level) if level else None


@register.filter
def get_item_field(form, item):
    return form.item_field(item)


@register.filter
def get_answer_field(form, answer_field):
    return form.answer_field(answer_field)


@register.simple_tag
def select_options(bound):
    """The <option>s of a bound choice field, the chosen one selected (the queue's filters):
    one tag instead of three template nodes an option."""
    chosen = str(bound.value())  # as the template compared them: None is "None", never chosen
    options = []
    for value, label in bound.field.choices:
        selected = "selected" if str(value) == chosen else ""
        options.append(f'<option value="{escape(str(value))}" {selected}>{escape(str(label))}</option>')
    return mark_safe("".join(options))  # noqa: S308 - every value and label is escaped


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


@functools.lru_cache(maxsize=512)
def _queue_title(title: str) -> str:
    """A sub-item's title cut for the queue and escaped: the same few dozen titles, every page."""
    return escape(Truncator(title).chars(60))


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
    waited_text = _("รอมาแล้ว %(d)s")
    tz = timezone.get_current_timezone()
    html = []
    for row in rows:
        late = row["waited"] > overdue
        code, number = row["assessment__office__code"], row["subitem__number"]
        title = _queue_title(row["subitem__title"])
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
                title=title,
                badge=state_badge(row["state"]),
                since=escape(thaidates.format_thai_datetime(row["since"], tz=tz)),
                waited=escape(waited_text % {"d": thaidates.format_duration(row["waited"], short=True)}),
                late=labels["late"] if late else "",
                href=escape(office_url("assessments:review", code, number) + query),
                review=labels["review"],
            )
        )
    return mark_safe("".join(html))  # noqa: S308 - every text above is escaped


SUBITEM_ROW = (
    '<tr data-subitem="{number}"><td><a href="{href}">{number} {title}</a></td>'
    '<td class="level">{level}</td><td class="text-end fraction">{fraction}</td>'
    '<td class="text-end text-nowrap percent">{percent}</td><td>{state}</td></tr>'
)


@register.simple_tag
def subitem_rows(overview, code, query: str = ""):
    """The office home's table of every sub-item (level, fraction, ร้อยละ, state), built in one
    pass like the queue's rows: 23 rows of template nodes were a third of the page."""
    html = []
    for s in overview.subitems:
        number = escape(s.subitem.number)
        share = s.share
        html.append(
            SUBITEM_ROW.format(
                number=number,
                href=escape(office_url("assessments:subitem", code, s.subitem.number) + query),
                title=escape(s.subitem.title),
                level=level_badge(s.level, s.level_points),
                fraction=escape(share.fraction_display),
                percent=escape(share.percent_display),
                state=state_badge(s.state),
            )
        )
    return mark_safe("".join(html))  # noqa: S308 - every text above is escaped


def _change(value) -> str:
    if value is None:
        return "—"
    return f"+{value}" if value > 0 else str(value)


@register.simple_tag
def year_over_year_rows(yoy):
    """The rows of the year-over-year table (partials/year_over_year.html), in one pass."""
    not_before = escape(_("ไม่มีในเกณฑ์ปีก่อน"))
    html = []
    for row in yoy.rows:
        if row.last_share:
            last = (
                f'<td class="last-level">{level_badge(row.last_level, row.last_points)}</td>'
                f'<td class="text-end text-nowrap last-percent">{escape(row.last_share.percent_display)}</td>'
            )
        else:
            last = f'<td colspan="2" class="text-muted">{not_before}</td>'
        number = escape(row.number)
        html.append(
            f'<tr data-subitem="{number}"><td>{number} {escape(Truncator(row.title).chars(70))}</td>'
            + last
            + f'<td class="level">{level_badge(row.level, row.points)}</td>'
            f'<td class="text-end text-nowrap percent">{escape(row.share.percent_display)}</td>'
            f'<td class="text-end points-change">{escape(_change(row.points_change))}</td>'
            f'<td class="text-end percent-change">{escape(_change(row.percent_change))}</td></tr>'
        )
    return mark_safe("".join(html))  # noqa: S308 - every text above is escaped


@register.simple_tag
def checklist_rows(rows, *, can_edit: bool, is_current: bool):
    """One level's checklist items on the sub-item page (forms.SubItemAnswerForm.checklist):
    the three buttons of each item, or its value when the year shown is an earlier one. Built
    in one pass: a dozen nodes an item, for up to twenty items, were most of the page."""
    not_answered = escape(_("ยังไม่ตอบ"))
    disabled = "" if can_edit else " disabled"
    html = []
    for counter, row in enumerate(rows, start=1):
        item_id = int(row["item"].id)
        legend = f"{counter}. {escape(row['item'].text)}"
        if row["carried_from"]:
            carried = escape(_("ยกมาจากปี %(y)s") % {"y": row["carried_from"]})
            legend += (
                f' <span class="badge bg-warning text-dark carried-mark" id="carried-item-{item_id}">{carried}</span>'
            )
        value = row["value"]
        if not is_current:
            if value == "1":
                shown = f'<span class="badge bg-success">1 {escape(_("ดำเนินการจริง"))}</span>'
            elif value == "0":
                shown = f'<span class="badge bg-danger">0 {escape(_("ยังไม่มีแนวทาง"))}</span>'
            else:
                shown = f'<span class="badge bg-light text-dark border">{not_answered}</span>'
            body = f'<div class="readonly-value" data-value="{escape(value)}">{shown}</div>'
        else:
            name, field_id = escape(row["name"]), escape(row["id"])
            buttons = []
            for n, (choice, label, style) in enumerate(
                (("1", "1", "success"), ("0", "0", "danger"), ("", not_answered, "secondary"))
            ):
                checked = " checked" if value == choice else ""
                buttons.append(
                    f'<input type="radio" class="btn-check" name="{name}" id="{field_id}_{n}" value="{choice}"'
                    f"{checked}{disabled}>"
                    f'<label class="btn btn-sm btn-outline-{style}" for="{field_id}_{n}">{label}</label>'
                )
            body = f'<div class="btn-group" role="group">{"".join(buttons)}</div>'
        errors = "".join(f'<div class="text-danger small">{escape(e)}</div>' for e in row["errors"])
        html.append(
            f'<fieldset class="mb-3 checklist-item" data-item="{item_id}">'
            f'<legend class="fs-6 mb-1">{legend}</legend>{body}{errors}</fieldset>'
        )
    return mark_safe("".join(html))  # noqa: S308 - every text above is escaped


@register.simple_tag
def answer_field_rows(form, detail, *, can_edit: bool, is_current: bool):
    """The ten fields of the answer summary on the sub-item page: a text box each, or the saved
    text when the year shown is an earlier one; built in one pass, as the checklist is."""
    carried_label = _("ยกมาจากปี %(y)s")
    html = []
    for answer_field in detail.answer_fields:
        bound = form.answer_field(answer_field)
        field_id = escape(bound.id_for_label)
        value = bound.value()
        value = "" if value is None else str(value)
        parts = [
            f'<div class="mb-3"><label class="form-label fw-bold" for="{field_id}">{escape(str(bound.label))}</label>'
        ]
        saved = detail.texts.get(answer_field.id)
        if saved is not None and saved.carried_from:
            parts.append(
                f' <span class="badge bg-warning text-dark carried-mark" id="carried-field-{int(answer_field.id)}">'
                f"{escape(carried_label % {'y': saved.carried_from})}</span>"
            )
        if answer_field.help:
            parts.append(f'<div class="form-text mt-0 mb-1">{escape(answer_field.help)}</div>')
        if is_current:
            invalid = " is-invalid" if bound.errors else ""
            readonly = "" if can_edit else " readonly"
            parts.append(
                f'<textarea name="{escape(bound.html_name)}" id="{field_id}" rows="3" '
                f'class="form-control{invalid}"{readonly}>{escape(value)}</textarea>'
            )
        else:
            text = linebreaksbr(value, autoescape=True) if value else "—"
            parts.append(f'<div class="border rounded p-2 bg-light readonly-text" id="{field_id}">{text}</div>')
        parts.extend(f'<div class="invalid-feedback">{escape(e)}</div>' for e in bound.errors)
        parts.append("</div>")
        html.append("".join(parts))
    return mark_safe("".join(html))  # noqa: S308 - every text above is escaped


@register.simple_tag
def category_rows(overview, code, query: str = ""):
    """The office home's table of categories 1-6 (assignee, answered, fraction, ร้อยละ, sent)."""
    label = escape(_("หมวด"))
    html = []
    for cat in overview.categories:
        href = escape(office_url("assessments:category", code, cat.category.number) + query)
        assignee = cat.assignee
        who = escape(assignee.get_full_name() or assignee.username) if assignee else '<span class="text-muted">—</span>'
        share = cat.share  # summed over the category's sub-items: once a row
        html.append(
            f'<tr><td><a href="{href}">{label} {int(cat.category.number)} {escape(cat.category.title)}</a></td>'
            f"<td>{who}</td>"
            f'<td class="text-end">{int(cat.answered)}/{int(cat.total_items)}</td>'
            f'<td class="text-end">{escape(share.fraction_display)}</td>'
            f'<td class="text-end text-nowrap">{escape(share.percent_display)}</td>'
            f'<td class="text-end">{int(cat.submitted)}/{len(cat.subitems)}</td></tr>'
        )
    return mark_safe("".join(html))  # noqa: S308 - every text above is escaped
