from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from assessments.access import EditRefused, office_edit_check, office_may_edit
from assessments.selectors import current_fiscal_year

from .decorators import role_required
from .forms import OfficeImportForm, ProfileAnswerForm, ProfileImageForm
from .models import Office, ProfileAnswerRevision, ProfileImage, ProfileQuestion
from .richtext import richtext_diff
from .roles import CENTRAL_ROLES, Role, role_of
from .selectors import (
    office_may_view,
    office_of,
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


@require_safe
@role_required(*CENTRAL_ROLES)
def office_list(request):
    offices = Office.objects.filter(is_active=True).order_by("kind", "province", "name")
    kind = request.GET.get("kind")
    if kind in Office.Kind.values:
        offices = offices.filter(kind=kind)
    return render(
        request, "orgprofile/office_list.html", {"offices": offices, "kind": kind, "kinds": Office.Kind.choices}
    )


@login_required
@permission_required("orgprofile.import_offices", raise_exception=True)
def office_import(request):
    result = None
    if request.method == "POST":
        form = OfficeImportForm(request.POST, request.FILES)
        if form.is_valid():
            result = offices_import_csv(text=form.cleaned_data["file"])
            if result.ok:
                messages.success(
                    request,
                    _("นำเข้าสำเร็จ: เพิ่ม %(c)d แห่ง ปรับปรุง %(u)d แห่ง ไม่เปลี่ยนแปลง %(n)d แห่ง")
                    % {"c": result.created, "u": result.updated, "n": result.unchanged},
                )
                return redirect("office-list")
    else:
        form = OfficeImportForm()
    return render(request, "orgprofile/office_import.html", {"form": form, "result": result})


# --- Organisation profile (ลักษณะสำคัญขององค์การ) ---------------------------------------------


def _profile_office(request, code: str) -> Office:
    """The office named in the URL, if this user may read its profile (403 otherwise)."""
    office = get_object_or_404(Office, code=code, is_active=True)
    if not office_may_view(user=request.user, office=office):
        raise PermissionDenied(_("ท่านดูได้เฉพาะลักษณะสำคัญขององค์การของสำนักงานที่ท่านสังกัดเท่านั้น"))
    return office


def _profile_year() -> int:
    fiscal_year = current_fiscal_year()
    if fiscal_year is None:
        raise Http404(_("ยังไม่ได้นำเข้าเกณฑ์การประเมินของปีงบประมาณใด"))
    return fiscal_year


def _profile_question(*, fiscal_year: int, number: int) -> ProfileQuestion:
    question_set = profile_question_set_for(fiscal_year=fiscal_year)
    if question_set is None:
        raise Http404(_("ยังไม่มีชุดคำถามลักษณะสำคัญขององค์การสำหรับปีงบประมาณนี้"))
    return get_object_or_404(ProfileQuestion, question_set=question_set, number=number)


def _own_office_redirect(request, view_name: str):
    """Office users go to their own office's page; reviewers and admins choose an office first."""
    office = office_of(request.user)
    if office is None:
        return redirect("office-list")
    return redirect(view_name, code=office.code)


@require_safe
@login_required
def profile_home(request):
    return _own_office_redirect(request, "profile-detail")


@require_safe
@login_required
def profile_print_own(request):
    return _own_office_redirect(request, "profile-print")


@require_safe
@login_required
def profile_detail(request, code):
    office = _profile_office(request, code)
    fiscal_year = _profile_year()
    sheet = profile_sheet(office=office, fiscal_year=fiscal_year)
    may_edit = office_may_edit(user=request.user, office=office)
    may_carry = may_edit and sheet.answered == 0 and profile_for(office=office, fiscal_year=fiscal_year - 1) is not None
    return render(
        request,
        "orgprofile/profile_detail.html",
        {"office": office, "sheet": sheet, "may_edit": may_edit, "may_carry": may_carry},
    )


@require_safe
@login_required
def profile_print(request, code):
    office = _profile_office(request, code)
    sheet = profile_sheet(office=office, fiscal_year=_profile_year())
    return render(
        request, "orgprofile/profile_print.html", {"office": office, "sheet": sheet, "now_at": timezone.now()}
    )


@login_required
@require_POST
def profile_carry(request, code):
    office = _profile_office(request, code)
    fiscal_year = _profile_year()
    # EditRefused is a PermissionDenied: the 403 page shows its Thai message.
    try:
        profile_carry_forward(user=request.user, office=office, fiscal_year=fiscal_year)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("ยกคำตอบจากปีงบประมาณ %(year)d มาเป็นฉบับร่างแล้ว โปรดทบทวนและปรับปรุงทุกข้อ") % {"year": fiscal_year - 1},
        )
    return redirect("profile-detail", code=office.code)


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


@login_required
def profile_answer_edit(request, code, number):
    """Edit one answer. A plain POST saves and redirects; an htmx POST is an autosave that
    answers with the status box only, so the editor and what was typed stay untouched."""
    office = _profile_office(request, code)
    fiscal_year = _profile_year()
    question = _profile_question(fiscal_year=fiscal_year, number=number)
    answer = profile_answer_for(office=office, fiscal_year=fiscal_year, question=question)
    autosave = request.headers.get("HX-Request") == "true"
    if request.method != "POST":
        try:
            office_edit_check(user=request.user, office=office)
        except EditRefused as exc:
            messages.info(request, exc.message)
            return redirect(reverse("profile-detail", kwargs={"code": office.code}) + f"#q{question.number}")
        form = ProfileAnswerForm(
            initial={
                "html": answer.html if answer else "",
                "not_applicable": answer.not_applicable if answer else False,
                "version": answer.version if answer else 0,
            }
        )
        return render(
            request,
            "orgprofile/profile_answer_edit.html",
            _answer_context(office=office, fiscal_year=fiscal_year, question=question, answer=answer, form=form),
        )

    form = ProfileAnswerForm(request.POST)
    error, stale, status = None, None, 400
    if not form.is_valid():
        error = _("แบบฟอร์มไม่ครบถ้วน โปรดโหลดหน้านี้ใหม่ (ข้อความที่พิมพ์ไว้ยังอยู่ในแบบฟอร์ม)")
    else:
        try:
            result = profile_answer_save(
                user=request.user,
                office=office,
                fiscal_year=fiscal_year,
                question=question,
                html=form.cleaned_data["html"],
                not_applicable=form.cleaned_data["not_applicable"],
                version=form.cleaned_data["version"],
                autosave=autosave,
            )
        except EditRefused as exc:
            error, status = exc.message, 403
        except StaleAnswer as exc:
            stale, error, status = exc, exc.message, 409
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
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
            return redirect("profile-answer-edit", code=office.code, number=question.number)

    posted_version = form.cleaned_data.get("version", 0) if form.is_valid() else 0
    diff = richtext_diff(stale.answer.html, form.cleaned_data["html"]) if stale else None
    if autosave:
        return render(
            request,
            "orgprofile/_autosave_status.html",
            {"version": posted_version, "error": error, "stale": stale, "question": question, "office": office},
        )
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
@login_required
def profile_revisions(request, code, number):
    office = _profile_office(request, code)
    fiscal_year = _profile_year()
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
            "may_edit": office_may_edit(user=request.user, office=office),
        },
    )


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
@require_POST
def profile_revision_restore(request, code, number, revision):
    office = _profile_office(request, code)
    fiscal_year = _profile_year()
    question = _profile_question(fiscal_year=fiscal_year, number=number)
    old = get_object_or_404(
        ProfileAnswerRevision,
        answer__profile__office=office,
        answer__profile__fiscal_year=fiscal_year,
        answer__question=question,
        number=revision,
    )
    profile_answer_restore(user=request.user, revision=old)  # EditRefused → the 403 page, in Thai
    messages.success(request, _("เรียกคืนฉบับที่ %(n)d เป็นคำตอบปัจจุบันแล้ว (บันทึกเป็นฉบับใหม่)") % {"n": old.number})
    return redirect("profile-revisions", code=office.code, number=question.number)


@login_required
@require_POST
def profile_image_upload_view(request, code):
    """Called by the editor's picture button: answers JSON {url} or {error} in Thai."""
    office = _profile_office(request, code)
    try:
        office_edit_check(user=request.user, office=office)  # refuse before reading the upload
    except EditRefused as exc:
        return JsonResponse({"error": exc.message}, status=403)
    form = ProfileImageForm(request.POST, request.FILES)
    if not form.is_valid():
        return JsonResponse({"error": _("ไม่ได้เลือกไฟล์รูปภาพ")}, status=400)
    try:
        picture = profile_image_upload(user=request.user, office=office, upload=form.cleaned_data["image"])
    except EditRefused as exc:
        return JsonResponse({"error": exc.message}, status=403)
    except ValidationError as exc:
        return JsonResponse({"error": " ".join(exc.messages)}, status=400)
    return JsonResponse({"url": reverse("profile-image", kwargs={"pk": picture.pk})})


@require_safe
@login_required
def profile_image(request, pk):
    picture = get_object_or_404(ProfileImage.objects.select_related("office"), pk=pk)
    if not office_may_view(user=request.user, office=picture.office):
        raise PermissionDenied(_("ท่านดูได้เฉพาะรูปภาพของสำนักงานที่ท่านสังกัดเท่านั้น"))
    response = FileResponse(picture.file.open("rb"), content_type=picture.content_type)
    response["Cache-Control"] = "private, max-age=86400"
    return response


@login_required
def staff_manage(request):
    """The coordinator's page for the office's own staff accounts."""
    from .forms import StaffAddForm
    from .staff import office_staff, office_staff_add, office_staff_set_active

    office = office_of(request.user)
    if office is None or role_of(request.user) != Role.ESA_COORDINATOR:
        raise PermissionDenied(_("เฉพาะผู้ประสานงาน สพท. เท่านั้นที่จัดการบัญชีเจ้าหน้าที่ได้"))
    form = StaffAddForm()
    new_account = None
    if request.method == "POST" and request.POST.get("action") == "add":
        form = StaffAddForm(request.POST)
        if form.is_valid():
            try:
                user, password = office_staff_add(actor=request.user, office=office, **form.cleaned_data)
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            else:
                new_account = {"username": user.username, "password": password}
                form = StaffAddForm()
    elif request.method == "POST" and request.POST.get("action") in ("suspend", "restore"):
        member = get_object_or_404(get_user_model(), pk=request.POST.get("user"), membership__office=office)
        try:
            office_staff_set_active(
                actor=request.user, office=office, member=member, active=request.POST["action"] == "restore"
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("บันทึกสถานะบัญชี %(u)s แล้ว") % {"u": member.username})
        return redirect("staff-manage")
    return render(
        request,
        "orgprofile/staff.html",
        {"office": office, "members": office_staff(office=office), "form": form, "new_account": new_account},
    )
