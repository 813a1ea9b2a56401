from django.contrib import admin

from .models import Membership, Office


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
