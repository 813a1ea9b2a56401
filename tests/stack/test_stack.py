"""The production stack, run for real: a journey across the roles with evidence in the object
store, a backup restored into a new stack, and the faults of a last day survived."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import tarfile
import threading
import time
from pathlib import Path

import pytest
import requests

from tests.evidence import corpus
from tests.stack.conftest import ROOT, Stack, form_token, needs_stack, stack_folder, wait_for

pytestmark = [pytest.mark.stack, needs_stack]

SUBITEM = "/offices/DEMO-01/subitem/{number}/"


def evidence_rows(stack: Stack, number: str) -> list[dict]:
    out = stack.manage(
        "shell",
        "-c",
        "import json; from evidence.models import Evidence; print('ROWS', json.dumps(list(Evidence.objects.filter("
        f"report__subitem__number='{number}').values('id', 'state', 'file', 'original_name', 'sha256'))))",
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout.split("ROWS ", 1)[1])


def upload(stack: Stack, session: requests.Session, number: str, name: str, data: bytes) -> requests.Response:
    url = stack.base + SUBITEM.format(number=number)
    page = session.get(url, timeout=30)
    assert page.status_code == 200, page.text[:300]
    kind = re.search(r'<option value="(\d+)">', page.text).group(1)
    return session.post(
        url + "evidence/upload/",
        data={"kind": kind},
        files={"files": (name, data, "application/pdf")},
        headers={"X-CSRFToken": form_token(page.text), "X-Requested-With": "XMLHttpRequest", "Referer": url},
        timeout=60,
    )


def test_a_journey_across_the_roles_keeps_evidence_in_the_object_store(stack, browser):
    # The session's one Chromium (tests/conftest.py): a second Playwright in the same
    # thread would find the first one's event loop running.
    pdf = corpus.valid_pdf(3)
    accounts = stack.accounts()
    staff = browser.new_context(locale="th-TH", timezone_id="Asia/Bangkok").new_page()
    staff.goto(stack.base + "/accounts/login/")
    staff.get_by_label("ชื่อผู้ใช้").fill("demo_staff")
    staff.get_by_label("รหัสผ่าน").fill(accounts["demo_staff"])
    staff.get_by_role("button", name="เข้าสู่ระบบ").click()
    staff.wait_for_url("**/offices/DEMO-01/")
    staff.goto(stack.base + SUBITEM.format(number="1.1.1"))
    staff.locator("select[name=kind]").first.select_option(index=1)
    staff.locator("input[type=file][name=files]").set_input_files(
        files=[{"name": "โครงการพัฒนาครู.pdf", "mimeType": "application/pdf", "buffer": pdf}]
    )
    staff.locator("button.evidence-submit").click()
    # A worker on another process checks the file; the panel shows it when it is done.
    staff.wait_for_selector("text=ผ่านการตรวจสอบ", timeout=60_000)
    rows = evidence_rows(stack, "1.1.1")
    assert [r["state"] for r in rows] == ["valid"] and rows[0]["sha256"] == hashlib.sha256(pdf).hexdigest()
    assert rows[0]["file"] in stack.objects()  # the bytes are in the bucket, not on a disk here
    stored = stack.s3().get_object(Bucket=stack.env["AWS_STORAGE_BUCKET_NAME"], Key=rows[0]["file"])["Body"]
    assert stored.read() == pdf

    reviewer = browser.new_context(locale="th-TH").new_page()
    reviewer.goto(stack.base + "/accounts/login/")
    reviewer.get_by_label("ชื่อผู้ใช้").fill("demo_reviewer")
    reviewer.get_by_label("รหัสผ่าน").fill(accounts["demo_reviewer"])
    reviewer.get_by_role("button", name="เข้าสู่ระบบ").click()
    reviewer.wait_for_url("**/review/")
    download = reviewer.request.get(f"{stack.base}/evidence/{rows[0]['id']}/file/?download=1")
    assert download.status == 200 and download.body() == pdf
    staff.context.close()
    reviewer.context.close()
    # Objects are private: without the keys the store refuses them.
    bare = requests.get(f"{stack.env['AWS_S3_ENDPOINT_URL']}/{stack.env['AWS_STORAGE_BUCKET_NAME']}/{rows[0]['file']}")
    assert bare.status_code in (401, 403)


def test_a_celery_worker_killed_mid_check_leaves_the_row_to_be_decided(stack, tmp_path):
    stack.kill("worker", signal.SIGTERM)
    wait_for(lambda: subprocess.run(["kill", "-0", str(stack.pid("worker"))]).returncode != 0, 60, "the worker to stop")
    slow = subprocess.Popen(
        [str(ROOT / ".venv/bin/python"), "-m", "tests.evidence.slow_worker", "worker", "-c", "1", "-n", "slow@%h"],
        cwd=ROOT,
        env={**os.environ, **stack.env},
        stdout=(tmp_path / "slow.log").open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        answer = upload(stack, stack.session("demo_staff"), "1.3", "คำสั่ง.pdf", corpus.valid_pdf(2))
        assert answer.status_code == 200, answer.text
        wait_for(lambda: "hanging" in (tmp_path / "slow.log").read_text(), 60, "the check to start and hang")
        slow.send_signal(signal.SIGKILL)
        slow.wait(timeout=10)
        subprocess.run(["pkill", "-9", "-f", "tests.evidence.slow_worker"], check=False)
        assert [r["state"] for r in evidence_rows(stack, "1.3")] == ["pending"]
    finally:
        if slow.poll() is None:
            slow.kill()
    stack.start()  # brings the stopped worker back, as a supervisor would
    assert stack.manage("evidence_sweep", "--stale-after", "0").returncode == 0  # what the beat does
    wait_for(lambda: evidence_rows(stack, "1.3")[0]["state"] == "valid", 90, "a new worker to decide the row")


def test_redis_stopped_during_an_upload_loses_nothing(stack):
    session = stack.session("demo_staff")
    stack.kill("redis", signal.SIGKILL)
    pdf = corpus.valid_pdf(4)
    answer = upload(stack, session, "1.4", "รายงานผล.pdf", pdf)
    assert answer.status_code == 200 and answer.json()["ok"], answer.text  # stored, though not queued
    rows = evidence_rows(stack, "1.4")
    assert [r["state"] for r in rows] == ["pending"]
    panel = session.get(stack.base + SUBITEM.format(number="1.4"), timeout=30).text
    assert "กำลังตรวจสอบ" in panel
    stack.start()  # Redis back (its append-only file kept what it had)
    assert stack.manage("evidence_sweep", "--stale-after", "0").returncode == 0
    wait_for(lambda: evidence_rows(stack, "1.4")[0]["state"] == "valid", 90, "the row to be decided")
    assert evidence_rows(stack, "1.4")[0]["sha256"] == hashlib.sha256(pdf).hexdigest()


def test_a_gunicorn_worker_killed_mid_save_leaves_each_save_whole_or_absent(stack):
    session = stack.session("demo_staff")
    url = stack.base + SUBITEM.format(number="2.1")
    page = session.get(url, timeout=30).text
    token = re.search(r'name="editor_token" value="([0-9a-f]*)"', page).group(1)
    items = sorted(set(re.findall(r'name="(item_\d+)"', page)))
    fields = sorted(set(re.findall(r'name="(field_\d+)"', page)))
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    headers = {"X-CSRFToken": form_token(page), "HX-Request": "true", "Referer": url}
    statuses: list[int | str] = []

    def save(n: int):
        data = {"version": version, "editor_token": token, **{i: str(n % 2) for i in items}}
        data.update({f: f"รอบที่ {n}" for f in fields})
        try:
            statuses.append(session.post(url, data=data, headers=headers, timeout=60).status_code)
        except requests.RequestException as exc:  # the connection of the killed worker
            statuses.append(type(exc).__name__)

    threads = [threading.Thread(target=save, args=(n,)) for n in range(40)]
    for t in threads:
        t.start()
        time.sleep(0.02)
    children = subprocess.run(["pgrep", "-P", str(stack.pid("web"))], capture_output=True, text=True).stdout.split()
    for child in children[:2]:
        subprocess.run(["kill", "-9", child], check=False)
    for t in threads:
        t.join()
    assert any(s == 200 for s in statuses)
    check = stack.manage(
        "shell",
        "-c",
        "from assessments.models import SubItemReport; r = SubItemReport.objects.get(assessment__office__code="
        "'DEMO-01', subitem__number='2.1'); texts = set(r.answer_texts.values_list('text', flat=True)); "
        "values = set(r.checklist_answers.values_list('value', flat=True)); "
        "print('TEXTS', sorted(texts)); print('VALUES', sorted(values)); "
        "print('SUMMARY', r.answered, r.done, len(list(r.checklist_answers.all())))",
    )
    texts = check.stdout.split("TEXTS ", 1)[1].splitlines()[0]
    values = check.stdout.split("VALUES ", 1)[1].splitlines()[0]
    answered, done, total = (int(x) for x in check.stdout.split("SUMMARY ", 1)[1].split())
    assert texts.count("รอบที่") == 1, texts  # every field from one save: whole, never half
    n = int(re.search(r"รอบที่ (\d+)", texts).group(1))
    assert values == f"[{n % 2}]", (values, n)  # the ticks of the same save
    assert (answered, done) == (total, total if n % 2 else 0)  # the summary of that save too
    wait_for(lambda: requests.get(stack.base + "/healthz/", timeout=5).ok, 30, "gunicorn to replace its workers")


def test_postgresql_stopped_for_ten_seconds_answers_the_thai_503_and_resumes(stack):
    session = stack.session("demo_staff")
    home = stack.base + "/offices/DEMO-01/"
    assert session.get(home, timeout=30).status_code == 200
    bindir = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
    as_pg = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    subprocess.run([*as_pg, str(bindir / "pg_ctl"), "-D", str(stack.folder / "pg"), "-m", "fast", "stop"], check=True)
    try:
        down = session.get(home, timeout=30)
        assert down.status_code == 503
        assert "ระบบไม่พร้อมให้บริการชั่วคราว" in down.text and "Traceback" not in down.text
        assert requests.get(stack.base + "/healthz/", timeout=10).status_code == 200  # alive, not ready
        assert requests.get(stack.base + "/healthz/ready/", timeout=30).status_code == 500
        time.sleep(10)
    finally:
        stack.start()  # PostgreSQL back
    wait_for(lambda: session.get(home, timeout=30).status_code == 200, 60, "pages to work again by themselves")


def test_a_backup_restored_into_a_new_stack_answers_the_same_pages_and_bytes(stack, tmp_path):
    session = stack.session("demo_staff")
    pdf = corpus.valid_pdf(5)
    assert upload(stack, session, "3.1", "แผนปฏิบัติราชการ.pdf", pdf).status_code == 200
    wait_for(lambda: evidence_rows(stack, "3.1")[0]["state"] == "valid", 90, "the file to be checked")
    before = {r["id"]: r["sha256"] for r in evidence_rows(stack, "3.1")}
    page_before = session.get(stack.base + SUBITEM.format(number="3.1"), timeout=30).text
    archive = tmp_path / "pmqa.tar"
    made = stack.manage("backup_create", "--out", str(archive))
    assert made.returncode == 0, made.stderr[-2000:]
    stack.run("stop")

    restored = Stack(folder=stack_folder("restored"))
    try:
        assert restored.run("start-empty", check=False).returncode == 0
        restored.env = dict(
            line.split("=", 1) for line in (restored.folder / "env").read_text().splitlines() if "=" in line
        )
        done = restored.manage("backup_restore", str(archive))
        assert done.returncode == 0, done.stdout + done.stderr[-2000:]
        copy_demo_accounts(stack, restored)
        restored.start()
        again = restored.session("demo_staff")
        page_after = again.get(restored.base + SUBITEM.format(number="3.1"), timeout=30).text
        assert re.findall(r"แผนปฏิบัติราชการ\.pdf", page_after) == re.findall(r"แผนปฏิบัติราชการ\.pdf", page_before)
        for evidence_id, sha in before.items():
            body = again.get(f"{restored.base}/evidence/{evidence_id}/file/?download=1", timeout=30).content
            assert hashlib.sha256(body).hexdigest() == sha
        assert restored.objects() == stack_objects_from_manifest(archive)
    finally:
        restored.run("stop", check=False)
        shutil.rmtree(restored.folder, ignore_errors=True)
        stack.start()


def copy_demo_accounts(source: Stack, target: Stack):
    """The demo passwords are kept beside the stack, not in the database: the restored stack
    is the same installation, so its people log in with the same passwords."""
    (target.folder / "demo-accounts.json").write_text((source.folder / "demo-accounts.json").read_text())


def stack_objects_from_manifest(archive: Path) -> list[str]:
    with tarfile.open(archive) as tar:
        return sorted(f["name"] for f in json.load(tar.extractfile("manifest.json"))["files"])
