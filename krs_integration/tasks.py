"""Celery tasks: one per office, and the nightly run. They take ids and call services."""

from celery import shared_task

from . import services
from .models import SyncRun


@shared_task(name="krs_integration.sync_office", time_limit=120, soft_time_limit=100, acks_late=True)
def sync_office(office_result_id: int) -> str:
    """Pull one office from KRS. Safe to run twice: a result already final is left alone."""
    return services.office_result_sync(office_result_id=office_result_id).status


@shared_task(name="krs_integration.sync_all_offices", time_limit=300, soft_time_limit=280)
def sync_all_offices() -> int:
    """The nightly run (CELERY_BEAT_SCHEDULE): every active office, the current fiscal year."""
    return services.sync_run_start(trigger=SyncRun.Trigger.SCHEDULE).pk
