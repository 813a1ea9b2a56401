"""Review state changes of a sub-item report. The table of allowed moves lives here."""

from django.core.exceptions import ValidationError
from django.utils import timezone

from ..models import ReviewState, SubItemReport

ALLOWED_MOVES: dict[str, set[str]] = {
    ReviewState.NOT_REPORTED: {ReviewState.AWAITING},
    ReviewState.AWAITING: {ReviewState.CERTIFIED, ReviewState.NOT_CERTIFIED},
    ReviewState.CERTIFIED: {ReviewState.NEW_DATA},
    ReviewState.NOT_CERTIFIED: {ReviewState.NEW_DATA, ReviewState.AWAITING},
    ReviewState.NEW_DATA: {ReviewState.AWAITING},
}


def report_transition(*, report: SubItemReport, to_state: str, user, reason: str = "") -> SubItemReport:
    if to_state not in ALLOWED_MOVES.get(report.state, set()):
        raise ValidationError(
            f"เปลี่ยนสถานะจาก '{ReviewState(report.state).label}' เป็น '{ReviewState(to_state).label}' ไม่ได้"
        )
    report.state = to_state
    report.state_changed_at = timezone.now()
    if to_state == ReviewState.AWAITING:
        report.submitted_at = report.state_changed_at
    report.save(update_fields=["state", "state_changed_at", "submitted_at", "updated_at"])
    return report
