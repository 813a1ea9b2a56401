"""Fill the summary of every existing assessment (0009 created the table empty).

Uses the historical models and the pure functions of services/summary.py (no model import)."""

from collections import defaultdict

from django.db import migrations
from django.db.models import Count

from assessments.services.summary import layout_of, summarise

REPORT_COLUMNS = ("subitem_id", "state", "level", "answered", "done", "state_changed_at")


def fill(apps, schema_editor):
    Assessment = apps.get_model("assessments", "Assessment")
    AssessmentSummary = apps.get_model("assessments", "AssessmentSummary")
    SubItem = apps.get_model("assessments", "SubItem")
    SubItemReport = apps.get_model("assessments", "SubItemReport")
    layouts = {}
    for catalogue_id in Assessment.objects.values_list("catalogue_id", flat=True).distinct():
        rows = (
            SubItem.objects.filter(catalogue_id=catalogue_id)
            .annotate(total=Count("checklist_items"))
            .values_list("id", "category__number", "reportable", "total")
        )
        layouts[catalogue_id] = layout_of(rows)
    reports = defaultdict(list)
    for assessment_id, *row in SubItemReport.objects.values_list("assessment_id", *REPORT_COLUMNS).iterator():
        reports[assessment_id].append(tuple(row))
    summaries = [
        AssessmentSummary(assessment_id=pk, **summarise(layouts[catalogue_id], reports.get(pk, [])))
        for pk, catalogue_id in Assessment.objects.values_list("pk", "catalogue_id")
    ]
    AssessmentSummary.objects.bulk_create(summaries, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("assessments", "0010_assessment_summary")]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
