"""Who may see and who may change an office's data: the two questions every app asks.

- `office_may_view` / `office_for_request`: may this user read this office? Office users
  read their own office; reviewers and admins read every office.
- `office_edit_check`: may this user change this office's data now? Called by every write
  path of office data (profile, checklists, answers, evidence, messages). Reviewers and
  admins never change an office's answers; the window (orgprofile.windows) must be open.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from pmqa_site import clock
from pmqa_site.errors import EditRefused
from pmqa_site.roles import CENTRAL_ROLES, OFFICE_ROLES, role_of

from .models import Membership, Office
from .windows import OfficeWindowState, window_edit_check, year_edit_check


def _membership(user) -> Membership | None:
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.membership
    except Membership.DoesNotExist:
        return None


def office_of(user) -> Office | None:
    """The office an office user belongs to; None for reviewers, admins and anonymous users."""
    membership = _membership(user)
    return membership.office if membership is not None else None


def is_own_office(user, office: Office) -> bool:
    membership = _membership(user)
    return membership is not None and membership.office_id == office.pk


def office_may_view(*, user, office: Office) -> bool:
    return role_of(user) in CENTRAL_ROLES or is_own_office(user, office)


def offices_visible_to(user) -> QuerySet[Office]:
    """Offices whose data the user may read: all for central roles, their own otherwise."""
    if role_of(user) in CENTRAL_ROLES:
        return Office.objects.filter(is_active=True)
    office = office_of(user)
    if office is None:
        return Office.objects.none()
    return Office.objects.filter(pk=office.pk)


def office_for_request(request, code: str) -> Office:
    """The office a page is about, named by its code in the URL: 404 if there is no such
    office, the Thai 403 page if this user may not read it."""
    own = office_of(request.user)  # loaded with the user (orgprofile.auth)
    if own is not None and own.code == code and own.is_active:
        return own
    office = get_object_or_404(Office, code=code, is_active=True)
    if not office_may_view(user=request.user, office=office):
        raise PermissionDenied(_("ท่านดูได้เฉพาะข้อมูลของสำนักงานที่ท่านสังกัดเท่านั้น"))
    return office


def office_edit_check(
    *, user, office: Office, at=None, window: OfficeWindowState | None = None, fiscal_year: int | None = None
) -> None:
    """Raise EditRefused unless `user` may change `office`'s data at instant `at`.

    `at` defaults to the arrival of the current request (see pmqa_site/clock.py); `window`
    is the office's window state when the page has already computed it (saves its queries).
    `fiscal_year` is the year of the data written, when the caller knows it: only the current
    year's data can change (earlier years are read-only)."""
    at = at or clock.now()
    if role_of(user) not in OFFICE_ROLES:
        raise EditRefused(_("ผู้ตรวจและผู้ดูแลระบบไม่สามารถแก้ไขข้อมูลของสำนักงานเขตพื้นที่ได้"))
    if not is_own_office(user, office):
        raise EditRefused(_("ท่านแก้ไขได้เฉพาะข้อมูลของสำนักงานที่ท่านสังกัดเท่านั้น"))
    if fiscal_year is not None:
        year_edit_check(fiscal_year=fiscal_year)
    window_edit_check(office=office, at=at, state=window)


def office_may_edit(
    *, user, office: Office, at=None, window: OfficeWindowState | None = None, fiscal_year: int | None = None
) -> bool:
    """For pages: whether to offer editing."""
    try:
        office_edit_check(user=user, office=office, at=at, window=window, fiscal_year=fiscal_year)
    except EditRefused:
        return False
    return True
