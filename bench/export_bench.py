#!/usr/bin/env python
"""Benchmark: the national workbook (`export_national`) at 245 and at 2,450 offices.

Run by `make bench-export`. For each size, a throw-away PostgreSQL database (the production
engine) is migrated, the 2566 catalogue loaded and filled by `demo_national --offices N`
(varied stages, decisions, KRS indicators); then `manage.py export_national FILE` runs
several times as its own process, whose wall time and peak memory (its maximum RSS, Django
and the libraries included, read with wait4) are printed with the median and the largest.
The time per office at both sizes shows whether it grows linearly.

Targets (issue 12): 245 offices ≤ 5 s and ≤ 200 MB; 2,450 offices shown to grow linearly.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.infra import ROOT, load_average, postgres  # noqa: E402

TARGET_SECONDS, TARGET_MB = 5.0, 200.0


def env_for(database_url: str, tmp: Path) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "pmqa_site.settings.local",
        "PMQA_NO_DOTENV": "1",
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(tmp / "media"),
        "LOG_LEVEL": "ERROR",
    }


def manage(env, *args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def export_once(env, target: Path) -> tuple[float, float]:
    """(seconds, peak MB) of one `export_national` process."""
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "manage.py", "export_national", str(target)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.monotonic() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"export_national failed with status {status}")
    return seconds, usage.ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="245,2450")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    sizes = [int(n) for n in args.sizes.split(",")]
    print(f"bench-export: {sizes} offices, {args.runs} runs each, load average at start {load_average()}")
    results = {}
    with postgres() as database, tempfile.TemporaryDirectory(prefix="pmqa-bench-export-") as folder:
        tmp = Path(folder)
        for offices in sizes:
            env = env_for(database(f"export{offices}"), tmp)
            manage(env, "migrate", "--noinput", "-v0")
            manage(env, "load_catalogue")
            manage(env, "demo_national", "--offices", str(offices), "--seed", "7")
            target = tmp / f"national-{offices}.xlsx"
            runs = [export_once(env, target) for _ in range(args.runs)]
            seconds = statistics.median(s for s, _mb in runs)
            peak = max(mb for _s, mb in runs)
            results[offices] = seconds
            print(
                f"  {offices:>5} offices: {seconds:.2f} s median (runs: {', '.join(f'{s:.2f}' for s, _ in runs)}), "
                f"peak memory {peak:.0f} MB, file {target.stat().st_size / 1e6:.1f} MB, "
                f"{seconds / offices * 1000:.1f} ms an office, load average {load_average()}"
            )
            if offices == 245:
                verdict = "MET" if seconds <= TARGET_SECONDS and peak <= TARGET_MB else "NOT MET"
                print(f"    target ≤ {TARGET_SECONDS:.0f} s and ≤ {TARGET_MB:.0f} MB at 245 offices → {verdict}")
    if len(results) > 1:
        small, large = min(results), max(results)
        ratio = results[large] / results[small]
        print(f"  {large} offices take {ratio:.1f}× the time of {small} ({large / small:.0f}× the offices)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
