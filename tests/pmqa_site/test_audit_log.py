from datetime import timedelta

import pytest
from axes.models import AccessLog
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from orgprofile.models import FiscalYear
from orgprofile.windows import window_set
from pmqa_site.models import RefusedAccess
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_refused_access_is_logged(client_for, staff, caplog):
    with caplog.at_level("WARNING", logger="pmqa.audit"):
        client_for(staff).get(reverse("assessments:queue"))
    assert any(
        "refused user=" + staff.username in r.getMessage() and "/review/" in r.getMessage() for r in caplog.records
    )
    # ...and kept for the audit timeline, in Thai.
    refused = RefusedAccess.objects.get()
    assert refused.user == staff and refused.path == "/review/" and "หน้านี้สำหรับ" in refused.reason


def test_logins_are_recorded(client, staff):
    client.post(reverse("login"), {"username": staff.username, "password": PASSWORD}, REMOTE_ADDR="10.1.1.1")
    assert AccessLog.objects.filter(username=staff.username).exists()


def test_window_changes_are_logged(admin_user, caplog, db):

    call_command("load_catalogue", verbosity=0)
    now = timezone.now()
    with caplog.at_level("INFO", logger="pmqa.audit"):
        window_set(
            user=admin_user,
            fiscal_year=FiscalYear.objects.get(),
            office_opens_at=now,
            office_closes_at=now + timedelta(days=1),
            review_opens_at=now,
            review_closes_at=now + timedelta(days=2),
        )
    assert any("window set fiscal_year=2566" in r.getMessage() for r in caplog.records)
