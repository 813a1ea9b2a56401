"""The organisation profile: the 13 questions, answers, revisions, carry forward, pictures, access."""

import io
import json
import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from orgprofile.models import Profile, ProfileAnswer, ProfileAnswerRevision, ProfileImage, ProfileQuestion
from orgprofile.richtext import richtext_clean, richtext_diff
from orgprofile.selectors import profile_progress
from orgprofile.services import profile_answer_save, profile_get_or_create

YEAR = 2566
NA_TEXT = "ส่วนราชการมีลักษณะงานไม่เกี่ยวข้องกับคำถามในข้อนี้"


@pytest.fixture
def questions(db):
    call_command("load_catalogue", stdout=io.StringIO())
    call_command("load_profile_questions", stdout=io.StringIO())
    return {q.number: q for q in ProfileQuestion.objects.filter(question_set__fiscal_year=YEAR)}


def edit_url(office, number):
    return reverse("orgprofile:answer-edit", kwargs={"code": office.code, "number": number})


def form_values(html):
    """The values a browser would submit from the answer form on `html`."""
    version = re.search(r'name="version" value="(\d+)"', html).group(1)
    return {"version": version}


def png_bytes(size=(20, 10), fmt="PNG"):
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format=fmt)
    return out.getvalue()


# --- The questions --------------------------------------------------------------------------


def test_loading_is_idempotent_and_groups_follow_the_seed(questions):
    call_command("load_profile_questions", stdout=io.StringIO())
    assert ProfileQuestion.objects.count() == 13
    groups = {n: (q.part_number, q.group_letter) for n, q in questions.items()}
    assert [n for n, g in groups.items() if g == ("1", "ก")] == [1, 2, 3, 4, 5]
    assert [n for n, g in groups.items() if g == ("1", "ข")] == [6, 7, 8]
    assert [n for n, g in groups.items() if g == ("2", "ก")] == [9, 10, 11]
    assert [n for n, g in groups.items() if g == ("2", "ข")] == [12]
    assert [n for n, g in groups.items() if g == ("2", "ค")] == [13]


def test_profile_page_shows_all_questions_sub_questions_and_instructions(office, questions, staff, client_for):
    response = client_for(staff).get(reverse("orgprofile:profile", kwargs={"code": office.code}), follow=True)
    page = response.content.decode()
    assert response.status_code == 200
    assert "คำอธิบายการตอบคำถาม" in page
    assert "โดยใช้วิธีการพรรณนาความ ใช้แผนภาพประกอบ หรือใช้ตาราง" in page
    for question in questions.values():
        assert f"({question.number}) {question.title}" in page
        for sub in question.sub_questions:
            assert sub["text"] in page
    assert "ในการทำงานจำเป็นต้องมีข้อกำหนดด้านสุขภาพและความปลอดภัยที่เป็นเรื่องเฉพาะของส่วนราชการอะไรบ้าง" in page
    assert "ตอบแล้ว 0 จาก 13 ข้อ" in page


# --- Sanitiser ------------------------------------------------------------------------------


def test_sanitiser_strips_scripts_handlers_iframes_and_remote_images():
    dirty = (
        '<p onclick="steal()" style="color:red">สวัสดี<script>alert(1)</script></p>'
        '<iframe src="https://evil.example/"></iframe>'
        '<img src="https://evil.example/x.png" onerror="alert(2)">'
        '<a href="javascript:alert(3)">ลิงก์</a>'
        '<table><thead><tr><th colspan="2">หัว</th></tr></thead><tbody><tr><td rowspan="2">1</td><td>2</td></tr></tbody></table>'  # noqa: E501
    )
    result = richtext_clean(dirty)
    for bad in ("script", "onclick", "onerror", "iframe", "evil.example", "javascript:", "style="):
        assert bad not in result.html
    assert '<th colspan="2">หัว</th>' in result.html
    assert '<td rowspan="2">1</td>' in result.html
    assert "สวัสดี" in result.html
    assert any("สคริปต์" in m for m in result.removed)
    assert any("onclick" in m for m in result.removed)
    assert any("รูปภาพจากเว็บไซต์ภายนอก" in m for m in result.removed)


def test_sanitiser_keeps_our_own_pictures_only():
    own = '<img src="/profile/images/12345678-1234-1234-1234-123456789abc/">'
    assert richtext_clean(own).html == own
    assert richtext_clean('<img src="data:image/png;base64,AAAA">').html == ""


def test_pasted_script_is_cleaned_and_user_told_in_thai(questions, staff, client_for):
    client = client_for(staff)
    response = client.post(
        edit_url(staff.membership.office, 1),
        {"html": "<p>พันธกิจ<img src=x onerror=alert(1)></p><script>alert(1)</script>", "version": 0},
        follow=True,
    )
    page = response.content.decode()
    assert "ระบบได้นำสิ่งต่อไปนี้ออกจากคำตอบเพื่อความปลอดภัย" in page
    answer = ProfileAnswer.objects.get()
    assert answer.html == "<p>พันธกิจ</p>"


# --- Saving, not applicable, stale forms ----------------------------------------------------


def test_staff_saves_an_answer_through_the_form(questions, staff, client_for):
    client = client_for(staff)
    office = staff.membership.office
    page = client.get(edit_url(office, 1)).content.decode()
    html = "<p>พันธกิจหลัก</p><table><tbody><tr><td>ภารกิจ</td><td>ผู้รับผิดชอบ</td></tr></tbody></table>"
    response = client.post(edit_url(office, 1), {"html": html, **form_values(page)}, follow=True)
    assert "บันทึกคำตอบข้อ (1) แล้ว" in response.content.decode()
    detail = client.get(reverse("orgprofile:profile", kwargs={"code": office.code})).content.decode()
    assert "<td>ภารกิจ</td>" in detail
    assert "ตอบแล้ว 1 จาก 13 ข้อ" in detail
    assert profile_progress(office=office, fiscal_year=YEAR) == (1, 13)


def test_not_applicable_fills_the_stock_sentence(questions, staff, client_for):
    client = client_for(staff)
    office = staff.membership.office
    client.post(edit_url(office, 9), {"html": "<p>ร่าง</p>", "not_applicable": "on", "version": 0})
    answer = ProfileAnswer.objects.get(question__number=9)
    assert answer.not_applicable
    assert answer.html == f"<p>{NA_TEXT}</p>"
    assert NA_TEXT in client.get(reverse("orgprofile:profile", kwargs={"code": office.code})).content.decode()


def test_stale_save_is_refused_and_typed_text_comes_back(questions, staff, coordinator, client_for):
    office = staff.membership.office
    profile_answer_save(
        user=coordinator,
        office=office,
        fiscal_year=YEAR,
        question=questions[2],
        html="<p>วิสัยทัศน์ของผู้ประสานงาน</p>",
        not_applicable=False,
        version=0,
    )
    client = client_for(staff)
    response = client.post(edit_url(office, 2), {"html": "<p>ข้อความที่ฉันพิมพ์</p>", "version": 0})
    page = response.content.decode()
    assert response.status_code == 409
    assert "ไม่ได้บันทึก: คำตอบข้อนี้ถูกแก้ไขโดย" in page
    assert "ข้อความที่ฉันพิมพ์" in page  # in the form, nothing lost
    assert "<del>วิสัยทัศน์ของผู้ประสานงาน</del>" in page  # what changed
    assert ProfileAnswer.objects.get(question__number=2).html == "<p>วิสัยทัศน์ของผู้ประสานงาน</p>"
    # Having read the difference, saving again replaces the newer text (kept in the history).
    response = client.post(edit_url(office, 2), {"html": "<p>ข้อความที่ฉันพิมพ์</p>", **form_values(page)})
    assert response.status_code == 302
    assert ProfileAnswer.objects.get(question__number=2).revisions.count() == 2


def test_autosave_answers_with_status_and_new_version(questions, staff, client_for):
    client = client_for(staff)
    office = staff.membership.office
    response = client.post(edit_url(office, 3), {"html": "<p>ก</p>", "version": 0}, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert "บันทึกแล้ว เวลา" in page
    assert 'name="version" value="1"' in page
    response = client.post(edit_url(office, 3), {"html": "<p>กข</p>", "version": 1}, headers={"HX-Request": "true"})
    assert 'name="version" value="2"' in response.content.decode()
    # Autosaves by one person a moment apart extend one revision.
    assert ProfileAnswer.objects.get(question__number=3).revisions.count() == 1
    stale = client.post(edit_url(office, 3), {"html": "<p>เก่า</p>", "version": 1}, headers={"HX-Request": "true"})
    page = stale.content.decode()
    assert "is-error" in page and "ไม่ได้บันทึก" in page
    assert 'name="version" value="1"' in page


# --- Revisions ------------------------------------------------------------------------------


def test_revisions_list_diff_and_restore(questions, staff, client_for):
    client = client_for(staff)
    office = staff.membership.office
    client.post(edit_url(office, 4), {"html": "<p>อาคาร 1 หลัง</p>", "version": 0})
    client.post(edit_url(office, 4), {"html": "<p>อาคาร 2 หลัง</p>", "version": 1})
    url = reverse("orgprofile:revisions", kwargs={"code": office.code, "number": 4})
    page = client.get(url).content.decode()
    assert "<del>อาคาร 1 หลัง</del>" in page and "<ins>อาคาร 2 หลัง</ins>" in page
    response = client.post(
        reverse("orgprofile:revision-restore", kwargs={"code": office.code, "number": 4, "revision": 1}), follow=True
    )
    assert "เรียกคืนฉบับที่ 1 เป็นคำตอบปัจจุบันแล้ว" in response.content.decode()
    answer = ProfileAnswer.objects.get(question__number=4)
    assert answer.html == "<p>อาคาร 1 หลัง</p>"
    newest = answer.revisions.order_by("-number").first()
    assert (newest.number, newest.kind, newest.restored_from.number) == (3, ProfileAnswerRevision.Kind.RESTORE, 1)


def test_diff_lines_tables_by_row():
    diff = richtext_diff("<table><tr><td>ก</td><td>1</td></tr></table>", "<table><tr><td>ก</td><td>2</td></tr></table>")
    assert [(d.op, d.text) for d in diff] == [("removed", "ก | 1"), ("added", "ก | 2")]


# --- Carry forward --------------------------------------------------------------------------


def test_carry_forward_copies_last_year_as_carried_draft(questions, staff, client_for):
    office = staff.membership.office
    last_year = Profile.objects.create(office=office, fiscal_year=YEAR - 1, question_set=questions[1].question_set)
    ProfileAnswer.objects.create(profile=last_year, question=questions[1], html="<p>พันธกิจปีก่อน</p>", version=1)
    ProfileAnswer.objects.create(
        profile=last_year, question=questions[10], html=f"<p>{NA_TEXT}</p>", not_applicable=True, version=1
    )
    client = client_for(staff)
    detail_url = reverse("orgprofile:profile", kwargs={"code": office.code})
    assert f"เริ่มจากคำตอบปี {YEAR - 1}" in client.get(detail_url).content.decode()
    response = client.post(reverse("orgprofile:carry-forward", kwargs={"code": office.code}), follow=True)
    page = response.content.decode()
    assert f"ยกคำตอบจากปีงบประมาณ {YEAR - 1} มาเป็นฉบับร่างแล้ว" in page
    assert "ยกมา" in page
    profile = Profile.objects.get(office=office, fiscal_year=YEAR)
    assert profile.carried_from == last_year
    copied = {a.question.number: a for a in profile.answers.select_related("question")}
    assert copied[1].html == "<p>พันธกิจปีก่อน</p>" and copied[1].is_carried
    assert copied[10].not_applicable
    assert copied[1].revisions.get().kind == ProfileAnswerRevision.Kind.CARRY
    # A second carry would overwrite this year's work: refused.
    response = client.post(reverse("orgprofile:carry-forward", kwargs={"code": office.code}), follow=True)
    assert "มีคำตอบแล้ว จึงยกคำตอบจากปีก่อนมาทับไม่ได้" in response.content.decode()


def test_carry_forward_without_last_year_is_refused(questions, staff, client_for):
    office = staff.membership.office
    response = client_for(staff).post(reverse("orgprofile:carry-forward", kwargs={"code": office.code}), follow=True)
    assert f"ไม่มีคำตอบลักษณะสำคัญขององค์การของปีงบประมาณ {YEAR - 1} ให้ยกมา" in response.content.decode()
    assert not Profile.objects.exists()


# --- Pictures -------------------------------------------------------------------------------


def upload(client, office, data, name="d.png"):

    return client.post(
        reverse("orgprofile:image-upload", kwargs={"code": office.code}),
        {"image": SimpleUploadedFile(name, data, content_type="image/png")},
    )


def test_picture_upload_is_reencoded_and_served_to_permitted_users(questions, staff, other_staff, reviewer, client_for):
    office = staff.membership.office
    response = upload(client_for(staff), office, png_bytes())
    assert response.status_code == 200
    url = response.json()["url"]
    picture = ProfileImage.objects.get()
    assert (picture.width, picture.height, picture.content_type) == (20, 10, "image/png")
    assert picture.file.name.startswith(f"profile-images/{office.pk}/") and not picture.file.name.endswith("/d.png")
    assert client_for(staff).get(url).status_code == 200
    assert client_for(reviewer).get(url).status_code == 200
    assert client_for(other_staff).get(url).status_code == 404  # another office's picture does not exist


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"%PDF-1.4 not a picture", "ไม่ใช่รูปภาพ JPEG หรือ PNG"),
        (png_bytes((4001, 10)), "เกินกำหนด 4000×4000 พิกเซล"),
        (b"\x89PNG" + b"0" * (1024 * 1024 + 1), "เกินกำหนด 1 MB"),
    ],
)
def test_bad_pictures_are_refused_in_thai(questions, staff, client_for, data, message):
    response = upload(client_for(staff), staff.membership.office, data)
    assert response.status_code == 400
    assert message in " ".join(response.json()["messages"])
    assert not ProfileImage.objects.exists()


# --- Who may read and write -----------------------------------------------------------------


def test_other_office_user_gets_403(questions, office, other_staff, client_for):
    client = client_for(other_staff)
    for name, kwargs in [
        ("orgprofile:profile", {}),
        ("orgprofile:profile-print", {}),
        ("orgprofile:answer-edit", {"number": 1}),
        ("orgprofile:revisions", {"number": 1}),
    ]:
        assert client.get(reverse(name, kwargs={"code": office.code, **kwargs})).status_code == 403
    response = client.post(edit_url(office, 1), {"html": "<p>บุกรุก</p>", "version": 0})
    assert response.status_code == 403
    assert not ProfileAnswer.objects.exists()


def test_reviewer_reads_any_profile_but_cannot_write(questions, office, staff, reviewer, client_for):
    profile_answer_save(
        user=staff,
        office=office,
        fiscal_year=YEAR,
        question=questions[5],
        html="<p>กฎหมายสำคัญ</p>",
        not_applicable=False,
        version=0,
    )
    client = client_for(reviewer)
    assert "กฎหมายสำคัญ" in client.get(reverse("orgprofile:profile", kwargs={"code": office.code})).content.decode()
    assert (
        "กฎหมายสำคัญ" in client.get(reverse("orgprofile:profile-print", kwargs={"code": office.code})).content.decode()
    )
    assert f'href="/offices/{office.code}/profile/"' in client.get(reverse("orgprofile:office-list")).content.decode()
    response = client.post(edit_url(office, 5), {"html": "<p>แก้โดยผู้ตรวจ</p>", "version": 1})
    assert response.status_code == 403
    assert "ผู้ตรวจและผู้ดูแลระบบไม่สามารถแก้ไขข้อมูลของสำนักงานเขตพื้นที่ได้" in response.content.decode()
    response = client.post(reverse("orgprofile:carry-forward", kwargs={"code": office.code}))
    assert response.status_code == 403
    assert "ผู้ตรวจและผู้ดูแลระบบไม่สามารถแก้ไขข้อมูลของสำนักงานเขตพื้นที่ได้" in response.content.decode()
    restore = reverse("orgprofile:revision-restore", kwargs={"code": office.code, "number": 5, "revision": 1})
    assert client.post(restore).status_code == 403
    assert ProfileAnswer.objects.get().html == "<p>กฎหมายสำคัญ</p>"


def test_print_view_has_all_thirteen_questions(office, questions, staff, client_for):
    page = (
        client_for(staff)
        .get(reverse("orgprofile:profile-print", kwargs={"code": office.code}), follow=True)
        .content.decode()
    )
    assert "profile-print.css" in page
    assert all(f"({n}) {q.title}" in page for n, q in questions.items())


def test_profile_page_query_count_does_not_grow_with_answers(questions, staff, client_for, django_assert_num_queries):
    office = staff.membership.office
    client = client_for(staff)
    url = reverse("orgprofile:profile", kwargs={"code": office.code})
    profile_answer_save(
        user=staff,
        office=office,
        fiscal_year=YEAR,
        question=questions[1],
        html="<p>1</p>",
        not_applicable=False,
        version=0,
    )
    client.get(url)  # the calendar, kept once a page has read it (orgprofile/calendar.py)
    with CaptureQueriesContext(connection) as one_answer:
        client.get(url)
    for number in range(2, 14):
        profile_answer_save(
            user=staff,
            office=office,
            fiscal_year=YEAR,
            question=questions[number],
            html=f"<p>{number}</p>",
            not_applicable=False,
            version=0,
        )
    with django_assert_num_queries(len(one_answer)):
        response = client.get(url)
    assert "ตอบแล้ว 13 จาก 13 ข้อ" in response.content.decode()
    assert len(one_answer) <= 20
    with django_assert_num_queries(3):
        assert profile_progress(office=office, fiscal_year=YEAR) == (13, 13)


def test_profile_get_or_create_needs_questions(db, office):

    with pytest.raises(ValidationError, match="ยังไม่มีชุดคำถาม"):
        profile_get_or_create(office=office, fiscal_year=YEAR)


def test_questions_json_has_thirteen_questions():

    data = json.loads((Path(__file__).resolve().parents[2] / "orgprofile/data/profile_questions_2566.json").read_text())
    assert [q["number"] for p in data["parts"] for g in p["groups"] for q in g["questions"]] == list(range(1, 14))


def test_autosave_reports_what_the_sanitiser_removed(questions, staff, client_for):
    response = client_for(staff).post(
        edit_url(staff.membership.office, 6),
        {"html": '<p>โครงสร้าง</p><iframe src="https://evil.example/"></iframe>', "version": 0},
        headers={"HX-Request": "true"},
    )
    page = response.content.decode()
    assert "บันทึกแล้ว เวลา" in page
    assert "กรอบหน้าเว็บหรือวัตถุฝัง" in page
    assert ProfileAnswer.objects.get().html == "<p>โครงสร้าง</p>"


def test_autosave_refused_for_reviewer_in_thai(questions, office, reviewer, client_for):
    response = client_for(reviewer).post(
        edit_url(office, 6), {"html": "<p>x</p>", "version": 0}, headers={"HX-Request": "true"}
    )
    page = response.content.decode()
    assert "is-error" in page
    assert "ผู้ตรวจและผู้ดูแลระบบไม่สามารถแก้ไขข้อมูลของสำนักงานเขตพื้นที่ได้" in page
    assert not ProfileAnswer.objects.exists()


def test_reviewer_opening_the_editor_is_sent_to_the_read_only_page(questions, office, reviewer, client_for):
    response = client_for(reviewer).get(edit_url(office, 1), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("orgprofile:profile", kwargs={"code": office.code}))
    assert "ผู้ตรวจและผู้ดูแลระบบไม่สามารถแก้ไขข้อมูลของสำนักงานเขตพื้นที่ได้" in response.content.decode()
    assert "เขียนคำตอบ" not in response.content.decode()


def test_too_long_answer_is_refused_naming_the_limit(questions, staff, client_for):
    response = client_for(staff).post(edit_url(staff.membership.office, 7), {"html": "ก" * 500_001, "version": 0})
    assert response.status_code == 422
    assert "เกินกำหนด 500,000 ตัวอักษร" in response.content.decode()
    assert "ก" * 1000 in response.content.decode()  # the typed text comes back
    assert not ProfileAnswer.objects.exists()


def test_unknown_question_is_404(questions, staff, client_for):
    assert client_for(staff).get(edit_url(staff.membership.office, 14)).status_code == 404


def test_restore_refused_for_other_office(questions, office, staff, other_staff, client_for):
    profile_answer_save(
        user=staff,
        office=office,
        fiscal_year=YEAR,
        question=questions[8],
        html="<p>เดิม</p>",
        not_applicable=False,
        version=0,
    )
    url = reverse("orgprofile:revision-restore", kwargs={"code": office.code, "number": 8, "revision": 1})
    assert client_for(other_staff).post(url).status_code == 403
    assert ProfileAnswerRevision.objects.count() == 1
