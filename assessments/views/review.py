"""Reviewer pages: the queue, one sub-item's review page, bulk certify; and the conversation."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from orgprofile.decorators import role_required
from orgprofile.roles import CENTRAL_ROLES, OFFICE_ROLES
from orgprofile.selectors import office_may_view

from ..access import EditRefused
from ..forms_review import DecisionForm, MessageForm, QueueFilterForm
from ..models import Message, ReviewEvent, SubItemReport
from ..selectors import changes_since_last_decision, review_queue, subitem_detail, unread_conversations
from ..services.conversation import conversation_mark_read, message_post
from ..services.review import QUEUE_STATES, report_decide, reports_certify_many


@require_safe
@role_required(*CENTRAL_ROLES)
def review_home(request):
    form = QueueFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    try:
        page = int(request.GET.get("page", 1))
    except ValueError:
        page = 1
    queue = review_queue(
        state=filters.get("state") or None,
        office_code=filters.get("office") or "",
        kind=filters.get("kind") or "",
        category=filters.get("category"),
        page=page,
    )
    return render(
        request,
        "assessments/review_home.html",
        {
            "form": form,
            "queue": queue,
            "unread": unread_conversations(side=Message.Side.CENTRAL),
            "querystring": request.GET.urlencode(),
        },
    )


def _report_for(request, report_id: int) -> SubItemReport:
    report = get_object_or_404(
        SubItemReport.objects.select_related("assessment__office", "assessment__catalogue", "subitem__category"),
        pk=report_id,
    )
    if not office_may_view(user=request.user, office=report.assessment.office):
        raise Http404
    return report


@role_required(*CENTRAL_ROLES)
def review_report(request, report_id: int):
    report = _report_for(request, report_id)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            report_decide(
                report=report,
                user=request.user,
                certify=form.cleaned_data["decision"] == "certify",
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            form.add_error(None, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("บันทึกผลการพิจารณาประเด็น %(n)s ของ %(o)s แล้ว")
                % {"n": report.subitem.number, "o": report.assessment.office.name},
            )
            return redirect("review-home")
    return _render_review(request, report, form)


def _render_review(request, report, form, status=200):
    detail = subitem_detail(office=report.assessment.office, subitem=report.subitem)
    decision, changes = changes_since_last_decision(report=report, detail=detail)
    conversation_mark_read(report=report, user=request.user)
    from evidence.selectors import evidence_context

    evidence = evidence_context(report=report, user=request.user, can_edit=False)
    return render(
        request,
        "assessments/review_report.html",
        {
            "report": report,
            "office": report.assessment.office,
            "subitem": report.subitem,
            "detail": detail,
            "form": form,
            "events": ReviewEvent.objects.filter(report=report).select_related("actor"),
            "last_decision": decision,
            "changes": changes,
            "decidable": report.state in QUEUE_STATES,
            "messages_list": Message.objects.filter(report=report).select_related("author", "evidence"),
            "message_form": MessageForm(report=report),
            "evidence_ready": True,
            **evidence,
            "can_edit": False,
        },
        status=status,
    )


@require_POST
@role_required(*CENTRAL_ROLES)
def review_certify_many(request):
    ids = [int(i) for i in request.POST.getlist("report") if i.isdigit()]
    try:
        done = reports_certify_many(report_ids=ids, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("รับรองแล้ว %(n)d ประเด็น") % {"n": len(done)})
    # Back to the same filtered queue: only a query string, never a URL from the client.
    return redirect(reverse("review-home") + "?" + request.POST.get("qs", ""))


@require_POST
@role_required(*OFFICE_ROLES, *CENTRAL_ROLES)
def message_send(request, report_id: int):
    report = _report_for(request, report_id)
    form = MessageForm(request.POST, request.FILES, report=report)
    if form.is_valid():
        try:
            message_post(
                report=report,
                user=request.user,
                body=form.cleaned_data["body"],
                attachment=form.cleaned_data.get("attachment"),
                kind=form.cleaned_data.get("kind"),
            )
        except (EditRefused, PermissionDenied) as exc:
            messages.error(request, getattr(exc, "message", str(exc)))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("ส่งข้อความแล้ว"))
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    if request.POST.get("next") == "review":
        return redirect("review-report", report_id=report.pk)
    return redirect("subitem", number=report.subitem.number)
