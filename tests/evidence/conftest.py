import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from assessments.models import EvidenceKind, SubItem
from assessments.services.reports import report_get_or_create


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def catalogue(db):
    call_command("load_catalogue", stdout=io.StringIO())
    return SubItem.objects.filter(reportable=True).first().catalogue


@pytest.fixture
def report(catalogue, office):
    subitem = SubItem.objects.filter(catalogue=catalogue, reportable=True).order_by("order").first()
    return report_get_or_create(office=office, subitem=subitem)


@pytest.fixture
def other_report(catalogue, other_office):
    subitem = SubItem.objects.filter(catalogue=catalogue, reportable=True).order_by("order").first()
    return report_get_or_create(office=other_office, subitem=subitem)


@pytest.fixture
def kinds(catalogue):
    return {k.code: k for k in EvidenceKind.objects.filter(catalogue=catalogue)}


def upload_file(name: str, data: bytes, content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.fixture
def upload(django_capture_on_commit_callbacks):
    """upload(client, report, kind, name, data) posts like the page's script does and runs
    the validation queued after commit, as the embedded default does."""

    def post(client, report, kind, name, data, content_type="application/pdf"):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                reverse("evidence:upload", args=[report.assessment.office.code, report.subitem.number]),
                {"kind": kind.pk, "files": upload_file(name, data, content_type)},
                HTTP_X_REQUESTED_WITH="XMLHttpRequest",
            )

    return post
