"""The per-office summary the national pages read is kept by every write, in its transaction:
after a journey through every write path (save, submit, decide, certify several, a change
after a decision, a catalogue change) it equals a summary computed afresh from the reports."""

import pytest

from assessments.catalogue_cache import catalogue_shape
from assessments.models import AssessmentSummary, Category, ReviewState, SubItem, SubItemReport
from assessments.services.answers import category_submit, subitem_answers_save
from assessments.services.reports import reports_resummarise
from assessments.services.review import report_decide, reports_certify_many
from assessments.services.summary import REPORT_COLUMNS, Progress, layout_of, summarise
from reporting.national import national

pytestmark = pytest.mark.django_db


def fresh(assessment_id: int, catalogue) -> dict:
    shape = catalogue_shape(catalogue)
    layout = layout_of((s.id, s.category_number, s.reportable, s.total) for s in shape.subitems)
    rows = SubItemReport.objects.filter(assessment_id=assessment_id).values_list(*REPORT_COLUMNS)
    return summarise(layout, rows)


def kept(assessment_id: int) -> dict:
    summary = AssessmentSummary.objects.get(assessment_id=assessment_id)
    return {name: getattr(summary, name) for name in fresh(assessment_id, summary.assessment.catalogue)}


def answer_all(user, office, subitem, value=1):
    fields = {f.id: f"คำตอบ {f.order}" for f in subitem.catalogue.answer_fields.all()}
    report = SubItemReport.objects.filter(assessment__office=office, subitem=subitem).first()
    return subitem_answers_save(
        user=user,
        office=office,
        subitem=subitem,
        base_version=report.version if report else 0,
        values={item.id: value for item in subitem.checklist_items.all()},
        texts=fields,
    )


def test_every_write_path_keeps_the_summary_equal_to_a_fresh_one(catalogue, office, staff, reviewer):
    category = Category.objects.get(catalogue=catalogue, number=1)
    subitems = list(SubItem.objects.filter(category=category, reportable=True).order_by("order"))
    for subitem in subitems:
        answer_all(staff, office, subitem)
    assessment_id = SubItemReport.objects.filter(assessment__office=office).first().assessment_id
    assert kept(assessment_id) == fresh(assessment_id, catalogue)
    assert kept(assessment_id)["progress"] == Progress.IN_PROGRESS

    category_submit(user=staff, office=office, category=category)
    summary = kept(assessment_id)
    assert summary == fresh(assessment_id, catalogue)
    assert summary["waiting"] == len(subitems) and summary["oldest_waiting"] is not None

    reports = list(SubItemReport.objects.filter(assessment_id=assessment_id).order_by("subitem__order"))
    report_decide(report=reports[0], user=reviewer, certify=False, reason="แนบเอกสารไม่ครบ")
    reports_certify_many(report_ids=[r.pk for r in reports[1:]], user=reviewer)
    summary = kept(assessment_id)
    assert summary == fresh(assessment_id, catalogue)
    assert (summary["waiting"], summary["certified"]) == (0, len(subitems) - 1)

    # A change after a decision: the sub-item has new data and waits again.
    answer_all(staff, office, subitems[1], value=0)
    summary = kept(assessment_id)
    assert summary == fresh(assessment_id, catalogue)
    assert summary["waiting"] == 1
    assert SubItemReport.objects.get(pk=reports[1].pk).state == ReviewState.NEW_DATA

    # A change of the catalogue recomputes every summary of the year.
    AssessmentSummary.objects.filter(assessment_id=assessment_id).update(done=999, categories={})
    reports_resummarise(catalogue=catalogue)
    assert kept(assessment_id) == fresh(assessment_id, catalogue)

    # What the dashboard shows of the office is its summary.
    row = next(r for r in national(catalogue=catalogue).rows if r.code == office.code)
    summary = kept(assessment_id)
    assert (row.waiting, row.certified, row.progress) == (summary["waiting"], summary["certified"], summary["progress"])
    assert row.cells[1].done == summary["categories"]["1"]["done"]
