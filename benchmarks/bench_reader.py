"""Time the one Markdown reader on pathological input (issue 10): a lesson holding
``"[a](" * 8000`` (quadratic for Python-Markdown) through validate, lint and build.

    python -m benchmarks.bench_reader [--repeat 8000]

Target: each under 2 s for that lesson on a 2-core machine.
"""

from __future__ import annotations

import argparse
import io
import tempfile
import time
from pathlib import Path

from benchmarks.synth import generate
from lmsctl.checks.lint import lint_repository
from lmsctl.checks.validate import validate_repository
from lmsctl.content.markdown import read, render
from lmsctl.targets.site.pipeline import build_site


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=8000)
    args = parser.parse_args()
    body = "[a](" * args.repeat
    timings: dict[str, float] = {}
    start = time.perf_counter()
    read(body)
    timings["read"] = time.perf_counter() - start
    start = time.perf_counter()
    render(body)
    timings["render"] = time.perf_counter() - start
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "catalog"
        generate(root, 1, lessons=1)
        lesson = next((root / "courses").glob("*/lessons/*.md"))
        build_site(root, Path(tmp) / "warm", stdout=io.StringIO(), with_history=False)
        start = time.perf_counter()
        build_site(root, Path(tmp) / "plain", stdout=io.StringIO(), with_history=False)
        plain_build = time.perf_counter() - start
        lesson.write_text(lesson.read_text(encoding="utf-8") + "\n" + body + "\n",
                          encoding="utf-8")
        for name, run in (("validate", lambda: validate_repository(root)),
                          ("lint", lambda: lint_repository(root)),
                          ("build", lambda: build_site(root, Path(tmp) / "site",
                                                       stdout=io.StringIO(),
                                                       with_history=False))):
            start = time.perf_counter()
            run()
            timings[name] = time.perf_counter() - start
    timings["build"] -= plain_build  # the lesson's share: the same build without it
    for name, seconds in timings.items():
        verdict = "ok" if seconds < 2 else "TOO SLOW"
        print(f"{name:<9} '[a](' x {args.repeat}: {seconds:.2f} s ({verdict})")
    print(f"(the build of the same one-lesson site without it took {plain_build:.2f} s)")


if __name__ == "__main__":
    main()
