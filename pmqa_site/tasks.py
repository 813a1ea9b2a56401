import socket

from celery import current_app, shared_task
from django.db import connection, transaction
from django.utils import timezone

from .models import Heartbeat


@shared_task(name="pmqa_site.health_check", time_limit=30, soft_time_limit=20)
def health_check(token: str) -> dict:
    """Prove a worker is alive and can reach the database: the caller matches the token it sent."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        (one,) = cursor.fetchone()
    return {
        "token": token,
        "database": one == 1,
        "hostname": socket.gethostname(),
        "at": timezone.now().isoformat(),
    }


def enqueue(task_name: str, *args):
    """Queue a registered task by its name now (see enqueue_on_commit for why by name)."""
    if task_name not in current_app.tasks:
        # A web process imports no tasks module itself: let Celery's autodiscovery (the
        # apps' tasks.py, as a worker does at start) register them, once.
        current_app.loader.import_default_modules()
    return current_app.tasks[task_name].delay(*args)


def enqueue_on_commit(task_name: str, *args) -> None:
    """Queue a registered task by its name once the current transaction commits.

    Services name tasks instead of importing their modules, so that a service and the task
    that calls it back never import each other (tasks take ids, not objects). In the
    embedded default the task then runs in this process (CELERY_TASK_ALWAYS_EAGER).

    `robust`: when the broker cannot be reached the failure is logged and the request still
    answers, its data committed; the periodic sweeps queue such work again (evidence.sweep).
    """
    transaction.on_commit(lambda: enqueue(task_name, *args), robust=True)


@shared_task(name="pmqa_site.beat_heartbeat", time_limit=30, soft_time_limit=20)
def beat_heartbeat() -> str:
    """Sent by Celery beat every minute and run by a worker: proof that both are alive."""
    Heartbeat.objects.update_or_create(name="beat", defaults={"at": timezone.now()})
    return "ok"
