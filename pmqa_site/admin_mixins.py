"""Admin behaviour shared by the apps."""


class ReadOnlyAdminMixin:
    """History and records the product writes itself: admins read them, nobody adds, edits or
    deletes them here (the bulk "delete selected" action included)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions
