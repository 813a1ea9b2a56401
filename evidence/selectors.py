"""Reads of the evidence app."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model

from assessments.catalogue_cache import KindShape, catalogue_shape
from assessments.models import SubItemReport
from assessments.selectors import GENERATED_EVIDENCE_KIND, generated_answer_form_available
from orgprofile.windows import current_fiscal_year as fiscal_year_now
from pmqa_site.prepared import prepared_instances, prepared_values

from .models import Evidence, EvidenceAbsence, EvidenceEvent, EvidenceSource, EvidenceState
from .validation import budget_bytes, human_size, photo_max_bytes


@dataclass
class AttachmentLine:
    """One entry of the guide's attachment list for a sub-item, and where the office stands."""

    text: str  # the guide's words
    kind: KindShape | None
    files: int  # active files or links of that kind, checked or being checked
    absent_reason: str = ""  # the office says it has none, and why
    generated: bool = False  # the product makes it (the answer form, from the ten fields)

    @property
    def done(self) -> bool:
        return self.files > 0 or bool(self.absent_reason) or self.generated


def attachment_lines(
    *, note, kinds, files_by_kind: dict[str, int], absent: dict[str, str], generated: frozenset[str] = frozenset()
) -> list[AttachmentLine]:
    """Entry i of the guide's list is kind i of the catalogue (README, Evidence). `generated`:
    codes of the kinds the product has made for this sub-item (the answer form)."""
    lines = []
    for position, text in enumerate(note):
        kind = kinds[position] if position < len(kinds) else None
        code = kind.code if kind else ""
        lines.append(
            AttachmentLine(
                text=text,
                kind=kind,
                files=files_by_kind.get(code, 0),
                absent_reason=absent.get(code, ""),
                generated=code in generated,
            )
        )
    return lines


def generated_kinds(*, fields_filled: int, required: int) -> frozenset[str]:
    """The evidence kinds made from the report's own data: the answer form once the answer
    summary is complete (reporting lays it out; it is not an upload and not in the budget)."""
    if generated_answer_form_available(fields_filled=fields_filled, required=required):
        return frozenset({GENERATED_EVIDENCE_KIND})
    return frozenset()


@dataclass
class EvidencePanel:
    items: list[Evidence]
    kinds: list[KindShape]
    checklist: list[AttachmentLine]
    note_from: str
    budget: int
    used: int
    photo_max: int
    any_pending: bool
    messages: list[str] = field(default_factory=list)
    return_url: str = ""  # where the panel's forms come back to without JavaScript; empty: this page

    @property
    def remaining(self) -> int:
        return max(self.budget - self.used, 0)

    @property
    def used_display(self) -> str:
        return human_size(self.used)

    @property
    def remaining_display(self) -> str:
        return human_size(self.remaining)

    @property
    def budget_display(self) -> str:
        return human_size(self.budget)

    @property
    def percent(self) -> int:
        return min(100, round(self.used * 100 / self.budget)) if self.budget else 100

    @property
    def link_kind(self) -> KindShape | None:
        return next((k for k in self.kinds if k.code == "photos_links"), None)


def counts_against_budget(evidence: Evidence) -> bool:
    return (
        evidence.superseded_at is None
        and evidence.source != EvidenceSource.LINK
        and evidence.state in (EvidenceState.PENDING, EvidenceState.VALID)
    )


def report_for_evidence(*, office, number: str) -> SubItemReport | None:
    """The office's report on sub-item `number` of the current year, with what the evidence
    pages show about it, in one query; None when the office has not opened it."""
    return (
        SubItemReport.objects.select_related("assessment__office", "subitem__category", "subitem__catalogue")
        .filter(assessment__office=office, subitem__number=number, assessment__catalogue__fiscal_year=fiscal_year_now())
        .first()
    )


def _with_people(items: list[Evidence]) -> list[Evidence]:
    """Who sent and who withdrew each file, in one query for all of them, and the file that
    replaced a withdrawn one (one of `items`): the same as select_related() of the three, at a
    third of what building that query costs on every sub-item page."""
    if not items:
        return items
    ids = {e.uploaded_by_id for e in items} | {e.superseded_by_id for e in items if e.superseded_by_id}
    people = get_user_model().objects.in_bulk(ids)
    by_id = {e.pk: e for e in items}
    for item in items:
        Evidence.uploaded_by.field.set_cached_value(item, people.get(item.uploaded_by_id))
        if item.superseded_by_id is None or item.superseded_by_id in people:
            Evidence.superseded_by.field.set_cached_value(item, people.get(item.superseded_by_id))
        if item.replaced_by_id is None or item.replaced_by_id in by_id:
            Evidence.replaced_by.field.set_cached_value(item, by_id.get(item.replaced_by_id))
    return items


def evidence_panel(*, report: SubItemReport) -> EvidencePanel:
    """What templates/evidence/panel.html shows of a report: the evidence, the kinds marked
    absent, and (when there are files) the people who sent or withdrew them; never more
    queries with more files."""
    items = _with_people(
        prepared_instances(  # on every sub-item page: SQL written once per process
            ("evidence-panel",),
            Evidence,
            lambda report_id: Evidence.objects.filter(report_id=report_id).order_by("kind__order", "uploaded_at", "pk"),
            report.pk,
            related=("kind",),
        )
    )
    kinds = list(catalogue_shape(report.subitem.catalogue).evidence_kinds)
    files_by_kind: dict[str, int] = {}
    for item in items:
        if item.superseded_at is None and item.state in (EvidenceState.PENDING, EvidenceState.VALID):
            files_by_kind[item.kind.code] = files_by_kind.get(item.kind.code, 0) + 1
    absent = {
        row["kind__code"]: row["reason"]
        for row in prepared_values(  # on every sub-item page: SQL written once per process
            ("evidence-absent",),
            lambda report_id: EvidenceAbsence.objects.filter(report_id=report_id).values("kind__code", "reason"),
            report.pk,
        )
    }
    required = len(catalogue_shape(report.subitem.catalogue).required_field_ids)
    return EvidencePanel(
        items=items,
        kinds=kinds,
        checklist=attachment_lines(
            note=report.subitem.evidence_note,
            kinds=kinds,
            files_by_kind=files_by_kind,
            absent=absent,
            generated=generated_kinds(fields_filled=report.fields_filled, required=required),
        ),
        note_from=report.subitem.evidence_note_from,
        budget=budget_bytes(),
        used=sum(e.size for e in items if counts_against_budget(e)),
        photo_max=photo_max_bytes(),
        any_pending=any(e.state == EvidenceState.PENDING and e.superseded_at is None for e in items),
    )


def evidence_kinds_covered(*, report: SubItemReport) -> set[str]:
    """Codes of the kinds with at least one active valid file or link (for the readiness page)."""
    return set(
        Evidence.objects.filter(report=report, superseded_at__isnull=True, state=EvidenceState.VALID)
        .order_by()  # the model's ordering would put its columns in the DISTINCT: one row a file
        .values_list("kind__code", flat=True)
        .distinct()
    )


def evidence_for_download(*, evidence_id: int) -> Evidence:
    return Evidence.objects.select_related("report__assessment__office").get(pk=evidence_id)


def evidence_kinds_covered_by_subitem(*, assessment) -> dict[int, set[str]]:
    """sub-item id → codes of kinds with an active valid file or link, for a whole
    assessment in one query (the readiness page)."""
    covered: dict[int, set[str]] = {}
    rows = (
        Evidence.objects.filter(report__assessment=assessment, superseded_at__isnull=True, state=EvidenceState.VALID)
        .order_by()  # as above: one row a sub-item and kind, not one a file
        .values_list("report__subitem_id", "kind__code")
        .distinct()
    )
    for subitem_id, code in rows:
        covered.setdefault(subitem_id, set()).add(code)
    return covered


def evidence_absences_by_subitem(*, assessment) -> dict[int, dict[str, str]]:
    """sub-item id → {kind code: the office's reason it has none}, for a whole assessment."""
    absent: dict[int, dict[str, str]] = {}
    rows = EvidenceAbsence.objects.filter(report__assessment=assessment).values_list(
        "report__subitem_id", "kind__code", "reason"
    )
    for subitem_id, code, reason in rows:
        absent.setdefault(subitem_id, {})[code] = reason
    return absent


def message_attachments(*, messages) -> dict[int, list[Evidence]]:
    """message id → the files sent with it, for a conversation, in one query."""
    attachments: dict[int, list[Evidence]] = {}
    ids = [m.pk for m in messages]
    if ids:
        for evidence in Evidence.objects.filter(message_id__in=ids).select_related("kind").order_by("pk"):
            attachments.setdefault(evidence.message_id, []).append(evidence)
    return attachments


@dataclass
class EvidenceChange:
    label: str
    before: str
    after: str
    kind: str = "evidence"


def evidence_changes_since(*, report: SubItemReport, since) -> list[EvidenceChange]:
    """Files and links added or superseded after `since` (a reviewer's last decision), read
    from the append-only evidence events: what the review page lists as "new data"."""
    if not since:
        return []
    changes = []
    events = (
        EvidenceEvent.objects.filter(
            evidence__report=report,
            at__gt=since,
            action__in=[EvidenceEvent.Action.UPLOADED, EvidenceEvent.Action.LINKED, EvidenceEvent.Action.SUPERSEDED],
        )
        .select_related("evidence__kind")
        .order_by("at", "pk")
    )
    for event in events:
        label = f"{event.evidence.kind.title}: {event.evidence.display_name}"
        if event.action == EvidenceEvent.Action.SUPERSEDED:
            changes.append(EvidenceChange(label, "ใช้งาน", "ยกเลิกแล้ว"))
        else:
            changes.append(EvidenceChange(label, "", "แนบเพิ่ม"))
    return changes


@dataclass
class LastYearFiles:
    """Last year's active, checked files of the same sub-item (catalogue mapping), and which of
    them the office already attached again this year."""

    year: int | None
    files: list
    reattached: set[int]


def last_year_files(*, report: SubItemReport) -> LastYearFiles:
    """Two queries, none when the sub-item has no counterpart last year."""
    previous_id = report.subitem.previous_id
    if previous_id is None:
        return LastYearFiles(year=None, files=[], reattached=set())
    files = list(
        Evidence.objects.filter(
            report__assessment__office_id=report.assessment.office_id,
            report__subitem_id=previous_id,
            superseded_at__isnull=True,
            state=EvidenceState.VALID,
        )
        .exclude(source=EvidenceSource.LINK)
        .select_related("kind", "report__subitem__catalogue")
        .order_by("kind__order", "uploaded_at", "pk")
    )
    reattached = set(
        Evidence.objects.filter(report=report, superseded_at__isnull=True, reattached_from__isnull=False).values_list(
            "reattached_from_id", flat=True
        )
    )
    year = files[0].report.subitem.catalogue.fiscal_year if files else None
    return LastYearFiles(year=year, files=files, reattached=reattached)
