"""The four roles of the product, held as Django groups.

A user's role is the group they are in; an office user also has exactly one Membership.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ESA_STAFF = "esa_staff", _("เจ้าหน้าที่ สพท.")
    ESA_COORDINATOR = "esa_coordinator", _("ผู้ประสานงาน สพท.")
    OBEC_REVIEWER = "obec_reviewer", _("ผู้ตรวจ สพฐ. (ส่วนกลาง)")
    ADMIN = "admin", _("ผู้ดูแลระบบ")


OFFICE_ROLES = frozenset({Role.ESA_STAFF, Role.ESA_COORDINATOR})
CENTRAL_ROLES = frozenset({Role.OBEC_REVIEWER, Role.ADMIN})

# Model permissions each role's group holds, as "app_label.codename". Object-level rules
# (own office only, window open) are decided in services, not here.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.ESA_STAFF: [
        "orgprofile.view_office",
    ],
    Role.ESA_COORDINATOR: [
        "orgprofile.view_office",
        "orgprofile.manage_office_staff",
    ],
    Role.OBEC_REVIEWER: [
        "orgprofile.view_office",
        "orgprofile.view_all_offices",
    ],
    Role.ADMIN: [
        # "app.*" means every permission of that app. Evidence is deliberately not "*":
        # no one, an admin included, may delete an evidence row.
        "orgprofile.*",
        "assessments.*",
        "krs_integration.*",
        "axes.*",
        "evidence.view_*",
        "auth.view_user",
        "auth.add_user",
        "auth.change_user",
        "auth.view_group",
    ],
}


def role_of(user) -> Role | None:
    """The user's role, or None for anonymous users and users in no role group.

    Reads the groups prefetched on the user when present, so it costs no query on a page
    that asked for them.
    """
    if not getattr(user, "is_authenticated", False):
        return None
    cached = getattr(user, "_pmqa_role", "unset")
    if cached != "unset":
        return cached
    names = {g.name for g in user.groups.all()}
    role = next(
        (r for r in (Role.ADMIN, Role.OBEC_REVIEWER, Role.ESA_COORDINATOR, Role.ESA_STAFF) if r.value in names), None
    )
    if role is None and user.is_superuser:
        role = Role.ADMIN
    user._pmqa_role = role
    return role


ALL_ROLES = (*OFFICE_ROLES, *CENTRAL_ROLES)
