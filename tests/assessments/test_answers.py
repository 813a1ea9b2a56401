"""Office staff answer a sub-item through the real form: values, texts, stale forms, submit."""

import pytest
from django.urls import reverse

from assessments.models import (
    AnswerText,
    Category,
    CategoryAssignment,
    ChecklistAnswer,
    ReviewState,
    SubItem,
    SubItemReport,
)
from pmqa_site.roles import Role
from tests.assessments.conftest import all_texts, form_data

pytestmark = pytest.mark.django_db

ADVANCE = {
    ("basic", 1): "1",
    ("basic", 2): "1",
    ("advance", 1): "1",
    ("advance", 2): "1",
    ("significance", 1): "0",
    ("significance", 2): "",
}


def test_staff_saves_checklist_and_summary(office, client_for, staff, subitem_111):
    client = client_for(staff)
    url = reverse("assessments:subitem", args=[office.code, "1.1.1"])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "ผอ.สพท. สร้างความยั่งยืนให้องค์กร" in html
    assert "แนวทางการดำเนินงาน" in html  # guidance shown beside the checklist
    assert "แบบสรุปประเด็นการตอบ 10 ประเด็น" in html
    response = client.post(url, form_data(subitem_111, values=ADVANCE, texts={1: "โครงการสื่อสารนโยบาย"}), follow=True)
    assert "บันทึกประเด็น 1.1.1 แล้ว" in response.content.decode()
    report = SubItemReport.objects.get(subitem=subitem_111)
    assert report.version == 1
    values = {
        (a.item.level, a.item.order): a.value
        for a in ChecklistAnswer.objects.filter(report=report).select_related("item")
    }
    assert values[("basic", 1)] == 1 and values[("significance", 1)] == 0
    assert ("significance", 2) not in values  # blank stays unanswered, not 0
    assert AnswerText.objects.get(report=report, field__order=1).text == "โครงการสื่อสารนโยบาย"


def test_value_other_than_1_0_or_blank_is_refused_and_changes_nothing(office, client_for, staff, subitem_111):
    client = client_for(staff)
    data = form_data(subitem_111, values=ADVANCE)
    item = subitem_111.checklist_items.first()
    data[f"item_{item.id}"] = "2"
    response = client.post(reverse("assessments:subitem", args=[office.code, "1.1.1"]), data)
    assert response.status_code == 422
    assert "รับได้เฉพาะ 1 (ดำเนินการจริง) 0 (ยังไม่มีแนวทาง) หรือเว้นว่าง" in response.content.decode()
    assert not ChecklistAnswer.objects.exists()


def test_stale_form_is_refused_showing_what_changed_and_keeping_typed_text(
    client_for, staff, make_user, office, subitem_111
):

    colleague = make_user(Role.ESA_STAFF, office, username="colleague", first_name="สมพร", last_name="ขยัน")
    first = client_for(colleague)
    first.post(
        reverse("assessments:subitem", args=[office.code, "1.1.1"]),
        form_data(subitem_111, version=0, texts={1: "ข้อความของสมพร"}),
    )
    # staff opened the form at version 0 too, and saves after the colleague.
    second = client_for(staff)
    response = second.post(
        reverse("assessments:subitem", args=[office.code, "1.1.1"]),
        form_data(subitem_111, version=0, texts={1: "ข้อความของสมศรี"}),
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "มีผู้บันทึกข้อมูลประเด็นนี้หลังจากที่ท่านเปิดแบบฟอร์ม" in html
    assert "สมพร ขยัน" in html
    assert "ข้อความของสมพร" in html  # what changed
    assert "ข้อความของสมศรี" in html  # the typed text comes back in the form
    assert AnswerText.objects.get(field__order=1).text == "ข้อความของสมพร"  # nothing overwritten
    # The returned form carries the saved version: a deliberate second save goes through.
    assert 'name="version" value="1"' in html


def test_stale_autosave_answers_409_fragment(client_for, staff, make_user, office, subitem_111):

    colleague = make_user(Role.ESA_STAFF, office, username="colleague2")
    client_for(colleague).post(
        reverse("assessments:subitem", args=[office.code, "1.1.1"]), form_data(subitem_111, texts={2: "ก"})
    )
    response = client_for(staff).post(
        reverse("assessments:subitem", args=[office.code, "1.1.1"]),
        form_data(subitem_111, texts={2: "ข"}),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 409
    assert 'data-autosave-error="stale"' in response.content.decode()


def test_autosave_returns_status_and_new_version(office, client_for, staff, subitem_111):
    response = client_for(staff).post(
        reverse("assessments:subitem", args=[office.code, "1.1.1"]),
        form_data(subitem_111, texts={1: "ร่าง"}),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "บันทึกแล้ว" in html and "น." in html
    assert 'id="id_version"' in html and 'value="1"' in html and 'hx-swap-oob="true"' in html


def test_reviewer_cannot_change_answers(client_for, reviewer, office, subitem_111):
    response = client_for(reviewer).post(
        reverse("assessments:subitem", args=[office.code, "1.1.1"]), form_data(subitem_111, texts={1: "แก้โดยผู้ตรวจ"})
    )
    assert response.status_code == 403
    assert "ผู้ตรวจและผู้ดูแลระบบไม่สามารถแก้ไขข้อมูล" in response.content.decode()
    assert not AnswerText.objects.exists()


def test_reviewer_reads_any_office_read_only(client_for, reviewer, office, subitem_111):
    response = client_for(reviewer).get(reverse("assessments:subitem", args=[office.code, "1.1.1"]))
    assert response.status_code == 200
    assert "อ่านอย่างเดียว" in response.content.decode()


def test_another_office_is_not_reachable(client_for, other_staff, office, subitem_111):
    client = client_for(other_staff)
    assert client.get(reverse("assessments:subitem", args=[office.code, "1.1.1"])).status_code == 403
    assert (
        client.post(reverse("assessments:subitem", args=[office.code, "1.1.1"]), form_data(subitem_111)).status_code
        == 403
    )
    assert client.get(reverse("assessments:home", args=[office.code])).status_code == 403


def test_item_of_another_subitem_is_refused(office, client_for, staff, subitem_111, catalogue):
    other = SubItem.objects.get(catalogue=catalogue, number="2.1")
    data = form_data(subitem_111)
    data[f"item_{other.checklist_items.first().id}"] = "1"  # an extra field: ignored by the form
    client_for(staff).post(reverse("assessments:subitem", args=[office.code, "1.1.1"]), data)
    assert not ChecklistAnswer.objects.filter(item__subitem=other).exists()


def test_not_reportable_subitem_is_read_only(office, client_for, staff, catalogue):
    response = client_for(staff).get(reverse("assessments:subitem", args=[office.code, "1.2"]))
    assert "ประเด็นนี้ สพท. ไม่ต้องรายงานในระบบ" in response.content.decode()
    assert "ITA" in response.content.decode()
    assert 'id="subitem-form"' not in response.content.decode()


def test_submitting_an_empty_subitem_is_refused(office, client_for, staff, subitem_111):
    response = client_for(staff).post(reverse("assessments:subitem-submit", args=[office.code, "1.1.1"]), follow=True)
    html = response.content.decode()
    assert "ยังส่งประเด็น 1.1.1 ไม่ได้" in html
    assert "ยังไม่ได้ตอบรายการตรวจสอบ 6 รายการ" in html
    assert not SubItemReport.objects.filter(state=ReviewState.AWAITING).exists()


def test_submit_a_complete_subitem(office, client_for, staff, subitem_111):
    client = client_for(staff)
    client.post(
        reverse("assessments:subitem", args=[office.code, "1.1.1"]),
        form_data(subitem_111, values=ADVANCE | {("significance", 2): "0"}, texts=all_texts()),
    )
    response = client.post(reverse("assessments:subitem-submit", args=[office.code, "1.1.1"]), follow=True)
    assert "ส่งประเด็น 1.1.1 ให้ส่วนกลางตรวจรับรองแล้ว" in response.content.decode()
    report = SubItemReport.objects.get(subitem=subitem_111)
    assert report.state == ReviewState.AWAITING and report.submitted_at is not None


def test_category_submit_is_all_or_nothing(office, client_for, staff, catalogue, subitem_111):
    client = client_for(staff)
    full = {(i.level, i.order): "1" for i in subitem_111.checklist_items.all()}
    client.post(
        reverse("assessments:subitem", args=[office.code, "1.1.1"]),
        form_data(subitem_111, values=full, texts=all_texts()),
    )
    response = client.post(reverse("assessments:category-submit", args=[office.code, 1]), follow=True)
    html = response.content.decode()
    assert "ยังส่งหมวด 1 ไม่ได้ จึงยังไม่ได้ส่งประเด็นใดเลย" in html
    assert "1.3:" in html and "1.4:" in html
    assert not SubItemReport.objects.filter(state=ReviewState.AWAITING).exists()
    for number in ("1.3", "1.4"):
        sub = SubItem.objects.get(catalogue=catalogue, number=number)
        values = {(i.level, i.order): "1" for i in sub.checklist_items.all()}
        client.post(
            reverse("assessments:subitem", args=[office.code, number]), form_data(sub, values=values, texts=all_texts())
        )
    response = client.post(reverse("assessments:category-submit", args=[office.code, 1]), follow=True)
    assert "ส่งหมวด 1 แล้ว 3 ประเด็น" in response.content.decode()
    assert SubItemReport.objects.filter(state=ReviewState.AWAITING).count() == 3


def test_office_home_shows_level_fraction_and_percent(office, client_for, staff, subitem_111):
    client = client_for(staff)
    client.post(reverse("assessments:subitem", args=[office.code, "1.1.1"]), form_data(subitem_111, values=ADVANCE))
    html = client.get(reverse("assessments:home", args=[office.code])).content.decode()
    assert "ยังไม่ถึงระดับพื้นฐาน (Basic)" in html  # the office's stage: other sub-items have no level yet
    row = html[html.index('data-subitem="1.1.1"') :]
    row = row[: row.index("</tr>")]
    assert "ระดับก้าวหน้า 400 คะแนน (Advance)" in row
    assert "0.6667" in row and "ร้อยละ 66.67" in row
    assert "0.0476" in html and "ร้อยละ 4.76" in html  # 4 of 84 overall


def test_readiness_lists_what_is_missing_with_links(office, client_for, staff, subitem_111):
    client = client_for(staff)
    client.post(
        reverse("assessments:subitem", args=[office.code, "1.1.1"]),
        form_data(subitem_111, values=ADVANCE, texts={1: "ก"}),
    )
    html = client.get(reverse("reporting:readiness", args=[office.code])).content.decode()
    block = html[html.index('data-subitem="1.1.1"') :]
    block = block[: block.index('data-subitem="1.3"')]
    assert "ยังไม่ได้ตอบรายการตรวจสอบ 1 รายการ" in block
    assert "ยังไม่ได้กรอกแบบสรุปประเด็นการตอบ 9 หัวข้อ" in block
    assert reverse("assessments:subitem", args=[office.code, "1.1.1"]) in block


def test_coordinator_assigns_a_category(office, client_for, coordinator, staff, catalogue):

    category = Category.objects.get(catalogue=catalogue, number=2)
    response = client_for(coordinator).post(
        reverse("assessments:assignments", args=[office.code]),
        {"category": category.pk, "assignee": staff.pk},
        follow=True,
    )
    assert "บันทึกผู้รับผิดชอบหมวด 2 แล้ว" in response.content.decode()
    assert CategoryAssignment.objects.get(category=category).user == staff


def test_staff_cannot_assign_and_coordinator_cannot_assign_outsiders(
    office, client_for, staff, coordinator, other_staff, catalogue
):

    category = Category.objects.get(catalogue=catalogue, number=2)
    assert (
        client_for(staff)
        .post(reverse("assessments:assignments", args=[office.code]), {"category": category.pk, "assignee": staff.pk})
        .status_code
        == 403
    )
    response = client_for(coordinator).post(
        reverse("assessments:assignments", args=[office.code]),
        {"category": category.pk, "assignee": other_staff.pk},
        follow=True,
    )
    assert "เลือกผู้รับผิดชอบไม่ถูกต้อง" in response.content.decode()
    assert not CategoryAssignment.objects.exists()


def test_saves_racing_from_the_same_page_are_not_a_conflict(office, client_for, staff, subitem_111):
    """An autosave still in flight when the user presses save comes from the same page."""
    client = client_for(staff)
    url = reverse("assessments:subitem", args=[office.code, "1.1.1"])
    token = "a" * 32
    first = form_data(subitem_111, version=0, texts={1: "ร่างแรก"}) | {"editor_token": token}
    client.post(url, first, HTTP_HX_REQUEST="true")
    # The page still shows version 0 (the autosave's answer has not arrived) and has more text.
    second = form_data(subitem_111, version=0, texts={1: "ร่างแรก", 2: "เพิ่มอีกหัวข้อ"}) | {"editor_token": token}
    response = client.post(url, second)
    assert response.status_code == 302
    assert AnswerText.objects.get(field__order=2).text == "เพิ่มอีกหัวข้อ"
    # Another page with the same old version is still refused.
    other = form_data(subitem_111, version=0, texts={1: "หน้าอื่น"}) | {"editor_token": "b" * 32}
    assert client.post(url, other).status_code == 409
