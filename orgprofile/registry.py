"""What the central pages read of the whole office registry, kept between the changes of it.

The provinces in the dashboard's filter and the number of offices the office list counts are
read over every active office: at 2,450 offices, about half a millisecond of PostgreSQL each,
on every request, for values that change when an admin imports or edits offices, a few times a
year. They are kept under the registry's version token (`pmqa_site.versions.kept`), which any
save or delete of an office replaces (apps.py) and `offices_changed()` replaces after a bulk
update, which sends no signal.
"""

from pmqa_site.versions import changed, kept, register

from .models import Office

VERSION_KEY = register("offices:version")
# A safety net only: a change made outside the signals and services (a row edited in the
# database) shows within this time.
KEEP_SECONDS = 10 * 60


def offices_changed() -> None:
    """The registry changed: what is kept of it is read again, now and from the commit on."""
    changed(VERSION_KEY)


def active_provinces() -> list[str]:
    """The provinces of the active offices, sorted, without blanks."""

    def build():
        rows = Office.objects.filter(is_active=True).order_by("province").values_list("province", flat=True)
        return [province for province in rows.distinct() if province]

    return kept(VERSION_KEY, "provinces", build, seconds=KEEP_SECONDS)


def active_office_count(*, kind: str | None = None) -> int:
    """How many active offices there are, of one kind or of all."""

    def build():
        offices = Office.objects.filter(is_active=True)
        return offices.filter(kind=kind).count() if kind else offices.count()

    return kept(VERSION_KEY, f"count:{kind or ''}", build, seconds=KEEP_SECONDS)
