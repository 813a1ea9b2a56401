"""Writes of the KRS integration: sync runs, the per-office sync, the upsert, file import.

A failed or partial pull never deletes or blanks a stored value: only indicators that
passed the contract are written, and only a complete, valid answer marks missing
indicators withdrawn (they stay in the database).
"""

import logging
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from orgprofile.models import Office
from orgprofile.windows import current_fiscal_year
from pmqa_site.tasks import enqueue

from .client import KRSClient, KRSError, OfficeIndicators
from .contract import IndicatorData
from .models import Indicator, SyncOfficeResult, SyncRun

logger = logging.getLogger(__name__)

COMPARED_FIELDS = ("name", "kind", "dimension_code", "target", "result", "unit", "achieved", "krs_updated_at")


@dataclass
class UpsertCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    kept: list[str] = field(default_factory=list)  # messages for values kept instead of blanked


def _fiscal_year_or_error(fiscal_year: int | None) -> int:
    fiscal_year = fiscal_year or current_fiscal_year()
    if fiscal_year is None:
        raise ValidationError(
            _("ยังไม่ได้โหลดเกณฑ์การประเมิน จึงไม่ทราบปีงบประมาณที่จะปรับข้อมูล (python manage.py load_catalogue)")
        )
    return fiscal_year


@transaction.atomic
def indicators_upsert(
    *, office: Office, fiscal_year: int, items: list[IndicatorData], source: str, complete: bool, at=None
) -> UpsertCounts:
    """Create or update the office's indicators by (office, fiscal year, code).

    `complete` says the items are the office's whole valid set: only then are stored
    indicators missing from it marked withdrawn. A result KRS now sends empty never
    replaces one already stored.
    """
    at = at or timezone.now()
    counts = UpsertCounts()
    existing = {i.code: i for i in Indicator.objects.select_for_update().filter(office=office, fiscal_year=fiscal_year)}
    to_create, to_update = [], []
    for item in items:
        values = {
            "name": item.name,
            "kind": item.kind,
            "dimension_code": item.dimension,
            "target": item.target,
            "result": item.result,
            "unit": item.unit,
            "achieved": item.achieved,
            "krs_updated_at": item.updated_at,
        }
        row = existing.get(item.code)
        if row is None:
            to_create.append(
                Indicator(
                    office=office, fiscal_year=fiscal_year, code=item.code, source=source, last_synced_at=at, **values
                )
            )
            continue
        if item.result is None and row.result is not None:
            values["result"], values["achieved"] = row.result, row.achieved
            counts.kept.append(
                _("ตัวชี้วัด %(code)s: KRS ส่งผลการดำเนินงานว่าง จึงคงค่าเดิม %(value)s ไว้")
                % {"code": item.code, "value": row.result.normalize()}
            )
        if all(getattr(row, name) == values[name] for name in COMPARED_FIELDS) and row.withdrawn_at is None:
            counts.unchanged += 1
            continue
        for name, value in values.items():
            setattr(row, name, value)
        row.source, row.last_synced_at, row.withdrawn_at, row.updated_at = source, at, None, at
        to_update.append(row)
    Indicator.objects.bulk_create(to_create)
    if to_update:
        Indicator.objects.bulk_update(
            to_update, [*COMPARED_FIELDS, "source", "last_synced_at", "withdrawn_at", "updated_at"]
        )
    if complete:
        listed = {item.code for item in items}
        gone = [code for code, row in existing.items() if code not in listed and row.withdrawn_at is None]
        if gone:
            Indicator.objects.filter(office=office, fiscal_year=fiscal_year, code__in=gone).update(
                withdrawn_at=at, updated_at=at
            )
            counts.updated += len(gone)
    counts.created, counts.updated = len(to_create), counts.updated + len(to_update)
    return counts


# --- Sync runs ------------------------------------------------------------------------------


@transaction.atomic
def sync_run_create(*, trigger: str, user=None, offices=None, fiscal_year: int | None = None) -> SyncRun:
    """A run in state running with one pending result per office (all active offices by default)."""
    fiscal_year = _fiscal_year_or_error(fiscal_year)
    offices = list(offices if offices is not None else Office.objects.filter(is_active=True).order_by("code"))
    run = SyncRun.objects.create(trigger=trigger, started_by=user, fiscal_year=fiscal_year, offices_total=len(offices))
    SyncOfficeResult.objects.bulk_create([SyncOfficeResult(run=run, office=o) for o in offices])
    if not offices:
        run.errors = [_("ไม่มีสำนักงานที่ใช้งานอยู่ในทะเบียน")]
        run.status, run.finished_at = SyncRun.Status.FAILED, timezone.now()
        run.save(update_fields=["errors", "status", "finished_at"])
    return run


def sync_run_fail(*, run: SyncRun, message: str) -> SyncRun:
    """End a run before any office was asked: every pending office fails with the message."""
    now = timezone.now()
    with transaction.atomic():
        run.office_results.filter(status=SyncOfficeResult.Status.PENDING).update(
            status=SyncOfficeResult.Status.FAILED, errors=[message], started_at=now, finished_at=now
        )
        run.errors = [*run.errors, message]
        run.save(update_fields=["errors"])
    return sync_run_refresh(run_id=run.pk)


def sync_run_preflight(*, run: SyncRun, client: KRSClient | None = None) -> bool:
    """Ask KRS's health check once; if KRS is down the run fails now, not once per office."""
    if run.is_finished:
        return False
    own_client = client is None
    client = client or KRSClient()
    try:
        client.health()
    except KRSError as exc:
        logger.warning("KRS sync run %s: preflight failed: %s", run.pk, exc.message)
        sync_run_fail(run=run, message=exc.message)
        return False
    finally:
        if own_client:
            client.close()
    return True


def sync_run_dispatch(*, run: SyncRun) -> None:
    """Queue one Celery task per pending office, after the surrounding transaction commits."""
    ids = list(run.office_results.filter(status=SyncOfficeResult.Status.PENDING).values_list("pk", flat=True))

    def queue():
        for pk in ids:
            try:
                enqueue("krs_integration.sync_office", pk)
            except Exception as exc:  # noqa: BLE001 - a broker error must not leave the office pending forever
                logger.exception("KRS sync run %s: could not queue office result %s", run.pk, pk)
                result = SyncOfficeResult.objects.select_related("run", "office").get(pk=pk)
                office_result_finish(
                    result=result,
                    outcome=KRSError(
                        _("ส่งงานปรับข้อมูลเข้าคิวไม่ได้ (%(error)s) กรุณาตรวจสอบ Celery และ Redis แล้วสั่งใหม่")
                        % {"error": exc.__class__.__name__}
                    ),
                )

    transaction.on_commit(queue)


def sync_run_start(*, trigger: str, user=None, offices=None, fiscal_year: int | None = None) -> SyncRun:
    """Create a run, check that KRS answers, and queue the per-office tasks."""
    run = sync_run_create(trigger=trigger, user=user, offices=offices, fiscal_year=fiscal_year)
    if sync_run_preflight(run=run):
        sync_run_dispatch(run=run)
    return run


def office_result_sync(*, office_result_id: int, client: KRSClient | None = None) -> SyncOfficeResult:
    """Pull one office's indicators from KRS and upsert them. Safe to run twice.

    Always leaves the result in a final state (ok, partial or failed) and refreshes the run.
    """
    result = office_result_begin(office_result_id=office_result_id)
    if result is None:
        return SyncOfficeResult.objects.get(pk=office_result_id)
    own_client = client is None
    client = client or KRSClient()
    try:
        outcome = office_fetch(client=client, office_code=result.office.code, fiscal_year=result.run.fiscal_year)
    finally:
        if own_client:
            client.close()
    return office_result_finish(result=result, outcome=outcome)


def office_result_begin(*, office_result_id: int) -> SyncOfficeResult | None:
    """Mark a pending result started; None if it is already final (a task run twice)."""
    with transaction.atomic():
        result = SyncOfficeResult.objects.select_for_update().select_related("run", "office").get(pk=office_result_id)
        if result.status != SyncOfficeResult.Status.PENDING:
            return None
        result.started_at = timezone.now()
        result.save(update_fields=["started_at"])
    return result


def office_fetch(*, client: KRSClient, office_code: str, fiscal_year: int) -> OfficeIndicators | KRSError:
    """The HTTP half of a sync, with no database access, so that it can run in any thread."""
    try:
        return client.office_indicators(office_code=office_code, fiscal_year=fiscal_year)
    except KRSError as exc:
        return exc
    except Exception as exc:  # noqa: BLE001 - the result must end final; the log keeps the trace
        logger.exception("KRS office %s: unexpected failure while fetching", office_code)
        return KRSError(_("เกิดข้อผิดพลาดภายในระบบระหว่างดึงข้อมูล: %(error)s") % {"error": exc.__class__.__name__})


def office_result_finish(
    *, result: SyncOfficeResult, outcome: OfficeIndicators | KRSError, started_at=None
) -> SyncOfficeResult:
    """The database half: upsert what passed the contract and record counts and errors.

    `started_at` is when the fetch really began, if it waited in a queue after `begin`.
    """
    errors: list[str] = []
    if started_at is not None:
        result.started_at = started_at
    try:
        if isinstance(outcome, KRSError):
            raise outcome
        counts = indicators_upsert(
            office=result.office,
            fiscal_year=result.run.fiscal_year,
            items=outcome.indicators,
            source=Indicator.Source.KRS,
            complete=outcome.complete,
        )
        for refused in outcome.refused:
            errors.append(
                _("ตัวชี้วัดลำดับที่ %(position)s%(code)s ถูกปฏิเสธ: %(message)s")
                % {
                    "position": refused.position,
                    "code": f" ({refused.code})" if refused.code else "",
                    "message": refused.message,
                }
            )
            logger.warning(
                "KRS office %s: refused indicator %s: %s", result.office.code, refused.position, refused.message
            )
        errors.extend(counts.kept)
        result.created_count, result.updated_count = counts.created, counts.updated
        result.unchanged_count, result.refused_count = counts.unchanged, len(outcome.refused) + len(counts.kept)
        result.status = SyncOfficeResult.Status.PARTIAL if errors else SyncOfficeResult.Status.OK
    except KRSError as exc:
        logger.warning("KRS office %s: %s", result.office.code, exc.message)
        errors.append(exc.message)
        result.status = SyncOfficeResult.Status.FAILED
    except Exception:  # noqa: BLE001 - the row must end final whatever happened; the log keeps the trace
        logger.exception("KRS office %s: unexpected failure", result.office.code)
        errors.append(_("เกิดข้อผิดพลาดภายในระบบระหว่างปรับข้อมูล ไม่ได้เปลี่ยนแปลงข้อมูลที่บันทึกไว้"))
        result.status = SyncOfficeResult.Status.FAILED
    result.errors = errors
    result.finished_at = timezone.now()
    result.save()
    sync_run_refresh(run_id=result.run_id)
    return result


def sync_run_refresh(*, run_id: int) -> SyncRun:
    """Recount a run from its office results; close it once no office is pending."""
    S = SyncOfficeResult.Status
    with transaction.atomic():
        run = SyncRun.objects.select_for_update().get(pk=run_id)
        totals = run.office_results.aggregate(
            pending=Count("pk", filter=Q(status=S.PENDING)),
            ok=Count("pk", filter=Q(status=S.OK)),
            partial=Count("pk", filter=Q(status=S.PARTIAL)),
            failed=Count("pk", filter=Q(status=S.FAILED)),
            created=Sum("created_count"),
            updated=Sum("updated_count"),
            unchanged=Sum("unchanged_count"),
            refused=Sum("refused_count"),
        )
        run.offices_ok, run.offices_partial, run.offices_failed = totals["ok"], totals["partial"], totals["failed"]
        run.created_count = totals["created"] or 0
        run.updated_count = totals["updated"] or 0
        run.unchanged_count = totals["unchanged"] or 0
        run.refused_count = totals["refused"] or 0
        if totals["pending"] == 0 and run.status == SyncRun.Status.RUNNING:
            if run.offices_ok == run.offices_total and not run.errors:
                run.status = SyncRun.Status.SUCCEEDED
            elif run.offices_ok or run.offices_partial:
                run.status = SyncRun.Status.PARTIAL
            else:
                run.status = SyncRun.Status.FAILED
            run.finished_at = timezone.now()
        run.save()
    return run
