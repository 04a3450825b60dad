"""Time ``lmsctl build`` against a naive mkdocs-material site of the same pages.

    python -m benchmarks.bench_build              # 50, 100, 200, 1000 courses; naive 50, 100, 200
    python -m benchmarks.bench_build --courses 50 200 --naive 50 100 --workers 1 2
    python -m benchmarks.bench_build --quick      # 50 and 100 courses only

For each size N a synthetic catalog (``benchmarks.synth``: N courses x 6 lessons) is generated,
then built with ``lmsctl build`` (in a fresh process each time, as a user runs it) and, for the
naive sizes, rendered as the naive site: every lesson in ONE global MkDocs nav (a section per
course), mkdocs-material with the same Markdown extensions and its search plugin, no lmsctl
hooks. It also times ``lmsctl build --course`` (the author's preview) at each size. Prints a
table of seconds and MB written, and the ratios the issue sets as targets:

- linear growth (seconds and MB per course stay flat),
- 1,000 courses in under 3 minutes on 2 cores,
- at least 4x faster than the naive site at 100 courses,
- ``--course`` preview under 3 s at any catalog size.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

from benchmarks.synth import generate

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Row:
    what: str
    courses: int
    pages: int
    seconds: float
    megabytes: float
    workers: int | str = "-"


def tree_size(folder: Path) -> tuple[int, int]:
    """(bytes, number of index.html pages) under folder."""
    total = pages = 0
    for dirpath, _, filenames in os.walk(folder):
        for name in filenames:
            total += os.path.getsize(os.path.join(dirpath, name))
            if name == "index.html":
                pages += 1
    return total, pages


def run_lmsctl(repo: Path, out: Path, workers: int | None, course: str | None = None) -> float:
    env = dict(os.environ)
    if workers is not None:
        env["LMSCTL_BUILD_WORKERS"] = str(workers)
    cmd = [sys.executable, "-m", "lmsctl.cli", "build", "--repo", str(repo), "--out", str(out)]
    if course:
        cmd += ["--course", course]
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"lmsctl build failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return elapsed


def naive_project(repo: Path, folder: Path) -> Path:
    """The same lessons as a plain MkDocs project with every lesson in one global nav."""
    from lmsctl.content.loader import load_repository
    from lmsctl.targets.site.compile import MARKDOWN_EXTENSIONS

    model, _ = load_repository(repo)
    docs = folder / "docs"
    (docs / "courses").mkdir(parents=True)
    (docs / "index.md").write_text("# Home\n\nWelcome.\n", encoding="utf-8")
    nav: list[object] = [{"Home": "index.md"}]
    for course in model.courses:
        cdir = docs / "courses" / course.id
        cdir.mkdir()
        if (repo / course.rel_dir / "assets").is_dir():
            shutil.copytree(repo / course.rel_dir / "assets", docs / "courses" / "assets",
                            dirs_exist_ok=True)
        (cdir / "index.md").write_text(f"# {course.title}\n\n{course.summary}\n",
                                       encoding="utf-8")
        section: list[object] = [{"Overview": f"courses/{course.id}/index.md"}]
        for lesson in course.lessons:
            (cdir / f"{lesson.id}.md").write_text(f"# {lesson.title}\n\n{lesson.body}",
                                                  encoding="utf-8")
            section.append({lesson.title: f"courses/{course.id}/{lesson.id}.md"})
        nav.append({course.title: section})
    config = {
        "site_name": "Naive", "docs_dir": "docs", "use_directory_urls": True,
        "theme": {"name": "material", "font": False},
        "plugins": ["search"], "markdown_extensions": MARKDOWN_EXTENSIONS, "nav": nav,
        "validation": {"links": {"not_found": "info", "unrecognized_links": "info"}},
    }
    (folder / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False),
                                       encoding="utf-8")
    return folder / "mkdocs.yml"


def run_naive(config: Path, out: Path) -> float:
    cmd = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d", str(out)]
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"naive mkdocs build failed:\n{proc.stderr[-3000:]}")
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--courses", type=int, nargs="+", default=[50, 100, 200, 1000])
    parser.add_argument("--naive", type=int, nargs="+", default=[50, 100, 200])
    parser.add_argument("--workers", type=int, nargs="+", default=[0],
                        help="render processes to compare (0: lmsctl's default, all cores)")
    parser.add_argument("--quick", action="store_true", help="50 and 100 courses only")
    parser.add_argument("--keep", type=Path, default=None, help="keep catalogs and sites here")
    args = parser.parse_args(argv)
    if args.quick:
        args.courses, args.naive = [50, 100], [50, 100]
    base = Path(tempfile.mkdtemp(prefix="lmsctl-bench-")) if args.keep is None else args.keep
    base.mkdir(parents=True, exist_ok=True)
    rows: list[Row] = []
    previews: list[tuple[int, float]] = []
    sizes = sorted(set(args.courses) | set(args.naive))
    print(f"cores available: {len(os.sched_getaffinity(0))}; work folder: {base}", flush=True)
    try:
        for n in sizes:
            repo = base / f"synth{n}"
            generate(repo, n)
            if n in args.courses:
                for w in args.workers:
                    out = base / f"site{n}-w{w}"
                    seconds = run_lmsctl(repo, out, w or None)
                    size, pages = tree_size(out)
                    rows.append(Row("lmsctl build", n, pages, seconds, size / 1e6, w or "all"))
                    print(f"  lmsctl build  {n:>5} courses  {seconds:7.1f} s  "
                          f"{size / 1e6:8.1f} MB  workers={w or 'all'}", flush=True)
                    shutil.rmtree(out, ignore_errors=True)
                out = base / f"preview{n}"
                seconds = run_lmsctl(repo, out, None, course="course-0002")
                previews.append((n, seconds))
                print(f"  --course      {n:>5} courses  {seconds:7.1f} s", flush=True)
                shutil.rmtree(out, ignore_errors=True)
            if n in args.naive:
                project = naive_project(repo, base / f"naive{n}")
                out = base / f"naive-site{n}"
                seconds = run_naive(project, out)
                size, pages = tree_size(out)
                rows.append(Row("naive mkdocs", n, pages, seconds, size / 1e6))
                print(f"  naive mkdocs  {n:>5} courses  {seconds:7.1f} s  {size / 1e6:8.1f} MB",
                      flush=True)
                shutil.rmtree(out, ignore_errors=True)
                shutil.rmtree(base / f"naive{n}", ignore_errors=True)
            if args.keep is None:
                shutil.rmtree(repo, ignore_errors=True)
    finally:
        if args.keep is None:
            shutil.rmtree(base, ignore_errors=True)

    print()
    print("| build | courses | pages | workers | seconds | MB written | s / 100 courses "
          "| MB / 100 courses |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r.what} | {r.courses} | {r.pages} | {r.workers} | {r.seconds:.1f} | "
              f"{r.megabytes:.1f} | {r.seconds * 100 / r.courses:.2f} | "
              f"{r.megabytes * 100 / r.courses:.1f} |")
    print()
    for n, seconds in previews:
        print(f"lmsctl build --course at {n} courses: {seconds:.2f} s (target < 3 s)")
    naive = {r.courses: r for r in rows if r.what == "naive mkdocs"}
    for r in rows:
        if r.what != "lmsctl build" or r.courses not in naive:
            continue
        base = naive[r.courses]
        print(f"lmsctl at {r.courses} courses (workers={r.workers}) is "
              f"{base.seconds / r.seconds:.1f}x faster than the naive site and writes "
              f"{base.megabytes / r.megabytes:.1f}x fewer bytes"
              + (" (target >= 4x)" if r.courses == 100 else ""))
    ours = {r.courses: r for r in rows if r.what == "lmsctl build"}
    if 100 in naive and 100 not in ours and ours:
        print("(build lmsctl at 100 courses too for the 4x comparison: --courses 100)")
    for r in rows:
        if r.what == "lmsctl build" and r.courses == 1000:
            print(f"1,000 courses (workers={r.workers}): {r.seconds:.0f} s "
                  "(target < 180 s on 2 cores)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
