"""Review state changes of a sub-item report: the one table of allowed moves.

Every move goes through `report_transition`, which checks the table (and who may make the
move), writes an append-only ReviewEvent, and queues side effects after commit.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from orgprofile.windows import review_window_check, year_edit_check
from pmqa_site import clock
from pmqa_site.roles import CENTRAL_ROLES, OFFICE_ROLES, Role, role_of
from pmqa_site.tasks import enqueue_on_commit

from ..models import QUEUE_STATES, ReviewEvent, ReviewState, SubItemReport
from ..selectors import report_snapshot
from .summary import summary_refresh

OFFICE = "office"
REVIEWER = "reviewer"
SYSTEM = "system"  # a change by the office's own edit, made by report_touch

# (from, to) → who may make the move
ALLOWED_MOVES: dict[tuple[str, str], str] = {
    (ReviewState.NOT_REPORTED, ReviewState.AWAITING): OFFICE,
    (ReviewState.AWAITING, ReviewState.CERTIFIED): REVIEWER,
    (ReviewState.AWAITING, ReviewState.NOT_CERTIFIED): REVIEWER,
    (ReviewState.CERTIFIED, ReviewState.NEW_DATA): SYSTEM,
    (ReviewState.NOT_CERTIFIED, ReviewState.NEW_DATA): SYSTEM,
    (ReviewState.NOT_CERTIFIED, ReviewState.AWAITING): OFFICE,
    (ReviewState.NEW_DATA, ReviewState.AWAITING): OFFICE,
    (ReviewState.NEW_DATA, ReviewState.CERTIFIED): REVIEWER,
    (ReviewState.NEW_DATA, ReviewState.NOT_CERTIFIED): REVIEWER,
}


def _actor_kind(user) -> str | None:
    role = role_of(user)
    if role in OFFICE_ROLES:
        return OFFICE
    if role == Role.OBEC_REVIEWER or role == Role.ADMIN:
        return REVIEWER
    return None


@transaction.atomic
def report_transition(
    *, report: SubItemReport, to_state: str, user, reason: str = "", system: bool = False, summarise: bool = True
) -> SubItemReport:
    """Move `report` to `to_state`, or raise ValidationError (Thai) naming the refused move.

    `summarise=False`: the caller refreshes the office's summary itself once it holds every
    report lock it needs (the summary row is always locked last)."""
    report = SubItemReport.objects.select_for_update().get(pk=report.pk)
    from_state = report.state
    who = ALLOWED_MOVES.get((from_state, to_state))
    if who is None:
        raise ValidationError(
            _("เปลี่ยนสถานะจาก '%(a)s' เป็น '%(b)s' ไม่ได้")
            % {"a": ReviewState(from_state).label, "b": ReviewState(to_state).label}
        )
    actor = SYSTEM if system else _actor_kind(user)
    if who != actor:
        if who == REVIEWER:
            raise ValidationError(_("เฉพาะผู้ตรวจส่วนกลางเท่านั้นที่รับรองหรือไม่รับรองผลได้"))
        raise ValidationError(_("ผู้ตรวจส่วนกลางไม่สามารถส่งหรือแก้ไขข้อมูลแทนสำนักงานได้"))
    reason = (reason or "").strip()
    if to_state == ReviewState.NOT_CERTIFIED and not reason:
        raise ValidationError(_("กรุณาระบุเหตุผลที่ไม่รับรอง เพื่อให้สำนักงานทราบว่าต้องแก้ไขอะไร"))
    at = timezone.now()
    snapshot = None
    if who == REVIEWER:
        snapshot = report_snapshot(report=report)
    ReviewEvent.objects.create(
        report=report, from_state=from_state, to_state=to_state, reason=reason, actor=user, at=at, snapshot=snapshot
    )
    report.state = to_state
    report.state_changed_at = at
    if to_state == ReviewState.AWAITING:
        report.submitted_at = at
    report.save(update_fields=["state", "state_changed_at", "submitted_at", "updated_at"])
    if summarise:
        summary_refresh(assessment_id=report.assessment_id)
    if to_state == ReviewState.NOT_CERTIFIED:
        enqueue_on_commit("assessments.notify_not_certified", report.pk)
    return report


def _reviewer_check(user) -> None:
    if role_of(user) not in CENTRAL_ROLES:
        raise ValidationError(_("เฉพาะผู้ตรวจส่วนกลางเท่านั้นที่รับรองหรือไม่รับรองผลได้"))
    review_window_check(at=clock.now())


def report_decide(*, report: SubItemReport, user, certify: bool, reason: str = "") -> SubItemReport:
    """A reviewer certifies (รับรอง) or does not certify (ไม่รับรอง, reason required)."""
    _reviewer_check(user)
    year_edit_check(fiscal_year=report.assessment.catalogue.fiscal_year)  # an earlier year is read-only
    to_state = ReviewState.CERTIFIED if certify else ReviewState.NOT_CERTIFIED
    return report_transition(report=report, to_state=to_state, user=user, reason=reason)


@transaction.atomic
def reports_certify_many(*, report_ids: list[int], user) -> list[SubItemReport]:
    """Certify several sub-items at once; refused whole if any is not in the queue."""
    _reviewer_check(user)
    reports = list(
        SubItemReport.objects.filter(pk__in=report_ids).select_related(
            "subitem", "assessment__office", "assessment__catalogue"
        )
    )
    if not reports:
        raise ValidationError(_("ยังไม่ได้เลือกประเด็นที่จะรับรอง"))
    for year in {r.assessment.catalogue.fiscal_year for r in reports}:
        year_edit_check(fiscal_year=year)
    not_waiting = [r for r in reports if r.state not in QUEUE_STATES]
    if not_waiting:
        names = ", ".join(f"{r.assessment.office.code} {r.subitem.number}" for r in not_waiting)
        raise ValidationError(_("รับรองพร้อมกันไม่ได้ เพราะประเด็นต่อไปนี้ไม่ได้รอการรับรองผล: %(n)s") % {"n": names})
    # Every report is locked before any summary, and summaries in one order: a write of one of
    # these offices waiting on a report lock never holds a summary this needs.
    done = [report_transition(report=r, to_state=ReviewState.CERTIFIED, user=user, summarise=False) for r in reports]
    for assessment_id in sorted({r.assessment_id for r in reports}):
        summary_refresh(assessment_id=assessment_id)
    return done
