from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command

from evidence.models import Evidence, EvidenceState
from tests.evidence import corpus

pytestmark = pytest.mark.django_db


def test_start_up_sweep_finishes_rows_a_dead_process_left_pending(
    report, staff, kinds, settings, tmp_path, django_capture_on_commit_callbacks
):

    settings.MEDIA_ROOT = tmp_path
    evidence = Evidence.objects.create(
        report=report, kind=kinds["project"], source="file", original_name="ค้าง.pdf", size=100, uploaded_by=staff
    )
    evidence.file.save("x.pdf", ContentFile(corpus.valid_pdf(1)))
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("evidence_sweep", "--stale-after", "0", stdout=out)
    assert "1 pending row(s)" in out.getvalue()
    evidence.refresh_from_db()
    assert evidence.state == EvidenceState.VALID
