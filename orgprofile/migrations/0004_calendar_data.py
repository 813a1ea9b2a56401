"""Copy the reporting windows, extensions and their history from assessments (keyed by the
catalogue) to orgprofile (keyed by the fiscal year), and create a FiscalYear per catalogue,
the latest one current, as the product decided before."""

from django.db import migrations

WINDOW_FIELDS = ("office_opens_at", "office_closes_at", "review_opens_at", "review_closes_at", "updated_by_id")
EXTENSION_FIELDS = ("office_id", "starts_at", "until", "reason", "created_by_id", "created_at")
HISTORY_FIELDS = ("history_id", "history_date", "history_change_reason", "history_type", "history_user_id")


def copy_calendar(apps, schema_editor):
    Catalogue = apps.get_model("assessments", "Catalogue")
    FiscalYear = apps.get_model("orgprofile", "FiscalYear")
    years = {}
    latest = Catalogue.objects.order_by("-fiscal_year").values_list("fiscal_year", flat=True).first()
    for catalogue in Catalogue.objects.all():
        years[catalogue.pk], _ = FiscalYear.objects.get_or_create(
            year=catalogue.fiscal_year, defaults={"is_current": catalogue.fiscal_year == latest}
        )

    OldWindow = apps.get_model("assessments", "ReportingWindow")
    NewWindow = apps.get_model("orgprofile", "ReportingWindow")
    for old in OldWindow.objects.all():
        new = NewWindow.objects.create(
            pk=old.pk, fiscal_year=years[old.catalogue_id], **{f: getattr(old, f) for f in WINDOW_FIELDS}
        )
        NewWindow.objects.filter(pk=new.pk).update(updated_at=old.updated_at)
    OldExtension = apps.get_model("assessments", "WindowExtension")
    NewExtension = apps.get_model("orgprofile", "WindowExtension")
    for old in OldExtension.objects.all():
        NewExtension.objects.create(pk=old.pk, window_id=old.window_id, **{f: getattr(old, f) for f in EXTENSION_FIELDS})

    OldWindowHistory = apps.get_model("assessments", "HistoricalReportingWindow")
    NewWindowHistory = apps.get_model("orgprofile", "HistoricalReportingWindow")
    for old in OldWindowHistory.objects.all():
        NewWindowHistory.objects.create(
            id=old.id,
            fiscal_year_id=years[old.catalogue_id].pk if old.catalogue_id in years else None,
            updated_at=old.updated_at,
            **{f: getattr(old, f) for f in WINDOW_FIELDS + HISTORY_FIELDS},
        )
    OldExtensionHistory = apps.get_model("assessments", "HistoricalWindowExtension")
    NewExtensionHistory = apps.get_model("orgprofile", "HistoricalWindowExtension")
    for old in OldExtensionHistory.objects.all():
        NewExtensionHistory.objects.create(
            id=old.id, window_id=old.window_id, **{f: getattr(old, f) for f in EXTENSION_FIELDS + HISTORY_FIELDS}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("orgprofile", "0003_calendar"),
        ("assessments", "0004_message_evidence"),
    ]

    operations = [migrations.RunPython(copy_calendar, migrations.RunPython.noop)]
