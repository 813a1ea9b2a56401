"""Office pages of the self-assessment. Views check permission, bind a form, call one
service and render; the rules live in services and selectors."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from orgprofile.decorators import role_required
from orgprofile.models import Office
from orgprofile.roles import CENTRAL_ROLES, OFFICE_ROLES, Role
from orgprofile.selectors import office_may_view, office_of

from ..access import EditRefused, office_may_edit
from ..forms import CategoryAssignForm, SubItemAnswerForm
from ..models import Category, Message, SubItem
from ..selectors import assessment_overview, current_catalogue, subitem_detail, unread_conversations
from ..services.answers import (
    StaleFormError,
    category_assign,
    category_submit,
    subitem_answers_save,
    subitem_submit,
)
from ..services.reports import report_get_or_create
from ..windows import office_window_state

ALL_ROLES = (*OFFICE_ROLES, *CENTRAL_ROLES)


def _office(request, code: str | None) -> Office:
    """The office a page is about: the user's own, or (for central roles) the one in the URL."""
    if code is None:
        office = office_of(request.user)
        if office is None:
            raise PermissionDenied(_("บัญชีนี้ไม่ได้สังกัดสำนักงานเขตพื้นที่"))
        return office
    office = get_object_or_404(Office, code=code)
    if not office_may_view(user=request.user, office=office):
        raise Http404
    return office


def _catalogue():
    catalogue = current_catalogue()
    if catalogue is None:
        raise Http404(_("ยังไม่มีชุดเกณฑ์การประเมินในระบบ"))
    return catalogue


def _urls(office: Office, request) -> dict:
    """URL builders for the office pages: /office/... for office users, /offices/<code>/... else."""
    own = office_of(request.user)
    prefix = "office" if own is not None and own.pk == office.pk else "offices"
    return {"prefix": prefix, "code": office.code}


def urls_are_own(request, office) -> bool:
    own = office_of(request.user)
    return own is not None and own.pk == office.pk


def _profile_progress(office, catalogue):
    try:
        from orgprofile.selectors import profile_progress
    except ImportError:
        return None
    return profile_progress(office=office, fiscal_year=catalogue.fiscal_year)


@require_safe
@role_required(*ALL_ROLES)
def office_home(request, code=None):
    office = _office(request, code)
    catalogue = current_catalogue()
    if catalogue is None:
        return render(request, "assessments/no_catalogue.html", {"office": office})
    overview = assessment_overview(office=office, catalogue=catalogue)
    window = office_window_state(office=office, catalogue=catalogue)
    return render(
        request,
        "assessments/office_home.html",
        {
            "office": office,
            "overview": overview,
            "profile_progress": _profile_progress(office, catalogue),
            "window": window,
            "unread": unread_conversations(side=Message.Side.OFFICE, office=office)
            if urls_are_own(request, office)
            else [],
            "notifications": request.user.notifications.all()[:5],
            "can_edit": office_may_edit(user=request.user, office=office, window=window),
            "urls": _urls(office, request),
        },
    )


@require_safe
@role_required(*ALL_ROLES)
def category_page(request, number: int, code=None):
    office = _office(request, code)
    catalogue = _catalogue()
    overview = assessment_overview(office=office, catalogue=catalogue, category_number=number)
    if not overview.categories:
        raise Http404
    return render(
        request,
        "assessments/category.html",
        {
            "office": office,
            "overview": overview,
            "category": overview.categories[0],
            "can_edit": office_may_edit(user=request.user, office=office),
            "urls": _urls(office, request),
        },
    )


def _subitem(catalogue, number: str) -> SubItem:
    return get_object_or_404(SubItem.objects.select_related("category"), catalogue=catalogue, number=number)


def _render_subitem(request, office, subitem, *, form=None, stale=None, status=200):
    from ..forms_review import MessageForm
    from ..models import ReviewEvent
    from ..services.conversation import conversation_mark_read

    window = office_window_state(office=office, catalogue=subitem.catalogue)
    can_edit = office_may_edit(user=request.user, office=office, window=window)
    detail = subitem_detail(office=office, subitem=subitem)
    if detail.report is None and can_edit and subitem.reportable:
        # The office's own page opens its report, so evidence can be attached straight away.
        report_get_or_create(office=office, subitem=subitem)
        detail = subitem_detail(office=office, subitem=subitem)
    form = form or SubItemAnswerForm(detail=detail)
    messages_list = []
    last_rejection = None
    if detail.report is not None:
        messages_list = list(Message.objects.filter(report=detail.report).select_related("author", "evidence"))
        if request.method == "GET" and messages_list:
            conversation_mark_read(report=detail.report, user=request.user)
        if detail.report.state in ("not_certified", "new_data"):
            last_rejection = (
                ReviewEvent.objects.filter(report=detail.report, to_state="not_certified").order_by("-at").first()
            )
    context = {
        "office": office,
        "subitem": subitem,
        "detail": detail,
        "last_rejection": last_rejection,
        "messages_list": messages_list,
        "message_form": MessageForm(report=detail.report) if detail.report is not None else None,
        "window": window,
        "form": form,
        "stale": stale,
        "urls": _urls(office, request),
        "evidence_ready": False,
    }
    if detail.report is not None and subitem.reportable:
        from evidence.selectors import evidence_context

        context.update(evidence_context(report=detail.report, user=request.user, can_edit=can_edit))
        context["evidence_ready"] = True
    context["can_edit"] = can_edit
    return render(request, "assessments/subitem.html", context, status=status)


@role_required(*ALL_ROLES)
def subitem_page(request, number: str, code=None):
    office = _office(request, code)
    catalogue = _catalogue()
    subitem = _subitem(catalogue, number)
    if request.method == "POST":
        return _subitem_save(request, office, subitem)
    return _render_subitem(request, office, subitem)


def _subitem_save(request, office, subitem):
    is_htmx = request.headers.get("HX-Request") == "true"
    detail = subitem_detail(office=office, subitem=subitem)
    form = SubItemAnswerForm(request.POST, detail=detail)
    if not form.is_valid():
        if is_htmx:
            return render(
                request, "assessments/partials/save_status.html", {"form": form, "error": _("ข้อมูลไม่ถูกต้อง")}, status=422
            )
        return _render_subitem(request, office, subitem, form=form, status=422)
    try:
        result = subitem_answers_save(
            user=request.user,
            office=office,
            subitem=subitem,
            base_version=form.cleaned_data["version"],
            values=form.cleaned_values(),
            texts=form.cleaned_texts(),
            editor_token=form.cleaned_data.get("editor_token") or "",
        )
    except EditRefused as exc:
        if is_htmx:
            return render(request, "assessments/partials/save_status.html", {"error": exc.message}, status=409)
        form.add_error(None, exc.message)
        return _render_subitem(request, office, subitem, form=form, status=403)
    except StaleFormError as exc:
        if is_htmx:
            return render(
                request, "assessments/partials/save_status.html", {"stale": exc, "error": exc.messages[0]}, status=409
            )
        # The typed text comes back; the form now carries the saved version, so a second,
        # deliberate save (after reading what changed) goes through.
        data = request.POST.copy()
        data["version"] = str(exc.report.version)
        form = SubItemAnswerForm(data, detail=detail)
        form.is_valid()
        form.add_error(None, exc.messages[0])
        return _render_subitem(request, office, subitem, form=form, stale=exc, status=409)
    except ValidationError as exc:
        if is_htmx:
            return render(
                request, "assessments/partials/save_status.html", {"error": " ".join(exc.messages)}, status=422
            )
        form.add_error(None, " ".join(exc.messages))
        return _render_subitem(request, office, subitem, form=form, status=422)
    if is_htmx:
        return render(request, "assessments/partials/save_status.html", {"saved": result.report})
    messages.success(request, _("บันทึกประเด็น %(n)s แล้ว") % {"n": subitem.number})
    return redirect(reverse("subitem", args=[subitem.number]))


@require_POST
@role_required(*OFFICE_ROLES)
def subitem_submit_view(request, number: str):
    office = _office(request, None)
    subitem = _subitem(_catalogue(), number)
    try:
        subitem_submit(user=request.user, office=office, subitem=subitem)
    except EditRefused as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("ส่งประเด็น %(n)s ให้ส่วนกลางตรวจรับรองแล้ว") % {"n": subitem.number})
    return redirect("subitem", number=subitem.number)


@require_POST
@role_required(*OFFICE_ROLES)
def category_submit_view(request, number: int):
    office = _office(request, None)
    category = get_object_or_404(Category, catalogue=_catalogue(), number=number)
    try:
        sent = category_submit(user=request.user, office=office, category=category)
    except EditRefused as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("ส่งหมวด %(c)d แล้ว %(n)d ประเด็น") % {"c": number, "n": len(sent)})
    return redirect("category", number=number)


@require_safe
@role_required(*ALL_ROLES)
def readiness(request, code=None):
    office = _office(request, code)
    catalogue = _catalogue()
    overview = assessment_overview(office=office, catalogue=catalogue)
    covered = _evidence_covered(overview)
    kinds = list(catalogue.evidence_kinds.order_by("order"))
    rows = []
    for status in overview.subitems:
        missing_fields = status.required_fields - status.filled_fields
        missing_kinds = (
            None if covered is None else [k for k in kinds if k.code not in covered.get(status.subitem.id, set())]
        )
        rows.append(
            {
                "status": status,
                "unanswered": status.unanswered,
                "missing_fields": missing_fields,
                "missing_kinds": missing_kinds,
                "ready": not status.unanswered and missing_fields <= 0,
            }
        )
    return render(
        request,
        "assessments/readiness.html",
        {
            "office": office,
            "overview": overview,
            "rows": rows,
            "evidence_pending": covered is None,
            "urls": _urls(office, request),
        },
    )


def _evidence_covered(overview):
    """sub-item id → evidence kind codes with an active valid file or link."""
    from evidence.selectors import evidence_kinds_covered_by_subitem

    if overview.assessment is None:
        return {}
    return evidence_kinds_covered_by_subitem(assessment=overview.assessment)


@role_required(Role.ESA_COORDINATOR)
def assignments(request):
    office = _office(request, None)
    catalogue = _catalogue()
    categories = list(Category.objects.filter(catalogue=catalogue).order_by("number"))
    if request.method == "POST":
        category = get_object_or_404(Category, catalogue=catalogue, pk=request.POST.get("category"))
        form = CategoryAssignForm(request.POST, office=office)
        if form.is_valid():
            try:
                category_assign(
                    user=request.user, office=office, category=category, assignee=form.cleaned_data["assignee"]
                )
            except EditRefused as exc:
                messages.error(request, exc.message)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("บันทึกผู้รับผิดชอบหมวด %(n)d แล้ว") % {"n": category.number})
                return redirect("assignments")
        else:
            messages.error(request, _("เลือกผู้รับผิดชอบไม่ถูกต้อง กรุณาเลือกจากรายชื่อเจ้าหน้าที่ของสำนักงาน"))
    overview = assessment_overview(office=office, catalogue=catalogue)
    rows = [
        {
            "category": c.category,
            "assignee": c.assignee,
            "form": CategoryAssignForm(office=office, initial={"assignee": c.assignee}),
        }
        for c in overview.categories
    ]
    return render(request, "assessments/assignments.html", {"office": office, "rows": rows, "categories": categories})
