"""Pages of the top floor: they read across every app and write nothing."""

import io
import os
import tempfile
from datetime import datetime
from functools import cached_property

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from assessments.catalogue_cache import catalogue_shape
from assessments.models import LEVEL_ORDER, NO_LEVEL, ReviewState, SubItemReport
from assessments.selectors import assessment_answers, catalogue_for_year, current_catalogue, previous_catalogue
from assessments.views.years_nav import shown_catalogue_or_404
from evidence.selectors import (
    attachment_lines,
    evidence_absences_by_subitem,
    evidence_kinds_covered_by_subitem,
    generated_kinds,
)
from orgprofile.access import office_for_request, office_may_edit
from orgprofile.models import Office
from orgprofile.registry import active_provinces
from orgprofile.windows import YearShown, window_of, year_shown
from pmqa_site import clock, web
from pmqa_site.decorators import role_required
from pmqa_site.health import system_readiness
from pmqa_site.roles import ALL_ROLES, CENTRAL_ROLES, Role, role_of
from pmqa_site.thaidates import format_thai_date

from . import book, exports, services
from .forms import AuditFilterForm, NationalFilterForm
from .models import Book
from .national import (
    STATE_ORDER,
    category7_attainment,
    category_numbers,
    daily_progress,
    levels_per_subitem,
    national,
    states_per_category,
)
from .timeline import Filters, timeline
from .year_over_year import national_year_over_year

SUBITEM_HISTORY_LIMIT = 50
LEVEL_LABELS = [(level.value, level.label) for level in LEVEL_ORDER]


@require_safe
@role_required(*ALL_ROLES)
def readiness(request, code):
    """What each sub-item still lacks before the office sends it for review (`?year=`: an
    earlier year's, read-only like every page of it)."""
    office = office_for_request(request, code)
    found = shown_catalogue_or_404(request)
    catalogue = found.catalogue
    statuses = assessment_answers(office=office, catalogue=catalogue)
    assessment_id = next((s.report.assessment_id for s in statuses if s.report is not None), None)
    covered = evidence_kinds_covered_by_subitem(assessment=assessment_id) if assessment_id else {}
    absent = evidence_absences_by_subitem(assessment=assessment_id) if assessment_id else {}
    kinds = list(catalogue_shape(catalogue).evidence_kinds)
    rows = []
    for status in statuses:
        missing_fields = status.required_fields - status.filled_fields
        own = covered.get(status.subitem.id, set())
        lines = attachment_lines(
            note=status.subitem.evidence_note,
            kinds=kinds,
            files_by_kind=dict.fromkeys(own, 1),
            absent=absent.get(status.subitem.id, {}),
            # The answer form made from the ten fields (reporting:answer-form): no upload asked.
            generated=generated_kinds(fields_filled=status.filled_fields, required=status.required_fields),
        )
        rows.append(
            {
                "status": status,
                "unanswered": status.unanswered,
                "missing_fields": missing_fields,
                # What the guide lists for this sub-item and the office has neither attached
                # nor said it does not have.
                "missing_attachments": [line for line in lines if not line.done],
                "absent_attachments": [line for line in lines if line.absent_reason and not line.files],
                "ready": not status.unanswered and missing_fields <= 0,
            }
        )
    return render(request, "reporting/readiness.html", {"office": office, "rows": rows, "shown": found.shown})


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


STATE_COLOURS = {
    "certified": "#198754",
    "awaiting": "#ffc107",
    "new_data": "#0dcaf0",
    "not_certified": "#dc3545",
    "not_reported": "#adb5bd",
}
LEVEL_COLOURS = {"basic": "#9ec5fe", "advance": "#3d8bfd", "significance": "#0a58ca", "none": "#dee2e6"}


def _chart_data(charts: dict) -> dict:
    """What static/js/charts.js draws: labels in Thai, one dataset a series."""
    return {
        "days": {
            "labels": [format_thai_date(day["date"], short=True) for day in charts["days"]],
            "datasets": [
                {"label": _("ส่งสะสม"), "data": [d["sent_total"] for d in charts["days"]], "color": "#fd7e14"},
                {"label": _("รับรองสะสม"), "data": [d["certified_total"] for d in charts["days"]], "color": "#198754"},
            ],
            "kind": "line",
        },
        "states": {
            "labels": [_("หมวด %(n)s") % {"n": row["category"]} for row in charts["states"]],
            "datasets": [
                {
                    "label": str(ReviewState(state).label),
                    "data": [row[state] for row in charts["states"]],
                    "color": colour,
                }
                for state, colour in STATE_COLOURS.items()
            ],
            "kind": "stacked",
        },
        "levels": {
            "labels": [row["number"] for row in charts["levels"]],
            "datasets": [
                {
                    "label": str(NO_LEVEL) if code == "none" else str(dict(LEVEL_LABELS)[code]),
                    "data": [row[code] for row in charts["levels"]],
                    "color": colour,
                }
                for code, colour in LEVEL_COLOURS.items()
            ],
            "kind": "stacked",
        },
        "category7": {
            "labels": [row["dimension"] for row in charts["category7"]],
            "datasets": [
                {
                    "label": _("บรรลุเป้าหมาย"),
                    "data": [row["achieved"] for row in charts["category7"]],
                    "color": "#198754",
                },
                {
                    "label": _("ยังไม่บรรลุ"),
                    "data": [row["indicators"] - row["achieved"] for row in charts["category7"]],
                    "color": "#dc3545",
                },
            ],
            "kind": "stacked",
        },
    }


def _national_for(request, *, page: bool):
    catalogue = current_catalogue()
    if catalogue is None:
        raise Http404(_("ยังไม่มีชุดเกณฑ์การประเมินในระบบ"))
    form = NationalFilterForm(request.GET, provinces=active_provinces())
    filters = form.filters()
    if not page:
        return catalogue, form, filters, national(catalogue=catalogue, filters=filters)
    number = request.GET.get("page") or 1
    # Read only when the page's cached copy of the figures and the matrix has expired.
    lazy = SimpleLazyObject(lambda: national(catalogue=catalogue, filters=filters, page=number))
    return catalogue, form, filters, lazy


class _Charts:
    """The dashboard's charts and their tables, read only when the page's cached copy of them
    (PMQA_NATIONAL_CACHE_SECONDS old at most) has expired: they aggregate every office's reports."""

    def __init__(self, catalogue):
        self.catalogue = catalogue

    @cached_property
    def offices(self) -> int:
        return Office.objects.filter(is_active=True).count()

    @cached_property
    def figures(self) -> dict:
        days = daily_progress(catalogue=self.catalogue)
        return {
            "days": [{**day, "date": day["day"], "day": day["day"].isoformat()} for day in days],
            "levels": levels_per_subitem(catalogue=self.catalogue, offices=self.offices),
            "states": states_per_category(catalogue=self.catalogue),
            "category7": category7_attainment(fiscal_year=self.catalogue.fiscal_year),
        }

    @cached_property
    def data(self) -> dict:
        return _chart_data(self.figures)

    @cached_property
    def year_over_year(self):
        previous = previous_catalogue(catalogue=self.catalogue)
        return national_year_over_year(catalogue=self.catalogue, previous=previous, offices=self.offices)

    @cached_property
    def at(self):
        return clock.now()


@require_safe
@role_required(*CENTRAL_ROLES)
def national_dashboard(request):
    """The country at once: head figures, a page of offices × categories, charts with their tables."""
    catalogue, form, filters, data = _national_for(request, page=True)
    query = request.GET.copy()
    query.pop("page", None)
    sort_query = query.copy()
    for key in ("sort", "desc"):
        sort_query.pop(key, None)
    window = window_of(fiscal_year=catalogue.fiscal_year)
    return render(
        request,
        "reporting/national.html",
        {
            "catalogue": catalogue,
            "national": data,
            "matrix_key": repr(filters) + "|" + str(request.GET.get("page") or 1),
            "form": form,
            "query": query.urlencode(),
            "sort_query": sort_query.urlencode(),
            "sort": filters.sort,
            "descending": filters.descending,
            "charts": _Charts(catalogue),
            # The charts read every office's reports, the matrix every office's summary.
            "charts_seconds": settings.PMQA_NATIONAL_CACHE_SECONDS,
            "window": window,
            "now": clock.now(),
            "headers": [("code", _("สำนักงาน"))]
            + [(f"c{n}", _("หมวด %(n)s") % {"n": n}) for n in category_numbers(catalogue=catalogue)]
            + [("category7", _("หมวด 7")), ("waiting", _("รอตรวจ")), ("stage", _("ขั้น"))],
            "state_labels": [(state, ReviewState(state).label) for state in STATE_ORDER],
            "level_labels": [(level.value, level.label) for level in LEVEL_ORDER] + [("none", NO_LEVEL)],
        },
    )


def _attachment(content, *, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
@role_required(*CENTRAL_ROLES)
def national_export(request):
    """The national workbook (or its first sheet as CSV) with the dashboard's filters."""
    catalogue, _form, _filters, data = _national_for(request, page=False)
    year = catalogue.fiscal_year  # already in the Buddhist Era
    if request.GET.get("format") == "csv":
        return _attachment(
            exports.national_csv(data), name=f"pmqa-national-{year}.csv", content_type="text/csv; charset=utf-8"
        )
    stream = io.BytesIO()
    years = national_year_over_year(
        catalogue=catalogue, previous=previous_catalogue(catalogue=catalogue), offices=data.head.offices
    )
    exports.national_workbook(data, stream, year_over_year=years)
    return _attachment(stream.getvalue(), name=f"pmqa-national-{year}.xlsx", content_type=exports.XLSX)


@require_safe
@role_required(*ALL_ROLES)
def office_export(request, code):
    """One office's whole assessment as a workbook: its own users and the central office."""
    office = office_for_request(request, code)
    catalogue = current_catalogue()
    if catalogue is None:
        raise Http404(_("ยังไม่มีชุดเกณฑ์การประเมินในระบบ"))
    stream = io.BytesIO()
    exports.office_workbook(office=office, catalogue=catalogue, stream=stream)
    return _attachment(
        stream.getvalue(), name=f"pmqa-{office.code}-{catalogue.fiscal_year}.xlsx", content_type=exports.XLSX
    )


# --- The report book -------------------------------------------------------------------------


def _book_year(request) -> YearShown:
    """The fiscal year of the book page (`?year=`, else the current year): one with a catalogue."""
    shown = year_shown(request)
    if shown.year is None or catalogue_for_year(shown.year) is None:
        raise Http404(_("ยังไม่มีชุดเกณฑ์การประเมินในระบบ"))
    return shown


def _book_of(office, book_id: int) -> Book:
    return get_object_or_404(Book.objects.select_related("requested_by", "submitted_by"), pk=book_id, office=office)


def _book_status_json(office, row: Book) -> dict:
    return {
        "id": row.pk,
        "state": row.state,
        "state_label": str(row.get_state_display()),
        "progress": row.progress,
        "step": row.step,
        "status_url": reverse("reporting:book-status", args=[office.code, row.pk]),
        "download_url": reverse("reporting:book-download", args=[office.code, row.pk])
        if row.state == Book.State.READY
        else "",
    }


@require_safe
@role_required(*ALL_ROLES)
def book_page(request, code):
    """The office's report book: make the draft, follow its progress, download it; the
    submitted versions, newest first; the coordinator submits the whole report here."""
    office = office_for_request(request, code)
    shown = _book_year(request)
    year = shown.year
    books = Book.objects.filter(office=office, fiscal_year=year).select_related("requested_by", "submitted_by")
    draft = books.filter(kind=Book.Kind.DRAFT).first()
    submitted = list(books.filter(kind=Book.Kind.SUBMITTED))
    return render(
        request,
        "reporting/book/page.html",
        {
            "office": office,
            "fiscal_year": year,
            "shown": shown,
            "book": draft,
            "submitted": submitted,
            # Submitting is of the current year only (an earlier year's data is read-only).
            "may_submit": shown.is_current
            and role_of(request.user) == Role.ESA_COORDINATOR
            and office_may_edit(user=request.user, office=office),
        },
    )


@require_POST
@role_required(*ALL_ROLES)
def book_generate(request, code):
    """Ask for the draft book of the data as it is now (reading, not changing, the office's
    data: its own users, reviewers and admins alike)."""
    office = office_for_request(request, code)
    shown = _book_year(request)
    row = services.book_request(user=request.user, office=office, fiscal_year=shown.year)
    row.refresh_from_db()
    if web.wants_json(request):
        return JsonResponse(_book_status_json(office, row))
    return redirect(reverse("reporting:book", args=[office.code]) + shown.query)


@require_safe
@role_required(*ALL_ROLES)
def book_status(request, code, book_id):
    """Where the making of a book stands: JSON for the page's script, or the status box."""
    office = office_for_request(request, code)
    row = _book_of(office, book_id)
    if web.wants_json(request):
        return JsonResponse(_book_status_json(office, row))
    return render(request, "reporting/book/_status.html", {"office": office, "book": row})


@require_safe
@role_required(*ALL_ROLES)
def book_latest_status(request, code):
    """The status box of the office's newest draft: what the page follows while its own
    request to make the book is still running (in the web process, it runs until done)."""
    office = office_for_request(request, code)
    row = Book.objects.filter(office=office, fiscal_year=_book_year(request).year, kind=Book.Kind.DRAFT).first()
    if row is None:
        return HttpResponse(status=204)
    return render(request, "reporting/book/_status.html", {"office": office, "book": row})


@require_safe
@role_required(*ALL_ROLES)
def book_download(request, code, book_id):
    office = office_for_request(request, code)
    row = _book_of(office, book_id)
    if row.state != Book.State.READY or not row.file:
        raise Http404(_("รูปเล่มนี้ยังจัดทำไม่เสร็จ"))
    label = "submitted" if row.kind == Book.Kind.SUBMITTED else "draft"
    response = FileResponse(row.file.open("rb"), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        True, f"pmqa-{office.code}-{row.fiscal_year}-{label}-{row.content_hash[:8]}.pdf"
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
@role_required(Role.ESA_COORDINATOR)
def book_submit_view(request, code):
    """The coordinator submits the whole report: the book is frozen as the submitted copy."""
    office = office_for_request(request, code)
    services.book_submit(user=request.user, office=office, fiscal_year=_book_year(request).current)
    messages.success(request, _("ส่งรายงานทั้งฉบับแล้ว ระบบเก็บรูปเล่มฉบับที่ส่งไว้ และจะไม่เปลี่ยนแปลงอีก"))
    return redirect("reporting:book", office.code)


@require_safe
@role_required(*ALL_ROLES)
def answer_form(request, code, number):
    """แบบฟอร์มตอบประเด็น of one sub-item, made from its ten fields as they are now."""
    office = office_for_request(request, code)
    content = book.book_content(office=office, fiscal_year=_book_year(request).year)
    part = book.subitem_part(content=content, number=number)
    if part is None:
        raise Http404(_("ไม่พบประเด็นนี้"))
    if not part.answer_form_generated:
        raise Http404(_("ยังกรอกแบบสรุปประเด็นการตอบ 10 ประเด็นไม่ครบ จึงยังจัดทำแบบฟอร์มตอบประเด็นไม่ได้"))
    with tempfile.TemporaryDirectory(prefix="pmqa-form-") as tmp:
        target = os.path.join(tmp, "form.pdf")
        book.answer_form_pdf(office=office, part=part, catalogue=content.catalogue, target=target)
        with open(target, "rb") as handle:
            data = handle.read()
    return _attachment(
        data, name=f"answer-form-{office.code}-{number}-{content.fiscal_year}.pdf", content_type="application/pdf"
    )
