"""Last year's files attached again with a click: checked again, counted in this year's budget,
last year's rows untouched."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from assessments.models import SubItemReport
from assessments.services.reports import report_get_or_create
from evidence.models import Evidence, EvidenceEvent, EvidenceState
from evidence.services import evidence_upload
from tests.evidence import corpus
from tests.evidence.conftest import upload_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def last_year_file(client_for, staff, report, kinds, upload):
    """A checked 1.2 MB project document of 2566, then 2567 opened from 2566."""
    upload(
        client_for(staff), report, kinds["project"], "โครงการปี66.pdf", corpus.valid_pdf_sized(pages=2, size=1_200_000)
    )
    evidence = Evidence.objects.get(report=report)
    assert evidence.state == EvidenceState.VALID
    call_command("fiscal_year_open", "2567", "--copy-catalogue-from", "2566", stdout=io.StringIO())
    return evidence


def _new_report(report, office):
    return report_get_or_create(
        office=office,
        subitem=report.subitem.__class__.objects.get(catalogue__fiscal_year=2567, number=report.subitem.number),
    )


def test_a_file_of_last_year_is_attached_again_and_checked_again(
    django_app, django_capture_on_commit_callbacks, staff, office, report, last_year_file
):
    url = reverse("assessments:subitem", args=[office.code, report.subitem.number])
    page = django_app.get(url, user=staff)
    assert "เอกสารหลักฐานของปี 2566" in page.text
    action = reverse("evidence:reattach", args=[office.code, report.subitem.number, last_year_file.pk])
    form = next(f for f in page.forms.values() if f.action == action)
    with django_capture_on_commit_callbacks(execute=True):
        done = form.submit().follow()
    assert "แนบ “โครงการปี66.pdf” ของปีก่อนอีกครั้งแล้ว" in done.text
    new = Evidence.objects.get(reattached_from=last_year_file)
    assert new.report.subitem.catalogue.fiscal_year == 2567
    assert new.kind.code == "project" and new.kind.catalogue_id == new.report.subitem.catalogue_id
    assert new.state == EvidenceState.VALID and new.sha256 == last_year_file.sha256
    assert EvidenceEvent.objects.filter(evidence=new, action=EvidenceEvent.Action.CHECKED).exists()  # checked again
    assert "แนบในปีนี้แล้ว" in done.text
    # Last year's row is as it was.
    last_year_file.refresh_from_db()
    assert last_year_file.report_id == report.pk and last_year_file.superseded_at is None
    assert not SubItemReport.objects.get(pk=report.pk).evidence.exclude(pk=last_year_file.pk).exists()


def test_a_file_of_last_year_counts_against_this_years_budget(
    client_for, staff, office, report, kinds, upload, last_year_file, django_capture_on_commit_callbacks
):
    new_report = _new_report(report, office)
    new_kinds = {k.code: k for k in new_report.subitem.catalogue.evidence_kinds.all()}
    upload(
        client_for(staff), new_report, new_kinds["project"], "ปี67.pdf", corpus.valid_pdf_sized(pages=2, size=1_300_000)
    )
    this_year = Evidence.objects.get(report=new_report)
    assert this_year.state == EvidenceState.VALID
    assert this_year.size + last_year_file.size > 2 * 1024 * 1024
    client = client_for(staff)
    url = reverse("evidence:reattach", args=[office.code, report.subitem.number, last_year_file.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, follow=True)
    assert "เกิน" in response.content.decode()
    assert not Evidence.objects.filter(reattached_from=last_year_file).exists()


def test_another_offices_file_cannot_be_reattached(
    client_for, staff, other_staff, office, other_office, report, last_year_file
):
    their_report = _new_report(report, other_office)
    theirs = evidence_upload(
        report=their_report,
        user=other_staff,
        kind=their_report.subitem.catalogue.evidence_kinds.get(code="project"),
        uploaded=upload_file("อื่น.pdf", corpus.valid_pdf(1)),
    )
    url = reverse("evidence:reattach", args=[office.code, report.subitem.number, theirs.pk])
    assert client_for(staff).post(url).status_code == 404
    mine = reverse("evidence:reattach", args=[office.code, report.subitem.number, last_year_file.pk])
    assert client_for(other_staff).post(mine).status_code == 403
    assert not Evidence.objects.filter(reattached_from__isnull=False).exists()
