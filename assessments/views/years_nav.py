"""Which year an office's or a reviewer's page shows: `?year=2566` in its address, else the
current year. An earlier year's pages are read-only; a write to one is refused here, before
any service, with the Thai reason (the services refuse it too)."""

from dataclasses import dataclass

from django.http import Http404
from django.utils.translation import gettext as _

from orgprofile.calendar import calendar
from orgprofile.windows import YearShown, past_year_message
from pmqa_site.errors import EditRefused

from ..models import Catalogue
from ..selectors import catalogues_kept


@dataclass(frozen=True)
class CatalogueShown:
    shown: YearShown
    catalogue: Catalogue | None
    previous: Catalogue | None  # the year before the one shown (year over year)


def catalogue_shown(request, *, write: bool | None = None) -> CatalogueShown:
    """The catalogue of the year the page shows, and the one before it, from the kept
    calendar (no query once kept). `write` (default: a POST) refuses an earlier year."""
    catalogues = catalogues_kept()
    years = tuple(c.fiscal_year for c in catalogues)
    marked = calendar().current
    current = marked if marked in years else (years[0] if years else None)
    asked = request.GET.get("year")
    year = current
    if asked:
        if not asked.isdigit() or int(asked) not in years:
            raise Http404(_("ไม่มีข้อมูลปีงบประมาณ %(y)s ในระบบ") % {"y": asked[:8]})
        year = int(asked)
    shown = YearShown(year=year, current=current, years=years)
    if (request.method == "POST" if write is None else write) and not shown.is_current:
        raise EditRefused(past_year_message(year))
    catalogue = next((c for c in catalogues if c.fiscal_year == year), None)
    previous = next((c for c in catalogues if year is not None and c.fiscal_year < year), None)
    return CatalogueShown(shown=shown, catalogue=catalogue, previous=previous)


def shown_catalogue_or_404(request, *, write: bool | None = None) -> CatalogueShown:
    found = catalogue_shown(request, write=write)
    if found.catalogue is None:
        raise Http404(_("ยังไม่มีชุดเกณฑ์การประเมินในระบบ"))
    return found
