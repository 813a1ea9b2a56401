from django.contrib import admin

from .models import HelpContact


@admin.register(HelpContact)
class HelpContactAdmin(admin.ModelAdmin):
    """The help page's contact block: admins edit the text; who changed it last is kept."""

    list_display = ("__str__", "updated_at", "updated_by")
    readonly_fields = ("updated_at", "updated_by")
    fields = ("text", "updated_at", "updated_by")

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not HelpContact.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
