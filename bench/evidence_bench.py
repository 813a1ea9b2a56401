"""Evidence validation benchmark: `make bench-evidence`.

Prints medians of several runs: the full check (forked, bounded child) of a valid 2 MB,
100-page PDF, pypdf's own bare parse of the same file and their ratio, and the time and
peak memory to decide each bad-file class of the test corpus. No Django needed: the checker
(evidence/pdfcheck.py) does not import it.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from evidence.pdfcheck import check_pdf_bytes, check_pdf_file  # noqa: E402
from tests.evidence import corpus  # noqa: E402

TARGET_RATIO = 1.5
TARGET_VALID_SECONDS = 0.5
TARGET_BAD_SECONDS = 2.0
TARGET_BAD_MB = 200


def bare_parse(path: str) -> int:
    """What reading the file with pypdf costs at the least: open it, walk the page tree and
    decode each page's content (what any viewer must do)."""
    from pypdf import PdfReader

    reader = PdfReader(path)
    for page in reader.pages:
        page.get_contents()
        contents = page.get("/Contents")
        if contents is not None:
            contents.get_object().get_data()
    return len(reader.pages)


def in_child(function, path: str) -> tuple[float, int]:
    """Run function(path) in a forked child, as the checker does; (seconds, peak RSS in KB)."""
    started = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        try:
            function(path)
        finally:
            os._exit(0)
    _, _, usage = os.wait4(pid, 0)
    return time.perf_counter() - started, usage.ru_maxrss


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    import pypdf

    print(f"pypdf {pypdf.__version__}, Python {sys.version.split()[0]}, {args.runs} runs, medians")
    print(f"bench process RSS before forking: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f} MB")
    failures = []
    with tempfile.TemporaryDirectory() as folder:
        valid = Path(folder) / "valid-2mb-100-pages.pdf"
        valid.write_bytes(corpus.padded_to(corpus.valid_pdf_sized(pages=100), corpus.BUDGET))
        size = valid.stat().st_size
        # Warm the page cache and imports once.
        check_pdf_file(str(valid))
        bare_parse(str(valid))

        data = valid.read_bytes()
        checks, check_rss, bares, bare_in_process, bare_rss, check_in_process = [], [], [], [], [], []
        for _ in range(args.runs):
            started = time.perf_counter()
            verdict = check_pdf_file(str(valid))
            checks.append(time.perf_counter() - started)
            check_rss.append(verdict.peak_rss_kb)
            assert verdict.ok and verdict.page_count == 100, verdict
            seconds, rss = in_child(bare_parse, str(valid))
            bares.append(seconds)
            bare_rss.append(rss)
            started = time.perf_counter()
            bare_parse(str(valid))
            bare_in_process.append(time.perf_counter() - started)
            started = time.perf_counter()
            check_pdf_bytes(data)
            check_in_process.append(time.perf_counter() - started)
        check_s, bare_s = statistics.median(checks), statistics.median(bares)
        ratio = check_s / bare_s
        print(f"\nvalid PDF: {size:,} bytes, 100 pages")
        check_mb, bare_mb = statistics.median(check_rss) / 1024, statistics.median(bare_rss) / 1024
        print(f"  full check (forked, bounded child) {check_s * 1000:8.1f} ms   peak RSS {check_mb:6.1f} MB")
        print(f"  pypdf bare parse (forked child)    {bare_s * 1000:8.1f} ms   peak RSS {bare_mb:6.1f} MB")
        print(f"  pypdf bare parse (in process)      {statistics.median(bare_in_process) * 1000:8.1f} ms")
        print(f"  the checks alone (in process)      {statistics.median(check_in_process) * 1000:8.1f} ms")
        print(f"  ratio check / bare parse, both forked      {ratio:5.2f}x   (target <= {TARGET_RATIO}x)")
        in_process_ratio = check_s / statistics.median(bare_in_process)
        print(f"  ratio forked check / in-process bare parse {in_process_ratio:5.2f}x   (the fork's cost included)")
        print(
            f"  ratio checks / bare parse, both in process "
            f"{statistics.median(check_in_process) / statistics.median(bare_in_process):5.2f}x"
        )
        if ratio > TARGET_RATIO:
            failures.append(f"ratio {ratio:.2f} > {TARGET_RATIO}")
        if check_s > TARGET_VALID_SECONDS:
            failures.append(f"valid check {check_s:.3f} s > {TARGET_VALID_SECONDS} s")

        print(f"\nbad files (target: each decided within {TARGET_BAD_SECONDS:g} s and {TARGET_BAD_MB} MB)")
        print(f"  {'case':28} {'bytes':>10} {'verdict':16} {'ms':>8} {'peak MB':>8}")
        for name, (build, expected) in corpus.CASES.items():
            if expected is None:
                continue
            path = Path(folder) / f"{name}.pdf"
            path.write_bytes(build())
            times, peaks, code = [], [], ""
            for _ in range(args.runs):
                started = time.perf_counter()
                verdict = check_pdf_file(str(path))
                times.append(time.perf_counter() - started)
                peaks.append(verdict.peak_rss_kb / 1024)
                code = verdict.code
                assert not verdict.ok and code in expected, (name, verdict)
            t, m = statistics.median(times), statistics.median(peaks)
            memory = f"{m:8.1f}" if m else "  parent"  # decided from the first bytes, no child
            print(f"  {name:28} {path.stat().st_size:>10,} {code:16} {t * 1000:8.1f} {memory}")
            if t > TARGET_BAD_SECONDS or m > TARGET_BAD_MB:
                failures.append(f"{name}: {t:.2f} s, {m:.0f} MB")
    print("\nall targets met" if not failures else "\nTARGETS MISSED: " + "; ".join(failures))
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
