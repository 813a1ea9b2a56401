"""The one place that answers: may this user change this office's data now?

Every write path for office data (profile, checklists, answers, evidence, messages) calls
`office_edit_check`. Reviewers and admins never change an office's answers.
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from orgprofile.roles import OFFICE_ROLES, role_of
from orgprofile.selectors import office_of
from pmqa_site import clock


class EditRefused(PermissionDenied):
    """Raised with a Thai message a view can show beside the form."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def office_edit_check(*, user, office, at=None, window=None) -> None:
    """Raise EditRefused unless `user` may change `office`'s data at instant `at`.

    `at` defaults to the arrival of the current request (see pmqa_site/clock.py)."""
    at = at or clock.now()
    if role_of(user) not in OFFICE_ROLES:
        raise EditRefused(_("ผู้ตรวจและผู้ดูแลระบบไม่สามารถแก้ไขข้อมูลของสำนักงานเขตพื้นที่ได้"))
    own = office_of(user)
    if own is None or own.pk != office.pk:
        raise EditRefused(_("ท่านแก้ไขได้เฉพาะข้อมูลของสำนักงานที่ท่านสังกัดเท่านั้น"))
    _window_check(office=office, at=at, window=window)


def office_may_edit(*, user, office, at=None, window=None) -> bool:
    """For pages: whether to offer editing. `window` is an OfficeWindowState the page has
    already computed (saves its queries)."""
    try:
        office_edit_check(user=user, office=office, at=at, window=window)
    except EditRefused:
        return False
    return True


def _window_check(*, office, at, window=None) -> None:
    """Reporting windows and per-office extensions decide this (see the windows module)."""
    from .windows import window_edit_check

    window_edit_check(office=office, at=at, state=window)
