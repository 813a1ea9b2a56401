"""The profile journey in a real browser: an answer with a table, saved, reloaded; another
marked not applicable; a second revision and its difference."""

import io
import os

import pytest
from django.core.management import call_command
from PIL import Image

from orgprofile.models import ProfileAnswer
from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("PMQA_SCREENSHOTS")


def shot(page, tmp_path, name):
    page.screenshot(path=str((SHOTS and os.path.join(SHOTS, name)) or tmp_path / name), full_page=True)


@pytest.fixture
def questions(db):
    call_command("load_catalogue", stdout=io.StringIO())
    call_command("load_profile_questions", stdout=io.StringIO())


def test_staff_writes_table_marks_not_applicable_and_sees_the_diff(page, staff, questions, tmp_path):
    errors = []
    page.on("console", lambda msg: errors.append(page.url + " " + msg.text) if msg.type == "error" else None)
    page.add_init_script(
        "window.__csp=[];document.addEventListener('securitypolicyviolation',"
        "e=>window.__csp.push([location.pathname,e.sourceFile,e.lineNumber,e.columnNumber,e.sample].join(' ')));"
    )
    browser_login(page, staff.username)
    page.get_by_role("link", name="ลักษณะสำคัญขององค์กร", exact=True).click()
    page.wait_for_load_state("networkidle")
    assert "ตอบแล้ว 0 จาก 13 ข้อ" in page.content()
    shot(page, tmp_path, "profile-empty.png")

    # (1): a paragraph and a table, then the explicit save button.
    page.locator("#q1").get_by_role("link", name="เขียนคำตอบ").click()
    editor = page.locator("#answer-editor .ql-editor")
    editor.click()
    page.keyboard.type("พันธกิจหลักของสำนักงาน")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="แทรกตาราง").click()
    page.keyboard.type("งานนโยบาย")
    page.keyboard.press("Tab")
    page.keyboard.type("กลุ่มนโยบายและแผน")
    page.get_by_role("button", name="บันทึก", exact=True).click()
    page.wait_for_load_state("networkidle")
    assert "บันทึกคำตอบข้อ (1) แล้ว" in page.content()

    page.reload()
    page.wait_for_load_state("networkidle")
    assert page.locator("#answer-editor .ql-editor table td", has_text="กลุ่มนโยบายและแผน").count() == 1
    assert page.locator("#answer-editor .ql-editor", has_text="พันธกิจหลักของสำนักงาน").count() == 1
    shot(page, tmp_path, "profile-edit.png")

    # Change the text: autosave (htmx) keeps a second revision and says when it saved.
    editor.locator("p", has_text="พันธกิจหลักของสำนักงาน").click()
    page.keyboard.press("End")
    page.keyboard.type(" และการนิเทศ")
    page.locator("#autosave-box .autosave-status", has_text="บันทึกแล้ว เวลา").wait_for()
    answer = ProfileAnswer.objects.get(question__number=1)
    assert answer.revisions.count() == 2

    # (9): not applicable.
    page.goto(page.base_url + f"/offices/{staff.membership.office.code}/profile/q/9/")
    page.get_by_label("ส่วนราชการมีลักษณะงานไม่เกี่ยวข้องกับคำถามในข้อนี้").check()
    page.locator("#autosave-box .autosave-status", has_text="บันทึกแล้ว เวลา").wait_for()
    page.get_by_role("link", name="กลับไปหน้ารวม").click()
    page.wait_for_load_state("networkidle")
    assert "ตอบแล้ว 2 จาก 13 ข้อ" in page.content()
    assert page.locator("#q9").get_by_text("ส่วนราชการมีลักษณะงานไม่เกี่ยวข้องกับคำถามในข้อนี้").count() == 1
    assert page.locator("#q1 table td", has_text="งานนโยบาย").count() == 1

    # The history of (1): two revisions, and the difference names the change.
    page.locator("#q1").get_by_role("link", name="ประวัติการแก้ไข").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#revision-list tbody tr").count() == 2
    assert page.locator(".diff-removed", has_text="พันธกิจหลักของสำนักงาน").count() == 1
    assert page.locator(".diff-added", has_text="พันธกิจหลักของสำนักงาน และการนิเทศ").count() == 1
    shot(page, tmp_path, "profile-revisions.png")

    page.goto(page.base_url + f"/offices/{staff.membership.office.code}/profile/print/")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.fonts.check('16px Sarabun', 'ลักษณะ')")
    shot(page, tmp_path, "profile-print.png")
    page.emulate_media(media="print")
    assert page.locator(".print-toolbar").is_hidden()
    assert page.pdf(format="A4").startswith(b"%PDF")
    csp = [e for e in errors if "Content Security Policy" in e or "Refused" in e]
    assert not csp and not page.evaluate("window.__csp"), "\n".join(csp)


def test_staff_inserts_a_picture_and_a_too_large_one_is_refused(page, staff, questions, tmp_path):

    small, large = tmp_path / "diagram.png", tmp_path / "huge.png"
    Image.new("RGB", (120, 60), (20, 90, 200)).save(small)
    Image.new("RGB", (4100, 10), (20, 90, 200)).save(large)
    browser_login(page, staff.username)
    page.goto(page.base_url + f"/offices/{staff.membership.office.code}/profile/q/4/")
    page.locator("#answer-editor .ql-editor").click()
    page.keyboard.type("แผนผังอาคาร")
    page.locator("#answer-image-input").set_input_files(str(large))
    page.locator("#autosave-box .autosave-status.is-error", has_text="เกินกำหนด 4000×4000 พิกเซล").wait_for()
    page.locator("#answer-image-input").set_input_files(str(small))
    page.locator("#answer-editor .ql-editor img[src^='/profile/images/']").wait_for()
    page.get_by_role("button", name="บันทึก", exact=True).click()
    page.wait_for_load_state("networkidle")
    assert "บันทึกคำตอบข้อ (4) แล้ว" in page.content()
    page.goto(page.base_url + f"/offices/{staff.membership.office.code}/profile/")
    picture = page.locator("#q4 .profile-answer img")
    picture.wait_for()
    assert page.evaluate("(img) => img.complete && img.naturalWidth", picture.element_handle()) == 120
    shot(page, tmp_path, "profile-picture.png")
