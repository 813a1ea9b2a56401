"""Year after year: opening 2567 from 2566 (with one changed checklist item), the mapping
report, carry forward, and earlier years read-only."""

import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from assessments.models import (
    AnswerField,
    AnswerText,
    Catalogue,
    ChecklistAnswer,
    ChecklistItem,
    Level,
    ReviewState,
    SubItem,
    SubItemReport,
    YearEvent,
)
from assessments.services.answers import subitem_answers_save
from assessments.services.catalogue import catalogue_export
from assessments.services.years import assessment_carry_forward, fiscal_year_open, mapping_set
from orgprofile.models import FiscalYear, ProfileAnswer, ProfileQuestion
from orgprofile.services import profile_answer_save
from orgprofile.windows import current_fiscal_year, window_of
from pmqa_site.errors import EditRefused

pytestmark = pytest.mark.django_db

CHANGED_TEXT = "มีการทบทวนวิสัยทัศน์ตามบริบทใหม่ของปีงบประมาณ 2567"


def _fill_2566(office, staff, catalogue):
    """Office answers every item of 1.1.1 and 1.1.2 and all ten fields of 1.1.1 in 2566."""
    fields = list(AnswerField.objects.filter(catalogue=catalogue).order_by("order"))
    for number in ("1.1.1", "1.3"):
        subitem = SubItem.objects.select_related("catalogue").get(catalogue=catalogue, number=number)
        values = {item.id: 1 if item.order % 2 else 0 for item in subitem.checklist_items.all()}
        texts = {f.id: f"คำตอบปี 2566 ข้อ {number} หัวข้อ {f.order}" for f in fields} if number == "1.1.1" else {}
        subitem_answers_save(user=staff, office=office, subitem=subitem, base_version=0, values=values, texts=texts)
    question = ProfileQuestion.objects.get(question_set__fiscal_year=2566, number=1)
    profile_answer_save(
        user=staff,
        office=office,
        fiscal_year=2566,
        question=question,
        html="<p>คำตอบลักษณะสำคัญ ปี 2566</p>",
        not_applicable=False,
        version=0,
    )
    # A decision on 1.1.1 in 2566: never carried.
    SubItemReport.objects.filter(subitem__catalogue=catalogue, subitem__number="1.1.1").update(
        state=ReviewState.CERTIFIED
    )


def _catalogue_2567_file(tmp_path, catalogue) -> str:
    data = catalogue_export(catalogue=catalogue)
    data["fiscal_year"] = 2567
    for category in data["categories"]:
        for subitem in category["subitems"]:
            if subitem["number"] == "1.1.1":
                subitem["levels"]["advance"][0] = CHANGED_TEXT
    path = tmp_path / "catalogue_2567.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


@pytest.fixture
def profile_questions(db):
    call_command("load_profile_questions", verbosity=0)


@pytest.fixture
def year_2566(catalogue, office, staff, profile_questions):
    _fill_2566(office, staff, catalogue)
    return catalogue


@pytest.fixture
def opened_2567(year_2566, tmp_path):
    out = io.StringIO()
    call_command("fiscal_year_open", "2567", "--catalogue", _catalogue_2567_file(tmp_path, year_2566), stdout=out)
    return out.getvalue()


def _snapshot(catalogue):
    return (
        sorted(ChecklistAnswer.objects.filter(report__subitem__catalogue=catalogue).values_list("item_id", "value")),
        sorted(AnswerText.objects.filter(report__subitem__catalogue=catalogue).values_list("field_id", "text")),
        sorted(
            SubItemReport.objects.filter(subitem__catalogue=catalogue).values_list("subitem_id", "state", "version")
        ),
        list(ProfileAnswer.objects.filter(profile__fiscal_year=2566).values_list("html", "version")),
    )


def test_opening_2567_from_2566_maps_by_code_and_reports_the_changed_item(opened_2567, year_2566):
    new = Catalogue.objects.get(fiscal_year=2567)
    assert current_fiscal_year() == 2567
    # The window is left unset: closed to offices until an admin sets it.
    assert window_of(fiscal_year=2567) is None
    changed = ChecklistItem.objects.get(subitem__catalogue=new, subitem__number="1.1.1", level=Level.ADVANCE, order=1)
    assert changed.previous is None
    # The command's report names the changed item, and only it changed.
    assert "เปลี่ยนแปลง 1 " in opened_2567
    assert "เปลี่ยนแปลง: รายการตรวจสอบ 1.1.1 ระดับก้าวหน้า ข้อ 1" in opened_2567
    others = ChecklistItem.objects.filter(subitem__catalogue=new).exclude(pk=changed.pk)
    assert others.filter(previous__isnull=True).count() == 0
    assert all(i.previous.text == i.text for i in others.select_related("previous"))
    assert SubItem.objects.filter(catalogue=new, previous__isnull=True).count() == 0
    assert YearEvent.objects.filter(kind=YearEvent.Kind.OPENED, fiscal_year=2567).exists()


def test_carry_forward_copies_everything_else_and_the_changed_item_starts_blank(
    year_2566, tmp_path, office, coordinator
):
    before = _snapshot(year_2566)
    call_command(
        "fiscal_year_open", "2567", "--catalogue", _catalogue_2567_file(tmp_path, year_2566), stdout=io.StringIO()
    )
    assert _snapshot(year_2566) == before  # opening a year changes nothing of 2566
    new = Catalogue.objects.get(fiscal_year=2567)

    result = assessment_carry_forward(user=coordinator, office=office, catalogue=new, scope="all")

    assert result.from_year == 2566 and result.profile
    assert "1.1.1 ระดับก้าวหน้า ข้อ 1" in result.not_carried
    for number in ("1.1.1", "1.3"):
        old = SubItem.objects.get(catalogue=year_2566, number=number)
        new_subitem = SubItem.objects.get(catalogue=new, number=number)
        report = SubItemReport.objects.get(subitem=new_subitem, assessment__office=office)
        # Review states and decisions are never carried.
        assert report.state == ReviewState.NOT_REPORTED
        assert not report.events.exists()
        old_values = {
            (a.item.level, a.item.order): a.value for a in ChecklistAnswer.objects.filter(report__subitem=old)
        }
        new_answers = {(a.item.level, a.item.order): a for a in ChecklistAnswer.objects.filter(report=report)}
        expected = dict(old_values)
        if number == "1.1.1":
            expected.pop(("advance", 1))  # the changed item starts blank
            assert ("advance", 1) not in new_answers
        assert {k: a.value for k, a in new_answers.items()} == expected
        assert all(a.carried_from == 2566 for a in new_answers.values())
        assert report.answered == len(expected)
    texts = AnswerText.objects.filter(report__subitem__catalogue=new, report__subitem__number="1.1.1")
    assert sorted(t.text for t in texts) == sorted(f"คำตอบปี 2566 ข้อ 1.1.1 หัวข้อ {n}" for n in range(1, 11))
    assert all(t.carried_from == 2566 for t in texts)
    carried_profile = ProfileAnswer.objects.get(profile__fiscal_year=2567, question__number=1)
    assert carried_profile.is_carried and "ปี 2566" in carried_profile.html
    assert _snapshot(year_2566) == before  # carrying forward changes nothing of 2566
    assert YearEvent.objects.filter(kind=YearEvent.Kind.CARRIED, office=office, from_year=2566).exists()


def test_a_carried_mark_goes_when_the_office_edits_the_field(opened_2567, office, coordinator, staff):
    new = Catalogue.objects.get(fiscal_year=2567)
    assessment_carry_forward(user=coordinator, office=office, catalogue=new, scope=1)
    subitem = SubItem.objects.select_related("catalogue").get(catalogue=new, number="1.1.1")
    report = SubItemReport.objects.get(subitem=subitem)
    first = AnswerField.objects.get(catalogue=new, order=1)
    second = AnswerField.objects.get(catalogue=new, order=2)
    subitem_answers_save(
        user=staff,
        office=office,
        subitem=subitem,
        base_version=report.version,
        values={},
        texts={first.id: "ปรับปรุงสำหรับปี 2567", second.id: AnswerText.objects.get(report=report, field=second).text},
    )
    assert AnswerText.objects.get(report=report, field=first).carried_from is None
    assert AnswerText.objects.get(report=report, field=second).carried_from == 2566  # unchanged: still carried


def test_carry_forward_over_answers_needs_confirmation_and_never_touches_a_sent_subitem(
    opened_2567, office, coordinator, staff
):
    new = Catalogue.objects.get(fiscal_year=2567)
    subitem = SubItem.objects.select_related("catalogue").get(catalogue=new, number="1.4")
    item = subitem.checklist_items.first()
    subitem_answers_save(user=staff, office=office, subitem=subitem, base_version=0, values={item.id: 1}, texts={})
    with pytest.raises(ValidationError, match="ยืนยันการแทนที่"):
        assessment_carry_forward(user=coordinator, office=office, catalogue=new, scope=1)
    assert not ChecklistAnswer.objects.filter(report__subitem__catalogue=new, carried_from=2566).exists()
    assessment_carry_forward(user=coordinator, office=office, catalogue=new, scope=1, replace=True)
    # 1.4 had no answers in 2566: what the office typed is replaced by last year's (blank).
    assert ChecklistAnswer.objects.get(report__subitem=subitem, item=item).value is None
    assert ChecklistAnswer.objects.filter(report__subitem__catalogue=new, carried_from=2566).exists()
    SubItemReport.objects.filter(subitem=subitem).update(state=ReviewState.AWAITING)
    with pytest.raises(ValidationError, match="1.4"):
        assessment_carry_forward(user=coordinator, office=office, catalogue=new, scope=1, replace=True)


def test_only_a_coordinator_carries_forward(opened_2567, office, staff):
    with pytest.raises(ValidationError, match="ผู้ประสานงาน"):
        assessment_carry_forward(
            user=staff, office=office, catalogue=Catalogue.objects.get(fiscal_year=2567), scope="all"
        )


def test_an_earlier_year_refuses_writes(opened_2567, year_2566, office, staff):
    subitem = SubItem.objects.select_related("catalogue").get(catalogue=year_2566, number="1.4")
    item = subitem.checklist_items.first()
    with pytest.raises(EditRefused, match="ปีงบประมาณ 2566 ไม่ใช่ปีปัจจุบัน"):
        subitem_answers_save(user=staff, office=office, subitem=subitem, base_version=0, values={item.id: 1}, texts={})
    assert not ChecklistAnswer.objects.filter(item=item).exists()


def test_copy_of_last_years_catalogue_maps_everything(year_2566, admin_user):
    result = fiscal_year_open(user=admin_user, year=2567, copy_from=2566, make_current=False)
    assert result.report.changed == [] and result.report.added == [] and result.report.removed == []
    assert len(result.report.matched) == SubItem.objects.filter(catalogue=year_2566).count() + (
        ChecklistItem.objects.filter(subitem__catalogue=year_2566).count()
    )
    assert current_fiscal_year() == 2566  # not made current
    assert FiscalYear.objects.get(year=2567).created_by == admin_user
    with pytest.raises(ValidationError, match="เปิดแล้ว"):
        fiscal_year_open(user=admin_user, year=2567, copy_from=2566)


def test_an_admin_maps_a_changed_item_by_hand_and_carry_forward_follows(opened_2567, office, coordinator, admin_user):
    new = Catalogue.objects.get(fiscal_year=2567)
    changed = ChecklistItem.objects.get(subitem__catalogue=new, subitem__number="1.1.1", level=Level.ADVANCE, order=1)
    old = ChecklistItem.objects.get(
        subitem__catalogue__fiscal_year=2566, subitem__number="1.1.1", level=Level.ADVANCE, order=1
    )
    mapping_set(user=admin_user, item=changed, previous=old)
    result = assessment_carry_forward(user=coordinator, office=office, catalogue=new, scope=1)
    assert "1.1.1 ระดับก้าวหน้า ข้อ 1" not in result.not_carried
    assert ChecklistAnswer.objects.get(item=changed).value == ChecklistAnswer.objects.get(item=old).value


def test_a_year_imported_without_opening_is_mapped_by_the_command(year_2566, tmp_path):
    call_command("import_catalogue", _catalogue_2567_file(tmp_path, year_2566), stdout=io.StringIO())
    new = Catalogue.objects.get(fiscal_year=2567)
    assert not ChecklistItem.objects.filter(subitem__catalogue=new, previous__isnull=False).exists()
    out = io.StringIO()
    call_command("fiscal_year_map", "2567", stdout=out)
    assert "เปลี่ยนแปลง: รายการตรวจสอบ 1.1.1 ระดับก้าวหน้า ข้อ 1" in out.getvalue()
    assert ChecklistItem.objects.filter(subitem__catalogue=new, previous__isnull=True).count() == 1


def test_the_profile_is_carried_over_its_answers_only_with_confirmation(opened_2567, office, coordinator, staff):
    new = Catalogue.objects.get(fiscal_year=2567)
    question = ProfileQuestion.objects.get(question_set__fiscal_year=2566, number=2)
    profile_answer_save(
        user=staff,
        office=office,
        fiscal_year=2567,
        question=question,
        html="<p>เขียนใหม่ในปี 2567</p>",
        not_applicable=False,
        version=0,
    )
    with pytest.raises(ValidationError, match="มีคำตอบแล้ว"):
        assessment_carry_forward(user=coordinator, office=office, catalogue=new, scope="profile")
    result = assessment_carry_forward(user=coordinator, office=office, catalogue=new, scope="profile", replace=True)
    assert result.profile and result.subitems == 0
    answers = {a.question.number: a for a in ProfileAnswer.objects.filter(profile__fiscal_year=2567)}
    assert answers[1].is_carried and "ปี 2566" in answers[1].html
    # Replaced by last year's, which had no answer to (2): blank, not marked.
    assert answers[2].html == "" and not answers[2].is_carried
    assert not ChecklistAnswer.objects.filter(report__subitem__catalogue=new).exists()
