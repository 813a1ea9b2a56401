"""The main writes of the self-assessment and the review, through the forms the pages render."""

import pytest
from django.urls import reverse

from assessments.models import AnswerField, AnswerText, ChecklistAnswer, ReviewEvent, ReviewState, SubItemReport
from assessments.services.reports import assessment_get_or_create
from pmqa_site.roles import Role
from tests.webforms import form_with_field

pytestmark = pytest.mark.django_db


def _set_checklist(form, subitem, values: dict):
    for item in subitem.checklist_items.all():
        if (item.level, item.order) in values:
            form[f"item_{item.id}"] = values[(item.level, item.order)]


def test_staff_saves_answers_through_the_rendered_subitem_form(django_app, office, staff, subitem_111):
    page = django_app.get(reverse("assessments:subitem", args=[office.code, "1.1.1"]), user=staff)
    form = page.forms["subitem-form"]
    # Every checklist item and every answer-summary field is on the page.
    for item in subitem_111.checklist_items.all():
        assert f"item_{item.id}" in form.fields
    for field in AnswerField.objects.filter(catalogue=subitem_111.catalogue):
        assert f"field_{field.id}" in form.fields
    _set_checklist(form, subitem_111, {("basic", 1): "1", ("basic", 2): "1", ("advance", 1): "0"})
    first = AnswerField.objects.get(catalogue=subitem_111.catalogue, order=1)
    form[f"field_{first.id}"] = "โครงการสื่อสารนโยบายสู่การปฏิบัติ"
    saved = form.submit().follow()
    assert "บันทึกประเด็น 1.1.1 แล้ว" in saved.text
    report = SubItemReport.objects.get(subitem=subitem_111)
    values = {(a.item.level, a.item.order): a.value for a in ChecklistAnswer.objects.filter(report=report)}
    assert values == {("basic", 1): 1, ("basic", 2): 1, ("advance", 1): 0}
    assert AnswerText.objects.get(report=report, field=first).text == "โครงการสื่อสารนโยบายสู่การปฏิบัติ"
    # The page that comes back carries what was saved, ready for the next save.
    again = saved.forms["subitem-form"]
    assert again[f"field_{first.id}"].value == "โครงการสื่อสารนโยบายสู่การปฏิบัติ"
    assert again["version"].value == "1"


def test_a_form_opened_before_a_colleagues_save_is_refused_and_keeps_the_text(
    django_app_factory, office, staff, make_user, subitem_111
):
    colleague = make_user(Role.ESA_STAFF, office, username="colleague")
    url = reverse("assessments:subitem", args=[office.code, "1.1.1"])
    my_browser, their_browser = django_app_factory(), django_app_factory()
    mine = my_browser.get(url, user=staff).forms["subitem-form"]
    first = AnswerField.objects.get(catalogue=subitem_111.catalogue, order=1)
    theirs = their_browser.get(url, user=colleague).forms["subitem-form"]
    theirs[f"field_{first.id}"] = "ฉบับของเพื่อนร่วมงาน"
    theirs.submit()
    mine[f"field_{first.id}"] = "ฉบับของฉัน"
    refused = mine.submit(status=409)
    assert "มีผู้บันทึกข้อมูลประเด็นนี้หลังจากที่ท่านเปิดแบบฟอร์ม" in refused.text
    assert refused.forms["subitem-form"][f"field_{first.id}"].value == "ฉบับของฉัน"
    assert AnswerText.objects.get(field=first).text == "ฉบับของเพื่อนร่วมงาน"


def test_reviewer_decides_through_the_rendered_review_form(django_app, office, staff, reviewer, subitem_111):
    report = SubItemReport.objects.create(
        assessment=_assessment(office, subitem_111), subitem=subitem_111, state=ReviewState.AWAITING
    )
    url = reverse("assessments:review", args=[office.code, "1.1.1"])
    form = form_with_field(django_app.get(url, user=reviewer), "decision")
    form["decision"] = "reject"
    refused = form.submit(status=422)  # a "not certified" needs its reason
    assert "กรุณาระบุเหตุผลที่ไม่รับรอง" in refused.text
    report.refresh_from_db()
    assert report.state == ReviewState.AWAITING
    form = form_with_field(refused, "decision")
    form["reason"] = "ยังไม่แนบโครงการที่อ้างอิงในแบบสรุป"
    done = form.submit().follow()
    assert "บันทึกผลการพิจารณาประเด็น 1.1.1" in done.text
    report.refresh_from_db()
    assert report.state == ReviewState.NOT_CERTIFIED
    event = ReviewEvent.objects.get(report=report)
    assert event.actor == reviewer and event.reason == "ยังไม่แนบโครงการที่อ้างอิงในแบบสรุป"


def _assessment(office, subitem):
    return assessment_get_or_create(office=office, catalogue=subitem.catalogue)


def test_answer_forms_of_one_sub_item_share_only_what_they_read(office, subitem_111):
    """The answer form's fields are kept per process and copied for each form
    (assessments/forms.py): two forms of the same sub-item carry their own values, one
    form's errors and data never reach another, and the kept fields stay as built."""
    from assessments.forms import SubItemAnswerForm, _item_field
    from assessments.selectors import subitem_form_detail

    detail = subitem_form_detail(subitem=subitem_111)
    item = detail.items_by_level[0][1][0]
    field_id = detail.answer_fields[0].id
    bad = SubItemAnswerForm({"version": "0", f"item_{item.id}": "7", f"field_{field_id}": "ก" * 20001}, detail=detail)
    assert not bad.is_valid()
    assert set(bad.errors) == {f"item_{item.id}", f"field_{field_id}"}
    assert "รายการนี้รับได้เฉพาะ 1" in bad.errors[f"item_{item.id}"][0]
    assert "ยาวเกิน 20000 ตัวอักษร" in bad.errors[f"field_{field_id}"][0]
    good = SubItemAnswerForm({"version": "0", f"item_{item.id}": "1", f"field_{field_id}": "คำตอบ"}, detail=detail)
    assert good.is_valid(), good.errors
    assert good.cleaned_values()[item.id] == 1 and good.cleaned_texts()[field_id] == "คำตอบ"
    fresh = SubItemAnswerForm(detail=detail)
    assert fresh[f"item_{item.id}"].value() == "" and fresh[f"field_{field_id}"].value() == ""
    assert not fresh.errors and fresh.fields[f"item_{item.id}"] is not bad.fields[f"item_{item.id}"]
    assert _item_field(item).initial is None  # the kept field was never given a form's value
    assert 'maxlength="20000"' in str(fresh[f"field_{field_id}"])
