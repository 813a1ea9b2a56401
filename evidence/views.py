"""Evidence pages: thin views that check permission, call one service and render.

The sub-item page and the review page (assessments) show the evidence panel through the
`evidence_tags` template tags; the panel's forms post here. A refusal becomes a response
through pmqa_site.web (the panel itself for htmx, JSON for the upload script).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage, default_storage
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from assessments.models import EvidenceKind, SubItemReport
from orgprofile.access import office_edit_check, office_for_request, office_may_edit, office_may_view
from pmqa_site import web
from pmqa_site.decorators import role_required
from pmqa_site.errors import Refused
from pmqa_site.roles import ALL_ROLES

from . import selectors, services
from .forms import AbsenceForm, LinkForm, MessageForm, SupersedeForm
from .models import Evidence, EvidenceState
from .uploads import size_limited, too_large_message
from .validation import clean_name

# The file response may be framed by our own review page, and nothing in it may run.
FILE_CSP = "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; frame-ancestors 'self'"


def _report(request, code: str, number: str) -> SubItemReport:
    """The report of sub-item `number` of the office `code`, if this user may read it."""
    office = office_for_request(request, code)
    report = selectors.report_for_evidence(office=office, number=number)
    if report is None:
        raise Http404
    return report


def _panel_response(request, report: SubItemReport, *, notes: list[str] | None = None, status: int = 200):
    services.evidence_recheck_stale(report=report)
    panel = selectors.evidence_panel(report=report)
    panel.messages = notes or []
    # Forms in a panel swapped in by htmx come back to the page the user is on, not here.
    current = urlsplit(request.headers.get("HX-Current-URL", ""))
    if current.path and current.netloc == request.get_host():
        panel.return_url = current.path + (f"?{current.query}" if current.query else "")
    can_edit = office_may_edit(user=request.user, office=report.assessment.office)
    return render(
        request, "evidence/panel.html", {"report": report, "evidence": panel, "can_edit": can_edit}, status=status
    )


@require_GET
@role_required(*ALL_ROLES)
def report_page(request, code, number):
    report = _report(request, code, number)
    services.evidence_recheck_stale(report=report)
    can_edit = office_may_edit(user=request.user, office=report.assessment.office)
    return render(
        request,
        "evidence/report_page.html",
        {"report": report, "evidence": selectors.evidence_panel(report=report), "can_edit": can_edit},
    )


@require_GET
@role_required(*ALL_ROLES)
def report_panel(request, code, number):
    """The panel alone, for htmx: polled while files are being checked."""
    return _panel_response(request, _report(request, code, number))


@csrf_exempt
@require_POST
@size_limited
@role_required(*ALL_ROLES)
def upload(request, code, number):
    """One or several files. The browser sends one file per request (for its progress bar)
    and asks for JSON; without JavaScript the form posts them all and comes back here."""
    limiter = request.upload_limiter
    report = _report(request, code, number)
    # Refused up front (403 with the Thai reason) before any upload is stored.
    office_edit_check(user=request.user, office=report.assessment.office)
    kind = EvidenceKind.objects.filter(
        pk=request.POST.get("kind") or None, catalogue_id=report.subitem.catalogue_id
    ).first()
    files = request.FILES.getlist("files")
    # One line per file sent: stored (and being checked) or refused, and why.
    results: list[dict] = [
        {"name": clean_name(name), "stored": False, "message": too_large_message(name)} for name in limiter.too_large
    ]
    problems: list[str] = []
    if kind is None:
        problems.append(_("กรุณาเลือกประเภทเอกสารหลักฐาน"))
    elif not files and not limiter.too_large:
        problems.append(_("กรุณาเลือกไฟล์อย่างน้อยหนึ่งไฟล์"))
    else:
        for uploaded in files:
            try:
                evidence = services.evidence_upload(report=report, user=request.user, kind=kind, uploaded=uploaded)
            except (Refused, ValidationError) as refused:
                # Each file is decided on its own: the others of the same upload still go in.
                message = " ".join(web.refusal_messages(refused))
                results.append({"name": clean_name(uploaded.name), "stored": False, "message": message})
            else:
                message = _("ได้รับไฟล์ “%(name)s” แล้ว กำลังตรวจสอบ") % {"name": evidence.original_name}
                results.append({"name": evidence.original_name, "stored": True, "message": message})
    stored = sum(result["stored"] for result in results)
    ok = not problems and stored == len(results)
    if web.wants_json(request):
        payload = {
            "ok": ok,
            "stored": stored,
            "refused": len(results) - stored,
            "files": results,
            "messages": problems + [result["message"] for result in results],
        }
        # 200 when anything was stored: the page must show those files, and say why the others were not.
        return JsonResponse(payload, status=200 if stored else 400)
    for problem in problems:
        messages.error(request, problem)
    for result in results:
        messages.add_message(request, messages.SUCCESS if result["stored"] else messages.ERROR, result["message"])
    return web.back(request, fallback=_evidence_page(report))


def _evidence_page(report: SubItemReport) -> str:
    return reverse("evidence:report", args=[report.assessment.office.code, report.subitem.number])


def _answer(request, report, outcome: web.Outcome, *, done: str):
    notes = [done] if outcome.ok else web.refusal_messages(outcome.refusal)
    if web.is_htmx(request):
        return _panel_response(request, report, notes=notes)
    for note in notes:
        messages.add_message(request, messages.SUCCESS if outcome.ok else messages.ERROR, note)
    return web.back(request, fallback=_evidence_page(report))


@require_POST
@role_required(*ALL_ROLES)
def link_add(request, code, number):
    report = _report(request, code, number)
    office_edit_check(user=request.user, office=report.assessment.office)
    form = LinkForm(request.POST)
    if not form.is_valid():
        return _answer(request, report, web.Outcome(ok=False, refusal=ValidationError(form.thai_errors())), done="")
    outcome = web.call(None, services.evidence_link_add, report=report, user=request.user, **form.cleaned_data)
    return _answer(request, report, outcome, done=_("เพิ่มลิงก์แล้ว"))


@require_POST
@role_required(*ALL_ROLES)
def reattach(request, code, number, evidence_id):
    """Attach one of last year's files of this sub-item again: a new upload of this year."""
    report = _report(request, code, number)
    office_edit_check(user=request.user, office=report.assessment.office)
    source = get_object_or_404(
        Evidence.objects.select_related("kind", "report__assessment"),
        pk=evidence_id,
        report__assessment__office=report.assessment.office,
    )
    outcome = web.call(None, services.evidence_reattach, report=report, user=request.user, source=source)
    done = _("แนบ “%(name)s” ของปีก่อนอีกครั้งแล้ว กำลังตรวจสอบ") % {"name": source.display_name}
    return _answer(request, report, outcome, done=done)


@require_POST
@role_required(*ALL_ROLES)
def absence(request, code, number):
    """The office has no document of one kind the guide lists for this sub-item, and says why."""
    report = _report(request, code, number)
    office_edit_check(user=request.user, office=report.assessment.office)
    form = AbsenceForm(request.POST)
    kind = None
    if form.is_valid():
        kind = EvidenceKind.objects.filter(
            pk=form.cleaned_data["kind"], catalogue_id=report.subitem.catalogue_id
        ).first()
    if kind is None:
        errors = form.thai_errors() if form.errors else [_("ไม่พบประเภทเอกสารนี้ในเกณฑ์ปีนี้")]
        return _answer(request, report, web.Outcome(ok=False, refusal=ValidationError(errors)), done="")
    outcome = web.call(
        None,
        services.evidence_absence_mark,
        report=report,
        user=request.user,
        kind=kind,
        reason=form.cleaned_data["reason"],
    )
    return _answer(request, report, outcome, done=_("บันทึกแล้วว่าไม่มี “%(kind)s”") % {"kind": kind.title})


@require_POST
@role_required(*ALL_ROLES)
def supersede(request, evidence_id):
    evidence = get_object_or_404(Evidence.objects.select_related("report__assessment__office"), pk=evidence_id)
    if not office_may_view(user=request.user, office=evidence.report.assessment.office):
        raise Http404
    report = evidence.report
    office_edit_check(user=request.user, office=report.assessment.office)
    form = SupersedeForm(request.POST)
    if not form.is_valid():
        return _answer(request, report, web.Outcome(ok=False, refusal=ValidationError(form.thai_errors())), done="")
    replacement = None
    if form.cleaned_data.get("replacement"):
        replacement = Evidence.objects.filter(pk=form.cleaned_data["replacement"], report=report).first()
        if replacement is None:
            refusal = ValidationError(_("ไม่พบไฟล์ที่เลือกให้ใช้แทนในประเด็นนี้"))
            return _answer(request, report, web.Outcome(ok=False, refusal=refusal), done="")
    outcome = web.call(
        None,
        services.evidence_supersede,
        evidence=evidence,
        user=request.user,
        reason=form.cleaned_data["reason"],
        replacement=replacement,
    )
    done = _("ยกเลิก “%(name)s” แล้ว") % {"name": evidence.display_name}
    if replacement is not None:
        done += " " + _("ใช้ “%(name)s” แทน") % {"name": replacement.display_name}
    return _answer(request, report, outcome, done=done)


@csrf_exempt
@require_POST
@size_limited
@role_required(*ALL_ROLES)
def message_send(request, code, number):
    """The conversation's form: a message, and from the office an optional file with it.
    As for uploads, a file past the largest size any evidence may have is not read further."""
    report = _report(request, code, number)
    form = MessageForm(request.POST, request.FILES, report=report)
    for name in request.upload_limiter.too_large:
        # Refused whole, as any refused attachment: no message without its file.
        form.add_error("attachment", too_large_message(name))
    if form.is_valid():
        outcome = web.call(
            form,
            services.message_send,
            report=report,
            user=request.user,
            body=form.cleaned_data["body"],
            attachment=form.cleaned_data.get("attachment"),
            kind=form.cleaned_data.get("kind"),
        )
        if outcome.ok:
            messages.success(request, _("ส่งข้อความแล้ว"))
    if form.errors:
        messages.error(request, " ".join(form.thai_errors()))
    if request.POST.get("next") == "review":
        return redirect("assessments:review", code=code, number=number)
    return redirect("assessments:subitem", code=code, number=number)


@xframe_options_sameorigin
@require_GET
@role_required(*ALL_ROLES)
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
