"""django-simple-history, configured once: the acting user a service recorded on the row."""

from simple_history.models import HistoricalRecords


def _history_user(instance, request, **kwargs):
    """The audit trail names the acting user that services record on the row, falling back
    to the request's user."""
    for name in ("updated_by", "created_by"):
        user = getattr(instance, name, None)
        if user is not None:
            return user
    user = getattr(request, "user", None) if request is not None else None
    return user if getattr(user, "is_authenticated", False) else None


def audit_history():
    return HistoricalRecords(get_user=_history_user, cascade_delete_history=False)
