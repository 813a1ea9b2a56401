from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from pmqa_site.admin_mixins import ReadOnlyAdminMixin

from .models import (
    FiscalYear,
    Membership,
    Office,
    ProfileAnswerRevision,
    ProfileQuestion,
    ProfileQuestionSet,
    ReportingWindow,
    WindowExtension,
)


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "province", "is_demo", "is_active")
    list_filter = ("kind", "is_demo", "is_active")
    search_fields = ("code", "name", "province")


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "office", "created_at")
    list_select_related = ("user", "office")
    search_fields = ("user__username", "office__name", "office__code")
    autocomplete_fields = ("office",)


# --- Organisation profile -------------------------------------------------------------------


class ProfileQuestionInline(admin.TabularInline):
    model = ProfileQuestion
    fields = ("number", "part_number", "group_letter", "title")
    extra = 0


@admin.register(ProfileQuestionSet)
class ProfileQuestionSetAdmin(admin.ModelAdmin):
    list_display = ("fiscal_year", "title")
    inlines = [ProfileQuestionInline]


@admin.register(ProfileAnswerRevision)
class ProfileAnswerRevisionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: revisions are history, written only by the profile services."""

    list_display = ("answer", "number", "kind", "created_by", "saved_at")
    list_select_related = ("answer__profile__office", "answer__question", "created_by")
    list_filter = ("kind",)


# --- Reporting calendar -------------------------------------------------------------------------


@admin.register(FiscalYear)
class FiscalYearAdmin(admin.ModelAdmin):
    list_display = ("year", "is_current", "created_at")


@admin.register(ReportingWindow)
class ReportingWindowAdmin(SimpleHistoryAdmin):
    list_display = ("fiscal_year", "office_opens_at", "office_closes_at", "review_opens_at", "review_closes_at")


@admin.register(WindowExtension)
class WindowExtensionAdmin(SimpleHistoryAdmin):
    list_display = ("office", "starts_at", "until", "reason", "created_by")
