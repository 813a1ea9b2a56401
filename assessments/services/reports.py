"""An office's assessment and its per-sub-item reports: creation and the change hook."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from pmqa_site.prepared import prepared_instances, prepared_update

from .. import scoring
from ..catalogue_cache import catalogue_shape
from ..models import AnswerText, Assessment, Catalogue, ChecklistAnswer, ReviewState, SubItem, SubItemReport
from .review import report_transition
from .summary import summaries_rebuild, summary_refresh


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


def report_summary(*, subitem, values: dict[int, int | None], texts: dict[int, str], required) -> dict:
    """The summary columns of a report (what listing pages show) from its answers."""
    by_level = {level.value: [values.get(i.id) for i in items] for level, items in subitem.items_by_level}
    level = scoring.attained_level(by_level)
    return {
        "answered": sum(1 for i in subitem.items if values.get(i.id) in (0, 1)),
        "done": sum(1 for i in subitem.items if values.get(i.id) == 1),
        "level": level.value if level else "",
        "fields_filled": sum(1 for field_id in required if (texts.get(field_id) or "").strip()),
    }


# A change by the office after a reviewer's decision puts the sub-item back into the queue.
STATES_THAT_BECOME_NEW_DATA = {ReviewState.CERTIFIED, ReviewState.NOT_CERTIFIED}


def report_locked(*, office, subitem: SubItem) -> SubItemReport:
    """The office's report on `subitem`, locked for this transaction (created on first use)."""

    def locked() -> list[SubItemReport]:  # on every save of a sub-item: SQL written once per process
        return prepared_instances(
            ("report-locked",),
            SubItemReport,
            lambda office_id, subitem_id: (
                SubItemReport.objects.select_for_update(of=("self",))
                .filter(assessment__office_id=office_id, subitem_id=subitem_id)
                .order_by("pk")[:1]
            ),
            office.pk,
            subitem.pk,
            related=("updated_by",),
        )

    found = locked()
    if not found:
        report_get_or_create(office=office, subitem=subitem)
        found = locked()
    return found[0]


# No savepoint of its own: every caller is one change that succeeds or fails whole, and on
# every autosave the SAVEPOINT and its RELEASE were two more round trips to the database.
@transaction.atomic(savepoint=False)
def report_touch(
    *,
    report: SubItemReport,
    user,
    answers_changed: bool = False,
    summary: dict | None = None,
    editor_token: str = "",
    locked: bool = False,
) -> SubItemReport:
    """Record that the office changed something in `report` (a tick, a field, evidence).

    After a reviewer's decision this moves the sub-item to "new data". Only a change of the
    answers themselves (`answers_changed`: ticks and the ten fields) bumps the version the
    answer form carries, so a form is refused as stale only when someone changed what the
    form shows, never because a file was attached meanwhile. Every write path of office data
    on a sub-item calls this; callers have already run orgprofile.access.office_edit_check.
    `summary` is the report's new summary columns (report_summary) when they changed, and
    `editor_token` the page that changed the answers. `locked`: the caller holds the row's lock
    (select_for_update), so the row in memory is the row in the database and need not be read.
    """
    changes = {"updated_by": user, "updated_at": timezone.now(), **(summary or {})}
    if answers_changed:
        changes |= {"version": report.version + 1 if locked else F("version") + 1, "last_editor_token": editor_token}
    if locked:  # every autosave: the row is this transaction's, the values plain; SQL written once
        prepared_update(("report-touch",), SubItemReport, report.pk, changes)
        for name, value in changes.items():
            setattr(report, name, value)
    else:
        SubItemReport.objects.filter(pk=report.pk).update(**changes)
        report.refresh_from_db()
    moved = report.state in STATES_THAT_BECOME_NEW_DATA
    if moved:
        report_transition(report=report, to_state=ReviewState.NEW_DATA, user=user, system=True, summarise=False)
    if moved or summary:
        summary_refresh(assessment_id=report.assessment_id)
    return report


def reports_resummarise(*, catalogue: Catalogue) -> int:
    """Recompute every report's summary columns of a catalogue (its items or its required
    answer fields changed). A few queries and one bulk update, whatever the number of offices."""
    shape = catalogue_shape(catalogue)
    reports = list(SubItemReport.objects.filter(assessment__catalogue=catalogue).only("id", "subitem_id"))
    values: dict[int, dict[int, int | None]] = {}
    for report_id, item_id, value in ChecklistAnswer.objects.filter(
        report__assessment__catalogue=catalogue
    ).values_list("report_id", "item_id", "value"):
        values.setdefault(report_id, {})[item_id] = value
    texts: dict[int, dict[int, str]] = {}
    for report_id, field_id, text in AnswerText.objects.filter(report__assessment__catalogue=catalogue).values_list(
        "report_id", "field_id", "text"
    ):
        texts.setdefault(report_id, {})[field_id] = text
    for report in reports:
        summary = report_summary(
            subitem=shape.subitem_by_id[report.subitem_id],
            values=values.get(report.pk, {}),
            texts=texts.get(report.pk, {}),
            required=shape.required_field_ids,
        )
        for name, value in summary.items():
            setattr(report, name, value)
    SubItemReport.objects.bulk_update(reports, ["answered", "done", "level", "fields_filled"], batch_size=2000)
    summaries_rebuild(catalogue=catalogue)
    return len(reports)
