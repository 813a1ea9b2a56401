"""The guide: offices work only between the announced opening and closing. A year with no
window set is closed to offices, says so in Thai, and `make run`'s demo opens one."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from assessments.models import SubItem, SubItemReport
from orgprofile.models import ReportingWindow
from orgprofile.windows import office_window_state

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_window(settings):
    settings.PMQA_OFFICES_OPEN_WITHOUT_WINDOW = False  # the product's default
    call_command("load_catalogue", verbosity=0)
    assert not ReportingWindow.objects.exists()


def test_no_window_means_closed_with_a_thai_notice_and_nothing_saved(no_window, settings, django_app, staff):
    code = staff.membership.office.code
    assert not office_window_state(office=staff.membership.office).open
    page = django_app.get(reverse("assessments:subitem", args=[code, "1.1.1"]), user=staff)
    assert "ระบบยังไม่เปิดให้รายงาน" in page.text and reverse("site:help") in page.text
    home = django_app.get(reverse("assessments:home", args=[code]), user=staff)
    assert "ระบบยังไม่เปิดให้รายงาน" in home.text

    # A form opened while offices could still report is refused on submit, and nothing changes.
    settings.PMQA_OFFICES_OPEN_WITHOUT_WINDOW = True
    form = django_app.get(reverse("assessments:subitem", args=[code, "1.1.1"]), user=staff).forms["subitem-form"]
    item = SubItem.objects.get(number="1.1.1").checklist_items.first()
    form[f"item_{item.id}"] = "1"
    settings.PMQA_OFFICES_OPEN_WITHOUT_WINDOW = False
    refused = form.submit(expect_errors=True)
    assert refused.status_code == 403
    assert "ผู้ดูแลระบบยังไม่ได้กำหนดช่วงเวลารายงานของปีนี้" in refused.text
    assert not SubItemReport.objects.filter(answered__gt=0).exists()


def test_the_demo_opens_a_window_so_make_run_works(no_window, staff):
    call_command("demo_setup", accounts_file="/tmp/pmqa-test-demo-accounts.json", stdout=io.StringIO())
    window = ReportingWindow.objects.get()
    assert office_window_state(office=staff.membership.office).open
    # Run again: the window an admin (or the first run) set is kept.
    call_command("demo_setup", accounts_file="/tmp/pmqa-test-demo-accounts.json", stdout=io.StringIO())
    assert ReportingWindow.objects.get().pk == window.pk
