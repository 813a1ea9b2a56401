"""Serve the stand-in KRS (krs_integration/standin.py) for the demo: 127.0.0.1:8001 by default."""

import threading
import time
from urllib.parse import urlparse

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from orgprofile.models import Office

from ...standin import MODES, StandinConfig, StandinServer


class RegistryOffices:
    """Offices the stand-in knows: the registry, re-read (at most every 5 s) on an unknown code."""

    def __init__(self):
        self._lock = threading.Lock()
        self._codes: set[str] = set()
        self._read_at = 0.0
        self._reload()

    def _reload(self):
        try:
            self._codes = set(Office.objects.values_list("code", flat=True))
        finally:
            connections.close_all()
        self._read_at = time.monotonic()

    def __call__(self, code: str) -> bool:
        if code in self._codes:
            return True
        with self._lock:
            if time.monotonic() - self._read_at > 5:
                self._reload()
        return code in self._codes


class Command(BaseCommand):
    help = "Run the stand-in KRS server (demo and tests). It serves 30 deterministic indicators per registry office."

    def add_arguments(self, parser):
        default_port = urlparse(settings.KRS_BASE_URL).port or 8001
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=default_port)
        parser.add_argument(
            "--token", default=settings.KRS_TOKEN, help="token to require (default KRS_TOKEN; empty = any)"
        )
        parser.add_argument(
            "--delay", type=float, default=0.0, help="seconds to wait before each indicators or login answer"
        )
        parser.add_argument(
            "--fail-status", type=int, help="answer indicator requests with this HTTP status (e.g. 500)"
        )
        parser.add_argument(
            "--fail-times", type=int, default=0, help="with --fail-status: fail only the first N requests"
        )
        parser.add_argument("--mode", choices=MODES, default="ok", help="answer malformed data of this kind")
        parser.add_argument("--revision", type=int, default=0, help="change this to change every result")
        parser.add_argument(
            "--user",
            action="append",
            default=[],
            metavar="USERNAME:PASSWORD:OFFICE_CODE",
            help="a KRS login for /api/v1/auth/verify (repeatable)",
        )

    def handle(self, *args, **o):
        users = {}
        for spec in o["user"]:
            parts = spec.split(":")
            if len(parts) != 3 or not all(parts):
                raise CommandError(f"--user must be USERNAME:PASSWORD:OFFICE_CODE, got {spec!r}")
            users[parts[0]] = {"password": parts[1], "office_code": parts[2]}
        config = StandinConfig(
            known_offices=RegistryOffices(),
            token=o["token"],
            delay=o["delay"],
            fail_status=o["fail_status"],
            fail_times=o["fail_times"],
            mode=o["mode"],
            revision=o["revision"],
            users=users,
        )
        server = StandinServer(config, host=o["host"], port=o["port"], quiet=o["verbosity"] < 2)
        self.stdout.write(f"Stand-in KRS on {server.url}/ (Ctrl+C to stop); mode={config.mode}")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            self.stdout.write("stopped")
        finally:
            server.stop()
