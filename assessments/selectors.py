"""Reads of the assessments app."""

from .models import Catalogue


def current_catalogue() -> Catalogue | None:
    """The catalogue offices report against now: the latest fiscal year loaded."""
    return Catalogue.objects.order_by("-fiscal_year").first()


def current_fiscal_year() -> int | None:
    catalogue = current_catalogue()
    return catalogue.fiscal_year if catalogue else None
