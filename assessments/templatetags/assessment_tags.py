from django import template

from assessments.models import LEVEL_POINTS, ReviewState

register = template.Library()

STATE_CLASSES = {
    ReviewState.NOT_REPORTED: "bg-secondary",
    ReviewState.AWAITING: "bg-warning text-dark",
    ReviewState.CERTIFIED: "bg-success",
    ReviewState.NOT_CERTIFIED: "bg-danger",
    ReviewState.NEW_DATA: "bg-info text-dark",
}


@register.inclusion_tag("assessments/partials/state_badge.html")
def state_badge(state):
    state = state or ReviewState.NOT_REPORTED
    return {"label": ReviewState(state).label, "css": STATE_CLASSES[state]}


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
