from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from orgprofile.access import office_for_request, offices_visible_to
from orgprofile.models import Office
from orgprofile.windows import current_fiscal_year
from pmqa_site.decorators import role_required
from pmqa_site.roles import ALL_ROLES, CENTRAL_ROLES, Role, role_of

from . import selectors, services
from .contract import INDICATORS_PER_OFFICE
from .file_import import HEADER, MAX_FILE_BYTES, indicators_import_file
from .forms import ImportForm, SyncForm
from .models import SyncRun


def _fiscal_year(request) -> int | None:
    try:
        return int(request.GET["year"])
    except (KeyError, ValueError):
        return current_fiscal_year()


def _render_category7(request, office: Office):
    fiscal_year = _fiscal_year(request)
    groups = selectors.office_category7(office=office, fiscal_year=fiscal_year) if fiscal_year else []
    count = sum(len(g.indicators) for g in groups)
    return render(
        request,
        "krs_integration/category7.html",
        {
            "office": office,
            "fiscal_year": fiscal_year,
            "groups": groups,
            "indicator_count": count,
            "achieved_count": sum(g.achieved for g in groups),
            "expected": INDICATORS_PER_OFFICE,
            "last_sync": selectors.office_last_sync(office=office, fiscal_year=fiscal_year) if fiscal_year else None,
            "last_attempt": selectors.office_last_attempt(office=office, fiscal_year=fiscal_year)
            if fiscal_year
            else None,
        },
    )


@require_safe
@role_required(*ALL_ROLES)
def office_category7(request, code):
    return _render_category7(request, office_for_request(request, code))


@require_safe
@role_required(*CENTRAL_ROLES)
def national(request):
    fiscal_year = _fiscal_year(request)
    page = totals = None
    if fiscal_year:
        offices = offices_visible_to(request.user)
        page = selectors.national_summary(fiscal_year=fiscal_year, offices=offices, after=request.GET.get("after"))
        # Every office's figures are kept a while, as the dashboard keeps its own: they read
        # every office's indicators, which change only when KRS is synced.
        totals = cache.get_or_set(
            f"krs-national-totals:{fiscal_year}:{role_of(request.user)}",
            lambda: selectors.national_totals(fiscal_year=fiscal_year, offices=offices),
            settings.PMQA_NATIONAL_CACHE_SECONDS,
        )
    titles = selectors.dimension_titles(fiscal_year=fiscal_year) if fiscal_year else {}
    query = request.GET.copy()
    query.pop("after", None)
    return render(
        request,
        "krs_integration/national.html",
        {
            "fiscal_year": fiscal_year,
            "page": page,
            "totals": totals,
            "totals_seconds": settings.PMQA_NATIONAL_CACHE_SECONDS,
            "dimensions": list(titles.items()),
            "querystring": query.urlencode(),
        },
    )


@require_safe
@role_required(Role.ADMIN)
def manage(request):
    return render(
        request,
        "krs_integration/manage.html",
        {
            "form": SyncForm(),
            "runs": selectors.sync_runs_recent(),
            "fiscal_year": current_fiscal_year(),
        },
    )


@require_POST
@role_required(Role.ADMIN)
def sync_start(request):
    form = SyncForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("เลือกสำนักงานไม่ถูกต้อง"))
        return redirect("krs:manage")
    office = form.cleaned_data["office"]
    run = services.sync_run_start(
        trigger=SyncRun.Trigger.BUTTON, user=request.user, offices=[office] if office else None
    )
    return redirect("krs:run", run_id=run.pk)


@require_safe
@role_required(Role.ADMIN)
def run_detail(request, run_id):
    run = get_object_or_404(SyncRun.objects.select_related("started_by"), pk=run_id)
    return render(
        request,
        "krs_integration/run_detail.html",
        {"run": run, "results": selectors.sync_run_results(run=run)},
    )


@role_required(Role.ADMIN)
def import_file(request):
    result = None
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = indicators_import_file(
            name=upload.name, data=upload.read(MAX_FILE_BYTES + 1), size=upload.size, user=request.user
        )
        if result.ok:
            messages.success(
                request,
                _("นำเข้าตัวชี้วัด %(rows)s รายการของ %(offices)s สำนักงานแล้ว")
                % {"rows": result.rows, "offices": result.offices},
            )
            return redirect("krs:run", run_id=result.run.pk)
    return render(request, "krs_integration/import.html", {"form": form, "result": result, "header": ",".join(HEADER)})
