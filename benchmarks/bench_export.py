"""Time ``lmsctl export`` (issue 13).

    python -m benchmarks.bench_export [--courses 1000] [--runs 3]

1. Every sample course of this repository in both SCORM formats: one
   ``lmsctl export --format scorm12 --format scorm2004 --course ...`` (target: under 5 s).
2. One course out of a synthetic catalog of N courses (``benchmarks.synth``, default 1,000):
   the cost of one export must not grow with the catalog (target: under 3 s).

Each figure is the median wall time of ``--runs`` runs of the command (a new process each time,
imports included).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from benchmarks.bench_lint import time_command
from benchmarks.synth import generate

ROOT = Path(__file__).resolve().parent.parent


def _export(repo: Path, out: Path, fmts: list[str], courses: list[str]) -> list[str]:
    args = [sys.executable, "-m", "lmsctl.cli", "export", "--repo", str(repo), "--out", str(out)]
    for fmt in fmts:
        args += ["--format", fmt]
    for course in courses:
        args += ["--course", course]
    return args


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--courses", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        sample = Path(tmp) / "sample"
        sample.mkdir()
        shutil.copy2(ROOT / "lmsctl.yml", sample / "lmsctl.yml")
        for folder in ("courses", "paths"):
            shutil.copytree(ROOT / folder, sample / folder)
        ids = sorted(p.name for p in (sample / "courses").iterdir()
                     if (p / "course.yml").is_file()
                     and "status: draft" not in (p / "course.yml").read_text())
        totals, _ = time_command(_export(sample, Path(tmp) / "dist", ["scorm12", "scorm2004"],
                                         ids), args.runs)
        median = statistics.median(totals)
        print(f"sample: {len(ids)} courses x 2 formats: median {median:.2f} s "
              f"(min {min(totals):.2f}, max {max(totals):.2f})")
        print(f"target < 5 s: {'ok' if median < 5 else 'TOO SLOW'}")

        catalog = Path(tmp) / "catalog"
        generate(catalog, args.courses)
        one = sorted(p.name for p in (catalog / "courses").iterdir())[args.courses // 2]
        walls, _ = time_command(_export(catalog, Path(tmp) / "dist2", ["scorm2004"], [one]),
                                args.runs)
        median = statistics.median(walls)
        print(f"one course of {args.courses}: median {median:.2f} s "
              f"(min {min(walls):.2f}, max {max(walls):.2f})")
        print(f"target < 3 s: {'ok' if median < 3 else 'TOO SLOW'}")


if __name__ == "__main__":
    main()
