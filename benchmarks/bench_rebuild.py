"""Time rebuilds with the build cache (issue 14) against a cold build, at 1,000 courses.

    python -m benchmarks.bench_rebuild                 # 1,000 courses
    python -m benchmarks.bench_rebuild --courses 200   # a quicker look
    python -m benchmarks.bench_rebuild --before PYTHON # and the build from before issue 14

``--before PYTHON``: the interpreter of a virtual environment holding lmsctl as it was before
the build cache (the "today" of issue 14's cold-build target), e.g.
``git worktree add ../before c8bf99d && python3 -m venv ../before/.venv &&
../before/.venv/bin/pip install -e ../before``: its cold build of the same catalog is timed
right after the one filling the cache, and the target is judged against it. Without it, the
cold build filling the cache is judged against this code's ``--no-cache`` build (5% for noise),
which compiles in two processes too: a stricter stand-in for "today".

A synthetic catalog (``benchmarks.synth``) is generated in a git repository, then built, each
build in a fresh process as a user runs ``lmsctl build`` (with ``SOURCE_DATE_EPOCH`` set):

1. cold, ``--no-cache`` (its peak memory is measured),
2. cold, filling the cache (what ``lmsctl build`` does by default: must be no slower than the
   build before issue 14, ``--before``, or than 1; its peak memory is measured too),
3. unchanged (target < 1.5 s),
4. after a one-lesson edit (target < 2 s),
5. after a new course is added (target < 5 s);

and the site of 4 is compared byte for byte with a cold build of the same tree. For each
build it prints the wall time of the process (Python's start, lmsctl's imports, the build:
what a user waits for), the time ``build_site`` took, the same without validation
(``validate_repository``: the checks' own cache, not the build cache, makes that part fast;
an unchanged build replays the last one and validates nothing), the pages rendered, each
phase, and peak memory (each process's peak RSS, and the most all the build's processes held
at one moment: the sum of their PSS, sampled); then each target and whether it is met. The
targets of issue 14 are judged on the process's wall time; the build's own aims (build_site
without validation: unchanged < 1 s, one-lesson edit < 1.5 s, new course < 4 s) are printed
beside them.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

EPOCH = "1767225600"


def child(repo: Path, out: Path, use_cache: bool) -> None:
    """One build in this process; prints its figures as JSON on the last line."""
    import io

    import lmsctl
    import lmsctl.cli  # noqa: F401 - what `lmsctl build` imports, in the process's time
    from lmsctl.targets.site.pipeline import build_site

    start = time.perf_counter()
    # (an lmsctl from before the cache, ``--before``, knows no use_cache, timings, rendered)
    result = build_site(repo, out, stdout=io.StringIO(),
                        **({} if use_cache else {"use_cache": False}))
    seconds = time.perf_counter() - start
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    forked = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "timings": getattr(result, "timings", {}),
                      "pages": result.pages,
                      "rendered": getattr(result, "rendered", result.pages), "rss": own,
                      "rss_children": forked, "lmsctl": lmsctl.__file__}))


#: ``child`` run by the interpreter of ``--before``, this file loaded by its path (in the work
#: folder: the only lmsctl it can import is its own).
BEFORE_CHILD = ("import importlib.util, sys; "
                "spec = importlib.util.spec_from_file_location('bench_rebuild', sys.argv.pop(1)); "
                "module = importlib.util.module_from_spec(spec); spec.loader.exec_module(module); "
                "module.main()")


def _tree(pid: int) -> list[int]:
    """``pid`` and all its descendants (Linux /proc)."""
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        with contextlib.suppress(OSError):  # the process may end while it is looked at
            tasks = list(Path(f"/proc/{p}/task").glob("*/children"))
            for task in tasks:
                with contextlib.suppress(OSError):
                    todo += [int(c) for c in task.read_text().split()]
    return found


def _memory_mb(pid: int, field: str) -> float:
    """``field`` (Pss, Rss) of process ``pid`` in MB, from /proc/<pid>/smaps_rollup; 0 if gone."""
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0.0
    for line in text.splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return 0.0


def run(repo: Path, out: Path, use_cache: bool,
        before: Path | None = None) -> dict[str, object]:
    """One build in a fresh process; its figures (``cpu``: the CPU seconds of all its
    processes), plus the largest memory the build's processes held at one moment
    (``together``: the sum of their proportional set sizes, PSS, which counts
    a page that forked processes share once; sampled every 20 ms). ``before``: the build of
    the lmsctl that interpreter imports (``BEFORE_CHILD``)."""
    # as on a user's machine, Python writes the bytecode of lmsctl's modules (the first, cold
    # build does): a set PYTHONDONTWRITEBYTECODE would add their compiling to every build
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["SOURCE_DATE_EPOCH"] = EPOCH
    cmd = [sys.executable, "-m", "benchmarks.bench_rebuild", "--child", str(repo), str(out),
           "1" if use_cache else "0"]
    cwd = None
    if before is not None:  # on a copy: what it leaves in .lmsctl/ is not this lmsctl's
        copy = repo.parent / "repo-before"
        if not copy.is_dir():
            shutil.copytree(repo, copy, symlinks=True,
                            ignore=shutil.ignore_patterns(".lmsctl", "site"))
        cmd, cwd = [str(before), "-c", BEFORE_CHILD, str(Path(__file__).resolve()),
                    "--child", str(copy), str(out), "1"], repo.parent
    together = 0.0
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    with tempfile.TemporaryFile("w+") as stdout, tempfile.TemporaryFile("w+") as stderr:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stdout=stdout, stderr=stderr, text=True, cwd=cwd)
        while proc.poll() is None:
            together = max(together, sum(_memory_mb(p, "Pss") for p in _tree(proc.pid)))
            time.sleep(0.02)
        wall = time.perf_counter() - start
        stdout.seek(0)
        stderr.seek(0)
        output, errors = stdout.read(), stderr.read()
    if proc.returncode != 0:
        raise SystemExit(f"build failed:\n{output[-3000:]}\n{errors[-3000:]}")
    data: dict[str, object] = json.loads(output.strip().splitlines()[-1])
    data["wall"] = wall
    data["together"] = together
    # CPU time of the build's processes (user + system, all of them): the work done, which a
    # busy machine changes less than the wall time
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    data["cpu"] = (after.ru_utime - used.ru_utime) + (after.ru_stime - used.ru_stime)
    return data


def same_tree(a: Path, b: Path) -> bool:
    def files(folder: Path) -> dict[str, bytes]:
        return {str(p.relative_to(folder)): p.read_bytes()
                for p in folder.rglob("*") if p.is_file()}
    return files(a) == files(b)


def git(repo: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "bench@example.org",
           "GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "bench@example.org",
           "GIT_CONFIG_GLOBAL": os.devnull}
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--child":
        child(Path(argv[1]), Path(argv[2]), argv[3] == "1")
        return 0
    from benchmarks.synth import generate  # (not in a child: ``--before``'s has no benchmarks)

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--courses", type=int, default=1000)
    parser.add_argument("--keep", type=Path, default=None, help="work here and keep it")
    parser.add_argument("--before", type=Path, default=None, metavar="PYTHON",
                        help="the python of an environment holding lmsctl from before issue 14")
    args = parser.parse_args(argv)
    base = Path(tempfile.mkdtemp(prefix="lmsctl-rebuild-")) if args.keep is None else args.keep
    base.mkdir(parents=True, exist_ok=True)
    repo = base / "repo"
    load = os.getloadavg()
    print(f"{args.courses} courses; cores: {len(os.sched_getaffinity(0))}; load average "
          f"{load[0]:.1f} {load[1]:.1f} {load[2]:.1f}; work folder {base}", flush=True)
    rows: list[tuple[str, dict[str, object]]] = []

    def step(what: str, out: Path, use_cache: bool = True,
             before: Path | None = None) -> dict[str, object]:
        data = run(repo, out, use_cache, before)
        rows.append((what, data))
        t = data["timings"]
        assert isinstance(t, dict)
        phases = " ".join(f"{k}={v:.2f}" for k, v in t.items())
        print(f"  {what:<28} wall {data['wall']:6.2f} s  CPU {float(data['cpu']):6.2f} s  "
              f"build {data['seconds']:6.2f} s  "
              f"without validate {float(data['seconds']) - t.get('validate', 0.0):6.2f} s  "
              f"rendered {data['rendered']}/{data['pages']}  rss {data['rss']:.0f} MB "
              f"(+ render processes {data['rss_children']:.0f} MB)  [{phases}]", flush=True)
        return data

    try:
        if not (repo / ".git").is_dir():
            shutil.rmtree(repo, ignore_errors=True)
            generate(repo, args.courses)
            git(repo, "init", "-q")
            git(repo, "add", "-A")
            git(repo, "commit", "-qm", "catalog")
        shutil.rmtree(repo / ".lmsctl", ignore_errors=True)
        site = repo / "site"
        cold = step("cold, --no-cache", base / "cold", use_cache=False)
        filling = step("cold, filling the cache", site)
        earlier = None
        if args.before is not None:
            earlier = step("cold, before issue 14", base / "before", False, args.before)
            if earlier["lmsctl"] == cold["lmsctl"]:
                raise SystemExit(f"--before {args.before} imports this lmsctl "
                                 f"({earlier['lmsctl']}), not one from before issue 14: give "
                                 "the python of a virtual environment holding that checkout")
            shutil.rmtree(base / "before", ignore_errors=True)
        unchanged = step("unchanged", site)
        lesson = sorted((repo / "courses").glob("*/lessons/*.md"))[len(
            list((repo / "courses").iterdir())) // 2]
        lesson.write_text(lesson.read_text(encoding="utf-8")
                          + "\n\nOne more paragraph, just written.\n", encoding="utf-8")
        edited = step("one lesson edited", site)
        shutil.rmtree(base / "cold", ignore_errors=True)
        step("(cold build to compare)", base / "cold", use_cache=False)
        identical = same_tree(site, base / "cold")
        first = sorted((repo / "courses").iterdir())[0]
        shutil.copytree(first, repo / "courses" / "zz-new-course")
        added = step("a new course", site)
    finally:
        if args.keep is None:
            shutil.rmtree(base, ignore_errors=True)

    def net(d: dict[str, object]) -> float:
        t = d["timings"]
        assert isinstance(t, dict)
        return float(d["seconds"]) - float(t.get("validate", 0.0))

    def verdict(ok: bool) -> str:
        return "met" if ok else "NOT met"

    print()
    print("| build | wall s | CPU s | build_site s | without validate s | pages rendered "
          "| peak RSS MB (main + largest render) | together PSS MB |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for what, d in rows:
        print(f"| {what} | {d['wall']:.2f} | {float(d['cpu']):.2f} | {d['seconds']:.2f} | "
              f"{net(d):.2f} | "
              f"{d['rendered']}/{d['pages']} | {d['rss']:.0f} + {d['rss_children']:.0f} | "
              f"{float(d['together']):.0f} |")
    print()
    # the two peaks are not simultaneous and a forked process shares the pages it did not
    # change: their sum overstates; the figure is the largest process, beside the most the
    # processes held together at one moment (sampled)
    peak = max(float(cold["rss"]), float(cold["rss_children"]))
    together = float(cold["together"])
    for what, d, target, aim in (("rebuild after a one-lesson edit", edited, 2.0, 1.5),
                                 ("unchanged rebuild", unchanged, 1.5, 1.0),
                                 ("a new course", added, 5.0, 4.0)):
        wall = float(d["wall"])  # type: ignore[arg-type]
        print(f"{what}: process wall {wall:.2f} s - target < {target:g} s: "
              f"{verdict(wall < target)}; build_site without validate {net(d):.2f} s - aim "
              f"< {aim:g} s: {verdict(net(d) < aim)}")
    fill, nocache = float(filling["wall"]), float(cold["wall"])  # type: ignore[arg-type]
    if earlier is not None:
        then = float(earlier["wall"])  # type: ignore[arg-type]
        print(f"cold build filling the cache: process wall {fill:.1f} s vs {then:.1f} s for the "
              f"build before issue 14 - target no slower: {verdict(fill <= then * 1.05)} (5% "
              f"noise); CPU of all its processes {float(filling['cpu']):.1f} s vs "
              f"{float(earlier['cpu']):.1f} s")
    print(f"cold build filling the cache: process wall {fill:.1f} s vs {nocache:.1f} s with "
          f"--no-cache ({(fill / nocache - 1) * 100:+.0f}%: the cache's own cost)"
          + ("" if earlier is not None else
             f" - target no slower: {verdict(fill <= nocache * 1.05)} (5% noise)")
          + f"; CPU of all its processes {float(filling['cpu']):.1f} s vs "
          f"{float(cold['cpu']):.1f} s")
    print(f"peak memory of a cold build: largest process {peak:.0f} MB (main process "
          f"{cold['rss']:.0f} MB, largest render process {cold['rss_children']:.0f} MB, peak RSS "
          f"each) - target < 500 MB: {verdict(peak < 500)}; all its processes together at most "
          f"{together:.0f} MB (sum of PSS, sampled every 20 ms): {verdict(together < 500)}")
    # the default build (filling the cache) is what users run: judged the same way (issue 14)
    fpeak, ftogether = max(float(filling["rss"]), float(filling["rss_children"])), \
        float(filling["together"])
    print(f"peak memory of a cold build filling the cache: largest process {fpeak:.0f} MB "
          f"(main process {filling['rss']:.0f} MB, largest render process "
          f"{filling['rss_children']:.0f} MB) - target < 500 MB: {verdict(fpeak < 500)}; all "
          f"its processes together at most {ftogether:.0f} MB: {verdict(ftogether < 500)}")
    print(f"site after the edit identical to a cold build: {verdict(identical)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
