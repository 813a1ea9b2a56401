"""Admin pages: reporting windows and extensions, and the audit history search."""

from datetime import datetime, time

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from orgprofile.decorators import role_required
from orgprofile.roles import Role

from ..forms_review import ExtensionForm, WindowForm
from ..models import AnswerText, ChecklistAnswer, ReportingWindow, ReviewEvent, SubItemReport, WindowExtension
from ..selectors import current_catalogue
from ..windows import window_close_now, window_extend, window_set


def _catalogue():
    catalogue = current_catalogue()
    if catalogue is None:
        raise Http404(_("ยังไม่มีชุดเกณฑ์การประเมินในระบบ"))
    return catalogue


@role_required(Role.ADMIN)
def windows(request):
    catalogue = _catalogue()
    window = ReportingWindow.objects.filter(catalogue=catalogue).first()
    initial = (
        {
            f: timezone.localtime(getattr(window, f))
            for f in ("office_opens_at", "office_closes_at", "review_opens_at", "review_closes_at")
        }
        if window
        else {}
    )
    form = WindowForm(request.POST or None, initial=initial, prefix="window")
    extension_form = ExtensionForm(prefix="ext")
    if request.method == "POST" and form.is_valid():
        try:
            window_set(user=request.user, catalogue=catalogue, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(request, _("บันทึกช่วงเวลารายงานปีงบประมาณ %(y)d แล้ว") % {"y": catalogue.fiscal_year})
            return redirect("windows")
    return render(
        request,
        "assessments/windows.html",
        {
            "catalogue": catalogue,
            "window": window,
            "form": form,
            "extension_form": extension_form,
            "extensions": WindowExtension.objects.filter(window=window).select_related("office", "created_by")
            if window
            else [],
            "now": timezone.now(),
        },
    )


@require_POST
@role_required(Role.ADMIN)
def window_close(request):
    catalogue = _catalogue()
    try:
        window_close_now(user=request.user, catalogue=catalogue)
    except ReportingWindow.DoesNotExist:
        messages.error(request, _("ยังไม่ได้กำหนดช่วงเวลารายงาน"))
    else:
        messages.success(request, _("ปิดการรายงานของสำนักงานแล้ว"))
    return redirect("windows")


@require_POST
@role_required(Role.ADMIN)
def window_extension_add(request):
    catalogue = _catalogue()
    window = get_object_or_404(ReportingWindow, catalogue=catalogue)
    form = ExtensionForm(request.POST, prefix="ext")
    if form.is_valid():
        try:
            window_extend(user=request.user, window=window, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("ขยายเวลาให้ %(o)s แล้ว") % {"o": form.cleaned_data["office"].name})
    else:
        messages.error(
            request, _("ข้อมูลการขยายเวลาไม่ครบหรือไม่ถูกต้อง: ") + "; ".join(e for errs in form.errors.values() for e in errs)
        )
    return redirect("windows")


AUDIT_SOURCES = {
    "answers": (ChecklistAnswer.history, "report__assessment__office", _("รายการตรวจสอบ")),
    "texts": (AnswerText.history, "report__assessment__office", _("แบบสรุปประเด็นการตอบ")),
    "reports": (SubItemReport.history, "assessment__office", _("สถานะประเด็น")),
}


@require_safe
@role_required(Role.ADMIN)
def audit(request):
    """Search the audit history by office, user and date."""
    from django.contrib.auth import get_user_model

    from orgprofile.models import Office

    office_code = request.GET.get("office", "").strip()
    username = request.GET.get("user", "").strip()
    day = request.GET.get("date", "").strip()
    source = request.GET.get("source", "answers")
    if source not in AUDIT_SOURCES and source != "decisions":
        source = "answers"
    error = ""
    if source == "decisions":
        rows = ReviewEvent.objects.select_related("actor", "report__assessment__office", "report__subitem").order_by(
            "-at"
        )
        office_path, user_field, date_field = "report__assessment__office", "actor__username", "at"
    else:
        manager, office_path, _label = AUDIT_SOURCES[source]
        rows = manager.select_related("history_user").order_by("-history_date")
        user_field, date_field = "history_user__username", "history_date"
    if office_code:
        office = Office.objects.filter(code=office_code).first()
        if office is None:
            error = _("ไม่พบสำนักงานรหัส %(c)s") % {"c": office_code}
        elif source == "decisions":
            rows = rows.filter(report__assessment__office=office)
        else:
            # Historical rows keep the report id; find the office's reports first.
            report_ids = SubItemReport.objects.filter(assessment__office=office).values_list("id", flat=True)
            rows = rows.filter(**({"report_id__in": report_ids} if source != "reports" else {"id__in": report_ids}))
    if username:
        if not get_user_model().objects.filter(username=username).exists():
            error = _("ไม่พบผู้ใช้ %(u)s") % {"u": username}
        rows = rows.filter(**{user_field: username})
    if day:
        try:
            dd, mm, yyyy = (int(x) for x in day.split("/"))
            if yyyy < 2400:
                raise ValueError
            d = datetime(yyyy - 543, mm, dd).date()
        except ValueError:
            error = _("วันที่ต้องอยู่ในรูปแบบ วว/ดด/ปปปป ปี พ.ศ. เช่น 24/11/2569")
        else:
            start = timezone.make_aware(datetime.combine(d, time.min))
            end = timezone.make_aware(datetime.combine(d, time.max))
            rows = rows.filter(**{f"{date_field}__range": (start, end)})
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "assessments/audit.html",
        {
            "page": page,
            "source": source,
            "sources": AUDIT_SOURCES,
            "error": error,
            "office_code": office_code,
            "username": username,
            "day": day,
            "querystring": request.GET.urlencode(),
        },
    )
