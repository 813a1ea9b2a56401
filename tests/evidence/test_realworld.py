"""Real-world PDFs (tests/evidence/realworld, MANIFEST.json names each one's source and
licence) through the production check: every legitimate file accepted, every encrypted one
refused, the same verdicts one at a time and eight at once, and active content never served."""

import hashlib
import io
import json
from pathlib import Path

import pikepdf
import pytest
from django.core.management import call_command
from django.urls import reverse

from evidence import pdfcheck
from evidence.models import Evidence, EvidenceState
from tests.evidence.activecontent import active_content

FOLDER = Path(__file__).parent / "realworld"
MANIFEST = json.loads((FOLDER / "MANIFEST.json").read_text())["files"]
BY_NAME = {row["file"]: row for row in MANIFEST}


def run_check(*args) -> dict[str, dict]:
    out = io.StringIO()
    call_command("evidence_check", *args, stdout=out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    return {Path(line["file"]).name: line for line in lines}


def test_the_manifest_names_every_file_with_its_source_and_licence():
    on_disk = {path.name for path in FOLDER.glob("*.pdf")}
    assert on_disk == set(BY_NAME)
    for row in MANIFEST:
        assert row["source"] and row["licence"], row
        assert hashlib.sha256((FOLDER / row["file"]).read_bytes()).hexdigest() == row["sha256"], row["file"]
    assert sum(path.stat().st_size for path in FOLDER.iterdir()) < 30 * 1024 * 1024
    assert len(on_disk) >= 50


def test_legitimate_files_accepted_and_encrypted_refused_the_same_one_at_a_time_and_eight_at_once():
    files = [str(FOLDER / row["file"]) for row in MANIFEST]
    one_at_a_time = run_check(*files)
    eight_at_once = run_check(*files, "--parallel", "8")
    wrong = {
        name: (line["verdict"], line["code"], line["detail"])
        for name, line in one_at_a_time.items()
        if line["verdict"] != BY_NAME[name]["expected"]
    }
    assert wrong == {}
    legitimate = [row for row in MANIFEST if row["expected"] == "accepted"]
    assert len(legitimate) >= 50
    for name, line in one_at_a_time.items():
        twin = eight_at_once[name]
        assert (twin["verdict"], twin["code"], twin["pages"], twin["disarmed"]) == (
            line["verdict"],
            line["code"],
            line["pages"],
            line["disarmed"],
        ), name
        if line["verdict"] == "refused":
            assert "รหัสผ่าน" in line["reason"]
        else:
            assert line["disarmed"] == BY_NAME[name]["disarmed"], name
            assert line["pages"] >= 1


@pytest.mark.parametrize("name", [row["file"] for row in MANIFEST if row["expected"] == "accepted" and row["disarmed"]])
def test_the_disarmed_copy_keeps_the_pages_and_drops_the_active_content(name, tmp_path):
    original = (FOLDER / name).read_bytes()
    verdict = pdfcheck.check_pdf_file(str(FOLDER / name), output=str(tmp_path / "copy.pdf"))
    assert verdict.ok and verdict.disarmed
    copy = (tmp_path / "copy.pdf").read_bytes()
    assert active_content(copy) == set()
    with pikepdf.open(io.BytesIO(original)) as before, pikepdf.open(io.BytesIO(copy)) as after:
        assert len(after.pages) == len(before.pages) == verdict.page_count


@pytest.mark.parametrize(
    "name",
    [
        "libreoffice-thai-lossless-12mp-photo.pdf",
        "img2pdf-a4-300dpi-lossless-scan.pdf",
        "img2pdf-a4-300dpi-ccitt-g4.pdf",
        "pikepdf-jbig2global.pdf",
        "qpdf-linearized-memo.pdf",
        "comment-after-eof.pdf",
    ],
)
def test_office_files_go_in_through_the_upload(name, client_for, staff, report, kinds, upload):
    response = upload(client_for(staff), report, kinds["project"], name, (FOLDER / name).read_bytes())
    assert response.status_code == 200, response.content
    evidence = Evidence.objects.get()
    assert evidence.state == EvidenceState.VALID, evidence.reason
    page = client_for(staff).get(
        reverse("evidence:report", args=[report.assessment.office.code, report.subitem.number])
    )
    assert "ผ่านการตรวจสอบ" in page.content.decode()
