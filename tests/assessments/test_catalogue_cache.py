"""The catalogue held in memory and the reports' summary columns stay true to the database."""

import pytest
from django.urls import reverse

from assessments.catalogue_cache import catalogue_touch
from assessments.models import AnswerField, ChecklistItem, Level, SubItemReport
from assessments.selectors import assessment_answers, assessment_overview
from assessments.services.reports import reports_resummarise
from tests.assessments.conftest import all_texts, form_data

pytestmark = pytest.mark.django_db


def test_an_admin_edit_of_a_field_title_shows_on_the_next_page(office, client_for, staff, admin_user, catalogue):
    url = reverse("assessments:subitem", args=[office.code, "1.1.1"])
    assert "ชื่อกิจกรรม/โครงการ/งานที่นำมาตอบ" in client_for(staff).get(url).content.decode()
    field = AnswerField.objects.get(catalogue=catalogue, order=1)
    admin = client_for(admin_user)
    change = reverse("admin:assessments_answerfield_change", args=[field.pk])
    form = admin.get(change).context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update({"title": "ชื่อโครงการที่นำมาตอบ (ปรับโดยผู้ดูแล)", "catalogue": catalogue.pk})
    assert admin.post(change, data).status_code == 302
    html = client_for(staff).get(url).content.decode()
    assert "ชื่อโครงการที่นำมาตอบ (ปรับโดยผู้ดูแล)" in html


def test_summary_columns_agree_with_the_answers(office, client_for, staff, catalogue, subitem_111):
    client = client_for(staff)
    values = {(i.level, i.order): "1" for i in subitem_111.checklist_items.filter(level__in=["basic", "advance"])}
    client.post(
        reverse("assessments:subitem", args=[office.code, "1.1.1"]),
        form_data(subitem_111, values=values, texts=all_texts()),
    )
    summary = assessment_overview(office=office, catalogue=catalogue).subitem("1.1.1")
    detailed = next(s for s in assessment_answers(office=office, catalogue=catalogue) if s.subitem.number == "1.1.1")
    assert summary.level == detailed.level == Level.ADVANCE
    assert (summary.answered, summary.share) == (detailed.answered, detailed.share)
    assert summary.complete is detailed.complete is False  # significance items still unanswered
    report = SubItemReport.objects.get(subitem=subitem_111)
    assert (report.answered, report.done, report.level, report.fields_filled) == (4, 4, "advance", 10)


def test_an_item_added_to_the_catalogue_counts_at_once(office, client_for, staff, catalogue, subitem_111):
    client = client_for(staff)
    everything = {(i.level, i.order): "1" for i in subitem_111.checklist_items.all()}
    client.post(reverse("assessments:subitem", args=[office.code, "1.1.1"]), form_data(subitem_111, values=everything))
    assert assessment_overview(office=office, catalogue=catalogue).subitem("1.1.1").level == Level.SIGNIFICANCE
    ChecklistItem.objects.create(subitem=subitem_111, level=Level.BASIC, order=9, text="รายการที่เพิ่มภายหลัง")
    catalogue_touch(catalogue_id=catalogue.pk)
    catalogue.refresh_from_db()
    reports_resummarise(catalogue=catalogue)
    summary = assessment_overview(office=office, catalogue=catalogue).subitem("1.1.1")
    assert summary.level is None  # the new Basic item is not answered yet
    assert summary.total_items == len(everything) + 1
