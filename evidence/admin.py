"""Read-only admin: evidence is changed only through the services, and never deleted."""

from django.contrib import admin

from pmqa_site.admin_mixins import ReadOnlyAdminMixin

from .models import Evidence, EvidenceEvent


class NeverDeleteReadOnly(ReadOnlyAdminMixin, admin.ModelAdmin):
    pass


@admin.register(Evidence)
class EvidenceAdmin(NeverDeleteReadOnly):
    list_display = ["pk", "report", "kind", "source", "original_name", "size", "state", "uploaded_at", "superseded_at"]
    list_filter = ["state", "source"]
    search_fields = ["original_name", "title", "sha256"]
    list_select_related = ["report__assessment__office", "report__subitem", "kind"]


@admin.register(EvidenceEvent)
class EvidenceEventAdmin(NeverDeleteReadOnly):
    list_display = ["pk", "evidence", "action", "from_state", "to_state", "user", "at"]
    list_filter = ["action"]
