from django.contrib import admin

from .models import Indicator, SyncOfficeResult, SyncRun


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ("office", "fiscal_year", "code", "dimension_code", "kind", "target", "result", "achieved", "source")
    list_filter = ("fiscal_year", "dimension_code", "kind", "achieved", "source")
    search_fields = ("office__code", "office__name", "code", "name")
    list_select_related = ("office",)
    # Indicators come from KRS or an import file only; the admin reads them.
    readonly_fields = [f.name for f in Indicator._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SyncOfficeResultInline(admin.TabularInline):
    model = SyncOfficeResult
    extra = 0
    can_delete = False
    readonly_fields = (
        "office",
        "status",
        "created_count",
        "updated_count",
        "unchanged_count",
        "refused_count",
        "errors",
    )
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(SyncRun)
class SyncRunAdmin(admin.ModelAdmin):
    list_display = ("pk", "started_at", "trigger", "status", "offices_total", "offices_ok", "offices_failed")
    list_filter = ("trigger", "status", "fiscal_year")
    readonly_fields = [f.name for f in SyncRun._meta.fields]
    inlines = [SyncOfficeResultInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        # Sync runs are the record of what changed category 7 and when: kept, never deleted.
        return False
