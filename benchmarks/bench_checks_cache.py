"""Time ``lmsctl validate`` and ``lmsctl lint`` with the check cache (``.lmsctl/cache/``) on a
synthetic catalog (default 1,000 courses x 6 lessons): cold (no cache), warm and unchanged, and
after one lesson changed (``lmsctl lint <that lesson>``, what pre-commit runs), without and with
``lmsctl resident`` running (the console script hands the run to it).

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
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.bench_lint import time_command
from benchmarks.synth import generate
from lmsctl.core.inputs import RACY_SECONDS

#: (name, target in seconds of CPU time)
TARGETS = {"lint warm": 1.0, "lint one changed": 0.3, "one changed, resident": 0.3,
           "validate warm": 0.5}


def _line(name: str, walls: list[float], cpus: list[float]) -> str:
    target = TARGETS.get(name)
    cpu, wall = statistics.median(cpus), statistics.median(walls)
    verdict = "" if target is None else (
        f"  target < {target:.1f} s: wall {'met' if wall < target else 'NOT MET'}, "
        f"CPU {'met' if cpu < target else 'NOT MET'}")
    return (f"{name:<21} median {wall:6.2f} s wall {cpu:6.2f} s CPU "
            f"(runs: {', '.join(f'{t:.2f}' for t in walls)}){verdict}")


def _children_cpu(pid: int) -> float:
    """CPU time of the ended children of process ``pid`` (Linux: /proc; elsewhere 0)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[13]) + int(fields[14])) / os.sysconf("SC_CLK_TCK")


def _resident_runs(tmp: Path, lesson: Path, original: str, root: Path, runs: int
                   ) -> tuple[list[float], list[float]]:
    """``lmsctl lint <lesson>`` through the console script while ``lmsctl resident`` runs:
    wall time, and CPU time of the script plus the resident's fork that ran it."""
    from lmsctl.core import resident

    env = {k: v for k, v in os.environ.items() if k != "XDG_RUNTIME_DIR"}
    env["TMPDIR"] = str(tmp / "run")
    (tmp / "run").mkdir()
    server = subprocess.Popen([sys.executable, "-m", "lmsctl", "resident", "--idle", "10"],
                              env=env, stderr=subprocess.DEVNULL)
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)  # the runs (time_command) and socket_path() below see it
    walls, cpus = [], []
    try:
        while not Path(resident.socket_path()).exists():
            if server.poll() is not None:
                sys.exit("lmsctl resident did not start")
            time.sleep(0.05)
        for i in range(runs):
            lesson.write_text(original + f"\nOne more sentence, number {i}.\n",
                              encoding="utf-8")
            before = _children_cpu(server.pid)
            w, c = time_command([sys.executable, "-m", "lmsctl", "lint", str(lesson),
                                 "--repo", str(root)], 1)
            time.sleep(1.2)  # the resident collects its fork within a second
            walls += w
            cpus += [c[0] + _children_cpu(server.pid) - before]
    finally:
        os.environ.clear()
        os.environ.update(saved)
        server.terminate()
        server.wait()
    return walls, cpus


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
        walls, cpus = _resident_runs(Path(tmp), lesson, original, root, args.runs)
        lines.append(_line("one changed, resident", walls, cpus))
        lesson.write_text(original, encoding="utf-8")
    print(f"{args.courses} courses x 6 lessons, medians of {args.runs} runs")
    for line in lines:
        print(line)


if __name__ == "__main__":
    main()
