"""Is the service alive, and is it ready? (django-health-check)

- Liveness (`/healthz/`): the process answers. No dependency is asked: a database outage
  must not make an orchestrator restart every web process.
- Readiness (`/healthz/ready/`, and on the admin's home): PostgreSQL (the database), the
  object store or the media volume (a file written, read and deleted), and in production
  Redis, a Celery worker answering a ping, and the beat's last heartbeat (run by a worker).
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from health_check.base import HealthCheck
from health_check.checks import Database, Storage
from health_check.contrib.celery import Ping
from health_check.contrib.redis import Redis
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView
from redis.asyncio import Redis as RedisClient

from .models import Heartbeat

# The beat sends a heartbeat every minute; three missed ones mean the beat or every worker is down.
BEAT_STALE_AFTER = datetime.timedelta(minutes=3)

LABELS = {
    "Database": "ฐานข้อมูล (PostgreSQL)",
    "Storage": "ที่เก็บไฟล์ (object storage / media)",
    "Redis": "Redis (คิวงาน)",
    "Ping": "Celery worker",
    "BeatHeartbeat": "Celery beat (งานตามเวลา)",
}


@dataclasses.dataclass
class BeatHeartbeat(HealthCheck):
    """The beat's last heartbeat is recent (it also proves a worker ran it)."""

    def run(self):
        beat = Heartbeat.objects.filter(name="beat").first()
        if beat is None:
            raise ServiceUnavailable("no heartbeat yet")
        if timezone.now() - beat.at > BEAT_STALE_AFTER:
            raise ServiceUnavailable(f"last heartbeat {beat.at.isoformat()}")


def readiness_checks() -> list[HealthCheck]:
    checks: list[HealthCheck] = [Database(), Storage()]
    if settings.CELERY_BROKER_URL:
        url = settings.CELERY_BROKER_URL
        checks += [
            Redis(client_factory=lambda: RedisClient.from_url(url, socket_connect_timeout=2)),
            Ping(),
            BeatHeartbeat(),
        ]
    return checks


class ReadinessView(HealthCheckView):
    """For load balancers and monitoring: JSON unless another format is asked for."""

    def get_checks(self):
        return readiness_checks()

    async def get(self, request, *args, **kwargs):
        if "format" not in request.GET and "html" not in request.headers.get("Accept", ""):
            request.GET = request.GET.copy()
            request.GET["format"] = "json"
        return await super().get(request, *args, **kwargs)


@dataclasses.dataclass
class Status:
    name: str
    ok: bool
    detail: str
    seconds: float


def system_readiness() -> list[Status]:
    """The same checks, for a page: each with a Thai name, ok or the reason."""

    async def gather():
        return await asyncio.gather(*(check.get_result(None) for check in readiness_checks()))

    return [
        Status(
            name=LABELS.get(type(r.check).__name__, type(r.check).__name__),
            ok=r.error is None,
            detail="" if r.error is None else str(r.error),
            seconds=r.time_taken,
        )
        for r in asyncio.run(gather())
    ]


def all_ready(statuses: list[Status]) -> str:
    return _("พร้อมทุกส่วน") if all(s.ok for s in statuses) else _("มีบางส่วนขัดข้อง")
