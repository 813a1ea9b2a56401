"""Year after year: the coordinator's carry forward, and the admins' page to open a fiscal
year, choose the current one and read the catalogue mapping."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from orgprofile.access import office_for_request
from orgprofile.windows import current_fiscal_year
from pmqa_site import web
from pmqa_site.decorators import role_required
from pmqa_site.roles import Role

from ..catalogue_cache import catalogue_shape
from ..forms import CarryForwardForm, YearOpenForm
from ..models import Catalogue, YearEvent
from ..selectors import catalogue_for_year, catalogue_mapping_report, previous_catalogue
from ..services.catalogue import CatalogueError
from ..services.years import assessment_carry_forward, fiscal_year_open, fiscal_year_set_current, scope_label
from .years_nav import shown_catalogue_or_404


@role_required(Role.ESA_COORDINATOR)
def carry_forward(request, code):
    """Copy last year's work into this year as a draft: per category or all."""
    office = office_for_request(request, code)
    found = shown_catalogue_or_404(request, write=True)  # only into the current year
    if found.previous is None:
        # Nothing to carry: the page says so, with no form.
        return render(
            request,
            "assessments/carry_forward.html",
            {"office": office, "form": None, "year": found.catalogue.fiscal_year, "last_year": None},
            status=200 if request.method == "GET" else web.INVALID,
        )
    form = CarryForwardForm(request.POST or None, categories=catalogue_shape(found.catalogue).categories)
    status = 200
    if request.method == "POST" and form.is_valid():
        outcome = web.call(
            form,
            assessment_carry_forward,
            user=request.user,
            office=office,
            catalogue=found.catalogue,
            scope=form.cleaned_data["scope"],
            replace=form.cleaned_data["replace"],
        )
        if outcome.ok:
            result = outcome.value
            messages.success(
                request,
                _(
                    "ยกข้อมูลจากปี %(y)d มาเป็นฉบับร่างแล้ว (%(scope)s): %(s)d ประเด็น รายการตรวจสอบ %(v)d รายการ "
                    "แบบสรุป %(t)d หัวข้อ โปรดทบทวนทุกข้อที่มีป้าย “ยกมาจากปี %(y)d”"
                )
                % {
                    "y": result.from_year,
                    "scope": scope_label(form.cleaned_data["scope"]),
                    "s": result.subitems,
                    "v": result.values,
                    "t": result.texts,
                },
            )
            if result.not_carried:
                messages.warning(
                    request,
                    _("รายการที่เกณฑ์เปลี่ยนไปจากปีก่อนจึงไม่ได้ยกมา (เริ่มว่าง): %(items)s")
                    % {"items": ", ".join(result.not_carried)},
                )
            return redirect("assessments:home", code=office.code)
        status = outcome.status
    elif request.method == "POST":
        status = web.INVALID
    return render(
        request,
        "assessments/carry_forward.html",
        {"office": office, "form": form, "year": found.catalogue.fiscal_year, "last_year": found.previous.fiscal_year},
        status=status,
    )


@role_required(Role.ADMIN)
def years_manage(request):
    """Every fiscal year, the current one, and a form to open the next."""
    catalogues = list(Catalogue.objects.order_by("-fiscal_year"))
    years = [c.fiscal_year for c in catalogues]
    form = YearOpenForm(
        request.POST or None,
        request.FILES or None,
        years=years,
        initial={"year": (years[0] + 1) if years else None, "copy_from": years[0] if years else None},
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            outcome = web.call(
                form,
                fiscal_year_open,
                user=request.user,
                year=data["year"],
                catalogue_text=data.get("catalogue_text"),
                copy_from=data.get("copy_from"),
                make_current=data["make_current"],
            )
        except CatalogueError as exc:
            for error in exc.errors:
                form.add_error("catalogue", error)
            outcome = web.Outcome(ok=False, refusal=exc)
        if outcome.ok:
            report = outcome.value.report
            messages.success(
                request,
                _("เปิดปีงบประมาณ %(y)d แล้ว: ตรงกัน %(m)d เปลี่ยนแปลง %(c)d เพิ่ม %(a)d ตัดออก %(r)d")
                % {
                    "y": data["year"],
                    "m": len(report.matched),
                    "c": len(report.changed),
                    "a": len(report.added),
                    "r": len(report.removed),
                },
            )
            return redirect("assessments:year-mapping", year=data["year"])
        status = web.INVALID
    elif request.method == "POST":
        status = web.INVALID
    return render(
        request,
        "assessments/years.html",
        {
            "form": form,
            "catalogues": catalogues,
            "current": current_fiscal_year(),
            "events": YearEvent.objects.filter(office__isnull=True).select_related("actor")[:20],
        },
        status=status,
    )


@require_POST
@role_required(Role.ADMIN)
def year_make_current(request, year: int):
    fiscal_year_set_current(user=request.user, year=year)
    messages.success(request, _("กำหนดปีงบประมาณ %(y)d เป็นปีปัจจุบันแล้ว ปีอื่นเปิดดูได้อย่างเดียว") % {"y": year})
    return redirect("assessments:years")


@require_safe
@role_required(Role.ADMIN)
def year_mapping(request, year: int):
    """The catalogue mapping of `year` to the year before: matched, changed, added, removed.
    Changed items are mapped or unmapped by hand in the Django admin (checklist items)."""
    catalogue = catalogue_for_year(year)
    if catalogue is None:
        raise Http404(_("ยังไม่ได้เปิดปีงบประมาณ %(y)d") % {"y": year})
    return render(
        request,
        "assessments/year_mapping.html",
        {
            "catalogue": catalogue,
            "previous": previous_catalogue(catalogue=catalogue),
            "report": catalogue_mapping_report(catalogue=catalogue),
        },
    )
