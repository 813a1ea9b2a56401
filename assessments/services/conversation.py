"""The conversation on a sub-item between the office and the central office."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from orgprofile.roles import CENTRAL_ROLES, OFFICE_ROLES, role_of
from orgprofile.selectors import office_of

from ..access import office_edit_check
from ..models import ConversationRead, Message, SubItemReport

MAX_MESSAGE_CHARS = 5000


def side_of(user) -> str | None:
    role = role_of(user)
    if role in OFFICE_ROLES:
        return Message.Side.OFFICE
    if role in CENTRAL_ROLES:
        return Message.Side.CENTRAL
    return None


@transaction.atomic
def message_post(*, report: SubItemReport, user, body: str, attachment=None, kind=None) -> Message:
    """Post a message on a sub-item's conversation, from the office or the central office.

    A file sent by the office goes through evidence_upload: the same checks and the same
    2 MB budget as any evidence of the sub-item."""
    side = side_of(user)
    office = report.assessment.office
    if side == Message.Side.OFFICE:
        own = office_of(user)
        if own is None or own.pk != office.pk:
            raise ValidationError(_("ส่งข้อความได้เฉพาะประเด็นของสำนักงานที่ท่านสังกัด"))
        office_edit_check(user=user, office=office)
    elif side is None:
        raise ValidationError(_("บัญชีนี้ไม่มีสิทธิ์ส่งข้อความ"))
    body = (body or "").strip()
    if not body:
        raise ValidationError(_("กรุณาพิมพ์ข้อความก่อนส่ง"))
    if len(body) > MAX_MESSAGE_CHARS:
        raise ValidationError(_("ข้อความยาวเกิน %(n)d ตัวอักษร") % {"n": MAX_MESSAGE_CHARS})
    evidence = None
    if attachment is not None:
        if side != Message.Side.OFFICE:
            raise ValidationError(_("ส่วนกลางส่งข้อความได้ แต่ไฟล์หลักฐานต้องแนบโดยสำนักงาน"))
        from evidence.services import evidence_upload

        evidence = evidence_upload(report=report, user=user, kind=kind, uploaded=attachment)
    message = Message.objects.create(report=report, author=user, side=side, body=body, evidence=evidence)
    conversation_mark_read(report=report, user=user)
    from ..tasks import notify_message

    transaction.on_commit(lambda: notify_message.delay(message.pk))
    return message


def conversation_mark_read(*, report: SubItemReport, user) -> None:
    side = side_of(user)
    if side is None:
        return
    ConversationRead.objects.update_or_create(report=report, side=side, defaults={"read_at": timezone.now()})
