"""Pages of the ground floor: where each person lands, the office registry, the office's
staff accounts, the reporting calendar and the organisation profile.

Views check (role_required, office_for_request), bind a form, call one service and render;
a refusal becomes a response through pmqa_site.web.
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from pmqa_site import web
from pmqa_site.decorators import role_required
from pmqa_site.paging import keyset_page
from pmqa_site.roles import ALL_ROLES, CENTRAL_ROLES, OFFICE_ROLES, Role, role_of

from . import windows
from .access import office_edit_check, office_for_request, office_may_edit, office_may_view, office_of
from .forms import (
    ExtensionForm,
    OfficeImportForm,
    ProfileAnswerForm,
    ProfileImageForm,
    StaffAddForm,
    WindowForm,
)
from .models import Office, ProfileAnswerRevision, ProfileImage, ProfileQuestion, WindowExtension
from .registry import active_office_count
from .richtext import richtext_diff
from .selectors import (
    profile_answer_for,
    profile_answer_revisions,
    profile_for,
    profile_question_set_for,
    profile_sheet,
)
from .services import (
    StaleAnswer,
    offices_import_csv,
    profile_answer_restore,
    profile_answer_save,
    profile_carry_forward,
    profile_image_upload,
)
from .staff import office_staff, office_staff_add, office_staff_password_reset, office_staff_set_active

# Where each role lands after logging in. Office users land on their own office's home,
# which the assessments floor serves (a URL name, not an import).
CENTRAL_HOMES = {Role.OBEC_REVIEWER: "assessments:queue", Role.ADMIN: "reporting:manage-home"}


@require_safe
@role_required(*ALL_ROLES)
def home(request):
    """Send each role to its own home page."""
    role = role_of(request.user)
    if role in OFFICE_ROLES:
        return own_office(request)
    return redirect(CENTRAL_HOMES[role])


@require_safe
@role_required(*OFFICE_ROLES)
def own_office(request):
    office = office_of(request.user)
    if office is None:
        raise PermissionDenied(_("บัญชีนี้ไม่ได้สังกัดสำนักงานเขตพื้นที่ กรุณาติดต่อผู้ดูแลระบบ"))
    return redirect("assessments:home", code=office.code)


# --- Office registry --------------------------------------------------------------------------


@require_safe
@role_required(*CENTRAL_ROLES)
def office_list(request):
    """The registry a page at a time (keyset), with a search by code or a part of the name."""
    offices = Office.objects.filter(is_active=True)
    kind = request.GET.get("kind")
    if kind not in Office.Kind.values:
        kind = None
    if kind:
        offices = offices.filter(kind=kind)
    search = (request.GET.get("q") or "").strip()[:100]
    if search:
        offices = offices.filter(Q(code__iexact=search) | Q(name__icontains=search) | Q(province__icontains=search))
    page = keyset_page(
        offices.values("id", "code", "name", "kind", "province", "is_demo"),
        order=("kind", "province", "name", "id"),
        after=request.GET.get("after"),
    )
    query = request.GET.copy()
    query.pop("after", None)
    return render(
        request,
        "orgprofile/office_list.html",
        {
            "page": page,
            # Kept with the registry (registry.py) unless a search narrows it.
            "total": offices.count() if search else active_office_count(kind=kind),
            "kind": kind,
            "kinds": Office.Kind.choices,
            "search": search,
            "querystring": query.urlencode(),
        },
    )


@role_required(Role.ADMIN)
def office_import(request):
    result = None
    form = OfficeImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        result = offices_import_csv(text=form.cleaned_data["file"])
        if result.ok:
            messages.success(
                request,
                _("นำเข้าสำเร็จ: เพิ่ม %(c)d แห่ง ปรับปรุง %(u)d แห่ง ไม่เปลี่ยนแปลง %(n)d แห่ง")
                % {"c": result.created, "u": result.updated, "n": result.unchanged},
            )
            return redirect("orgprofile:office-list")
    return render(request, "orgprofile/office_import.html", {"form": form, "result": result})


# --- The office's staff accounts (coordinator) --------------------------------------------------


@role_required(Role.ESA_COORDINATOR)
def staff_manage(request, code):
    office = office_for_request(request, code)
    form = StaffAddForm(request.POST if request.POST.get("action") == "add" else None)
    new_account = None
    if request.method == "POST" and request.POST.get("action") == "add" and form.is_valid():
        outcome = web.call(form, office_staff_add, actor=request.user, office=office, **form.cleaned_data)
        if outcome.ok:
            user, password = outcome.value
            new_account = {"username": user.username, "password": password}
            form = StaffAddForm()
    elif request.method == "POST" and request.POST.get("action") == "password":
        member = get_object_or_404(get_user_model(), pk=request.POST.get("user"), membership__office=office)
        outcome = web.call(None, office_staff_password_reset, actor=request.user, office=office, member=member)
        if outcome.ok:
            new_account = {"username": member.username, "password": outcome.value, "reset": True}
        else:
            for message in web.refusal_messages(outcome.refusal):
                messages.error(request, message)
    elif request.method == "POST" and request.POST.get("action") in ("suspend", "restore"):
        member = get_object_or_404(get_user_model(), pk=request.POST.get("user"), membership__office=office)
        office_staff_set_active(
            actor=request.user, office=office, member=member, active=request.POST["action"] == "restore"
        )
        messages.success(request, _("บันทึกสถานะบัญชี %(u)s แล้ว") % {"u": member.username})
        return redirect("orgprofile:staff", code=office.code)
    return render(
        request,
        "orgprofile/staff.html",
        {"office": office, "members": office_staff(office=office), "form": form, "new_account": new_account},
    )


# --- Reporting calendar (admins) ---------------------------------------------------------------


def _current_year():
    year = windows.current_year()
    if year is None:
        raise Http404(_("ยังไม่มีชุดเกณฑ์การประเมินในระบบ"))
    return year


@role_required(Role.ADMIN)
def window_manage(request):
    fiscal_year = _current_year()
    window = windows.window_of(fiscal_year=fiscal_year.year)
    form = WindowForm(request.POST or None, initial=WindowForm.initial_from(window), prefix="window")
    if request.method == "POST" and form.is_valid():
        outcome = web.call(form, windows.window_set, user=request.user, fiscal_year=fiscal_year, **form.cleaned_data)
        if outcome.ok:
            messages.success(request, _("บันทึกช่วงเวลารายงานปีงบประมาณ %(y)d แล้ว") % {"y": fiscal_year.year})
            return redirect("orgprofile:windows")
    return render(
        request,
        "orgprofile/windows.html",
        {
            "fiscal_year": fiscal_year,
            "window": window,
            "form": form,
            "extension_form": ExtensionForm(prefix="ext"),
            "extensions": WindowExtension.objects.filter(window=window).select_related("office", "created_by")
            if window
            else [],
        },
        status=200 if request.method == "GET" or not form.errors else web.INVALID,
    )


@require_POST
@role_required(Role.ADMIN)
def window_close(request):
    windows.window_close_now(user=request.user, fiscal_year=_current_year())
    messages.success(request, _("ปิดการรายงานของสำนักงานแล้ว"))
    return redirect("orgprofile:windows")


@require_POST
@role_required(Role.ADMIN)
def window_extension_add(request):
    window = windows.window_of(fiscal_year=_current_year().year)
    if window is None:
        raise Http404(_("ยังไม่ได้กำหนดช่วงเวลารายงาน"))
    form = ExtensionForm(request.POST, prefix="ext")
    if form.is_valid():
        outcome = web.call(form, windows.window_extend, user=request.user, window=window, **form.cleaned_data)
        if outcome.ok:
            messages.success(request, _("ขยายเวลาให้ %(o)s แล้ว") % {"o": form.cleaned_data["office"].name})
            return redirect("orgprofile:windows")
    messages.error(
        request, _("ข้อมูลการขยายเวลาไม่ครบหรือไม่ถูกต้อง: ") + "; ".join(e for errs in form.errors.values() for e in errs)
    )
    return redirect("orgprofile:windows")


# --- Organisation profile (ลักษณะสำคัญขององค์การ) ---------------------------------------------


def _profile_year() -> int:
    fiscal_year = windows.current_fiscal_year()
    if fiscal_year is None:
        raise Http404(_("ยังไม่ได้นำเข้าเกณฑ์การประเมินของปีงบประมาณใด"))
    return fiscal_year


def _profile_year_shown(request) -> windows.YearShown:
    """The year a profile page shows: `?year=` (an earlier year, read-only), else the current."""
    shown = windows.year_shown(request)
    if shown.year is None:
        raise Http404(_("ยังไม่ได้นำเข้าเกณฑ์การประเมินของปีงบประมาณใด"))
    return shown


def _profile_question(*, fiscal_year: int, number: int) -> ProfileQuestion:
    question_set = profile_question_set_for(fiscal_year=fiscal_year)
    if question_set is None:
        raise Http404(_("ยังไม่มีชุดคำถามลักษณะสำคัญขององค์การสำหรับปีงบประมาณนี้"))
    return get_object_or_404(ProfileQuestion, question_set=question_set, number=number)


@require_safe
@role_required(*ALL_ROLES)
def profile_detail(request, code):
    office = office_for_request(request, code)
    shown = _profile_year_shown(request)
    fiscal_year = shown.year
    sheet = profile_sheet(office=office, fiscal_year=fiscal_year)
    may_edit = shown.is_current and office_may_edit(user=request.user, office=office)
    may_carry = may_edit and sheet.answered == 0 and profile_for(office=office, fiscal_year=fiscal_year - 1) is not None
    return render(
        request,
        "orgprofile/profile_detail.html",
        {"office": office, "sheet": sheet, "may_edit": may_edit, "may_carry": may_carry, "shown": shown},
    )


@require_safe
@role_required(*ALL_ROLES)
def profile_print(request, code):
    office = office_for_request(request, code)
    sheet = profile_sheet(office=office, fiscal_year=_profile_year_shown(request).year)
    return render(
        request, "orgprofile/profile_print.html", {"office": office, "sheet": sheet, "now_at": timezone.now()}
    )


@require_POST
@role_required(*ALL_ROLES)
def profile_carry(request, code):
    office = office_for_request(request, code)
    fiscal_year = _profile_year()
    profile_carry_forward(user=request.user, office=office, fiscal_year=fiscal_year)
    messages.success(
        request,
        _("ยกคำตอบจากปีงบประมาณ %(year)d มาเป็นฉบับร่างแล้ว โปรดทบทวนและปรับปรุงทุกข้อ") % {"year": fiscal_year - 1},
    )
    return redirect("orgprofile:profile", code=office.code)


def _answer_context(*, office, fiscal_year, question, answer, form, **extra):
    return {
        "office": office,
        "fiscal_year": fiscal_year,
        "question": question,
        "question_set": question.question_set,
        "answer": answer,
        "form": form,
        **extra,
    }


@role_required(*ALL_ROLES)
def profile_answer_edit(request, code, number):
    """Edit one answer. A plain POST saves and redirects; an htmx POST is an autosave that
    answers with the status box only, so the editor and what was typed stay untouched."""
    office = office_for_request(request, code)
    fiscal_year = _profile_year()
    question = _profile_question(fiscal_year=fiscal_year, number=number)
    answer = profile_answer_for(office=office, fiscal_year=fiscal_year, question=question)
    if request.method != "POST":
        may_edit = web.call(None, office_edit_check, user=request.user, office=office)
        if not may_edit.ok:
            # Reviewers, admins and a closed window: the read-only page, with the reason.
            messages.info(request, " ".join(web.refusal_messages(may_edit.refusal)))
            return redirect(reverse("orgprofile:profile", kwargs={"code": office.code}) + f"#q{question.number}")
        form = ProfileAnswerForm(initial=ProfileAnswerForm.initial_from(answer))
        return render(
            request,
            "orgprofile/profile_answer_edit.html",
            _answer_context(office=office, fiscal_year=fiscal_year, question=question, answer=answer, form=form),
        )

    autosave = web.is_htmx(request)
    form = ProfileAnswerForm(request.POST)
    if not form.is_valid():
        form.add_error(None, _("แบบฟอร์มไม่ครบถ้วน โปรดโหลดหน้านี้ใหม่ (ข้อความที่พิมพ์ไว้ยังอยู่ในแบบฟอร์ม)"))
        outcome = web.Outcome(ok=False)
        status = 400
    else:
        outcome = web.call(
            form,
            profile_answer_save,
            user=request.user,
            office=office,
            fiscal_year=fiscal_year,
            question=question,
            html=form.cleaned_data["html"],
            not_applicable=form.cleaned_data["not_applicable"],
            version=form.cleaned_data["version"],
            autosave=autosave,
        )
        status = outcome.status
    if outcome.ok:
        result = outcome.value
        if autosave:
            return render(
                request,
                "orgprofile/_autosave_status.html",
                {
                    "version": result.answer.version,
                    "saved_at": result.answer.updated_at,
                    "removed": result.removed,
                    "changed": result.changed,
                },
            )
        if result.removed:
            messages.warning(
                request,
                _("บันทึกแล้ว แต่ระบบได้นำสิ่งต่อไปนี้ออกจากคำตอบเพื่อความปลอดภัย: %(items)s")
                % {"items": "; ".join(result.removed)},
            )
        else:
            messages.success(request, _("บันทึกคำตอบข้อ (%(n)d) แล้ว") % {"n": question.number})
        return redirect("orgprofile:answer-edit", code=office.code, number=question.number)

    stale = outcome.refusal if isinstance(outcome.refusal, StaleAnswer) else None
    error = " ".join(form.non_field_errors())
    if autosave:
        posted_version = getattr(form, "cleaned_data", {}).get("version", 0)
        return render(
            request,
            "orgprofile/_autosave_status.html",
            {"version": posted_version, "error": error, "stale": stale, "question": question, "office": office},
            status=status,
        )
    diff = richtext_diff(stale.answer.html, form.cleaned_data["html"]) if stale else None
    if stale:
        # The next deliberate save, made after reading the difference, may replace the newer text.
        data = request.POST.copy()
        data["version"] = str(stale.answer.version)
        form = ProfileAnswerForm(data)
        form.is_valid()
    return render(
        request,
        "orgprofile/profile_answer_edit.html",
        _answer_context(
            office=office,
            fiscal_year=fiscal_year,
            question=question,
            answer=stale.answer if stale else answer,
            form=form,
            error=error,
            stale=stale,
            diff=diff,
        ),
        status=status,
    )


@require_safe
@role_required(*ALL_ROLES)
def profile_revisions(request, code, number):
    office = office_for_request(request, code)
    shown = _profile_year_shown(request)
    fiscal_year = shown.year
    question = _profile_question(fiscal_year=fiscal_year, number=number)
    answer = profile_answer_for(office=office, fiscal_year=fiscal_year, question=question)
    revisions = profile_answer_revisions(answer=answer) if answer else []
    by_number = {r.number: r for r in revisions}
    newer = by_number.get(_int_or_none(request.GET.get("b"))) or (revisions[0] if revisions else None)
    older = by_number.get(_int_or_none(request.GET.get("a"))) or (revisions[1] if len(revisions) > 1 else None)
    diff = richtext_diff(older.html, newer.html) if older and newer else None
    return render(
        request,
        "orgprofile/profile_revisions.html",
        {
            "office": office,
            "fiscal_year": fiscal_year,
            "question": question,
            "answer": answer,
            "revisions": revisions,
            "older": older,
            "newer": newer,
            "diff": diff,
            "may_edit": shown.is_current and office_may_edit(user=request.user, office=office),
            "shown": shown,
        },
    )


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@require_POST
@role_required(*ALL_ROLES)
def profile_revision_restore(request, code, number, revision):
    office = office_for_request(request, code)
    fiscal_year = _profile_year()
    question = _profile_question(fiscal_year=fiscal_year, number=number)
    old = get_object_or_404(
        ProfileAnswerRevision,
        answer__profile__office=office,
        answer__profile__fiscal_year=fiscal_year,
        answer__question=question,
        number=revision,
    )
    profile_answer_restore(user=request.user, revision=old)
    messages.success(request, _("เรียกคืนฉบับที่ %(n)d เป็นคำตอบปัจจุบันแล้ว (บันทึกเป็นฉบับใหม่)") % {"n": old.number})
    return redirect("orgprofile:revisions", code=office.code, number=question.number)


@require_POST
@role_required(*ALL_ROLES)
def profile_image_upload_view(request, code):
    """Called by the editor's picture button: answers JSON, {ok, url} or {ok: false, messages}."""
    office = office_for_request(request, code)
    # Refused before the upload is read: who may not write gets the reason, not a file check.
    outcome = web.call(None, office_edit_check, user=request.user, office=office)
    if outcome.ok:
        form = ProfileImageForm(request.POST, request.FILES)
        if not form.is_valid():
            return JsonResponse({"ok": False, "messages": [_("ไม่ได้เลือกไฟล์รูปภาพ")]}, status=400)
        outcome = web.call(
            None, profile_image_upload, user=request.user, office=office, upload=form.cleaned_data["image"]
        )
    if not outcome.ok:
        status = 400 if outcome.status == web.INVALID else outcome.status
        return JsonResponse({"ok": False, "messages": web.refusal_messages(outcome.refusal)}, status=status)
    return JsonResponse({"ok": True, "url": reverse("orgprofile:image", kwargs={"pk": outcome.value.pk})})


@require_safe
@role_required(*ALL_ROLES)
def profile_image(request, pk):
    picture = get_object_or_404(ProfileImage.objects.select_related("office"), pk=pk)
    if not office_may_view(user=request.user, office=picture.office):
        raise Http404
    response = FileResponse(picture.file.open("rb"), content_type=picture.content_type)
    response["Cache-Control"] = "private, max-age=86400"
    return response
