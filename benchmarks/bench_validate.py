"""Time ``lmsctl validate`` on a synthetic catalog (default 1,000 courses x 6 lessons).

    python -m benchmarks.bench_validate [--courses 1000] [--runs 3]

Target (issue 2): under 10 s on 2 cores at 1,000 courses.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.synth import generate


def time_command(args: list[str], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.run(args, capture_output=True, text=True, check=False)
        times.append(time.perf_counter() - start)
        if proc.returncode not in (0, 1):
            sys.exit(f"{' '.join(args)} failed:\n{proc.stderr}")
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--courses", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "catalog"
        generate(root, args.courses)
        times = time_command([sys.executable, "-m", "lmsctl.cli", "validate", "--repo",
                              str(root)], args.runs)
    print(f"validate, {args.courses} courses x 6 lessons: median {statistics.median(times):.2f} s"
          f" (runs: {', '.join(f'{t:.2f}' for t in times)})")


if __name__ == "__main__":
    main()
