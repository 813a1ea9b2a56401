#!/usr/bin/env python
"""The deadline rush, on loopback: `make bench-rush`.

The production settings behind gunicorn, a Celery worker checking the uploaded files,
PostgreSQL and Redis, all started here on free loopback ports; N offices with 3 staff each
(answered but not yet sent, as on the last day) and 10 reviewers, played by Locust (headless,
on this same machine) for a fixed time. Prints errors, intended refusals, p50/p95/p99 per
kind of request, throughput, and the peak memory of each process group. Stops by itself.

    make bench-rush
    make bench-rush BENCH_RUSH_ARGS="--offices 245 --seconds 180 --workers 4"
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.infra import ROOT, gunicorn, interpreter, load_average, postgres, redis  # noqa: E402
from bench.pages_bench import product_env  # noqa: E402
from tests.evidence import corpus  # noqa: E402

SUBITEMS = "1.1.1,1.3,1.4,2.1,2.2,2.3,2.4,3.1,3.2,3.3,3.4,4.1,4.2,4.3,4.4,5.1,5.2,5.3,5.4,6.1,6.2,6.3,6.4"
WINDOW = """
from datetime import timedelta
from django.utils import timezone
from orgprofile.models import FiscalYear
from orgprofile.windows import window_set
now = timezone.now()
window_set(user=None, fiscal_year=FiscalYear.objects.get(year=2566), office_opens_at=now - timedelta(days=30),
           office_closes_at=now + timedelta(hours=6), review_opens_at=now - timedelta(days=30),
           review_closes_at=now + timedelta(days=30))
"""
TARGETS = {"page": 500, "save": 500, "upload": 2000}


@contextlib.contextmanager
def celery_worker(env, concurrency: int):
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "pmqa_site", "worker", "-c", str(concurrency), "-l", "WARNING"],
        cwd=ROOT,
        env=env,
    )
    try:
        yield process
    finally:
        process.terminate()
        process.wait(timeout=60)


class MemoryPeaks(threading.Thread):
    """Samples the resident memory of each process group every half second."""

    def __init__(self, groups: dict[str, callable]):
        super().__init__(daemon=True)
        self.groups = groups
        self.peaks = {name: 0 for name in groups}
        self.stop = threading.Event()

    def run(self):
        while not self.stop.is_set():
            for name, find in self.groups.items():
                total = 0
                for process in find():
                    with contextlib.suppress(psutil.Error):
                        total += process.memory_info().rss
                self.peaks[name] = max(self.peaks[name], total)
            time.sleep(0.5)


def tree(pid: int):
    def find():
        with contextlib.suppress(psutil.Error):
            root = psutil.Process(pid)
            return [root, *root.children(recursive=True)]
        return []

    return find


def by_name(fragment: str):
    def find():
        return [p for p in psutil.process_iter(["cmdline"]) if fragment in " ".join(p.info["cmdline"] or [])]

    return find


def kind_of(name: str) -> str:
    if name.startswith("upload"):
        return "upload"
    if name in ("autosave", "save", "decide", "send for review"):
        return "save"
    return "page"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offices", type=int, default=245)
    parser.add_argument("--staff-per-office", type=int, default=3)
    parser.add_argument("--reviewers", type=int, default=10)
    parser.add_argument("--seconds", type=int, default=180)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--celery", type=int, default=1, help="Celery worker processes")
    args = parser.parse_args()
    people = args.offices * args.staff_per_office + args.reviewers
    tmp = Path(tempfile.mkdtemp(prefix="pmqa-bench-rush-"))
    (tmp / "static").mkdir()
    pdfs = []
    for n, size in enumerate((512 * 1024, 1024 * 1024, 1536 * 1024)):
        path = tmp / f"evidence-{n}.pdf"
        path.write_bytes(corpus.valid_pdf_sized(pages=20, size=size, seed=n))
        pdfs.append(str(path))
    print(
        f"bench-rush: {args.offices} offices × {args.staff_per_office} staff + {args.reviewers} reviewers = {people} "
        f"people for {args.seconds} s; gunicorn {args.workers} workers, Celery {args.celery}; {os.cpu_count()} CPUs; "
        f"load average at start {load_average()}\n  {interpreter()}"
    )
    try:
        with postgres() as database, redis() as (redis_url, redis_process):
            env = product_env(database("pmqa"), tmp, redis_url)
            env.update({"CELERY_BROKER_URL": redis_url, "CELERY_RESULT_BACKEND": redis_url})
            run = [sys.executable, "manage.py"]
            subprocess.run([*run, "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
            subprocess.run([*run, "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
            filled_path = tmp / "people.json"
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "bench.fill",
                    "--offices",
                    str(args.offices),
                    "--staff-per-office",
                    str(args.staff_per_office),
                    "--reviewers",
                    str(args.reviewers),
                    "--fresh",
                    "--out",
                    str(filled_path),
                ],
                cwd=ROOT,
                env=env,
                check=True,
            )
            subprocess.run([*run, "shell", "-c", WINDOW], cwd=ROOT, env=env, check=True)
            with (
                gunicorn("pmqa_site.wsgi:application", env, workers=args.workers, health_path="/healthz/") as base,
                celery_worker(env, args.celery) as worker,
            ):
                gunicorn_master = next(
                    p for p in psutil.process_iter(["cmdline"]) if "pmqa_site.wsgi" in " ".join(p.info["cmdline"] or [])
                )
                peaks = MemoryPeaks(
                    {
                        "gunicorn (all workers)": tree(gunicorn_master.pid),
                        "Celery worker": tree(worker.pid),
                        "PostgreSQL (all backends)": by_name("postgres"),
                        "Redis": tree(redis_process.pid),
                        "Locust (load tool)": by_name("locust"),
                    }
                )
                peaks.start()
                locust_env = {
                    **env,
                    "BENCH_PEOPLE": str(filled_path),
                    "BENCH_PDFS": os.pathsep.join(pdfs),
                    "BENCH_SUBITEMS": SUBITEMS,
                }
                started = time.monotonic()
                done = subprocess.run(
                    [
                        sys.executable,
                        "-m",
                        "locust",
                        "-f",
                        "bench/rush_locustfile.py",
                        "--headless",
                        "-u",
                        str(people),
                        "-r",
                        str(max(1, people // 60)),
                        "-t",
                        f"{args.seconds}s",
                        "--host",
                        base,
                        "--csv",
                        str(tmp / "rush"),
                        "--only-summary",
                        "--stop-timeout",
                        "30",
                        "--loglevel",
                        "ERROR",
                    ],
                    cwd=ROOT,
                    env=locust_env,
                    capture_output=True,
                    text=True,
                )
                wall = time.monotonic() - started
                peaks.stop.set()
                peaks.join()
        intended = next(
            (int(line.split()[1]) for line in done.stdout.splitlines() if line.startswith("RUSH-INTENDED")), 0
        )
        rows = list(csv.DictReader((tmp / "rush_stats.csv").open()))
        failures = list(csv.DictReader((tmp / "rush_failures.csv").open()))
        print(f"\n{'request':<22}{'n':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'failures':>10}")
        worst = {kind: 0.0 for kind in TARGETS}
        total = 0
        for row in rows:
            if row["Name"] == "Aggregated":
                total = int(row["Request Count"])
                continue
            p95 = float(row["95%"])
            worst[kind_of(row["Name"])] = max(worst[kind_of(row["Name"])], p95)
            print(
                f"{row['Name']:<22}{int(row['Request Count']):>7}{float(row['50%']):>9.0f}{p95:>9.0f}"
                f"{float(row['99%']):>9.0f}{int(row['Failure Count']):>10}"
            )
        errors = sum(int(f["Occurrences"]) for f in failures)
        print(
            f"\n{total} requests in {wall:.0f} s = {total / wall:.1f} requests/s; errors {errors}; "
            f"intended refusals (stale form, over budget) {intended}"
        )
        for f in failures:
            print(f"  error: {f['Method']} {f['Name']}: {f['Error']} × {f['Occurrences']}")
        print("peak resident memory: " + "; ".join(f"{k} {v / 2**20:.0f} MB" for k, v in peaks.peaks.items()))
        met = errors == 0 and all(worst[k] <= TARGETS[k] for k in TARGETS)
        print(
            "targets (0 errors, page and save p95 ≤ 500 ms, upload p95 ≤ 2 s): "
            + ", ".join(f"{k} p95 {worst[k]:.0f} ms" for k in TARGETS)
            + f" → {'MET' if met else 'NOT MET'}; load average at the end {load_average()}"
        )
        if done.returncode not in (0, 1):
            print(done.stderr[-3000:])
        return 0 if met else 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
