"""Evidence pages: thin views that check permission, call one service and render."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import FileSystemStorage, default_storage
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from assessments.access import EditRefused, office_edit_check
from assessments.models import EvidenceKind, SubItemReport
from orgprofile.selectors import office_may_view

from . import selectors, services
from .forms import LinkForm, SupersedeForm
from .models import Evidence, EvidenceState
from .uploads import SizeLimitUploadHandler
from .validation import clean_name, human_size, photo_max_bytes

# The file response may be framed by our own review page, and nothing in it may run.
FILE_CSP = "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; frame-ancestors 'self'"


def _visible_report(request, report_id: int) -> SubItemReport:
    try:
        report = selectors.report_for_evidence(report_id=report_id)
    except SubItemReport.DoesNotExist:
        raise Http404 from None
    # Another office's report does not exist for this user.
    if not office_may_view(user=request.user, office=report.assessment.office):
        raise Http404
    return report


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _wants_json(request) -> bool:
    return request.headers.get("X-Requested-With") == "XMLHttpRequest"


def _back(request, report: SubItemReport):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("evidence-report", report_id=report.pk)


def _panel_response(request, report: SubItemReport, *, notes: list[str] | None = None, status: int = 200):
    context = selectors.evidence_context(report=report, user=request.user)
    context["evidence"].messages = notes or []
    # Forms in a panel swapped in by htmx come back to the page the user is on, not here.
    current = urlsplit(request.headers.get("HX-Current-URL", ""))
    if current.path and current.netloc == request.get_host():
        context["evidence"].return_url = current.path + (f"?{current.query}" if current.query else "")
    return render(request, "evidence/panel.html", context, status=status)


@login_required
@require_GET
def report_page(request, report_id: int):
    report = _visible_report(request, report_id)
    context = selectors.evidence_context(report=report, user=request.user)
    return render(request, "evidence/report_page.html", context)


@login_required
@require_GET
def report_panel(request, report_id: int):
    """The panel alone, for htmx: polled while files are being checked."""
    report = _visible_report(request, report_id)
    return _panel_response(request, report)


@csrf_exempt
@login_required
@require_POST
def upload(request, report_id: int):
    """One or several files. The browser sends one file per request (for its progress bar)
    and asks for JSON; without JavaScript the form posts them all and comes back here."""
    # Must be in place before anything reads request.POST, hence csrf_protect inside.
    limiter = SizeLimitUploadHandler(request, limit=photo_max_bytes())
    request.upload_handlers.insert(0, limiter)
    return _upload(request, report_id, limiter)


@csrf_protect
def _upload(request, report_id: int, limiter: SizeLimitUploadHandler):
    report = _visible_report(request, report_id)
    if (refused := _refusal(request, report)) is not None:
        return refused
    kind = EvidenceKind.objects.filter(pk=request.POST.get("kind") or None).first()
    files = request.FILES.getlist("files")
    notes: list[str] = []
    ok = True
    for name in limiter.too_large:
        ok = False
        notes.append(
            _("ไฟล์ “%(name)s” ใหญ่เกินขีดจำกัด %(limit)s ต่อไฟล์ จึงไม่ได้รับไฟล์นี้")
            % {"name": clean_name(name), "limit": human_size(photo_max_bytes())}
        )
    if kind is None:
        ok = False
        notes.append(_("กรุณาเลือกประเภทเอกสารหลักฐาน"))
    elif not files and not limiter.too_large:
        ok = False
        notes.append(_("กรุณาเลือกไฟล์อย่างน้อยหนึ่งไฟล์"))
    else:
        for uploaded in files:
            try:
                evidence = services.evidence_upload(report=report, user=request.user, kind=kind, uploaded=uploaded)
            except EditRefused as refused:
                ok = False
                notes.append(refused.message)
                break
            except ValidationError as error:
                ok = False
                notes.extend(error.messages)
            else:
                notes.append(_("ได้รับไฟล์ “%(name)s” แล้ว กำลังตรวจสอบ") % {"name": evidence.original_name})
    if _wants_json(request):
        return JsonResponse({"ok": ok, "messages": notes}, status=200 if ok else 400)
    for note in notes:
        messages.add_message(request, messages.SUCCESS if ok else messages.ERROR, note)
    return _back(request, report)


@login_required
@require_POST
def link_add(request, report_id: int):
    report = _visible_report(request, report_id)
    if (refused := _refusal(request, report)) is not None:
        return refused
    notes = _submit(
        LinkForm(request.POST),
        lambda data: services.evidence_link_add(report=report, user=request.user, **data),
        done=_("เพิ่มลิงก์แล้ว"),
    )
    return _answer(request, report, notes)


@login_required
@require_POST
def supersede(request, evidence_id: int):
    evidence = get_object_or_404(Evidence, pk=evidence_id)
    report = _visible_report(request, evidence.report_id)
    if (refused := _refusal(request, report)) is not None:
        return refused
    notes = _submit(
        SupersedeForm(request.POST),
        lambda data: services.evidence_supersede(evidence=evidence, user=request.user, reason=data["reason"]),
        done=_("ยกเลิก “%(name)s” แล้ว") % {"name": evidence.display_name},
    )
    return _answer(request, report, notes)


def _refusal(request, report):
    """A write by someone who may not change this office now is refused up front: 403 with
    the Thai reason (the panel itself for htmx), before any upload is read or stored."""
    try:
        office_edit_check(user=request.user, office=report.assessment.office)
    except EditRefused as refused:
        if _wants_json(request):
            return JsonResponse({"ok": False, "messages": [refused.message]}, status=403)
        if _is_htmx(request):
            return _panel_response(request, report, notes=[refused.message], status=403)
        raise PermissionDenied(refused.message) from None
    return None


def _submit(form, call, *, done: str) -> list[str]:
    """Bind, call one service, and turn every refusal into a Thai note for the panel."""
    if not form.is_valid():
        return [f"{form.fields[f].label}: {m}" for f, errors in form.errors.items() for m in errors]
    try:
        call(form.cleaned_data)
    except EditRefused as refused:
        return [refused.message]
    except ValidationError as error:
        return list(error.messages)
    return [done]


def _answer(request, report, notes):
    if _is_htmx(request):
        return _panel_response(request, report, notes=notes)
    for note in notes:
        messages.info(request, note)
    return _back(request, report)


@xframe_options_sameorigin
@login_required
@require_GET
def download(request, evidence_id: int):
    """The only way to a stored file. Inline for reading a checked PDF, else an attachment."""
    try:
        evidence = selectors.evidence_for_download(evidence_id=evidence_id)
    except Evidence.DoesNotExist:
        raise Http404 from None
    if (
        evidence.is_link
        or not evidence.file
        or not office_may_view(user=request.user, office=evidence.report.assessment.office)
    ):
        raise Http404
    inline = evidence.state == EvidenceState.VALID and request.GET.get("download") != "1"
    name = evidence.original_name
    if not name.lower().endswith(".pdf"):
        name = name.rsplit(".", 1)[0] + ".pdf"
    prefix = settings.PMQA_EVIDENCE_X_ACCEL_PREFIX
    if prefix and isinstance(default_storage, FileSystemStorage):
        response = HttpResponse(content_type="application/pdf")
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + evidence.file.name
        response["Content-Disposition"] = content_disposition_header(not inline, name)
    else:
        response = FileResponse(
            evidence.file.open("rb"), as_attachment=not inline, filename=name, content_type="application/pdf"
        )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_CSP
    response["Cache-Control"] = "private, no-store"
    return response
