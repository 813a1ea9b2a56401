"""An office's self-assessment pages, for the office itself and (read-only) for reviewers and
admins: /offices/<code>/... Views check, bind a form, call one service and render; a
refusal becomes a response through pmqa_site.web."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from orgprofile.access import is_own_office, office_for_request, office_may_edit
from orgprofile.selectors import profile_progress
from orgprofile.windows import office_window_state
from pmqa_site import web
from pmqa_site.decorators import role_required
from pmqa_site.roles import ALL_ROLES, Role, role_of

from ..catalogue_cache import catalogue_subitems
from ..forms import CategoryAssignForm, SubItemAnswerForm
from ..models import Category, Message, ReviewEvent, ReviewState, SubItem
from ..selectors import (
    assessment_overview,
    conversation,
    latest_notifications,
    office_year_over_year,
    subitem_detail,
    subitem_form_detail,
    unread_conversations,
)
from ..services.answers import (
    StaleFormError,
    category_assign,
    category_submit,
    subitem_answers_save,
    subitem_submit,
)
from ..services.conversation import conversation_mark_read
from ..services.reports import report_get_or_create
from .years_nav import catalogue_shown, shown_catalogue_or_404


def _subitem(catalogue, number: str) -> SubItem:
    subitem = catalogue_subitems(catalogue).get(number)
    if subitem is None:
        raise Http404
    return subitem


@require_safe
@role_required(*ALL_ROLES)
def office_home(request, code):
    office = office_for_request(request, code)
    found = catalogue_shown(request)
    catalogue = found.catalogue
    if catalogue is None:
        return render(request, "assessments/no_catalogue.html", {"office": office})
    overview = assessment_overview(office=office, catalogue=catalogue, previous=found.previous)
    window = office_window_state(office=office, fiscal_year=catalogue.fiscal_year)
    own = is_own_office(request.user, office)
    return render(
        request,
        "assessments/office_home.html",
        {
            "office": office,
            "shown": found.shown,
            "overview": overview,
            "year_over_year": office_year_over_year(office=office, overview=overview, previous=found.previous),
            "profile_progress": profile_progress(office=office, fiscal_year=catalogue.fiscal_year),
            "window": window,
            "own": own,
            "unread": unread_conversations(side=Message.Side.OFFICE, office=office) if own else [],
            "notifications": latest_notifications(user=request.user),
            "can_edit": found.shown.is_current and office_may_edit(user=request.user, office=office, window=window),
            "may_carry": found.shown.is_current
            and found.previous is not None
            and role_of(request.user) == Role.ESA_COORDINATOR
            and own,
            "chart_data": _office_charts(overview),
        },
    )


def _office_charts(overview) -> dict:
    """The office's own picture, drawn by static/js/charts.js beside the tables below it."""
    return {
        "progress": {
            "labels": [_("หมวด %(n)s") % {"n": c.category.number} for c in overview.categories],
            "datasets": [
                {
                    "label": _("ร้อยละที่ดำเนินการ"),
                    "data": [float(c.share.percent) for c in overview.categories],
                    "color": "#0d6efd",
                }
            ],
            "kind": "bar",
        },
        "levels": {
            "labels": [s.subitem.number for s in overview.subitems],
            "datasets": [
                {
                    "label": _("คะแนนระดับที่ผ่าน (300 ระดับพื้นฐาน · 400 ระดับก้าวหน้า · 500 ระดับพัฒนาจนเกิดผล)"),
                    "data": [s.level_points or 0 for s in overview.subitems],
                    "color": "#198754",
                }
            ],
            "kind": "bar",
        },
    }


@require_safe
@role_required(*ALL_ROLES)
def category_page(request, code, number: int):
    office = office_for_request(request, code)
    found = shown_catalogue_or_404(request)
    overview = assessment_overview(office=office, catalogue=found.catalogue, category_number=number)
    if not overview.categories:
        raise Http404
    return render(
        request,
        "assessments/category.html",
        {
            "office": office,
            "shown": found.shown,
            "overview": overview,
            "category": overview.categories[0],
            "can_edit": found.shown.is_current and office_may_edit(user=request.user, office=office),
        },
    )


def _render_subitem(request, office, subitem, *, shown, form=None, stale=None, status=200):
    window = office_window_state(office=office, fiscal_year=subitem.catalogue.fiscal_year)
    can_edit = shown.is_current and office_may_edit(user=request.user, office=office, window=window)
    detail = subitem_detail(office=office, subitem=subitem)
    if detail.report is None and can_edit and subitem.reportable:
        # The office's own page opens its report, so evidence can be attached straight away.
        report_get_or_create(office=office, subitem=subitem)
        detail = subitem_detail(office=office, subitem=subitem)
    messages_list = []
    last_rejection = None
    if detail.report is not None:
        messages_list = conversation(report=detail.report)
        if request.method == "GET" and messages_list and shown.is_current:  # an earlier year: read, unchanged
            conversation_mark_read(report=detail.report, user=request.user)
        if detail.report.state in (ReviewState.NOT_CERTIFIED, ReviewState.NEW_DATA):
            last_rejection = (
                ReviewEvent.objects.filter(report=detail.report, to_state=ReviewState.NOT_CERTIFIED)
                .order_by("-at")
                .first()
            )
    context = {
        "office": office,
        "shown": shown,
        "subitem": subitem,
        "detail": detail,
        "report": detail.report,
        "last_rejection": last_rejection,
        "messages_list": messages_list,
        "window": window,
        "form": form or SubItemAnswerForm(detail=detail),
        "stale": stale,
        "can_edit": can_edit,
    }
    return render(request, "assessments/subitem.html", context, status=status)


@role_required(*ALL_ROLES)
def subitem_page(request, code, number: str):
    office = office_for_request(request, code)
    found = shown_catalogue_or_404(request)
    subitem = _subitem(found.catalogue, number)
    if request.method == "POST":
        return _subitem_save(request, office, subitem, shown=found.shown)
    return _render_subitem(request, office, subitem, shown=found.shown)


def _subitem_save(request, office, subitem, *, shown):
    """A full save (the button) or an autosave (htmx): the same service, two renderings."""
    detail = subitem_form_detail(subitem=subitem)
    form = SubItemAnswerForm(request.POST, detail=detail)
    outcome = web.Outcome(ok=False)
    if form.is_valid():
        outcome = web.call(
            form,
            subitem_answers_save,
            user=request.user,
            office=office,
            subitem=subitem,
            base_version=form.cleaned_data["version"],
            values=form.cleaned_values(),
            texts=form.cleaned_texts(),
            editor_token=form.cleaned_data.get("editor_token") or "",
        )
    stale = outcome.refusal if isinstance(outcome.refusal, StaleFormError) else None
    status = outcome.status if outcome.refusal is not None else web.INVALID
    if web.is_htmx(request):
        if outcome.ok:
            # The saved fields lose their "carried from last year" marks on the page too.
            cleared = [key.replace(":", "-") for key in outcome.value.changed]
            return render(
                request,
                "assessments/partials/save_status.html",
                {"saved": outcome.value.report, "cleared_marks": cleared},
            )
        error = " ".join(form.non_field_errors()) or _("ข้อมูลไม่ถูกต้อง")
        return render(
            request,
            "assessments/partials/save_status.html",
            {"form": form, "stale": stale, "error": error},
            status=status,
        )
    if outcome.ok:
        messages.success(request, _("บันทึกประเด็น %(n)s แล้ว") % {"n": subitem.number})
        return redirect("assessments:subitem", code=office.code, number=subitem.number)
    if stale is not None:
        # The typed text comes back; the form now carries the saved version, so a second,
        # deliberate save (after reading what changed) goes through.
        data = request.POST.copy()
        data["version"] = str(stale.report.version)
        errors = form.non_field_errors()
        form = SubItemAnswerForm(data, detail=detail)
        form.is_valid()
        for error in errors:
            form.add_error(None, error)
    return _render_subitem(request, office, subitem, shown=shown, form=form, stale=stale, status=status)


@require_POST
@role_required(*ALL_ROLES)
def subitem_submit_view(request, code, number: str):
    office = office_for_request(request, code)
    subitem = _subitem(shown_catalogue_or_404(request).catalogue, number)
    subitem_submit(user=request.user, office=office, subitem=subitem)
    messages.success(request, _("ส่งประเด็น %(n)s ให้ส่วนกลางตรวจรับรองแล้ว") % {"n": subitem.number})
    return redirect("assessments:subitem", code=office.code, number=subitem.number)


@require_POST
@role_required(*ALL_ROLES)
def category_submit_view(request, code, number: int):
    office = office_for_request(request, code)
    category = get_object_or_404(Category, catalogue=shown_catalogue_or_404(request).catalogue, number=number)
    sent = category_submit(user=request.user, office=office, category=category)
    messages.success(request, _("ส่งหมวด %(c)d แล้ว %(n)d ประเด็น") % {"c": number, "n": len(sent)})
    return redirect("assessments:category", code=office.code, number=number)


@role_required(Role.ESA_COORDINATOR)
def assignments(request, code):
    office = office_for_request(request, code)
    catalogue = shown_catalogue_or_404(request, write=True).catalogue  # a page of forms: the current year only
    if request.method == "POST":
        category = get_object_or_404(Category, catalogue=catalogue, pk=request.POST.get("category"))
        form = CategoryAssignForm(request.POST, office=office)
        if not form.is_valid():
            messages.error(request, _("เลือกผู้รับผิดชอบไม่ถูกต้อง กรุณาเลือกจากรายชื่อเจ้าหน้าที่ของสำนักงาน"))
            return redirect("assessments:assignments", code=office.code)
        category_assign(user=request.user, office=office, category=category, assignee=form.cleaned_data["assignee"])
        messages.success(request, _("บันทึกผู้รับผิดชอบหมวด %(n)d แล้ว") % {"n": category.number})
        return redirect("assessments:assignments", code=office.code)
    overview = assessment_overview(office=office, catalogue=catalogue)
    rows = [
        {
            "category": c.category,
            "assignee": c.assignee,
            "form": CategoryAssignForm(office=office, initial={"assignee": c.assignee}),
        }
        for c in overview.categories
    ]
    return render(request, "assessments/assignments.html", {"office": office, "rows": rows})
