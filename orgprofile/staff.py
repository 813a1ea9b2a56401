"""An office coordinator manages the office's own staff accounts (DESIGN.md: roles)."""

import logging
import secrets

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pmqa_site.roles import Role, role_of

from .access import office_of
from .models import Office
from .services import user_create

audit_log = logging.getLogger("pmqa.audit")


def _coordinator_check(*, actor, office: Office) -> None:
    own = office_of(actor)
    if role_of(actor) != Role.ESA_COORDINATOR or own is None or own.pk != office.pk:
        raise PermissionDenied(_("เฉพาะผู้ประสานงานของสำนักงานนี้เท่านั้นที่จัดการบัญชีเจ้าหน้าที่ได้"))


def office_staff(*, office: Office):
    return (
        get_user_model()
        .objects.filter(membership__office=office)
        .prefetch_related("groups")
        .order_by("-is_active", "first_name", "username")
    )


@transaction.atomic
def office_staff_add(*, actor, office: Office, username: str, first_name: str, last_name: str, email: str = ""):
    """Create a staff account in the coordinator's own office. Returns (user, one-time password)."""
    _coordinator_check(actor=actor, office=office)
    if get_user_model().objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("ชื่อผู้ใช้ %(u)s มีอยู่แล้ว") % {"u": username}})
    password = secrets.token_urlsafe(9)
    user = user_create(
        username=username,
        password=password,
        role=Role.ESA_STAFF,
        office=office,
        first_name=first_name,
        last_name=last_name,
        email=email,
    )
    audit_log.info("staff added office=%s user=%s by=%s", office.code, username, actor.username)
    return user, password


@transaction.atomic
def office_staff_password_reset(*, actor, office: Office, member) -> str:
    """A new one-time password for a staff member of the coordinator's office (shown once)."""
    _coordinator_check(actor=actor, office=office)
    if office_of(member) is None or office_of(member).pk != office.pk:
        raise PermissionDenied(_("บัญชีนี้ไม่ได้อยู่ในสำนักงานของท่าน"))
    if role_of(member) != Role.ESA_STAFF:
        raise ValidationError(_("ผู้ประสานงานตั้งรหัสผ่านใหม่ได้เฉพาะบัญชีเจ้าหน้าที่ สพท."))
    password = secrets.token_urlsafe(9)
    member.set_password(password)
    member.save(update_fields=["password"])
    audit_log.info("staff password reset office=%s user=%s by=%s", office.code, member.username, actor.username)
    return password


@transaction.atomic
def office_staff_set_active(*, actor, office: Office, member, active: bool) -> None:
    """Suspend or restore a staff account of the coordinator's office (never deleted)."""
    _coordinator_check(actor=actor, office=office)
    if office_of(member) is None or office_of(member).pk != office.pk:
        raise PermissionDenied(_("บัญชีนี้ไม่ได้อยู่ในสำนักงานของท่าน"))
    if member.pk == actor.pk:
        raise ValidationError(_("ระงับบัญชีของตนเองไม่ได้"))
    if role_of(member) != Role.ESA_STAFF:
        raise ValidationError(_("ผู้ประสานงานจัดการได้เฉพาะบัญชีเจ้าหน้าที่ สพท."))
    member.is_active = active
    member.save(update_fields=["is_active"])
    audit_log.info(
        "staff %s office=%s user=%s by=%s",
        "restored" if active else "suspended",
        office.code,
        member.username,
        actor.username,
    )
