"""The conversation on a sub-item between the office and the central office.

A file sent with a message is evidence like any other (same checks, same budget): the
evidence floor sends it and then posts the message here (evidence.services.message_send).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from orgprofile.access import is_own_office, office_edit_check
from pmqa_site.roles import CENTRAL_ROLES, OFFICE_ROLES, role_of
from pmqa_site.tasks import enqueue_on_commit

from ..models import ConversationRead, Message, SubItemReport
from ..queue_cache import unread_changed

MAX_MESSAGE_CHARS = 5000


def side_of(user) -> str | None:
    role = role_of(user)
    if role in OFFICE_ROLES:
        return Message.Side.OFFICE
    if role in CENTRAL_ROLES:
        return Message.Side.CENTRAL
    return None


def message_check(*, report: SubItemReport, user, body: str) -> str:
    """Raise (Thai) unless `user` may post `body` on `report`'s conversation now; the
    cleaned body otherwise. The evidence floor calls it before storing a file."""
    side = side_of(user)
    office = report.assessment.office
    if side == Message.Side.OFFICE:
        if not is_own_office(user, office):
            raise ValidationError(_("ส่งข้อความได้เฉพาะประเด็นของสำนักงานที่ท่านสังกัด"))
        office_edit_check(user=user, office=office)
    elif side is None:
        raise ValidationError(_("บัญชีนี้ไม่มีสิทธิ์ส่งข้อความ"))
    body = (body or "").strip()
    if not body:
        raise ValidationError(_("กรุณาพิมพ์ข้อความก่อนส่ง"))
    if len(body) > MAX_MESSAGE_CHARS:
        raise ValidationError(_("ข้อความยาวเกิน %(n)d ตัวอักษร") % {"n": MAX_MESSAGE_CHARS})
    return body


@transaction.atomic
def message_post(*, report: SubItemReport, user, body: str) -> Message:
    """Post a message on a sub-item's conversation, from the office or the central office."""
    body = message_check(report=report, user=user, body=body)
    message = Message.objects.create(report=report, author=user, side=side_of(user), body=body)
    conversation_mark_read(report=report, user=user)
    unread_changed()
    enqueue_on_commit("assessments.notify_message", message.pk)
    return message


def conversation_mark_read(*, report: SubItemReport, user) -> None:
    side = side_of(user)
    if side is None:
        return
    ConversationRead.objects.update_or_create(report=report, side=side, defaults={"read_at": timezone.now()})
    if side == Message.Side.CENTRAL:  # the reviewers' kept list of unread conversations
        unread_changed()
