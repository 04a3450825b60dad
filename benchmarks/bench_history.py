"""Time reading the git history (one ``git log`` pass) of a large catalog.

    python -m benchmarks.bench_history [--courses 1000] [--commits 2000] [--runs 5]

Builds the synthetic catalog (benchmarks/synth.py) into a git repository with ``git
fast-import`` (so thousands of commits take a second, not minutes): one commit per course
creating it, then edits of random lessons by ~60 people over three years, with
``Co-authored-by:`` trailers, a ``.mailmap``, bot commits and ``lmsctl review`` stamps. Then it
times ``read_history`` and what the site and ``lmsctl stale`` do with it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.synth import generate

PEOPLE = [(f"Person {i:02d}", f"person{i:02d}@example.org") for i in range(60)]
BOTS = [("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com")]
#: Five people also committed under an old address; .mailmap merges them.
OLD = {i: f"p{i}@old.example.org" for i in range(5)}
START = dt.datetime(2022, 1, 1, 9, 0, tzinfo=dt.UTC)


def _data(payload: bytes) -> bytes:
    return b"data %d\n" % len(payload) + payload + b"\n"


def build_repository(root: Path, courses: int, commits: int, seed: int = 11) -> dict[str, int]:
    """Generate the catalog under ``root`` and give it ``commits`` commits of history.
    Returns counts of what was made (for tests of this script)."""
    rng = random.Random(seed)
    generate(root, courses)
    files = {p.relative_to(root).as_posix(): p.read_bytes()
             for p in sorted(root.rglob("*")) if p.is_file()}
    mailmap = "".join(f"{PEOPLE[i][0]} <{PEOPLE[i][1]}> <{old}>\n" for i, old in OLD.items())
    files[".mailmap"] = mailmap.encode()
    course_ids = sorted({rel.split("/")[1] for rel in files if rel.startswith("courses/")})
    lessons = {cid: sorted(rel for rel in files
                           if rel.startswith(f"courses/{cid}/lessons/")) for cid in course_ids}
    commits = max(commits, len(course_ids))
    span = dt.timedelta(days=3 * 365)
    stream: list[bytes] = []
    counts = {"commits": 0, "bots": 0, "coauthored": 0, "reviews": 0}

    def commit(n: int, message: str, changed: dict[str, bytes], author: tuple[str, str]) -> None:
        when = START + span * n / commits
        stamp = f"{int(when.timestamp())} +0000".encode()
        who = f"{author[0]} <{author[1]}> ".encode()
        stream.append(b"commit refs/heads/main\nmark :%d\n" % (n + 1))
        stream.append(b"author " + who + stamp + b"\ncommitter " + who + stamp + b"\n")
        stream.append(_data(message.encode()))
        if n:
            stream.append(b"from :%d\n" % n)
        for rel, content in changed.items():
            stream.append(f"M 100644 inline {rel}\n".encode() + _data(content))
        counts["commits"] += 1

    def person() -> tuple[str, str]:
        i = rng.randrange(len(PEOPLE))
        return (PEOPLE[i][0], OLD[i]) if i in OLD and rng.random() < 0.5 else PEOPLE[i]

    first = {rel: content for rel, content in files.items()
             if not rel.startswith("courses/")}
    for n, cid in enumerate(course_ids):
        changed = {rel: content for rel, content in files.items()
                   if rel.startswith(f"courses/{cid}/")}
        if n == 0:
            changed.update(first)
        commit(n, f"Add {cid}", changed, person())
    for n in range(len(course_ids), commits):
        cid = rng.choice(course_ids)
        roll = rng.random()
        if roll < 0.03:
            counts["bots"] += 1
            rel = rng.choice(lessons[cid])
            files[rel] += b"\n<!-- link checked -->\n"
            commit(n, f"Update links in {cid}", {rel: files[rel]}, rng.choice(BOTS))
        elif roll < 0.10:
            counts["reviews"] += 1
            rel = f"courses/{cid}/course.yml"
            day = (START + span * n / commits).date().isoformat()
            text = files[rel].decode()
            lines = [x for x in text.splitlines() if not x.startswith("reviewed:")]
            files[rel] = ("\n".join(lines) + f"\nreviewed: {day}\n").encode()
            commit(n, f"Review {cid}", {rel: files[rel]}, person())
        else:
            rel = rng.choice(lessons[cid])
            files[rel] += f"\nA clarification added in change {n}.\n".encode()
            message = f"Clarify {rel.rsplit('/', 1)[-1][:-3]} in {cid}"
            if rng.random() < 0.2:
                counts["coauthored"] += 1
                co = rng.choice(PEOPLE)
                message += f"\n\nCo-authored-by: {co[0]} <{co[1]}>"
            commit(n, message, {rel: files[rel]}, person())
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    subprocess.run(["git", "fast-import", "--quiet"], cwd=root, input=b"".join(stream),
                   check=True)
    subprocess.run(["git", "reset", "-q", "--hard", "main"], cwd=root, check=True)
    return counts


def timed(func: Callable[[], object], runs: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times), times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--courses", type=int, default=1000)
    parser.add_argument("--commits", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    from lmsctl.content.freshness import freshness
    from lmsctl.content.loader import load_repository
    from lmsctl.core.history import read_history
    from lmsctl.targets.site.community_pages import atom_feed, contributors_page, whats_new_page

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "catalog"
        start = time.perf_counter()
        counts = build_repository(root, args.courses, args.commits)
        made = time.perf_counter() - start
        print(f"built {args.courses} courses with {counts['commits']} commits in {made:.1f} s "
              f"({counts['coauthored']} co-authored, {counts['reviews']} reviews, "
              f"{counts['bots']} by bots)")
        repo, _ = load_repository(root)
        median, times = timed(lambda: read_history(repo), args.runs)
        print(f"read_history (one git log pass): median {median:.3f} s "
              f"(runs: {', '.join(f'{t:.3f}' for t in times)})")
        history = read_history(repo)
        today = dt.date(2025, 1, 1)

        def per_course() -> None:
            fresh = read_history(repo)
            for course in repo.courses:
                fresh.course(course.id)
                freshness(course, repo.config, fresh, today)

        median, _ = timed(per_course, args.runs)
        print(f"read_history + course history and freshness of all {len(repo.courses)} "
              f"courses: median {median:.3f} s")
        now = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
        median, _ = timed(lambda: (contributors_page(repo, history, today),
                                   whats_new_page(repo, history, "../"),
                                   atom_feed(repo, history, repo.config.site_url, now)),
                          args.runs)
        print(f"contributors + what's new + feed pages: median {median:.3f} s")
        command = [sys.executable, "-m", "lmsctl.cli", "stale", "--repo", str(root),
                   "--today", "2025-01-01", "--format", "json"]
        subprocess.run(command, capture_output=True, check=False)  # warm the file cache
        start = time.perf_counter()
        stale = subprocess.run(command, capture_output=True, check=False)
        print(f"lmsctl stale (whole command, load included): {time.perf_counter() - start:.2f} s"
              f" (exit {stale.returncode})")


if __name__ == "__main__":
    main()
