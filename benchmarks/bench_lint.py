"""Time ``lmsctl lint`` against ``lmsctl validate`` on a synthetic catalog (default 1,000
courses x 6 lessons).

    python -m benchmarks.bench_lint [--courses 1000] [--runs 3]

Target (issue 5): lint takes at most twice what validate takes; each file is parsed once.
Both wall-clock and CPU time (user + system of the lmsctl process) are printed: on a busy
machine the CPU figures are the steadier comparison.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.synth import generate


def time_command(args: list[str], runs: int) -> tuple[list[float], list[float]]:
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        proc = subprocess.run(args, capture_output=True, text=True, check=False)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        if proc.returncode not in (0, 1):
            sys.exit(f"{' '.join(args)} failed:\n{proc.stderr}")
    return walls, cpus


def _line(name: str, courses: int, walls: list[float], cpus: list[float]) -> str:
    return (f"{name:<8} {courses} courses x 6 lessons: median {statistics.median(walls):.2f} s "
            f"wall, {statistics.median(cpus):.2f} s CPU "
            f"(runs: {', '.join(f'{t:.2f}' for t in walls)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--courses", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "catalog"
        generate(root, args.courses)
        base = [sys.executable, "-m", "lmsctl.cli"]
        v_wall, v_cpu = time_command([*base, "validate", "--repo", str(root)], args.runs)
        l_wall, l_cpu = time_command([*base, "lint", "--repo", str(root)], args.runs)
    print(_line("validate", args.courses, v_wall, v_cpu))
    print(_line("lint", args.courses, l_wall, l_cpu))
    wall = statistics.median(l_wall) / statistics.median(v_wall)
    cpu = statistics.median(l_cpu) / statistics.median(v_cpu)
    verdict = "ok" if wall <= 2 else "TOO SLOW"
    print(f"lint / validate = {wall:.2f} wall, {cpu:.2f} CPU (target <= 2.00): {verdict}")


if __name__ == "__main__":
    main()
