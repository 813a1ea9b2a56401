#!/usr/bin/env python
"""Page cost against a bare Django view, in one run: `make bench-pages`.

The product (production settings, gunicorn, PostgreSQL with N offices whose every sub-item is
answered) and a bare Django site (same Django, same gunicorn and worker count, same
PostgreSQL server) are measured in the same run, interleaved A B A B over several rounds,
with wrk pinned to one core. For each page: requests/s, p50 and p95, and its cost as a
multiple of the logged-in bare view (a session and its user, nothing else): cost = that
view's requests/s ÷ the page's requests/s, the median over rounds. The load average is
printed beside every figure (the machine is shared). Stops by itself.

    make bench-pages                          # 245 offices
    make bench-pages BENCH_PAGES_ARGS="--offices 2450 --rounds 3"
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote, urlencode

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.infra import ROOT, WrkResult, gunicorn, interpreter, load_average, postgres, redis, wrk  # noqa: E402

SECRET = "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJKLMNOP"

# Who reads which page. {office} is the staff member's office code.
PAGES = [
    ("office home", "staff", "/offices/{office}/"),
    ("category", "staff", "/offices/{office}/category/1/"),
    ("sub-item", "staff", "/offices/{office}/subitem/2.1/"),
    ("readiness", "staff", "/offices/{office}/readiness/"),
    ("reviewer queue", "reviewer", "/review/"),
    ("office list", "reviewer", "/offices/"),
    ("national KRS page", "reviewer", "/review/krs/"),
    ("national dashboard", "reviewer", "/national/"),
    ("national workbook", "reviewer", "/national/export/"),
]
AUTOSAVE = ("autosave (htmx POST)", "staff", "/offices/{office}/subitem/2.1/")
# An export takes seconds, not milliseconds: measured longer and with fewer connections, so
# that requests finish inside the run (its real target is `make bench-export`'s).
SLOW = {"national workbook": (20, 2)}  # page: (seconds, connections)
# The dashboard keeps its figures a minute (PMQA_NATIONAL_CACHE_SECONDS): a second server with
# the setting at 0 measures what each read costs when the kept copy has expired.
UNCACHED = ("national dashboard (read every time)", "reviewer", "/national/")

AUTOSAVE_LUA = """
local counter = 0
wrk.method = "POST"
request = function()
  counter = counter + 1
  local body = BODY .. "&field_FIRST=" .. DRAFT .. counter
  return wrk.format("POST", nil, nil, body)
end
"""


def product_env(database_url: str, tmp: Path, cache_url: str) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "pmqa_site.settings.production",
        "PMQA_NO_DOTENV": "1",
        "SECRET_KEY": SECRET,
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": "redis://127.0.0.1:1/0",  # never reached: no page here queues a task
        "CACHE_URL": cache_url,  # Redis, as in production (the dashboard keeps its charts there)
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "KRS_BASE_URL": "http://127.0.0.1:1",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "STATIC_ROOT": str(tmp / "static"),
        "MEDIA_ROOT": str(tmp / "media"),
        "LOG_LEVEL": "ERROR",
        "PYTHONPATH": str(ROOT),
    }


def build_product(database_url: str, tmp: Path, cache_url: str, offices: int) -> tuple[dict, dict]:
    """The product's environment on a fresh database: migrated, its static files collected under
    `tmp`, N offices filled (bench/fill.py). Returns the environment and what the fill made
    (the office, the sessions of its people)."""
    (tmp / "static").mkdir(exist_ok=True)
    env = product_env(database_url, tmp, cache_url)
    run(env, "manage.py", "migrate", "--noinput", "-v0")
    run(env, "manage.py", "collectstatic", "--noinput", "-v0")
    filled = json.loads(run(env, "-m", "bench.fill", "--offices", str(offices), capture=True).split("BENCH-FILL ")[1])
    return env, filled


def run(env, *args, capture=False):
    done = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, check=True, capture_output=capture, text=True)
    return done.stdout if capture else ""


BARE_SESSION = """
import django
django.setup()
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore
user = User.objects.create_user("bare", password="x")
store = SessionStore()
store[SESSION_KEY] = str(user.pk)
store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
store[HASH_SESSION_KEY] = user.get_session_auth_hash()
store.create()
print("BARE", store.session_key)
"""


def bare_session(env) -> str:
    out = subprocess.run(
        [sys.executable, "-c", BARE_SESSION],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return out.split("BARE ")[1].strip()


def autosave_body(base: str, cookie: str, path: str) -> tuple[str, str, dict]:
    """The sub-item form as the page renders it, turned into a wrk POST body; the editor token
    stays the same, so every save is the same tab saving again (no conflict), with new text."""
    html = requests.get(base + path, headers={"Cookie": cookie}, timeout=30).text
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    version = re.search(r'name="version" value="(\d+)"', html).group(1)
    token = re.search(r'name="editor_token" value="([0-9a-f]*)"', html).group(1)
    items = sorted(set(re.findall(r'name="(item_\d+)"', html)))
    fields = sorted(set(re.findall(r'name="(field_\d+)"', html)))
    form = [("version", version), ("editor_token", token), *[(i, "1") for i in items]]
    form += [(f, "คำตอบของสำนักงาน") for f in fields[1:]]
    lua = (
        AUTOSAVE_LUA.replace("BODY", json.dumps(urlencode(form)))
        .replace("DRAFT", json.dumps(quote("ร่างคำตอบ ")))
        .replace("field_FIRST", fields[0])
    )
    headers = {
        "X-CSRFToken": csrf,
        "HX-Request": "true",
        "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
        "Referer": base + path,
    }
    return lua, csrf, headers


def settle(url: str, *, quick_ms: float = 200, give_up_s: float = 120) -> None:
    """Wait until the server answers `url` quickly again (nothing left queued from the last run)."""
    deadline = time.monotonic() + give_up_s
    while time.monotonic() < deadline:
        started = time.monotonic()
        try:
            requests.get(url, timeout=give_up_s)
        except requests.RequestException:
            pass
        if (time.monotonic() - started) * 1000 < quick_ms:
            return


def table(rows: list[tuple[str, list[WrkResult], list[float]]], yardstick: str):
    print(f"\n{'page':<24}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'× ' + yardstick:>22}{'errors':>8}   load average")
    for name, results, costs in rows:
        rate = statistics.median(r.rate for r in results)
        p50 = statistics.median(r.p50_ms for r in results)
        p95 = statistics.median(r.p95_ms for r in results)
        cost = f"{statistics.median(costs):.1f}" if costs else "1.0"
        errors = sum(r.errors for r in results)
        loads = " | ".join(r.load for r in results)
        print(f"{name:<24}{rate:>8.1f}{p50:>9.1f}{p95:>9.1f}{cost:>22}{errors:>8}   {loads}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offices", type=int, default=245)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--pages", default="", help="comma-separated page names to measure (default all)")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="pmqa-bench-pages-"))
    print(
        f"bench-pages: {args.offices} offices, {args.rounds} rounds × {args.seconds} s, wrk -c{args.connections} "
        f"pinned to the last CPU, gunicorn {args.workers} sync workers, {os.cpu_count()} CPUs, "
        f"load average at start {load_average()}\n  {interpreter()}"
    )
    with postgres() as database, redis() as (cache_url, _server):
        product_db, bare_db = database("pmqa"), database("bare")
        env, filled = build_product(product_db, tmp, cache_url, args.offices)
        bare_env = {**env, "DJANGO_SETTINGS_MODULE": "bench.bare.settings", "DATABASE_URL": bare_db}
        run(bare_env, "-m", "django", "migrate", "--noinput", "-v0")
        bare_cookie = f"sessionid={bare_session(bare_env)}"
        cookies = {who: f"{filled['cookie_name']}={filled[who]}" for who in ("staff", "reviewer", "admin")}

        with contextlib.ExitStack() as stack:
            product = stack.enter_context(
                gunicorn("pmqa_site.wsgi:application", env, workers=args.workers, health_path="/healthz/")
            )
            bare = stack.enter_context(
                gunicorn("bench.bare.wsgi:application", bare_env, workers=args.workers, health_path="/bare/")
            )
            wanted = {p.strip() for p in args.pages.split(",") if p.strip()}
            servers = {name: product for name, *_ in PAGES}
            if not wanted or UNCACHED[0] in wanted:
                servers[UNCACHED[0]] = stack.enter_context(
                    gunicorn(
                        "pmqa_site.wsgi:application",
                        {**env, "PMQA_NATIONAL_CACHE_SECONDS": "0"},
                        workers=args.workers,
                        health_path="/healthz/",
                    )
                )
            pages = []
            for name, who, path in [*PAGES, UNCACHED]:
                if (wanted and name not in wanted) or name not in servers:
                    continue
                url = servers[name] + path.format(office=filled["office"])
                status = requests.get(
                    url, headers={"Cookie": cookies[who]}, timeout=60, allow_redirects=False
                ).status_code
                if status != 200:
                    print(f"  {name}: {url} answers {status}; not measured")
                    continue
                pages.append((name, url, {"Cookie": cookies[who]}, ""))
            if not wanted or AUTOSAVE[0] in wanted:
                path = AUTOSAVE[2].format(office=filled["office"])
                lua, csrf, headers = autosave_body(product, cookies["staff"], path)
                headers["Cookie"] = f"{cookies['staff']}; csrftoken={csrf}"
                pages.append((AUTOSAVE[0], product + path, headers, lua))
            targets = [
                ("bare view", bare + "/bare/", {}, ""),
                ("logged-in bare view", bare + "/user/", {"Cookie": bare_cookie}, ""),
                *pages,
            ]
            results: dict[str, list[WrkResult]] = {name: [] for name, *_ in targets}
            for _round in range(args.rounds):
                for name, url, headers, lua in targets:
                    seconds, connections = SLOW.get(name, (args.seconds, args.connections))
                    results[name].append(wrk(url, seconds=seconds, connections=connections, headers=headers, lua=lua))
                    # wrk stops on time, but a slow page (the national workbook) leaves requests
                    # queued in gunicorn: let them finish before the next page is measured.
                    for server in set(servers.values()):
                        settle(server + "/healthz/")
            yard = results["logged-in bare view"]
            rows = []
            for name, *_ in targets:
                costs = [y.rate / r.rate for y, r in zip(yard, results[name], strict=True) if r.rate]
                rows.append((name, results[name], costs if name != "bare view" else []))
            table(rows, "logged-in bare view")
            bare_rate = statistics.median(r.rate for r in results["bare view"])
            user_rate = statistics.median(r.rate for r in yard)
            print(f"\nlogged-in bare view costs {bare_rate / user_rate:.1f}× the bare view in this run.")
            print(f"load average at the end {load_average()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
