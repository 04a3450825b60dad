"""Time ``lmsctl lint`` against ``lmsctl validate`` on a synthetic catalog (default 1,000
courses x 6 lessons).

    python -m benchmarks.bench_lint [--courses 1000] [--runs 3]

Target (issue 5): lint takes at most twice what validate takes; each file is parsed once.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

from benchmarks.bench_validate import time_command
from benchmarks.synth import generate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--courses", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "catalog"
        generate(root, args.courses)
        base = [sys.executable, "-m", "lmsctl.cli"]
        validate = time_command([*base, "validate", "--repo", str(root)], args.runs)
        lint = time_command([*base, "lint", "--repo", str(root)], args.runs)
    v, ln = statistics.median(validate), statistics.median(lint)
    print(f"validate, {args.courses} courses x 6 lessons: median {v:.2f} s "
          f"(runs: {', '.join(f'{t:.2f}' for t in validate)})")
    print(f"lint,     {args.courses} courses x 6 lessons: median {ln:.2f} s "
          f"(runs: {', '.join(f'{t:.2f}' for t in lint)})")
    verdict = "ok" if ln <= 2 * v else "TOO SLOW"
    print(f"lint / validate = {ln / v:.2f} (target <= 2.00): {verdict}")


if __name__ == "__main__":
    main()
