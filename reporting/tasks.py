"""Celery tasks of the top floor. In the embedded default (CELERY_TASK_ALWAYS_EAGER) they
run in the web process once the request's transaction commits, as every task does."""

import logging

from celery import shared_task

from . import services

logger = logging.getLogger(__name__)


@shared_task(name="reporting.book_build", bind=True, acks_late=True, time_limit=300, soft_time_limit=240, max_retries=1)
def book_build(self, book_id: int) -> str | None:
    """Make one report book. The row ends ready or failed (services.book_build)."""
    try:
        return services.book_build(book_id=book_id)
    except Exception:
        if self.request.is_eager:
            # In the web process: the row says it failed; the request itself still answers.
            return None
        raise
