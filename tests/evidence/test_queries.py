"""The panel's queries do not grow with the number of files."""

from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from evidence.selectors import evidence_context
from evidence.services import evidence_link_add, evidence_supersede, evidence_upload
from tests.evidence import corpus
from tests.evidence.conftest import upload_file


def count_panel_queries(report, user, rf) -> int:
    from evidence.selectors import report_for_evidence

    fresh_report = report_for_evidence(report_id=report.pk)
    fresh_user = type(user).objects.get(pk=user.pk)
    request = rf.get("/")
    request.user = fresh_user
    with CaptureQueriesContext(connection) as captured:
        context = evidence_context(report=fresh_report, user=fresh_user)
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
    assert many == 7, many  # evidence, kinds; the edit check: groups, membership, its office, catalogue, window
