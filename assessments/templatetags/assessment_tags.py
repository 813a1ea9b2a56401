from django import template
from django.urls import reverse

from assessments.models import LEVEL_POINTS, ReviewState

register = template.Library()

# Office users reach their own pages under /office/; central roles any office's under /offices/<code>/.
CENTRAL_NAMES = {
    "office-home": "office-assessment",
    "category": "office-category",
    "subitem": "office-subitem",
    "readiness": "office-readiness",
}

STATE_CLASSES = {
    ReviewState.NOT_REPORTED: "bg-secondary",
    ReviewState.AWAITING: "bg-warning text-dark",
    ReviewState.CERTIFIED: "bg-success",
    ReviewState.NOT_CERTIFIED: "bg-danger",
    ReviewState.NEW_DATA: "bg-info text-dark",
}


@register.simple_tag
def ourl(urls, name, *args):
    """{% ourl urls "subitem" "1.1.1" %}: the right URL of an office page for this viewer."""
    if urls["prefix"] == "office":
        return reverse(name, args=args)
    return reverse(CENTRAL_NAMES[name], args=[urls["code"], *args])


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
