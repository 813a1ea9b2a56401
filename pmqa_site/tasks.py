import socket

from celery import shared_task
from django.db import connection
from django.utils import timezone


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
