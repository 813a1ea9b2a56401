"""How the pages of the floor below (the sub-item page, the review page) show evidence
without importing this app: `{% load evidence_tags %}` in the project's templates."""

from django import template
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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


@register.simple_tag(takes_context=True)
def attachment_rows(context, evidence, report, absence_url: str, *, can_edit: bool):
    """The guide's attachment list of the evidence panel, a line a kind: how many files are
    attached, or that the product makes it, or why the office has none; and the form that says
    so. Built in one pass: a dozen nodes a line were a sixth of the sub-item page."""
    office_code, number = report.assessment.office.code, report.subitem.number
    pk = report.pk
    absence_url = escape(absence_url)
    next_url = escape(evidence.return_url or context["request"].get_full_path())
    token = context.get("csrf_token")  # as {% csrf_token %} writes it
    token_input = (
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(token)}">'
        if token and token != "NOTPROVIDED"
        else ""
    )
    # The same few words on every line: translated and escaped once per panel.
    words = {
        "generated": escape(_("ระบบจัดทำให้แล้ว")),
        "generated_link": escape(_("ดาวน์โหลดแบบฟอร์มตอบประเด็นที่สร้างจากแบบสรุป 10 ประเด็น")),
        "none": escape(_("ไม่มี")),
        "missing": escape(_("ยังไม่ได้แนบ")),
        "fix_reason": escape(_("แก้เหตุผล")),
        "say_none": escape(_("แจ้งว่าไม่มีเอกสารนี้")),
        "reason": escape(_("เหตุผลที่ไม่มี")),
        "save": escape(_("บันทึก")),
    }
    html = []
    for line in evidence.checklist:
        code = escape(line.kind.code) if line.kind else ""
        if line.files:
            shown = ngettext("แนบแล้ว %(n)s รายการ", "แนบแล้ว %(n)s รายการ", line.files) % {"n": line.files}
            state = f'<span class="badge text-bg-success">{escape(shown)}</span>'
        elif line.generated:
            url = escape(reverse("reporting:answer-form", args=(office_code, number)))
            state = (
                f'<span class="badge text-bg-success">{words["generated"]}</span> '
                f'<a class="evidence-generated" href="{url}">{words["generated_link"]}</a>'
            )
        elif line.absent_reason:
            state = (
                f'<span class="badge text-bg-secondary">{words["none"]}</span> '
                f'<span class="evidence-absent-reason">{escape(line.absent_reason)}</span>'
            )
        else:
            state = f'<span class="badge text-bg-warning">{words["missing"]}</span>'
        form = ""
        if can_edit and not line.files and not line.generated and line.kind:
            kind_id = int(line.kind.id)
            field_id = f"absence-{pk}-{kind_id}"
            summary = words["fix_reason"] if line.absent_reason else words["say_none"]
            form = (
                '<details class="d-inline-block evidence-absence">'
                f'<summary class="small">{summary}</summary>'
                f'<form method="post" action="{absence_url}" class="mt-1" hx-post="{absence_url}"'
                f' hx-target="#evidence-panel-{pk}" hx-swap="outerHTML">'
                f'{token_input}<input type="hidden" name="next" value="{next_url}">'
                f'<input type="hidden" name="kind" value="{kind_id}">'
                f'<label class="form-label small mb-0" for="{field_id}">{words["reason"]}</label>'
                f'<input class="form-control form-control-sm" type="text" name="reason" id="{field_id}"'
                f' minlength="3" maxlength="500" required value="{escape(line.absent_reason)}">'
                f'<button type="submit" class="btn btn-sm btn-outline-secondary mt-1">{words["save"]}</button>'
                "</form></details>"
            )
        html.append(
            '<li class="list-group-item px-0 d-flex flex-wrap justify-content-between gap-2"'
            f' data-kind="{code}"><span>{escape(line.text)}</span><span>{state}{form}</span></li>'
        )
    return mark_safe("".join(html))  # noqa: S308 - every text above is escaped
