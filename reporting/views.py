"""Pages of the top floor: they read across every app and write nothing."""

from datetime import datetime

from django.contrib.auth import get_user_model
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from assessments.models import SubItemReport
from assessments.selectors import assessment_answers, current_catalogue
from evidence.selectors import evidence_kinds_covered_by_subitem
from orgprofile.access import office_for_request
from orgprofile.models import Office
from pmqa_site import clock, web
from pmqa_site.decorators import role_required
from pmqa_site.health import system_readiness
from pmqa_site.roles import ALL_ROLES, Role

from .forms import AuditFilterForm
from .timeline import Filters, timeline

SUBITEM_HISTORY_LIMIT = 50


@require_safe
@role_required(*ALL_ROLES)
def readiness(request, code):
    """What each sub-item still lacks before the office sends it for review."""
    office = office_for_request(request, code)
    catalogue = current_catalogue()
    if catalogue is None:
        raise Http404(_("ยังไม่มีชุดเกณฑ์การประเมินในระบบ"))
    statuses = assessment_answers(office=office, catalogue=catalogue)
    assessment_id = next((s.report.assessment_id for s in statuses if s.report is not None), None)
    covered = evidence_kinds_covered_by_subitem(assessment=assessment_id) if assessment_id else {}
    kinds = list(catalogue.evidence_kinds.order_by("order"))
    rows = []
    for status in statuses:
        missing_fields = status.required_fields - status.filled_fields
        rows.append(
            {
                "status": status,
                "unanswered": status.unanswered,
                "missing_fields": missing_fields,
                "missing_kinds": [k for k in kinds if k.code not in covered.get(status.subitem.id, set())],
                "ready": not status.unanswered and missing_fields <= 0,
            }
        )
    return render(request, "reporting/readiness.html", {"office": office, "rows": rows})


@require_safe
@role_required(Role.ADMIN)
def manage_home(request):
    return render(
        request,
        "reporting/manage_home.html",
        {
            "office_count": Office.objects.filter(is_active=True).count(),
            "user_count": get_user_model().objects.filter(is_active=True).count(),
            "now": clock.now(),
            "health": system_readiness(),
        },
    )


@require_safe
@role_required(Role.ADMIN)
def audit(request):
    """One Thai timeline of everything recorded, filtered by office, person, kind and date."""
    form = AuditFilterForm(request.GET)
    page = None
    if form.is_valid():
        try:
            before = datetime.fromisoformat(request.GET["before"]) if request.GET.get("before") else None
        except ValueError:
            before = None
        page = timeline(filters=form.filters(), before=before)
    query = request.GET.copy()
    query.pop("before", None)
    return render(
        request,
        "reporting/audit.html",
        {"form": form, "page": page, "querystring": query.urlencode()},
        status=200 if page is not None else 422,
    )


@require_safe
@role_required(*ALL_ROLES)
def subitem_history(request, code, number):
    """A sub-item's whole story, newest first: ticks, texts, evidence, messages, decisions.
    The sub-item and review pages load it when the reader opens their history box."""
    office = office_for_request(request, code)
    report = get_object_or_404(
        SubItemReport.objects.select_related("subitem", "assessment__office"),
        assessment__office=office,
        assessment__catalogue=current_catalogue(),
        subitem__number=number,
    )
    page = timeline(filters=Filters(report=report), limit=SUBITEM_HISTORY_LIMIT)
    context = {"office": office, "report": report, "entries": page.entries, "more": page.older is not None}
    if web.is_htmx(request):
        return render(request, "reporting/_timeline.html", {**context, "compact": True})
    return render(request, "reporting/subitem_history.html", context)
