"""Reads of the evidence app."""

from __future__ import annotations

from dataclasses import dataclass, field

from assessments.access import office_may_edit
from assessments.models import EvidenceKind, SubItemReport

from .models import Evidence, EvidenceSource, EvidenceState
from .validation import budget_bytes, human_size, photo_max_bytes


@dataclass
class EvidencePanel:
    items: list[Evidence]
    kinds: list[EvidenceKind]
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
    def link_kind(self) -> EvidenceKind | None:
        return next((k for k in self.kinds if k.code == "photos_links"), None)


def counts_against_budget(evidence: Evidence) -> bool:
    return (
        evidence.superseded_at is None
        and evidence.source != EvidenceSource.LINK
        and evidence.state in (EvidenceState.PENDING, EvidenceState.VALID)
    )


def report_for_evidence(*, report_id: int) -> SubItemReport:
    """The report with what the evidence pages show about it, in one query."""
    return SubItemReport.objects.select_related("assessment__office", "subitem__category", "subitem__catalogue").get(
        pk=report_id
    )


def evidence_context(*, report: SubItemReport, user, can_edit: bool | None = None) -> dict:
    """What templates/evidence/panel.html needs. Two queries for the evidence and kinds,
    plus the edit check's own (role and membership); never more with more files."""
    items = list(
        Evidence.objects.filter(report=report)
        .select_related("kind", "uploaded_by", "superseded_by")
        .order_by("kind__order", "uploaded_at", "pk")
    )
    kinds = list(EvidenceKind.objects.filter(catalogue__subitems=report.subitem_id))
    panel = EvidencePanel(
        items=items,
        kinds=kinds,
        budget=budget_bytes(),
        used=sum(e.size for e in items if counts_against_budget(e)),
        photo_max=photo_max_bytes(),
        any_pending=any(e.state == EvidenceState.PENDING and e.superseded_at is None for e in items),
    )
    return {
        "report": report,
        # A page that already knows (it asked office_may_edit with its window) passes it in.
        "can_edit": office_may_edit(user=user, office=report.assessment.office) if can_edit is None else can_edit,
        "evidence": panel,
    }


def evidence_kinds_covered(*, report: SubItemReport) -> set[str]:
    """Codes of the kinds with at least one active valid file or link (for the readiness page)."""
    return set(
        Evidence.objects.filter(report=report, superseded_at__isnull=True, state=EvidenceState.VALID)
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
        .values_list("report__subitem_id", "kind__code")
        .distinct()
    )
    for subitem_id, code in rows:
        covered.setdefault(subitem_id, set()).add(code)
    return covered


def evidence_snapshot(*, report: SubItemReport) -> list[dict]:
    """The active evidence of a report as plain data, kept with a reviewer's decision so that
    "new data" can show what was added or superseded since."""
    return [
        {"id": e.pk, "label": f"{e.kind.title}: {e.display_name}"}
        for e in Evidence.objects.filter(report=report, superseded_at__isnull=True).select_related("kind")
    ]
