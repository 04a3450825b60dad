"""Time ``lmsctl validate`` on a synthetic catalog (default 1,000 courses x 6 lessons).

    python -m benchmarks.bench_validate [--courses 1000] [--runs 3]

Target (issue 2): under 10 s on 2 cores at 1,000 courses. ``bench_lint`` times it beside lint.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

from benchmarks.bench_lint import _line, time_command
from benchmarks.synth import generate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--courses", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "catalog"
        generate(root, args.courses)
        walls, cpus = time_command([sys.executable, "-m", "lmsctl.cli", "validate", "--repo",
                                    str(root)], args.runs)
    print(_line("validate", args.courses, walls, cpus))
    verdict = "ok" if statistics.median(walls) < 10 else "TOO SLOW"
    print(f"target < 10 s: {verdict}")


if __name__ == "__main__":
    main()
