"""How the pages of the floor below (the sub-item page, the review page) show evidence
without importing this app: `{% load evidence_tags %}` in the project's templates."""

from django import template

from evidence import selectors

register = template.Library()


@register.simple_tag
def evidence_panel_for(report):
    """{% evidence_panel_for report as evidence %}: the panel's data (two queries)."""
    return selectors.evidence_panel(report=report) if report is not None else None


@register.simple_tag
def last_year_files_for(report):
    """{% last_year_files_for report as last_year %}: last year's files of the same sub-item
    that the office may attach again (two queries)."""
    return selectors.last_year_files(report=report) if report is not None else None


@register.simple_tag
def message_attachments(messages):
    """{% message_attachments messages_list as attachments %}: message id → files (one query)."""
    return selectors.message_attachments(messages=list(messages))


@register.simple_tag
def evidence_changes_since(report, since):
    """{% evidence_changes_since report last_decision.at as changes %}: files added or
    superseded since a reviewer's decision."""
    return selectors.evidence_changes_since(report=report, since=since) if report is not None else []


@register.filter
def attachments_of(attachments, message):
    return (attachments or {}).get(message.pk, [])
