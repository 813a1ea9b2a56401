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
# A user in several role groups has the first of these.
ROLE_PRECEDENCE = (Role.ADMIN, Role.OBEC_REVIEWER, Role.ESA_COORDINATOR, Role.ESA_STAFF)
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
        "pmqa_site.view_helpcontact",
        "pmqa_site.add_helpcontact",
        "pmqa_site.change_helpcontact",
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
    return remember_role(user, next((r.value for r in ROLE_PRECEDENCE if r.value in names), None))


def remember_role(user, group_name: str | None) -> Role | None:
    """Keep on the user object the role its highest role group gives (a superuser in none is
    an admin), so that asking again costs nothing. The auth backend loads it with the user."""
    role = Role(group_name) if group_name else (Role.ADMIN if user.is_superuser else None)
    user._pmqa_role = role
    return role


ALL_ROLES = (*OFFICE_ROLES, *CENTRAL_ROLES)
