"""The readiness page's rows (reporting/readiness.html), built in one pass: 23 sub-items of a
dozen template nodes each were most of the page (README, "Page costs")."""

from html import escape

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from assessments.templatetags.assessment_tags import state_badge
from pmqa_site.links import office_url

register = template.Library()


@register.simple_tag
def readiness_rows(rows, code, query: str = ""):
    ready_badge = f' <span class="badge bg-success">{escape(_("พร้อมส่ง"))}</span>'
    missing_label = escape(_("เอกสารแนบตามคู่มือที่ยังไม่ได้แนบ"))
    complete = f'<li class="text-success">{escape(_("ครบถ้วน"))}</li>'
    html = []
    for row in rows:
        subitem = row["status"].subitem
        number = escape(subitem.number)
        href = escape(office_url("assessments:subitem", code, subitem.number) + query)
        notes = []
        unanswered = len(row["unanswered"])
        if unanswered:
            text = ngettext(
                "ยังไม่ได้ตอบรายการตรวจสอบ %(n)s รายการ", "ยังไม่ได้ตอบรายการตรวจสอบ %(n)s รายการ", unanswered
            ) % {"n": unanswered}
            notes.append(f'<li><a href="{href}#subitem-form">{escape(text)}</a></li>')
        if row["missing_fields"] > 0:
            n = row["missing_fields"]
            text = ngettext("ยังไม่ได้กรอกแบบสรุปประเด็นการตอบ %(n)s หัวข้อ", "ยังไม่ได้กรอกแบบสรุปประเด็นการตอบ %(n)s หัวข้อ", n) % {
                "n": n
            }
            notes.append(f'<li><a href="{href}#subitem-form">{escape(text)}</a></li>')
        if row["missing_attachments"]:
            lines = " · ".join(
                f'<span class="missing-attachment">{escape(line.text)}</span>' for line in row["missing_attachments"]
            )
            notes.append(f"<li>{missing_label}: {lines}</li>")
        for line in row["absent_attachments"]:
            text = _("แจ้งว่าไม่มี “%(what)s”: %(why)s") % {"what": line.text, "why": line.absent_reason}
            notes.append(f'<li class="text-body-secondary">{escape(text)}</li>')
        if row["ready"] and not row["missing_attachments"]:
            notes.append(complete)
        html.append(
            f'<div class="list-group-item" data-subitem="{number}">'
            '<div class="d-flex justify-content-between align-items-center">'
            f'<a class="fw-bold" href="{href}">{number} {escape(subitem.title)}</a>'
            f"<span>{state_badge(row['status'].state)}{ready_badge if row['ready'] else ''}</span></div>"
            f'<ul class="mb-0 small">{"".join(notes)}</ul></div>'
        )
    return mark_safe("".join(html))  # noqa: S308 - every text above is escaped
