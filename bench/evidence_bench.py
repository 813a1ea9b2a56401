"""Evidence check benchmark: `make bench-evidence`.

Runs the production check (evidence.pdfcheck.check_pdf_file, which `manage.py evidence_check`
calls) over the real-world corpus (tests/evidence/realworld) and the bad-file corpus
(tests/evidence/corpus.py), and prints:

- the false-rejection rate (legitimate files refused) and bad files accepted;
- CPU ms (median of --runs) and peak memory added by the check, per file, with the worst;
- the check's cost against a bare parse of the same valid 2 MB file: qpdf (pikepdf) opening
  it and reading every stream, decoded, in a forked child as the check is. CPU time of the
  child, not wall time: the machine is shared.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
from pathlib import Path

import pikepdf

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from evidence.pdfcheck import check_pdf_file  # noqa: E402
from tests.evidence import corpus  # noqa: E402

REALWORLD = ROOT / "tests" / "evidence" / "realworld"
TARGET_RATIO = 1.5


def bare_parse(path: str) -> None:
    """Read the whole file once: open it, walk the pages, decode every stream's filters."""
    with pikepdf.open(path) as pdf:
        len(pdf.pages)
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream):
                try:
                    obj.read_bytes()
                except pikepdf.PdfError:
                    pass


def child_cpu_ms(function, path: str) -> int:
    """CPU time of function(path) in a forked child, as the checker runs."""
    pid = os.fork()
    if pid == 0:
        try:
            function(path)
        finally:
            os._exit(0)
    _, _, usage = os.wait4(pid, 0)
    return int((usage.ru_utime + usage.ru_stime) * 1000)


def files(folder: Path) -> list[tuple[str, str, bool]]:
    """(label, path, legitimate) for every file of both corpora."""
    rows = []
    manifest = json.loads((REALWORLD / "MANIFEST.json").read_text())["files"]
    for row in manifest:
        rows.append((row["file"], str(REALWORLD / row["file"]), row["expected"] == "accepted"))
    for name, (build, expected) in corpus.CASES.items():
        data = build()
        if not data.startswith(b"%PDF-"):
            continue  # refused at upload by its type, before any check
        path = folder / f"{name}.pdf"
        path.write_bytes(data)
        rows.append((f"synthetic:{name}", str(path), expected is None))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5, help="runs per file (median)")
    options = parser.parse_args()
    own_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; {os.cpu_count()} CPUs; runs={options.runs}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        table = []
        for label, path, legitimate in files(folder):
            cpu, added = [], []
            verdict = None
            for _ in range(options.runs):
                verdict = check_pdf_file(path, output=str(folder / "out.pdf"))
                cpu.append(verdict.cpu_ms)
                added.append(max(0, verdict.peak_rss_kb - own_kb))
            table.append((label, legitimate, verdict, statistics.median(cpu), max(added)))

        print(f"\n{'file':52} {'legit':>5} {'verdict':>8} {'code':>11} {'cpu ms':>7} {'+MB':>6}")
        for label, legitimate, verdict, cpu, added in sorted(table, key=lambda row: -row[3]):
            shown = "accepted" if verdict.ok else "refused"
            print(
                f"{label[:52]:52} {'yes' if legitimate else 'no':>5} {shown:>8} {verdict.code:>11} "
                f"{cpu:7.0f} {added / 1024:6.1f}"
            )

        legit = [row for row in table if row[1]]
        bad = [row for row in table if not row[1]]
        false_rejections = [row[0] for row in legit if not row[2].ok]
        bad_accepted = [row[0] for row in bad if row[2].ok]
        worst = max(table, key=lambda row: row[3])
        heaviest = max(table, key=lambda row: row[4])
        print(
            f"\nfalse-rejection rate: {len(false_rejections)}/{len(legit)} legitimate files refused "
            f"({100 * len(false_rejections) / len(legit):.1f}%) {false_rejections or ''}"
        )
        print(f"bad files accepted: {len(bad_accepted)}/{len(bad)} {bad_accepted or ''}")
        print(f"worst CPU per file: {worst[3]:.0f} ms ({worst[0]})")
        print(
            f"peak memory added per file: {heaviest[4] / 1024:.1f} MB "
            f"({heaviest[0]}; the child starts at {own_kb / 1024:.0f} MB, forked)"
        )

        valid = folder / "valid-2mb.pdf"
        valid.write_bytes(corpus.exactly_budget())
        check = [check_pdf_file(str(valid), output=str(folder / "o.pdf")).cpu_ms for _ in range(options.runs * 3)]
        bare = [child_cpu_ms(bare_parse, str(valid)) for _ in range(options.runs * 3)]
        ratio = statistics.median(check) / max(1, statistics.median(bare))
        met = "MET" if ratio <= TARGET_RATIO else "NOT MET"
        print(
            f"valid 2 MB file ({valid.stat().st_size:,} bytes, {len(pikepdf.open(valid).pages)} pages): "
            f"check {statistics.median(check):.0f} ms CPU, bare parse {statistics.median(bare):.0f} ms CPU, "
            f"ratio {ratio:.2f}x (target <= {TARGET_RATIO}x: {met})"
        )
        return 0 if not false_rejections and not bad_accepted else 1


if __name__ == "__main__":
    sys.exit(main())
