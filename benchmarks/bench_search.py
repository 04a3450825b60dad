"""Learners' search at catalog scale: time to the first result and bytes transferred in
headless Chromium, the index's size, ``write_index``'s time, and the cold build's time and peak
memory (issue 14).

    python -m benchmarks.bench_search                    # 1,000 courses (generated once)
    python -m benchmarks.bench_search --courses 30 --work /tmp/bench-search-30
    python -m benchmarks.bench_search --reuse            # keep the catalog and site of a run

The synthetic catalog (``benchmarks.synth``, realistic text) is built with ``lmsctl build`` in
its own process (wall time; peak memory = the largest sum of the resident sets of the build's
process tree, sampled every 50 ms), with ``learner_search.write_index`` timed and the pages'
search documents kept, so ``write_index`` is then timed again alone. The site is served on
127.0.0.1 under a sub-path; for each query a fresh browser context (nothing cached) opens the
catalog page, presses "/" and types the query; the page records when the last key went down
and when the first result appeared, and every response is counted (body and headers).

Targets: first result under 1 s after typing, under 1 MB transferred for a typical query,
``write_index`` well under 0.5 s (and after a lesson's edit, with the build cache, well under
0.1 s), cold build no slower than before and under 500 MB.
"""

from __future__ import annotations

import argparse
import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path

from benchmarks.synth import generate

ROOT = Path(__file__).resolve().parent.parent
SUB_PATH = "learn"
#: Typical queries on the synthetic catalog: two common domain words, one, a rarer made-up
#: word and its prefix as typed so far.
QUERIES = ("customer feedback", "pricing objection", "renewal", "haxkoation", "haxko")

#: Runs ``lmsctl build`` with write_index timed and its documents saved (argv: docs file,
#: then lmsctl's own arguments).
_TIMED_BUILD = """
import json, sys, time
from lmsctl.targets.site import learner_search
original = learner_search.write_index
def timed(site_dir, docs, *args, **kwargs):
    start = time.perf_counter()
    original(site_dir, docs, *args, **kwargs)
    took = time.perf_counter() - start
    with open(sys.argv[1], "w", encoding="utf-8") as f:
        json.dump({"seconds": took, "docs": docs}, f)
learner_search.write_index = timed
from lmsctl.cli import cli
cli.main(sys.argv[2:], prog_name="lmsctl")
"""


def _tree(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat", encoding="utf-8") as f:
                    parent = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(name))
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        todo += children.get(p, [])
    return found


def _rss_mb(pids: list[int]) -> float:
    total = 0
    for p in pids:
        try:
            with open(f"/proc/{p}/status", encoding="utf-8") as f:
                total += next((int(line.split()[1]) for line in f if line.startswith("VmRSS:")), 0)
        except OSError:
            continue
    return total / 1024


def cold_build(repo: Path, out: Path, docs_file: Path) -> tuple[float, float]:
    """(seconds, peak MB) of ``lmsctl build`` of ``repo`` into ``out``."""
    if out.exists():
        shutil.rmtree(out)
    cmd = [sys.executable, "-c", _TIMED_BUILD, str(docs_file), "build", "--repo", str(repo),
           "--out", str(out)]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    peak = 0.0
    while proc.poll() is None:
        peak = max(peak, _rss_mb(_tree(proc.pid)))
        time.sleep(0.05)
    seconds = time.perf_counter() - start
    output = proc.stdout.read().decode() if proc.stdout else ""
    if proc.returncode != 0:
        raise SystemExit(f"lmsctl build failed ({proc.returncode}):\n{output}")
    return seconds, peak


def index_size(site: Path) -> tuple[int, int]:
    """(bytes, files) of the search index."""
    files = [p for p in (site / "search").rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files), len(files)


def time_write_index(docs: dict[str, list[dict[str, str]]], site: Path, runs: int = 3) -> float:
    """The best of ``runs`` timings of write_index into a copy of the site's assets."""
    from lmsctl.targets.site import learner_search

    scratch = site.parent / "write-index-scratch"
    shutil.rmtree(scratch, ignore_errors=True)
    (scratch / learner_search.SCRIPT).parent.mkdir(parents=True)
    shutil.copy(site / learner_search.SCRIPT, scratch / learner_search.SCRIPT)
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        learner_search.write_index(scratch, docs)
        best = min(best, time.perf_counter() - start)
    shutil.rmtree(scratch, ignore_errors=True)
    return best


class _Sized(dict[str, list[dict[str, str]]]):
    """Pages' documents that tell how many each page has in a scope without counting them,
    as the build's do (``build_cache.SiteDocs``)."""

    def __init__(self, docs: dict[str, list[dict[str, str]]]) -> None:
        super().__init__(docs)
        self.sizes = Counter((src, doc["scope"]) for src, page in docs.items() for doc in page)

    def scope_size(self, src: str, scope: str) -> int:
        return self.sizes.get((src, scope), 0)


def time_edited_write_index(docs: dict[str, list[dict[str, str]]], site: Path,
                            runs: int = 3) -> float:
    """The best of ``runs`` timings of write_index after a lesson's text is edited (not its
    sections), with ``site`` as the build cache's copy of the site: the lesson's group is
    written from its cached files (``learner_search._patch_group``), the others kept."""
    from lmsctl.targets.site import learner_search

    edited = next(src for src in sorted(docs) if "/lessons/" in src)
    before, after = _Sized(docs), _Sized(docs)
    after[edited] = []
    for doc in docs[edited]:
        shown = json.loads(doc["shown"])
        shown[-1] = "zorblaxing " + shown[-1]
        after[edited].append({**doc, "terms": doc["terms"] + " zorblaxing",
                              "shown": json.dumps(shown, ensure_ascii=False,
                                                  separators=(",", ":"))})
    intact = {p.relative_to(site).as_posix(): 1 for p in (site / "search").rglob("*")
              if p.is_file()}
    scratch = site.parent / "write-index-scratch"
    best = float("inf")
    for _ in range(runs):
        shutil.rmtree(scratch, ignore_errors=True)
        scratch.mkdir(parents=True)
        start = time.perf_counter()
        learner_search.write_index(scratch, after, site, set(docs) - {edited}, intact,
                                   script=True, before=before)
        best = min(best, time.perf_counter() - start)
    shutil.rmtree(scratch, ignore_errors=True)
    return best


def counter_seconds(docs: dict[str, list[dict[str, str]]]) -> float:
    """How long this machine takes to merely count the index's postings with
    ``collections.Counter`` (C code): the floor of any inversion, to judge write_index's time
    on a loaded machine."""
    start = time.perf_counter()
    counts: Counter[str] = Counter()
    for page in docs.values():
        for doc in page:
            counts.update(doc["terms"].split())
            counts.update(doc["title_terms"].split())
    return time.perf_counter() - start


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        pass


@contextmanager
def serve(www: Path) -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                             partial(_Quiet, directory=str(www)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/{SUB_PATH}/"
    finally:
        server.shutdown()
        server.server_close()


_WATCH = """() => {
  const w = window.__search = {keys: [], shown: []};
  const list = document.getElementById("lmsctl-search-results");
  const status = document.getElementById("lmsctl-search-status");
  document.addEventListener("keydown", () => w.keys.push(performance.now()), true);
  new MutationObserver(() => {
    if (list.children.length || status.textContent === "No results") {
      w.shown.push(performance.now());
    }
  }).observe(list.parentNode, {childList: true, subtree: true, characterData: true});
}"""
#: Results (or "No results") shown after the last key went down: the query's own results.
_DONE = "() => window.__search.shown.some(t => t > window.__search.keys.at(-1))"


def search_in_chromium(base: str, queries: tuple[str, ...]) -> list[dict[str, float]]:
    from playwright.sync_api import sync_playwright

    rows = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium")
        try:
            for query in queries:
                context = browser.new_context()
                page = context.new_page()
                sizes: list[tuple[str, int]] = []
                external: list[str] = []

                def finished(request: object, sink: list[tuple[str, int]] = sizes) -> None:
                    s = request.sizes()  # type: ignore[attr-defined]
                    sink.append((request.url,  # type: ignore[attr-defined]
                                 s["responseBodySize"] + s["responseHeadersSize"]))

                page.on("requestfinished", finished)
                page.on("request", lambda r, sink=external: sink.append(r.url)
                        if not r.url.startswith(("http://127.0.0.1", "data:")) else None)
                page.goto(base + "catalog/")
                page.wait_for_load_state("load")
                page.evaluate(_WATCH)
                before = len(sizes)
                page.keyboard.press("/")
                page.keyboard.type(query)
                page.wait_for_function(_DONE, timeout=60_000)
                page.wait_for_load_state("networkidle")
                t = page.evaluate("window.__search")
                last, first_key = t["keys"][-1], t["keys"][1]  # keys[0]: "/"
                shown = next(x for x in t["shown"] if x > last)
                searched = sizes[before:]
                rows.append({
                    "query": query,  # type: ignore[dict-item]
                    "after_typing": (shown - last) / 1000,
                    "after_first_key": (shown - first_key) / 1000,
                    "bytes": sum(n for _, n in searched), "requests": len(searched),
                    "results": page.locator(".lmsctl-search__result").count(),
                    "external": len(external)})
                context.close()
        finally:
            browser.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--courses", type=int, default=1000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/lmsctl-bench-search"))
    parser.add_argument("--reuse", action="store_true",
                        help="keep the catalog and site of an earlier run (no build timing)")
    parser.add_argument("--query", action="append", help="a query to type (repeatable)")
    args = parser.parse_args()
    repo, www = args.work / "catalog", args.work / "www"
    site = www / SUB_PATH
    docs_file = args.work / "docs.json"
    load = os.getloadavg()
    if not (args.reuse and (repo / "lmsctl.yml").is_file()):
        generate(repo, args.courses)
    if not (args.reuse and site.is_dir() and docs_file.is_file()):
        seconds, peak = cold_build(repo, site, docs_file)
        print(f"cold build: {seconds:.1f} s, peak memory {peak:.0f} MB (target < 500 MB) "
              f"{'ok' if peak < 500 else 'TOO MUCH'}; load before {load[0]:.1f}, "
              f"after {os.getloadavg()[0]:.1f}")
    record = json.loads(docs_file.read_text(encoding="utf-8"))
    docs = record["docs"]
    pages = len(docs)
    sections = sum(len(d) for d in docs.values())
    size, files = index_size(site)
    print(f"index: {pages} pages, {sections} sections; {size / 1e6:.1f} MB in {files} files")
    print(f"write_index: {record['seconds']:.3f} s in the build; "
          f"{time_write_index(docs, site):.3f} s alone (target well under 0.5 s); "
          f"for scale, a bare Counter over the same words: {counter_seconds(docs):.3f} s")
    print(f"write_index after a lesson's edit, with the build cache: "
          f"{time_edited_write_index(docs, site):.3f} s")
    with serve(www) as base:
        rows = search_in_chromium(base, tuple(args.query or QUERIES))
    print(f"{'query':<20} {'first result':>13} {'from 1st key':>13} {'KB':>8} {'requests':>9} "
          f"{'results':>8}")
    for r in rows:
        ok = 0 <= r["after_typing"] < 1 and r["bytes"] < 1e6 and not r["external"]
        print(f"{r['query']:<20} {r['after_typing']:>11.3f} s {r['after_first_key']:>11.3f} s "
              f"{r['bytes'] / 1e3:>8.1f} {r['requests']:>9} {r['results']:>8}  "
              f"{'ok' if ok else 'MISSED'}")
    print(f"load (1 min) at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
