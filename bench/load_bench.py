#!/usr/bin/env python
"""Load benchmark: the last day before a window closes, on loopback.

Run by `make bench-load`. Builds a throw-away database (SQLite in WAL mode, the embedded
default, unless --database-url names a PostgreSQL database), with N offices of one staff
member each and a few reviewers, starts gunicorn on 127.0.0.1, logs everyone in (not
measured: password hashing is deliberately slow), then measures:

- every office at once opening its sub-item page, autosaving it several times and saving
  it with the full form (the real forms: CSRF token, version and editor token included);
- reviewers reading the queue over all offices at the same time.

It prints p50/p95/max latency per request kind, throughput and errors, and stops by itself
(a fixed number of requests, each with a timeout). Target: no errors and no conflicts, and
95 % of saves under 1 s, with 245 offices in flight on a 2-core machine.
"""

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "bench-password-2566"
TIMEOUT = 30
SAVE_P95_TARGET = 1.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def manage(env, *args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


SEED = """
from orgprofile.models import Office
from pmqa_site.roles import Role
from orgprofile.services import user_create
from orgprofile.windows import demo_window_ensure
import os
demo_window_ensure()  # a year whose window no admin has set is closed to offices
n, reviewers = int(os.environ["BENCH_OFFICES"]), int(os.environ["BENCH_REVIEWERS"])
Office.objects.bulk_create(
    Office(code=f"B{i:04d}", name=f"สำนักงานทดสอบภาระ {i}", kind="spm" if i % 4 == 0 else "spp",
           province="ทดสอบ", is_demo=True)
    for i in range(n)
)
for office in Office.objects.filter(code__startswith="B"):
    user_create(username=f"staff_{office.code}", password=os.environ["BENCH_PASSWORD"],
                role=Role.ESA_STAFF, office=office)
for i in range(reviewers):
    user_create(username=f"reviewer_{i}", password=os.environ["BENCH_PASSWORD"], role=Role.OBEC_REVIEWER)
"""


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = {}
        self.errors: dict[str, int] = {}

    def call(self, kind, func, *args, ok=(200, 302), **kwargs):
        start = time.perf_counter()
        try:
            response = func(*args, timeout=TIMEOUT, **kwargs)
            status = response.status_code
        except requests.RequestException as exc:
            response, status = None, type(exc).__name__
        elapsed = time.perf_counter() - start
        with self.lock:
            self.times.setdefault(kind, []).append(elapsed)
            if status not in ok:
                self.errors[f"{kind} {status}"] = self.errors.get(f"{kind} {status}", 0) + 1
        return response


def login(base, username) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/accounts/login/", timeout=TIMEOUT)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    response = session.post(
        f"{base}/accounts/login/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{base}/accounts/login/"},
        timeout=TIMEOUT,
    )
    assert response.status_code == 200 and "/accounts/login/" not in response.url, f"login failed for {username}"
    return session


def office_day(base, session, rec: Recorder, code: str, subitem: str, autosaves: int):
    url = f"{base}/offices/{code}/subitem/{subitem}/"
    page = rec.call("open sub-item page", session.get, url)
    if page is None or page.status_code != 200:
        return
    html = page.text
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    version = int(re.search(r'name="version" value="(\d+)"', html).group(1))
    token = re.search(r'name="editor_token" value="([0-9a-f]*)"', html).group(1)
    items = sorted(set(re.findall(r'name="(item_\d+)"', html)))
    fields = sorted(set(re.findall(r'name="(field_\d+)"', html)))
    headers = {"X-CSRFToken": csrf, "Referer": url}
    for n in range(autosaves):
        data = {"version": version, "editor_token": token, **{i: "1" for i in items}}
        data.update({f: f"ร่างคำตอบครั้งที่ {n + 1} " * 20 for f in fields})
        response = rec.call(
            "autosave (htmx)", session.post, url, data=data, headers={**headers, "HX-Request": "true"}, ok=(200,)
        )
        if response is not None and response.status_code == 200:
            found = re.search(r'name="version" value="(\d+)"', response.text)
            version = int(found.group(1)) if found else version
    data = {"version": version, "editor_token": token, "csrfmiddlewaretoken": csrf, **{i: "1" for i in items}}
    data.update({f: "คำตอบฉบับสมบูรณ์ " * 40 for f in fields})
    rec.call("full save", session.post, url, data=data, headers=headers, allow_redirects=False, ok=(302,))


def reviewer_reads(base, session, rec: Recorder, rounds: int):
    for n in range(rounds):
        rec.call("review queue", session.get, f"{base}/review/", params={"page": 1 + n % 3}, ok=(200,))


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offices", type=int, default=245)
    parser.add_argument("--reviewers", type=int, default=5)
    parser.add_argument("--autosaves", type=int, default=4)
    parser.add_argument("--concurrency", type=int, default=48, help="clients in flight at once")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--database-url", default="", help="PostgreSQL URL; default a throw-away SQLite file")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="pmqa-load-"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "pmqa_site.settings.local",
        "PMQA_NO_DOTENV": "1",
        "DEBUG": "false",
        "DATABASE_URL": args.database_url or f"sqlite:///{tmp / 'db.sqlite3'}",
        "MEDIA_ROOT": str(tmp / "media"),
        "STATIC_ROOT": str(tmp / "static"),
        "ALLOWED_HOSTS": "127.0.0.1",
        "AXES_FAILURE_LIMIT": "1000",
        "LOG_LEVEL": "WARNING",
        "BENCH_OFFICES": str(args.offices),
        "BENCH_REVIEWERS": str(args.reviewers),
        "BENCH_PASSWORD": PASSWORD,
    }
    server = None
    (tmp / "static").mkdir()
    try:
        t0 = time.perf_counter()
        manage(env, "migrate", "--noinput")
        manage(env, "load_catalogue")
        manage(env, "shell", "-c", SEED)
        print(f"setup: {args.offices} offices, {args.reviewers} reviewers, {time.perf_counter() - t0:.1f} s")
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "pmqa_site.wsgi:application",
                "-w",
                str(args.workers),
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
        for _ in range(100):
            try:
                requests.get(f"{base}/healthz/", timeout=2)
                break
            except requests.RequestException:
                time.sleep(0.2)
        with ThreadPoolExecutor(max_workers=16) as pool:
            t0 = time.perf_counter()
            offices = list(pool.map(lambda i: login(base, f"staff_B{i:04d}"), range(args.offices)))
            reviewers = list(pool.map(lambda i: login(base, f"reviewer_{i}"), range(args.reviewers)))
        print(f"logins (not measured below): {args.offices + args.reviewers} in {time.perf_counter() - t0:.1f} s")

        rec = Recorder()
        subitems = ["1.1.1", "2.1", "3.2", "4.4", "5.3", "6.1"]
        t0 = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.concurrency + args.reviewers) as pool:
            jobs = [pool.submit(reviewer_reads, base, s, rec, 20) for s in reviewers]
            jobs += [
                pool.submit(office_day, base, s, rec, f"B{i:04d}", subitems[i % len(subitems)], args.autosaves)
                for i, s in enumerate(offices)
            ]
            for job in jobs:
                job.result()
        wall = time.perf_counter() - t0
        total = sum(len(v) for v in rec.times.values())
        print(
            f"\n{args.offices} offices in flight (up to {args.concurrency} at once) + {args.reviewers} reviewers, "
            f"gunicorn {args.workers} workers, {'PostgreSQL' if args.database_url else 'SQLite WAL'}, "
            f"{os.cpu_count()} CPUs"
        )
        print(f"{total} requests in {wall:.1f} s = {total / wall:.0f} requests/s")
        print(f"  {'request':<22}{'n':>6}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}")
        for kind, values in rec.times.items():
            print(
                f"  {kind:<22}{len(values):>6}{statistics.median(values) * 1000:>10.0f}"
                f"{pct(values, 95) * 1000:>10.0f}{max(values) * 1000:>10.0f}"
            )
        print(f"errors: {rec.errors or 'none'}")
        saves = rec.times.get("autosave (htmx)", []) + rec.times.get("full save", [])
        met = not rec.errors and saves and pct(saves, 95) <= SAVE_P95_TARGET
        print(f"target: no errors, 95 % of saves ≤ {SAVE_P95_TARGET:.1f} s → {'PASS' if met else 'NOT MET'}")
        return 0 if met else 1
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
