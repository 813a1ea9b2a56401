from django.contrib import admin

from pmqa_site.admin_mixins import ReadOnlyAdminMixin

from .models import Membership, Office, ProfileAnswerRevision, ProfileQuestion, ProfileQuestionSet


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
