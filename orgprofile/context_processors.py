from pmqa_site.roles import Role, role_of

from .access import office_of


def navigation(request):
    """What the layout needs to show each role only what it may do."""
    user = getattr(request, "user", None)
    role = role_of(user) if user is not None else None
    return {
        "nav_role": role,
        "nav_office": office_of(user) if role in (Role.ESA_STAFF, Role.ESA_COORDINATOR) else None,
        "Role": Role,
    }
