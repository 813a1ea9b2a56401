"""Reads for offices and memberships."""

from django.db.models import QuerySet

from .models import Membership, Office
from .roles import CENTRAL_ROLES, role_of


def office_of(user) -> Office | None:
    """The office an office user belongs to; None for reviewers, admins and anonymous users."""
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.membership.office
    except Membership.DoesNotExist:
        return None


def offices_visible_to(user) -> QuerySet[Office]:
    """Offices whose data the user may read: all for central roles, their own otherwise."""
    if role_of(user) in CENTRAL_ROLES:
        return Office.objects.filter(is_active=True)
    office = office_of(user)
    if office is None:
        return Office.objects.none()
    return Office.objects.filter(pk=office.pk)


def office_may_view(*, user, office: Office) -> bool:
    if role_of(user) in CENTRAL_ROLES:
        return True
    own = office_of(user)
    return own is not None and own.pk == office.pk
