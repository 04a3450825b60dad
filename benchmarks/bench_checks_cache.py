"""Time ``lmsctl validate`` and ``lmsctl lint`` with the check cache (``.lmsctl/cache/``) on a
synthetic catalog (default 1,000 courses x 6 lessons): cold (no cache), warm and unchanged, and
after one lesson changed (``lmsctl lint <that lesson>``, what pre-commit runs).

    python -m benchmarks.bench_checks_cache [--courses 1000] [--runs 3]

Targets (issue 14): lint unchanged under 1 s; lint of one changed lesson under 0.3 s; validate
warm under 0.5 s. "Warm" is the same command again on the same files (each after its own cold
run, which empties the cache first). Wall and CPU time (user + system of the lmsctl process) are
printed, medians of ``--runs``, each with its verdict: the targets are for wall time on a quiet
machine; on a busy one CPU is the steadier figure. The lmsctl processes keep their bytecode
(``PYTHONDONTWRITEBYTECODE`` is dropped), as on an author's machine where pre-commit runs lint:
the first command writes it, the timed ones read it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.bench_lint import time_command
from benchmarks.synth import generate
from lmsctl.core.inputs import RACY_SECONDS

#: (name, target in seconds of CPU time)
TARGETS = {"lint warm": 1.0, "lint one changed": 0.3, "validate warm": 0.5}


def _line(name: str, walls: list[float], cpus: list[float]) -> str:
    target = TARGETS.get(name)
    cpu, wall = statistics.median(cpus), statistics.median(walls)
    verdict = "" if target is None else (
        f"  target < {target:.1f} s: wall {'met' if wall < target else 'NOT MET'}, "
        f"CPU {'met' if cpu < target else 'NOT MET'}")
    return (f"{name:<18} median {wall:6.2f} s wall {cpu:6.2f} s CPU "
            f"(runs: {', '.join(f'{t:.2f}' for t in walls)}){verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--courses", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)  # the timed lmsctl processes inherit it
    base = [sys.executable, "-m", "lmsctl.cli"]
    lines: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "catalog"
        generate(root, args.courses)
        repo = ["--repo", str(root)]
        cache = root / ".lmsctl"

        def cold(verb: str) -> tuple[list[float], list[float]]:
            walls, cpus = [], []
            for _ in range(args.runs):
                shutil.rmtree(cache, ignore_errors=True)
                w, c = time_command([*base, verb, *repo], 1)
                walls += w
                cpus += c
            return walls, cpus

        # a checkout is older than the few seconds in which a file's time stamp cannot prove it
        # unchanged (lmsctl.core.inputs); the catalog was written just now
        time.sleep(RACY_SECONDS + 0.1)
        lines.append(_line("lint --help", *time_command([*base, "lint", "--help"], args.runs)))
        for verb in ("validate", "lint"):  # each warm run after its own cold one
            lines.append(_line(f"{verb} cold", *cold(verb)))
            lines.append(_line(f"{verb} warm", *time_command([*base, verb, *repo], args.runs)))
        lesson = sorted((root / "courses").glob("*/lessons/*.md"))[len(list(
            (root / "courses").iterdir())) // 2]
        original = lesson.read_text(encoding="utf-8")
        walls, cpus = [], []
        for i in range(args.runs):
            lesson.write_text(original + f"\nOne more sentence, number {i}.\n", encoding="utf-8")
            w, c = time_command([*base, "lint", str(lesson), *repo], 1)
            walls += w
            cpus += c
        lines.append(_line("lint one changed", walls, cpus))
    print(f"{args.courses} courses x 6 lessons, medians of {args.runs} runs")
    for line in lines:
        print(line)


if __name__ == "__main__":
    main()
