"""Reviewer pages: the queue across all offices, one sub-item's review page, bulk certify."""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from orgprofile.access import office_for_request
from pmqa_site import web
from pmqa_site.decorators import role_required
from pmqa_site.roles import CENTRAL_ROLES

from ..forms_review import DecisionForm, QueueFilterForm
from ..models import QUEUE_STATES, Message, SubItemReport
from ..selectors import (
    changes_since_last_decision,
    conversation,
    review_queue,
    subitem_detail,
    unread_conversations,
)
from ..services.conversation import conversation_mark_read
from ..services.review import report_decide, reports_certify_many
from .years_nav import catalogue_shown


@require_safe
@role_required(*CENTRAL_ROLES)
def review_home(request):
    found = catalogue_shown(request)
    form = QueueFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    queue = review_queue(
        state=filters.get("state") or None,
        search=filters.get("office") or "",
        kind=filters.get("kind") or "",
        category=filters.get("category"),
        after=request.GET.get("after") or None,
        catalogue=found.catalogue,
    )
    query = request.GET.copy()
    query.pop("after", None)
    return render(
        request,
        "assessments/review_home.html",
        {
            "form": form,
            "queue": queue,
            "overdue": timedelta(days=settings.PMQA_REVIEW_OVERDUE_DAYS),
            "unread": unread_conversations(side=Message.Side.CENTRAL),
            "querystring": query.urlencode(),
            "shown": found.shown,
        },
    )


def _report_for(request, code: str, number: str, catalogue) -> SubItemReport:
    office = office_for_request(request, code)
    if catalogue is None:
        raise Http404
    return get_object_or_404(
        SubItemReport.objects.select_related("assessment__office", "assessment__catalogue", "subitem__category"),
        assessment__office=office,
        assessment__catalogue=catalogue,
        subitem__number=number,
    )


@role_required(*CENTRAL_ROLES)
def review_report(request, code, number):
    found = catalogue_shown(request)  # a decision on an earlier year is refused here
    report = _report_for(request, code, number, found.catalogue)
    form = DecisionForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        outcome = web.call(
            form,
            report_decide,
            report=report,
            user=request.user,
            certify=form.cleaned_data["decision"] == "certify",
            reason=form.cleaned_data["reason"],
        )
        if outcome.ok:
            messages.success(
                request,
                _("บันทึกผลการพิจารณาประเด็น %(n)s ของ %(o)s แล้ว")
                % {"n": report.subitem.number, "o": report.assessment.office.name},
            )
            return redirect("assessments:queue")
        status = outcome.status
    elif request.method == "POST":
        status = web.INVALID
    detail = subitem_detail(office=report.assessment.office, subitem=report.subitem)
    decision, changes = changes_since_last_decision(report=report, detail=detail)
    if found.shown.is_current:  # an earlier year is only read: not even its read marks change
        conversation_mark_read(report=report, user=request.user)
    return render(
        request,
        "assessments/review_report.html",
        {
            "report": report,
            "office": report.assessment.office,
            "subitem": report.subitem,
            "detail": detail,
            "form": form,
            "last_decision": decision,
            "changes": changes,
            "decidable": found.shown.is_current and report.state in QUEUE_STATES,
            "shown": found.shown,
            "messages_list": conversation(report=report),
            "can_edit": False,
        },
        status=status,
    )


@require_POST
@role_required(*CENTRAL_ROLES)
def review_certify_many(request):
    ids = [int(i) for i in request.POST.getlist("report") if i.isdigit()]
    done = reports_certify_many(report_ids=ids, user=request.user)
    messages.success(request, _("รับรองแล้ว %(n)d ประเด็น") % {"n": len(done)})
    # Back to the same filtered queue: only a query string, never a URL from the client.
    return redirect(reverse("assessments:queue") + "?" + request.POST.get("qs", ""))
