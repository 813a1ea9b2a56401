"""Celery tasks of the evidence app. They take ids and call services; in the embedded
default (CELERY_TASK_ALWAYS_EAGER) they run in the web process after the upload commits."""

import logging

from celery import shared_task

from . import services

logger = logging.getLogger(__name__)


@shared_task(
    name="evidence.validate",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=3,
    default_retry_delay=15,
    time_limit=60,
    soft_time_limit=45,
)
def evidence_validate(self, evidence_id: int) -> str | None:
    """Check one file. A failure outside the checker (storage, database) is retried a few
    times; after the last retry the row is refused as "could not be checked", never left pending."""
    try:
        return services.evidence_check(evidence_id=evidence_id)
    except Exception as error:
        if self.request.is_eager:
            # In the web process: record the failure on the row, do not fail the upload request.
            logger.exception("evidence %s could not be checked", evidence_id)
            services.evidence_give_up(evidence_id=evidence_id)
            return None
        if self.request.retries >= self.max_retries:
            services.evidence_give_up(evidence_id=evidence_id)
            raise
        raise self.retry(exc=error) from error


@shared_task(name="evidence.sweep", time_limit=120, soft_time_limit=100)
def evidence_sweep() -> int:
    """Periodic (celery beat, see EVIDENCE block in settings): rows left pending by a lost
    worker or a lost broker are queued again or given up on."""
    return services.evidence_sweep()
