#!/usr/bin/env python
"""Benchmark: the report book of one office with all 23 sub-items filled and about 2 MB of
evidence on each (≈ 46 MB), and the same office's book without evidence.

Run by `make bench-book`. A throw-away SQLite database and media folder in a temporary
folder: migrated, the 2566 catalogue and profile questions loaded, two demo offices filled
(profile, ticks, ten fields, decisions, KRS indicators), one of them with a ~2 MB PDF on
every sub-item (pages full of drawing operators, which compress about as badly as scans).
Each book is made by the same code as the task (reporting.book.book_build_to) in a forked
child, so that its wall time and its peak memory (the child's maximum RSS, Django and the
libraries included) are its own. Several runs; the median time and the largest peak shown.

Targets (issue 13): with evidence ≤ 60 s and ≤ 300 MB; without evidence ≤ 10 s.
"""

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_SECONDS, TARGET_MB, TARGET_NO_EVIDENCE_SECONDS = 60.0, 300.0, 10.0
EVIDENCE_BYTES = 2 * 1024 * 1024  # the budget of one sub-item


def build_in_child(office_code: str, target: str) -> tuple[float, float, int, int]:
    """(seconds, peak MB, pages, evidence pages) of one book made in a forked child."""
    read, write = os.pipe()
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            os.close(read)
            # Django-required: the parent already ran django.setup(); a fresh connection here.
            from django.db import connections

            from orgprofile.models import Office
            from reporting import book

            connections.close_all()
            office = Office.objects.get(code=office_code)
            built = book.book_build_to(book.book_content(office=office, fiscal_year=2566), target)
            os.write(write, f"{built.pages} {built.evidence_pages}".encode())
            code = 0
        finally:
            os._exit(code)
    os.close(write)
    _pid, status, usage = os.wait4(pid, 0)
    seconds = time.monotonic() - started
    answer = os.read(read, 100).decode().split()
    os.close(read)
    if status != 0 or len(answer) != 2:
        raise SystemExit(f"the book of {office_code} failed (status {status})")
    return seconds, usage.ru_maxrss / 1024, int(answer[0]), int(answer[1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--evidence-pages", type=int, default=20, help="pages of each ~2 MB evidence file")
    parser.add_argument("--keep", help="copy the book with evidence to this file")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="book-bench-"))
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
    try:
        # Django-required: the project is imported only once the environment above names its
        # settings and django.setup() has run.
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connections

        from orgprofile.models import Office
        from orgprofile.services import user_create
        from pmqa_site.roles import Role
        from tests.evidence import corpus
        from tests.reporting import bookfill

        t0 = time.monotonic()
        call_command("migrate", verbosity=0)
        catalogue = bookfill.load_everything()
        reviewer = user_create(username="bench-reviewer", password="x-bench-2566-x", role=Role.OBEC_REVIEWER)
        data = corpus.valid_pdf_sized(pages=args.evidence_pages, size=EVIDENCE_BYTES)
        offices = {}
        for code, with_evidence in (("BOOK-EV", True), ("BOOK-NOEV", False)):
            office = Office.objects.create(
                code=code, name=f"สำนักงานเขตพื้นที่การศึกษาทดสอบรูปเล่ม {code}", kind="spp", province="สาธิต", is_demo=True
            )
            staff = user_create(username=f"staff-{code}", password="x-bench-2566-x", role=Role.ESA_STAFF, office=office)
            bookfill.fill_profile(office)
            reports = bookfill.fill_answers(office, catalogue, user=staff, decided_by=reviewer)
            if with_evidence:
                bookfill.fill_evidence(reports, user=staff, data=data, pages=args.evidence_pages)
            bookfill.fill_indicators(office)
            offices[code] = office
        connections.close_all()
        evidence_mb = 23 * len(data) / 1024 / 1024
        print(
            f"Report book benchmark: 23 sub-items, evidence {len(data) / 1024 / 1024:.2f} MB × 23 = "
            f"{evidence_mb:.1f} MB ({args.evidence_pages} pages each), {args.runs} runs, {os.cpu_count()} CPUs"
        )
        print(f"  load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        print(f"  setup (migrate, catalogue, two offices filled): {time.monotonic() - t0:.1f} s")

        results = {}
        for code in ("BOOK-EV", "BOOK-NOEV"):
            runs = [build_in_child(code, str(workdir / f"{code}.pdf")) for _ in range(args.runs)]
            seconds = statistics.median(r[0] for r in runs)
            peak = max(r[1] for r in runs)
            pages, evidence_pages = runs[-1][2], runs[-1][3]
            size_mb = (workdir / f"{code}.pdf").stat().st_size / 1024 / 1024
            results[code] = (seconds, peak)
            label = "with evidence" if code == "BOOK-EV" else "without evidence"
            print(
                f"  book {label}: {seconds:.1f} s (runs: {', '.join(f'{r[0]:.1f}' for r in runs)}), "
                f"peak memory {peak:.0f} MB, {pages} pages ({pages - evidence_pages} own + {evidence_pages} "
                f"evidence), {pages / seconds:.1f} pages/s, file {size_mb:.1f} MB"
            )
        if args.keep:
            shutil.copy(workdir / "BOOK-EV.pdf", args.keep)
        print(f"  load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        seconds, peak = results["BOOK-EV"]
        plain, _peak = results["BOOK-NOEV"]
        ok = seconds <= TARGET_SECONDS and peak <= TARGET_MB and plain <= TARGET_NO_EVIDENCE_SECONDS
        print(
            f"  targets: with evidence ≤ {TARGET_SECONDS:.0f} s and ≤ {TARGET_MB:.0f} MB, without ≤ "
            f"{TARGET_NO_EVIDENCE_SECONDS:.0f} s → {'PASS' if ok else 'FAIL'}"
        )
        return 0 if ok else 1
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
