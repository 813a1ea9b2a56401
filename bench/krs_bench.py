#!/usr/bin/env python
"""Benchmark: sync every office × 30 KRS indicators against the stand-in over real HTTP.

Run by `make bench-krs`. Everything happens in a throw-away SQLite database in a temporary
folder: it is migrated, given the 2566 catalogue and N demo offices (is_demo=True), and
deleted at the end. The stand-in KRS runs in its own process on an ephemeral loopback
port, so the server's work does not share the benchmark's interpreter. The sync is the
same code `python manage.py krs_sync --concurrency C` runs.

Target (issue 7): 245 offices in at most 60 s on a 2-core machine.
"""

import argparse
import multiprocessing
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 60.0


def serve_standin(codes, delay, port_queue):
    # Django-required: this child process imports the project only after its settings are set.
    from krs_integration.standin import StandinConfig, StandinServer

    known = frozenset(codes)
    server = StandinServer(StandinConfig(known_offices=known.__contains__, delay=delay))
    port_queue.put(server.url)
    server.serve_forever()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offices", type=int, default=245)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--delay", type=float, default=0.0, help="seconds the stand-in waits per answer (KRS latency)")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="krs-bench-"))
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "pmqa_site.settings.local",
            "PMQA_NO_DOTENV": "1",
            "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
            "MEDIA_ROOT": str(workdir / "media"),
            "LOG_LEVEL": "ERROR",
        }
    )
    os.environ.pop("CELERY_BROKER_URL", None)
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    standin = None
    try:
        # Django-required: the project is imported only once the environment above names its
        # settings and django.setup() has run.
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connections

        from krs_integration.models import Indicator, SyncRun
        from orgprofile.models import Office

        t0 = time.monotonic()
        call_command("migrate", verbosity=0)
        call_command("load_catalogue", verbosity=0)
        Office.objects.bulk_create(
            [
                Office(
                    code=f"BENCH-{n:03d}",
                    name=f"สำนักงานเขตพื้นที่การศึกษาสาธิต เขต {n}",
                    kind=Office.Kind.PRIMARY if n % 3 else Office.Kind.SECONDARY,
                    province="สาธิต",
                    is_demo=True,
                )
                for n in range(1, args.offices + 1)
            ]
        )
        codes = list(Office.objects.values_list("code", flat=True))
        connections.close_all()
        setup_seconds = time.monotonic() - t0

        context = multiprocessing.get_context("fork")
        port_queue = context.Queue()
        standin = context.Process(target=serve_standin, args=(codes, args.delay, port_queue), daemon=True)
        standin.start()
        settings.KRS_BASE_URL = port_queue.get(timeout=30)
        settings.KRS_TOKEN = ""

        timings = []
        for label in ("first sync (all created)", "second sync (nothing changes)"):
            started = time.monotonic()
            call_command("krs_sync", concurrency=args.concurrency, verbosity=0, stdout=open(os.devnull, "w"))
            timings.append((label, time.monotonic() - started, SyncRun.objects.order_by("-pk").first()))

        stored = Indicator.objects.count()
        print(
            f"KRS sync benchmark: {args.offices} offices × 30 indicators, concurrency {args.concurrency}, "
            f"stand-in latency {args.delay:.2f} s, {os.cpu_count()} CPUs"
        )
        print(f"  setup (migrate, catalogue, offices): {setup_seconds:.1f} s")
        for label, seconds, run in timings:
            print(
                f"  {label}: {seconds:.1f} s  ({args.offices / seconds:.1f} offices/s)  status {run.status}, "
                f"created {run.created_count}, updated {run.updated_count}, unchanged {run.unchanged_count}, "
                f"failed offices {run.offices_failed}"
            )
        print(f"  indicators stored: {stored} (expected {args.offices * 30})")
        worst = max(seconds for _label, seconds, _run in timings)
        ok = stored == args.offices * 30 and all(r.status == SyncRun.Status.SUCCEEDED for *_x, r in timings)
        scaled_target = TARGET_SECONDS * args.offices / 245
        verdict = "PASS" if ok and worst <= scaled_target else "FAIL"
        print(f"  target: {args.offices} offices in at most {scaled_target:.0f} s → {verdict}")
        return 0 if verdict == "PASS" else 1
    finally:
        if standin is not None:
            standin.terminate()
            standin.join(timeout=5)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
