"""An office's assessment and its per-sub-item reports: creation and the change hook."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Assessment, Catalogue, ReviewState, SubItem, SubItemReport
from .review import report_transition


def assessment_get_or_create(*, office, catalogue: Catalogue) -> Assessment:
    assessment, _created = Assessment.objects.get_or_create(office=office, catalogue=catalogue)
    return assessment


def report_get_or_create(*, office, subitem: SubItem) -> SubItemReport:
    """The office's report on `subitem`, created on first use. Only reportable sub-items."""
    if not subitem.reportable:
        raise ValidationError(
            _("ประเด็น %(n)s ไม่ต้องรายงานในระบบ: %(why)s") % {"n": subitem.number, "why": subitem.not_reportable_reason}
        )
    assessment = assessment_get_or_create(office=office, catalogue=subitem.catalogue)
    report, _created = SubItemReport.objects.get_or_create(assessment=assessment, subitem=subitem)
    return report


# A change by the office after a reviewer's decision puts the sub-item back into the queue.
STATES_THAT_BECOME_NEW_DATA = {ReviewState.CERTIFIED, ReviewState.NOT_CERTIFIED}


@transaction.atomic
def report_touch(*, report: SubItemReport, user) -> SubItemReport:
    """Record that the office changed something in `report` (a tick, a field, evidence).

    Bumps the version (so stale forms are refused) and, after a decision, moves the
    sub-item to "new data". Every write path of office data on a sub-item calls this.
    Callers have already run access.office_edit_check.
    """
    SubItemReport.objects.filter(pk=report.pk).update(
        version=F("version") + 1, updated_by=user, updated_at=timezone.now(), last_editor_token=""
    )
    report.refresh_from_db()
    if report.state in STATES_THAT_BECOME_NEW_DATA:
        report_transition(report=report, to_state=ReviewState.NEW_DATA, user=user, system=True)
    return report
