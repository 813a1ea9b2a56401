"""Reporting windows: the close-second boundary, extensions, admin pages, reminders."""

from datetime import datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import AnswerText, Notification
from assessments.tasks import remind_window_closing
from orgprofile.access import office_edit_check
from orgprofile.models import FiscalYear, ReportingWindow, WindowExtension
from orgprofile.windows import window_extend
from pmqa_site.errors import EditRefused
from tests.assessments.conftest import form_data

pytestmark = pytest.mark.django_db
BKK = ZoneInfo("Asia/Bangkok")
CLOSE = datetime(2026, 12, 31, 16, 30, tzinfo=BKK)


@pytest.fixture
def window(catalogue):
    return ReportingWindow.objects.create(
        fiscal_year=FiscalYear.objects.get(year=catalogue.fiscal_year),
        office_opens_at=CLOSE - timedelta(days=30),
        office_closes_at=CLOSE,
        review_opens_at=CLOSE - timedelta(days=30),
        review_closes_at=CLOSE + timedelta(days=30),
    )


def test_close_second_boundary(staff, office, window):
    office_edit_check(user=staff, office=office, at=CLOSE - timedelta(microseconds=1))
    with pytest.raises(EditRefused) as excinfo:
        office_edit_check(user=staff, office=office, at=CLOSE)
    assert "ระบบปิดการรายงานแล้วเมื่อ 31 ธ.ค. 2569 16:30 น." in excinfo.value.message
    with pytest.raises(EditRefused):
        office_edit_check(user=staff, office=office, at=CLOSE + timedelta(seconds=1))


def test_before_opening_is_refused(staff, office, window):
    with pytest.raises(EditRefused) as excinfo:
        office_edit_check(user=staff, office=office, at=window.office_opens_at - timedelta(seconds=1))
    assert "ระบบยังไม่เปิดให้รายงาน" in excinfo.value.message


def test_extension_lets_one_office_edit_after_close(staff, other_staff, office, other_office, window, admin_user):

    window_extend(
        user=admin_user,
        window=window,
        office=office,
        starts_at=CLOSE,
        until=CLOSE + timedelta(days=2),
        reason="น้ำท่วมสำนักงาน",
    )
    office_edit_check(user=staff, office=office, at=CLOSE + timedelta(days=1))
    with pytest.raises(EditRefused):
        office_edit_check(user=other_staff, office=other_office, at=CLOSE + timedelta(days=1))
    with pytest.raises(EditRefused):
        office_edit_check(user=staff, office=office, at=CLOSE + timedelta(days=2))


def test_save_one_second_after_close_keeps_typed_text(office, client_for, staff, subitem_111, window):
    client = client_for(staff)
    with mock.patch("pmqa_site.clock._arrival", return_value=CLOSE + timedelta(seconds=1)):
        response = client.post(
            reverse("assessments:subitem", args=[office.code, "1.1.1"]),
            form_data(subitem_111, texts={1: "ข้อความสุดท้ายก่อนปิด"}),
        )
    assert response.status_code == 403
    html = response.content.decode()
    assert "ระบบปิดการรายงานแล้ว" in html
    assert "ข้อความสุดท้ายก่อนปิด" in html
    assert not AnswerText.objects.exists()


def test_the_request_arrival_is_the_instant_that_counts(office, client_for, staff, subitem_111, window):
    """A save that arrived before the close is kept even though the server handles it after."""
    closed_an_hour_ago = timezone.now() - timedelta(hours=1)
    window.office_opens_at = closed_an_hour_ago - timedelta(days=30)
    window.office_closes_at = closed_an_hour_ago
    window.save()
    with mock.patch("pmqa_site.clock._arrival", return_value=closed_an_hour_ago - timedelta(seconds=1)):
        response = client_for(staff).post(
            reverse("assessments:subitem", args=[office.code, "1.1.1"]), form_data(subitem_111, texts={1: "ทันเวลา"})
        )
    assert response.status_code == 302
    assert AnswerText.objects.get().text == "ทันเวลา"
    # The same request arriving at the close is refused.
    with mock.patch("pmqa_site.clock._arrival", return_value=closed_an_hour_ago):
        response = client_for(staff).post(
            reverse("assessments:subitem", args=[office.code, "1.1.1"]),
            form_data(subitem_111, version=1, texts={1: "สาย"}),
        )
    assert response.status_code == 403
    assert AnswerText.objects.get().text == "ทันเวลา"


def test_admin_sets_closes_and_extends_through_the_pages(client_for, admin_user, office, catalogue):
    client = client_for(admin_user)
    page = client.get(reverse("orgprofile:windows"))
    assert "ยังไม่ได้กำหนดช่วงเวลารายงาน" in page.content.decode()
    data = {
        "window-office_opens_at": "01/11/2569 08:00",
        "window-office_closes_at": "31/12/2569 16:30",
        "window-review_opens_at": "01/11/2569 08:00",
        "window-review_closes_at": "31/01/2570 16:30",
    }
    response = client.post(reverse("orgprofile:windows"), data, follow=True)
    assert "บันทึกช่วงเวลารายงานปีงบประมาณ 2566 แล้ว" in response.content.decode()
    window = ReportingWindow.objects.get()
    assert window.office_closes_at == CLOSE
    assert "31 ธ.ค. 2569 16:30 น." in response.content.decode()

    bad = client.post(reverse("orgprofile:windows"), {**data, "window-office_closes_at": "01/10/2569 08:00"})
    assert "เวลาปิดการรายงานต้องอยู่หลังเวลาเปิด" in bad.content.decode()
    window.refresh_from_db()
    assert window.office_closes_at == CLOSE

    ext = client.post(
        reverse("orgprofile:window-extend"),
        {
            "ext-office": office.pk,
            "ext-starts_at": "02/01/2570 08:00",
            "ext-until": "01/01/2570 08:00",
            "ext-reason": "ไฟดับ",
        },
        follow=True,
    )
    assert "เวลาสิ้นสุดการขยายต้องอยู่หลังเวลาเริ่ม" in ext.content.decode()
    assert not WindowExtension.objects.exists()
    ce_year = client.post(reverse("orgprofile:windows"), {**data, "window-office_closes_at": "31/12/2026 16:30"})
    assert "ปีต้องเป็นปี พ.ศ." in ce_year.content.decode()
    garbled = client.post(reverse("orgprofile:windows"), {**data, "window-office_closes_at": "พรุ่งนี้"})
    assert "กรอกวันเวลาเป็น วว/ดด/ปปปป ชช:นน" in garbled.content.decode()
    ext = client.post(
        reverse("orgprofile:window-extend"),
        {
            "ext-office": office.pk,
            "ext-starts_at": "31/12/2569 16:30",
            "ext-until": "02/01/2570 16:30",
            "ext-reason": "ไฟดับ",
        },
        follow=True,
    )
    assert "ขยายเวลาให้" in ext.content.decode()
    assert WindowExtension.objects.get().reason == "ไฟดับ"

    closed = client.post(reverse("orgprofile:window-close"), follow=True)
    assert "ปิดการรายงานของสำนักงานแล้ว" in closed.content.decode()
    window.refresh_from_db()
    assert window.office_closes_at <= timezone.now()
    assert ReportingWindow.history.count() >= 2  # window changes are kept in the audit history


def test_office_pages_show_time_left(office, client_for, staff, window):
    closes = timezone.now() + timedelta(days=2, hours=3)
    window.office_opens_at = timezone.now() - timedelta(days=1)
    window.office_closes_at = closes
    window.save()
    html = client_for(staff).get(reverse("assessments:home", args=[office.code])).content.decode()
    assert "ระบบเปิดให้รายงานถึง" in html
    assert f"{closes.astimezone(BKK):%H:%M} น." in html and str(closes.astimezone(BKK).year + 543) in html
    assert "เหลือเวลาอีก 2" in html


def test_only_admins_manage_windows(client_for, reviewer, staff):
    assert client_for(reviewer).get(reverse("orgprofile:windows")).status_code == 403
    assert client_for(staff).post(reverse("orgprofile:window-close")).status_code == 403


def test_reminder_before_close_once_per_office(staff, office, window):
    with mock.patch("assessments.tasks.timezone.now", return_value=CLOSE - timedelta(days=2)):
        assert remind_window_closing() == 1
        assert remind_window_closing() == 0  # safe to run twice
    note = Notification.objects.get(user=staff)
    assert "ใกล้ปิดระบบรายงาน" in note.subject and "23 ประเด็น" in note.body


def test_audit_search_by_office_user_and_buddhist_date(client_for, admin_user, staff, office, subitem_111):
    client_for(staff).post(
        reverse("assessments:subitem", args=[office.code, "1.1.1"]), form_data(subitem_111, texts={1: "บันทึกเพื่อตรวจสอบ"})
    )
    client = client_for(admin_user)
    today = timezone.localtime()
    be_day = f"{today.day:02d}/{today.month:02d}/{today.year + 543}"
    search = {"kind": "text", "office": office.code, "user": staff.username, "start": be_day, "end": be_day}
    html = client.get(reverse("reporting:audit"), search).content.decode()
    assert "บันทึกเพื่อตรวจสอบ" in html
    other_day = client.get(reverse("reporting:audit"), {"kind": "text", "start": "01/01/2560", "end": "01/01/2560"})
    assert "บันทึกเพื่อตรวจสอบ" not in other_day.content.decode()
    bad = client.get(reverse("reporting:audit"), {"kind": "text", "start": "2026-11-24"})
    assert bad.status_code == 422
    assert "วันที่ต้องอยู่ในรูปแบบ วว/ดด/ปปปป ปี พ.ศ." in bad.content.decode()
