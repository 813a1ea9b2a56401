"""What the benchmarks need around the product, on loopback only: a throw-away PostgreSQL,
gunicorn, wrk pinned to one core, and the machine's load average beside every figure."""

from __future__ import annotations

import contextlib
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def interpreter() -> str:
    """Which Python serves the pages, and how fast it runs plain Python code: the same version
    built with or without profile-guided and link-time optimisation differs by about a quarter,
    and the pages, bound by Python, feel it more than the yardstick does (README, "Page costs").
    The probe is a fixed loop of dict, str and method calls; the median of five runs."""

    class Probe:
        def __init__(self, x):
            self.x = x

        def next(self):
            return self.x + 1

    def loop() -> int:
        table = {str(i): i for i in range(100_000)}
        return sum(len(k) + v for k, v in table.items()) + sum(Probe(i).next() for i in range(100_000))

    times = []
    for _ in range(5):
        started = time.perf_counter()
        loop()
        times.append(time.perf_counter() - started)
    probe_ms = sorted(times)[2] * 1000
    where = os.path.realpath(sys.executable)
    return f"Python {platform.python_version()} at {where}; pure-Python probe {probe_ms:.0f} ms"


def _pg_bindir() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: [int(x) for x in p.parent.name.split(".")])
    if not found:
        raise SystemExit("PostgreSQL is not installed (apt-get install postgresql)")
    return found[-1]


def _as_postgres(args: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


@contextlib.contextmanager
def postgres():
    """A PostgreSQL server for this run only, on a free loopback port. Yields a function that
    creates a database and returns its URL."""
    bindir = _pg_bindir()
    run_dir = Path(tempfile.mkdtemp(prefix="pmqa-bench-pg-"))
    run_dir.chmod(0o755)
    data = run_dir / "data"
    data.mkdir()
    if os.geteuid() == 0:
        shutil.chown(run_dir, "postgres", "postgres")
        shutil.chown(data, "postgres", "postgres")
    port = free_port()
    subprocess.run(
        _as_postgres([str(bindir / "initdb"), "-D", str(data), "-U", "pmqa", "--auth=trust", "-E", "UTF8"]),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    options = f"-h 127.0.0.1 -p {port} -k {run_dir} -c fsync=off -c synchronous_commit=off -c max_connections=200"
    subprocess.run(
        _as_postgres(
            [str(bindir / "pg_ctl"), "-D", str(data), "-l", str(run_dir / "pg.log"), "-w", "-o", options, "start"]
        ),
        check=True,
        stdout=subprocess.DEVNULL,
    )

    def database(name: str) -> str:
        subprocess.run(
            [str(bindir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "pmqa", name],
            check=True,
        )
        return f"postgres://pmqa@127.0.0.1:{port}/{name}"

    try:
        yield database
    finally:
        subprocess.run(
            _as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        shutil.rmtree(run_dir, ignore_errors=True)


@contextlib.contextmanager
def redis():
    """A Redis server for this run only (the production cache and broker), on a free loopback
    port, no persistence. Yields its URL and its process (whose memory the rush bench reads)."""
    if not shutil.which("redis-server"):
        raise SystemExit("Redis is not installed (apt-get install redis-server)")
    port = free_port()
    workdir = tempfile.mkdtemp(prefix="pmqa-bench-redis-")
    process = subprocess.Popen(
        ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--dir", workdir],
        stdout=subprocess.DEVNULL,
    )
    try:
        for _ in range(50):
            if subprocess.run(["redis-cli", "-p", str(port), "ping"], capture_output=True).returncode == 0:
                break
            time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0", process
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)


@contextlib.contextmanager
def gunicorn(app: str, env: dict, *, workers: int, health_path: str):
    """gunicorn serving `app` on a free loopback port; yields its base URL."""
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            app,
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
            "--timeout",
            "60",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                requests.get(base + health_path, timeout=2)
                break
            except requests.RequestException:
                time.sleep(0.2)
        else:
            raise SystemExit(f"gunicorn ({app}) did not answer")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


@dataclass
class WrkResult:
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    errors: int  # non-2xx/3xx answers and socket errors
    load: str

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


WRK_REPORT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %.3f %.3f %.3f %d\\n", summary.requests, summary.duration,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    e.status + e.connect + e.read + e.write + e.timeout))
end
"""


def wrk(url: str, *, seconds: int, connections: int, headers: dict[str, str], lua: str = "") -> WrkResult:
    """One wrk run pinned to the last CPU (the server gets the others), with a Lua script that
    prints the percentiles wrk's own summary leaves out (p95)."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua + WRK_REPORT)
    cpu = str(max(0, (os.cpu_count() or 1) - 1))
    args = [
        "taskset",
        "-c",
        cpu,
        "wrk",
        "-t1",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        script.name,
    ]
    for name, value in headers.items():
        args += ["-H", f"{name}: {value}"]
    load = load_average()
    try:
        done = subprocess.run([*args, url], check=True, capture_output=True, text=True)
        out = done.stdout + done.stderr
    finally:
        os.unlink(script.name)
    found = re.search(r"RESULT (\d+) (\d+) ([\d.]+) ([\d.]+) ([\d.]+) (\d+)", out)
    if not found:
        raise SystemExit(f"wrk printed no result for {url}:\n{out}")
    n, micros, p50, p95, p99, errors = found.groups()
    return WrkResult(int(n), int(micros) / 1e6, float(p50), float(p95), float(p99), int(errors), load)
