"""Background work of the review flow. Tasks take ids, are safe to run twice, and are
queued after commit; in the embedded default they run in the web process."""

from datetime import timedelta

from celery import shared_task
from django.contrib.auth import get_user_model
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from orgprofile.models import Office, ReportingWindow
from pmqa_site.thaidates import format_thai_datetime

from .models import Catalogue, Message, ReviewState, SubItem, SubItemReport
from .services.notifications import notify

TASK_OPTIONS = {"acks_late": True, "max_retries": 3, "default_retry_delay": 60, "time_limit": 60, "soft_time_limit": 50}


def _office_users(office):
    return get_user_model().objects.filter(membership__office=office, is_active=True)


@shared_task(name="assessments.notify_not_certified", **TASK_OPTIONS)
def notify_not_certified(report_id: int) -> int:
    report = SubItemReport.objects.select_related("assessment__office", "subitem").get(pk=report_id)
    event = report.events.filter(to_state=ReviewState.NOT_CERTIFIED).order_by("-at").first()
    if event is None:
        return 0
    return notify(
        users=_office_users(report.assessment.office),
        subject=_("ประเด็น %(n)s ไม่รับรอง") % {"n": report.subitem.number},
        body=_("ส่วนกลางไม่รับรองประเด็น %(n)s %(title)s\nเหตุผล: %(reason)s")
        % {"n": report.subitem.number, "title": report.subitem.title, "reason": event.reason},
        url=reverse("assessments:subitem", args=[report.assessment.office.code, report.subitem.number]),
        dedupe_key=f"not-certified:{event.pk}",
    )


@shared_task(name="assessments.notify_message", **TASK_OPTIONS)
def notify_message(message_id: int) -> int:
    message = Message.objects.select_related("report__assessment__office", "report__subitem").get(pk=message_id)
    report = message.report
    if message.side != Message.Side.CENTRAL:
        return 0  # reviewers see unread conversations on their own home page
    return notify(
        users=_office_users(report.assessment.office),
        subject=_("ข้อความใหม่จากส่วนกลาง ประเด็น %(n)s") % {"n": report.subitem.number},
        body=message.body,
        url=reverse("assessments:subitem", args=[report.assessment.office.code, report.subitem.number]),
        dedupe_key=f"message:{message.pk}",
    )


REMIND_DAYS_BEFORE = 3


@shared_task(name="assessments.remind_window_closing", **TASK_OPTIONS)
def remind_window_closing() -> int:
    """A few days before a window closes, remind every office that has sub-items not yet sent."""
    now = timezone.now()
    sent = 0
    for window in ReportingWindow.objects.filter(
        office_closes_at__gt=now, office_closes_at__lte=now + timedelta(days=REMIND_DAYS_BEFORE)
    ).select_related("fiscal_year"):
        catalogue = Catalogue.objects.filter(fiscal_year=window.fiscal_year.year).first()
        if catalogue is None:
            continue
        total = SubItem.objects.filter(catalogue=catalogue, reportable=True).count()
        sent_per_office = dict(
            SubItemReport.objects.filter(assessment__catalogue=catalogue)
            .exclude(state=ReviewState.NOT_REPORTED)
            .values_list("assessment__office_id")
            .annotate(n=Count("id"))
        )
        for office in Office.objects.filter(is_active=True):
            pending = total - sent_per_office.get(office.id, 0)
            if pending <= 0:
                continue
            sent += notify(
                users=_office_users(office),
                subject=_("ใกล้ปิดระบบรายงาน PMQA 4.0"),
                body=_("ระบบจะปิดการรายงานเมื่อ %(t)s สำนักงานยังมีประเด็นที่ยังไม่ได้ส่ง %(n)d ประเด็น")
                % {"t": format_thai_datetime(window.office_closes_at), "n": pending},
                url=reverse("reporting:readiness", args=[office.code]),
                dedupe_key=f"closing:{window.pk}:{window.office_closes_at:%Y%m%d%H%M}",
            )
    return sent
