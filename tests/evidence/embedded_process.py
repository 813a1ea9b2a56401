"""A separate process of the embedded default (SQLite file, tasks in the web process) for
tests/evidence/test_stale_pending.py: `upload-and-hang` stores a file and hangs inside its check
(the test kills it there); `look` is the restarted product looking at the panel.

Run as: python -m tests.evidence.embedded_process upload-and-hang|look
with DATABASE_URL and MEDIA_ROOT pointing at the test's folder. The patch lives here, in the
test suite, not in the product.
"""

import json
import sys
import time

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from assessments.models import EvidenceKind, SubItem  # noqa: E402
from assessments.services.reports import report_get_or_create  # noqa: E402
from evidence import pdfcheck, services  # noqa: E402
from evidence.models import Evidence  # noqa: E402
from orgprofile.models import Office  # noqa: E402
from orgprofile.services import user_create  # noqa: E402
from orgprofile.windows import demo_window_ensure  # noqa: E402
from pmqa_site.roles import Role  # noqa: E402
from tests.evidence import corpus  # noqa: E402


def upload_and_hang() -> None:
    call_command("migrate", verbosity=0)
    call_command("load_catalogue", verbosity=0)
    demo_window_ensure()
    office = Office.objects.create(code="KILL-01", name="สำนักงานทดสอบ", kind=Office.Kind.PRIMARY, province="ทดสอบ")
    staff = user_create(username="kill_staff", password="kill-staff-password", role=Role.ESA_STAFF, office=office)
    report = report_get_or_create(office=office, subitem=SubItem.objects.get(number="1.1.1"))
    kind = EvidenceKind.objects.get(code="project")

    def hanging_check(path, **kwargs):
        print("hanging", flush=True)
        time.sleep(600)

    pdfcheck.check_pdf_file = hanging_check
    # The check runs in this process once the upload commits, as in `make run`.
    services.evidence_upload(
        report=report, user=staff, kind=kind, uploaded=SimpleUploadedFile("แผน.pdf", corpus.valid_pdf(2))
    )


def look() -> None:
    client = Client()
    client.force_login(get_user_model().objects.get(username="kill_staff"))
    response = client.get(reverse("evidence:panel", args=["KILL-01", "1.1.1"]), HTTP_HOST="127.0.0.1")
    row = Evidence.objects.get()
    print(json.dumps({"status": response.status_code, "state": row.state, "attempts": row.attempts}))


if __name__ == "__main__":
    {"upload-and-hang": upload_and_hang, "look": look}[sys.argv[1]]()
