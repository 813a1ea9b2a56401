"""Issue 14's journey in Chromium: a coordinator carries 2566 forward into 2567, sees the
"ยกมาจากปี 2566" marks, edits one field (its mark goes, by autosave), then switches to 2566
and finds it read-only and unchanged."""

import io

import pytest
from django.core.management import call_command

from assessments.models import AnswerField, AnswerText, Catalogue, ChecklistAnswer, SubItem
from assessments.services.answers import subitem_answers_save
from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _year_2566(office, staff):
    call_command("load_catalogue", verbosity=0)
    call_command("load_profile_questions", verbosity=0)
    catalogue = Catalogue.objects.get(fiscal_year=2566)
    subitem = SubItem.objects.select_related("catalogue").get(catalogue=catalogue, number="1.1.1")
    subitem_answers_save(
        user=staff,
        office=office,
        subitem=subitem,
        base_version=0,
        values={item.id: 1 for item in subitem.checklist_items.all()},
        texts={f.id: f"คำตอบปี 2566 หัวข้อ {f.order}" for f in AnswerField.objects.filter(catalogue=catalogue)},
    )
    call_command("fiscal_year_open", "2567", "--copy-catalogue-from", "2566", stdout=io.StringIO())
    return subitem


def test_coordinator_carries_forward_edits_and_finds_2566_read_only(page, office, staff, coordinator, tmp_path):
    old_subitem = _year_2566(office, staff)
    before = sorted(AnswerText.objects.filter(report__subitem=old_subitem).values_list("field_id", "text"))
    browser_login(page, coordinator.username)

    page.goto(page.base_url + f"/offices/{office.code}/")
    page.locator("#carry-forward-link").click()
    page.get_by_label("ทั้งหมด (ลักษณะสำคัญขององค์การและหมวด 1-6)").check()
    page.get_by_role("button", name="ยกข้อมูลมาเป็นฉบับร่าง").click()
    page.wait_for_load_state("networkidle")
    assert "ยกข้อมูลจากปี 2566 มาเป็นฉบับร่างแล้ว" in page.content()

    page.goto(page.base_url + f"/offices/{office.code}/subitem/1.1.1/")
    marks = page.locator(".carried-mark", has_text="ยกมาจากปี 2566")
    assert marks.count() == 6 + 10  # six ticks and ten fields
    page.screenshot(path=str(tmp_path / "carried.png"), full_page=True)

    # Edit one field: the autosave clears its mark, on the page and in the database.
    first = page.locator("#subitem-form textarea").first
    assert first.input_value() == "คำตอบปี 2566 หัวข้อ 1"
    first.fill("ปรับปรุงสำหรับปี 2567")
    page.locator("#save-status", has_text="บันทึกแล้ว").wait_for()
    assert marks.count() == 6 + 9
    page.reload()
    assert page.locator(".carried-mark", has_text="ยกมาจากปี 2566").count() == 6 + 9
    assert page.locator("#subitem-form textarea").first.input_value() == "ปรับปรุงสำหรับปี 2567"

    # Switch to 2566: read-only, says so, and unchanged.
    page.locator("#year-switcher a[data-year='2566']").click()
    page.wait_for_load_state("networkidle")
    assert "กำลังแสดงข้อมูลปีงบประมาณ พ.ศ. 2566" in page.locator("#past-year").inner_text()
    assert page.locator("#subitem-form").count() == 0
    assert page.locator("main form, #subitem-readonly textarea, #subitem-readonly input").count() == 0
    assert page.get_by_role("button", name="ส่งเพื่อรับรอง").count() == 0
    readonly = page.locator("#subitem-readonly")
    assert "คำตอบปี 2566 หัวข้อ 1" in readonly.inner_text()
    assert "ปรับปรุงสำหรับปี 2567" not in readonly.inner_text()
    assert page.locator(".carried-mark").count() == 0
    page.screenshot(path=str(tmp_path / "read_only_2566.png"), full_page=True)
    assert sorted(AnswerText.objects.filter(report__subitem=old_subitem).values_list("field_id", "text")) == before
    assert set(ChecklistAnswer.objects.filter(report__subitem=old_subitem).values_list("value", flat=True)) == {1}
