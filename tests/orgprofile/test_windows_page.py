"""The admin sets the reporting window and extends one office through the rendered forms."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.urls import reverse

from orgprofile.models import ReportingWindow, WindowExtension
from tests.webforms import form_posting_to, form_with_field

pytestmark = pytest.mark.django_db
BKK = ZoneInfo("Asia/Bangkok")


@pytest.fixture
def year(db):
    call_command("load_catalogue", verbosity=0)


def test_admin_sets_the_window_and_an_extension_in_buddhist_era(django_app, year, admin_user, office):
    page = django_app.get(reverse("orgprofile:windows"), user=admin_user)
    form = form_with_field(page, "window-office_opens_at")
    form["window-office_opens_at"] = "01/11/2569 08:00"
    form["window-office_closes_at"] = "31/12/2569 16:30"
    form["window-review_opens_at"] = "01/11/2569 08:00"
    form["window-review_closes_at"] = "31/01/2570 16:30"
    saved = form.submit().follow()
    assert "บันทึกช่วงเวลารายงานปีงบประมาณ 2566 แล้ว" in saved.text
    window = ReportingWindow.objects.get()
    assert window.office_closes_at == datetime(2026, 12, 31, 16, 30, tzinfo=BKK)
    assert "31 ธ.ค. 2569 16:30 น." in saved.text
    # The page shows the saved window back in the form, in the Buddhist Era.
    assert form_with_field(saved, "window-office_closes_at")["window-office_closes_at"].value == "31/12/2569 16:30"

    # A CE year is refused with the reason, and the window stays as it was.
    form = form_with_field(saved, "window-office_closes_at")
    form["window-office_closes_at"] = "31/12/2026 16:30"
    refused = form.submit(status=422)
    assert "ปีต้องเป็นปี พ.ศ." in refused.text
    window.refresh_from_db()
    assert window.office_closes_at == datetime(2026, 12, 31, 16, 30, tzinfo=BKK)

    extend = form_posting_to(saved, reverse("orgprofile:window-extend"))
    extend["ext-office"] = str(office.pk)
    extend["ext-starts_at"] = "31/12/2569 16:30"
    extend["ext-until"] = "02/01/2570 16:30"
    extend["ext-reason"] = "น้ำท่วมสำนักงาน"
    extended = extend.submit().follow()
    assert f"ขยายเวลาให้ {office.name} แล้ว" in extended.text
    extension = WindowExtension.objects.get()
    assert extension.reason == "น้ำท่วมสำนักงาน" and extension.created_by == admin_user
    assert extension.until == datetime(2027, 1, 2, 16, 30, tzinfo=BKK)
