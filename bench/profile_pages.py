#!/usr/bin/env python
"""Where a page's time goes under load: `make profile-pages`.

The same setup as `make bench-pages` (production settings, gunicorn with 4 sync workers,
PostgreSQL and Redis of its own, N offices with every sub-item answered), then for each page:
wrk (pinned to the last CPU) for a fixed time while py-spy samples every gunicorn worker,
keeping only the samples in which a worker holds the GIL, that is what its CPU does, not what
it waits for. Prints, for each page:
- the CPU each part of the stack spent per request (gunicorn, PostgreSQL, Redis), from
  /proc, over the same seconds;
- the functions holding the largest share of those samples, each counted once per sample in
  which it is on the stack (inclusive), the frames every request shares (gunicorn, the
  handler, the middleware chain above the view) left out.

    make profile-pages                                      # sub-item, office home, queue, autosave
    make profile-pages PROFILE_PAGES_ARGS="--pages 'reviewer queue' --top 60"

py-spy reads other processes' memory: it needs root or kernel.yama.ptrace_scope = 0.
Stops by itself.
"""

from __future__ import annotations

import argparse
import collections
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg2
import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.infra import gunicorn, interpreter, load_average, postgres, redis, wrk  # noqa: E402
from bench.pages_bench import AUTOSAVE, PAGES, autosave_body, build_product  # noqa: E402

DEFAULT_PAGES = "sub-item,office home,reviewer queue,autosave (htmx POST)"
# Frames above the view on every request: their share is the whole request, so they say nothing.
SHARED = re.compile(
    r"^(process |_run_module_as_main |_run_code |<module> |run |\w*Application\.run |Arbiter\.|Worker\.init_process |"
    r"SyncWorker\.|WSGIHandler\.__call__ |BaseHandler\.(get_response|_get_response) |"
    r"convert_exception_to_response\.|MiddlewareMixin\.__call__ |\w+Middleware\.__call__ |"
    r"HistoryRequestMiddleware\.|user_passes_test\.|role_required\.|require_http_methods\.)"
)


def children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry))
    return found


def cpu_seconds(root: int, members: list[int]) -> float:
    """CPU seconds of a process tree: the root's own and its reaped children's (a worker or a
    database backend that ended in between is counted there), and the live children's."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in {root, *members}:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime + stime
        if pid == root:
            total += int(fields[13]) + int(fields[14])  # cutime + cstime
    return total / tick


def gunicorn_master(port: str) -> int:
    for pid in children(os.getpid()):
        command = Path(f"/proc/{pid}/cmdline").read_text().split("\0")
        if "gunicorn" in command and f"127.0.0.1:{port}" in command:
            return pid
    raise SystemExit("profile-pages: the gunicorn master was not found")


def postmaster(database_url: str) -> int:
    with psycopg2.connect(database_url) as connection, connection.cursor() as cursor:
        cursor.execute("SHOW data_directory")
        (data,) = cursor.fetchone()
    return int(Path(data, "postmaster.pid").read_text().split()[0])


def usage(roots: dict[str, int]) -> dict[str, float]:
    return {group: cpu_seconds(root, children(root)) for group, root in roots.items()}


def shares(raw: Path, top: int) -> tuple[int, list[tuple[float, str]]]:
    """(samples, [(inclusive %, frame)]) from py-spy's raw output (one collapsed stack a line)."""
    inclusive: collections.Counter[str] = collections.Counter()
    total = 0
    for line in raw.read_text().splitlines():
        if not line.strip():
            continue
        stack, count = line.rsplit(" ", 1)
        total += int(count)
        frames = {re.sub(r":\d+\)$", ")", frame) for frame in stack.split(";")}
        for frame in frames:
            if not SHARED.match(frame):
                inclusive[frame] += int(count)
    return total, [(100 * n / total, frame) for frame, n in inclusive.most_common(top)] if total else []


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offices", type=int, default=245)
    parser.add_argument("--pages", default=DEFAULT_PAGES, help="comma-separated names, as in bench-pages")
    parser.add_argument("--seconds", type=int, default=12)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--rate", type=int, default=200, help="py-spy samples a second")
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args()
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(spy).exists():
        raise SystemExit("py-spy is not installed (requirements-bench.txt)")

    tmp = Path(tempfile.mkdtemp(prefix="pmqa-profile-pages-"))
    print(
        f"profile-pages: {args.offices} offices, {args.seconds} s a page, wrk -c{args.connections} pinned to the "
        f"last CPU, gunicorn {args.workers} sync workers, py-spy at {args.rate} Hz (GIL held), "
        f"{os.cpu_count()} CPUs, load average at start {load_average()}\n  {interpreter()}"
    )
    wanted = [name.strip() for name in args.pages.split(",") if name.strip()]
    known = {name: (who, path) for name, who, path in [*PAGES, AUTOSAVE]}
    if unknown := [name for name in wanted if name not in known]:
        raise SystemExit(f"profile-pages: no page named {unknown}; pages: {', '.join(known)}")
    with postgres() as database, redis() as (cache_url, redis_process):
        product_db = database("pmqa")
        env, filled = build_product(product_db, tmp, cache_url, args.offices)
        cookies = {who: f"{filled['cookie_name']}={filled[who]}" for who in ("staff", "reviewer", "admin")}
        with gunicorn("pmqa_site.wsgi:application", env, workers=args.workers, health_path="/healthz/") as base:
            master = gunicorn_master(base.rsplit(":", 1)[1])
            pg = postmaster(product_db)
            for name in wanted:
                who, path = known[name]
                path = path.format(office=filled["office"])
                headers, lua = {"Cookie": cookies[who]}, ""
                if name == AUTOSAVE[0]:
                    lua, csrf, headers = autosave_body(base, cookies["staff"], path)
                    headers["Cookie"] = f"{cookies['staff']}; csrftoken={csrf}"
                elif requests.get(base + path, headers=headers, timeout=60).status_code != 200:
                    print(f"\n{name}: does not answer 200; not profiled")
                    continue
                wrk(base + path, seconds=3, connections=args.connections, headers=headers, lua=lua)  # warm up
                roots = {"gunicorn": master, "PostgreSQL": pg, "Redis": redis_process.pid}
                before = usage(roots)
                raw = tmp / (re.sub(r"\W+", "-", name) + ".txt")
                sampler = subprocess.Popen(
                    [spy, "record", "--pid", str(master), "--subprocesses", "--gil", "--nonblocking", "-r",
                     str(args.rate), "-d", str(args.seconds), "-f", "raw", "-o", str(raw)],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                    text=True,
                )  # fmt: skip
                started = time.monotonic()
                result = wrk(base + path, seconds=args.seconds, connections=args.connections, headers=headers, lua=lua)
                _, errors = sampler.communicate(timeout=args.seconds + 60)
                elapsed = time.monotonic() - started
                if sampler.returncode != 0 or not raw.exists():
                    raise SystemExit(f"py-spy failed (it needs root or ptrace_scope 0): {errors.strip()[-500:]}")
                after = usage(roots)
                print(
                    f"\n{name}: {result.rate:.1f} req/s under the sampler, p50 {result.p50_ms:.1f} ms, "
                    f"{result.errors} errors, load average {result.load}"
                )
                for group in roots:
                    spent = after[group] - before[group]
                    print(
                        f"  {group:<11} {100 * spent / elapsed:5.0f} % of a CPU, "
                        f"{1000 * spent / max(result.requests, 1):6.2f} ms CPU a request"
                    )
                total, top = shares(raw, args.top)
                print(f"  {total} samples with the GIL held; share of them, inclusive:")
                for percent, frame in top:
                    print(f"  {percent:5.1f} %  {frame[:150]}")
    print(f"\nload average at the end {load_average()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
