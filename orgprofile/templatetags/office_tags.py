"""Tags of the office registry pages."""

from html import escape

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from pmqa_site.links import office_url

from ..models import Office

register = template.Library()


@register.simple_tag
def office_rows(rows):
    """The office list's rows (50 a page), in one pass: as template nodes, a dozen an office
    were most of the page (README, "Page costs")."""
    demo = f' <span class="badge bg-warning text-dark">{escape(_("สาธิต"))}</span>'
    see = escape(_("ดู"))
    kinds = {value: escape(str(label)) for value, label in Office.Kind.choices}
    html = []
    for office in rows:
        code = office["code"]
        html.append(
            f"<tr><td>{escape(code)}</td>"
            f'<td><a href="{escape(office_url("assessments:home", code))}">{escape(office["name"])}</a>'
            f"{demo if office['is_demo'] else ''}</td>"
            f"<td>{kinds.get(office['kind'], '')}</td><td>{escape(office['province'])}</td>"
            f'<td><a href="{escape(office_url("orgprofile:profile", code))}">{see}</a></td></tr>'
        )
    return mark_safe("".join(html))  # noqa: S308 - every text above is escaped
