"""Time cold ``lmsctl validate`` and ``lmsctl lint`` (``--no-cache``: every lesson read) on a
synthetic catalog (default 1,000 courses x 6 lessons), optionally against another checkout.

    python -m benchmarks.bench_validate [--courses 1000] [--runs 3] [--baseline DIR]

``--baseline DIR`` runs the same commands from the lmsctl source tree at ``DIR`` (this
interpreter, in ``DIR`` with ``PYTHONPATH=DIR``; without ``--no-cache`` if that lmsctl has no
cache), the two alternating run by run on the same catalog, so that both see the same machine.

Targets: validate under 10 s on 2 cores at 1,000 courses (issue 2); cold validate and lint no
slower than before the one Markdown reader (issue 10: 4d0ab0c). Wall and CPU time (user + system
of lmsctl and its worker processes) are printed with the load average: on a busy machine the
CPU figures are the steadier comparison for one process, wall for the parallel reading.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.synth import generate


def time_once(args: list[str], tree: Path) -> tuple[float, float]:
    """Wall and CPU seconds (user + system of the process and the children it waited for) of
    ``args`` run with the lmsctl of the source tree ``tree`` (``python -m`` puts the working
    folder first on the import path: it is ``tree``)."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(args, capture_output=True, text=True, check=False, env=env, cwd=tree)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in (0, 1):
        sys.exit(f"{' '.join(args)} failed:\n{proc.stderr}")
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def _has_no_cache(tree: Path) -> bool:
    out = subprocess.run([sys.executable, "-m", "lmsctl.cli", "validate", "--help"],
                         env={**os.environ, "PYTHONPATH": str(tree)}, cwd=tree,
                         capture_output=True, text=True, check=False).stdout
    return "--no-cache" in out


def _line(label: str, walls: list[float], cpus: list[float]) -> str:
    return (f"{label:<20} median {statistics.median(walls):6.2f} s wall "
            f"{statistics.median(cpus):6.2f} s CPU (wall runs: "
            f"{', '.join(f'{t:.2f}' for t in walls)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--courses", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--baseline", type=Path, help="another lmsctl source tree to compare")
    args = parser.parse_args()
    setups = [("now", Path(__file__).resolve().parent.parent)]
    if args.baseline is not None:
        setups.append(("baseline", args.baseline.resolve()))
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} "
          f"({os.cpu_count()} CPUs)")
    results: dict[tuple[str, str], tuple[list[float], list[float]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "catalog"
        generate(root, args.courses)
        for _ in range(args.runs):
            for command in ("validate", "lint"):
                for name, tree in setups:
                    flags = ["--no-cache"] if _has_no_cache(tree) else []
                    wall, cpu = time_once([sys.executable, "-m", "lmsctl.cli", command,
                                           *flags, "--repo", str(root)], tree)
                    found = results.setdefault((name, command), ([], []))
                    found[0].append(wall)
                    found[1].append(cpu)
    print(f"load average after:  {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for (name, command), (walls, cpus) in sorted(results.items(), key=lambda x: x[0][1]):
        print(_line(f"{command} ({name})", walls, cpus))
    validate = statistics.median(results["now", "validate"][0])
    print(f"cold validate at {args.courses} courses, target < 10 s: "
          f"{'ok' if validate < 10 else 'TOO SLOW'}")
    if args.baseline is not None:
        for command in ("validate", "lint"):
            now = statistics.median(results["now", command][0])
            then = statistics.median(results["baseline", command][0])
            print(f"{command}: now / baseline = {now / then:.2f} wall "
                  f"({'ok' if now <= then else 'SLOWER'})")


if __name__ == "__main__":
    main()
