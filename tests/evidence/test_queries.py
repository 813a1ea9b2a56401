"""The panel's queries do not grow with the number of files."""

from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from assessments.catalogue_cache import catalogue_shape
from assessments.models import SubItemReport
from evidence.selectors import evidence_panel
from evidence.services import evidence_link_add, evidence_supersede, evidence_upload
from orgprofile.auth import OfficeUserBackend
from tests.evidence import corpus
from tests.evidence.conftest import upload_file


def count_panel_queries(report, user, rf) -> int:
    fresh_report = SubItemReport.objects.select_related("assessment__office", "subitem__catalogue").get(pk=report.pk)
    catalogue_shape(fresh_report.subitem.catalogue)  # held in process memory by any earlier page
    request = rf.get("/")
    request.user = OfficeUserBackend().get_user(user.pk)  # as a page gets it: role and office loaded
    with CaptureQueriesContext(connection) as captured:
        # The page that shows the panel already knows whether the user may edit: it hands it in.
        context = {"report": fresh_report, "evidence": evidence_panel(report=fresh_report), "can_edit": True}
        render_to_string("evidence/panel.html", context, request=request)
    return len(captured)


def test_query_count_is_fixed(report, staff, kinds, rf):
    evidence = evidence_upload(
        report=report, user=staff, kind=kinds["project"], uploaded=upload_file("1.pdf", corpus.valid_pdf(1))
    )
    one = count_panel_queries(report, staff, rf)
    for pages in range(2, 8):
        evidence_upload(
            report=report,
            user=staff,
            kind=kinds["project"],
            uploaded=upload_file(f"{pages}.pdf", corpus.valid_pdf(pages)),
        )
    evidence_link_add(report=report, user=staff, url="https://example.go.th/", title="ลิงก์")
    evidence_supersede(evidence=evidence, user=staff, reason="แนบผิด")
    many = count_panel_queries(report, staff, rf)
    assert one == many
    # The evidence with its kinds, the people who sent or withdrew it (one query for all), and
    # the attachments the office said it has none of; the kinds of the year come from the
    # catalogue held in memory, the menu's role and office came with the user.
    assert many == 3, many
