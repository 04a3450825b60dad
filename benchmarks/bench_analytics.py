"""Time ``lmsctl analytics`` on 1,000,000 realistic statements (benchmarks.synth: learners on a
synthetic catalog of 50 courses x 6 lessons).

    python -m benchmarks.bench_analytics [--statements 1000000] [--courses 50]

Targets (issue 12): ``pull --from`` the file plus ``report`` of every course in under 60 s with
peak memory under 2 GB; a report from the already-pulled store in under 5 s. Each command runs
as its own process; peak memory is the largest resident set of those processes.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.synth import generate, generate_statements


def run(args: list[str]) -> tuple[float, float]:
    """(wall seconds, peak resident MB of this child) of one command."""
    start = time.perf_counter()
    proc = subprocess.run(args, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"{' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return wall, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--statements", type=int, default=1_000_000)
    parser.add_argument("--courses", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "catalog"
        generate(root, args.courses)
        file = Path(tmp) / "statements.ndjson"
        started = time.perf_counter()
        count = generate_statements(root, file, learners=10**9, limit=args.statements)
        print(f"generated {count} statements ({file.stat().st_size / 2**20:.0f} MiB) in "
              f"{time.perf_counter() - started:.1f} s")
        base = [sys.executable, "-m", "lmsctl.cli"]
        pull_s, pull_mb = run([*base, "analytics", "pull", "--from", str(file),
                               "--repo", str(root)])
        report_s, report_mb = run([*base, "analytics", "report", "--format", "json",
                                   "--out", str(Path(tmp) / "out"), "--repo", str(root)])
        again_s, _ = run([*base, "analytics", "report", "--repo", str(root), "--out",
                          str(Path(tmp) / "out2")])
        html_s, _ = run([*base, "analytics", "report", "--format", "html", "--out",
                         str(Path(tmp) / "dash"), "--repo", str(root)])
        check_s, _ = run([*base, "analytics", "check", "--repo", str(root)])
        peak = max(pull_mb, report_mb)
    total = pull_s + report_s
    print(f"pull --from {count} statements: {pull_s:.1f} s")
    print(f"report (json, {args.courses} courses): {report_s:.1f} s")
    print(f"pull + report: {total:.1f} s (target < 60 s) "
          f"{'ok' if total < 60 else 'TOO SLOW'}")
    print(f"peak memory: {peak:.0f} MB (target < 2048 MB) {'ok' if peak < 2048 else 'TOO MUCH'}")
    print(f"report from the pulled store (text): {again_s:.1f} s (target < 5 s) "
          f"{'ok' if again_s < 5 else 'TOO SLOW'}")
    print(f"report --format html (dashboard, {args.courses} course pages): {html_s:.1f} s")
    print(f"analytics check (lint engine + insights): {check_s:.1f} s")


if __name__ == "__main__":
    main()
