"""Page load of a lesson with and without learning records (``analytics:``) in Chromium.

    python -m benchmarks.bench_page_load            # 20 loads each, median
    python -m benchmarks.bench_page_load --runs 50

The sample site is built twice: as it is, and with ``analytics.xapi`` in ``lmsctl.yml``
(an LRS that is down: the recorder's first POST is 3 s after the page loads, outside the
measured time either way). Each load is a first visit (a fresh browser context: empty cache,
empty localStorage) of the same quiz lesson, served from 127.0.0.1 under the site's sub-path,
in headless Chromium (``/usr/bin/chromium`` through Playwright). For each site it prints the
median over the runs (the two sites' loads alternate) of:

- ``DOMContentLoaded`` and ``load`` (navigation timing, from the start of the navigation);
- ``ready``: the runtime has wired the page (the ``lmsctl:ready`` performance mark, set by
  ``lmsctl/runtime/main.js``, bundled in ``lmsctl.js``, once quizzes, progress and feedback work);
- ``records``: the xAPI recorder is loaded and receiving events (``lmsctl:records-ready``;
  only with analytics).

The recorder adds no measurable time when ``ready`` and ``load`` differ by less than the spread
of the runs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from lmsctl.content.loader import load_repository
from tests.browser_support import browser, static_server
from tests.site_support import build, copy_sample

ANALYTICS = """
analytics:
  xapi:
    endpoint: https://127.0.0.1:9/xAPI/
    auth: "Basic bG1zY3RsLXNpdGU6c2VjcmV0"
"""
COURSE, LESSON = "sales-basics", "discovery-questions"
TIMING = """() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const mark = (name) => {
    const m = performance.getEntriesByName(name)[0];
    return m ? m.startTime : null;
  };
  return {dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd,
          ready: mark("lmsctl:ready"), records: mark("lmsctl:records-ready")};
}"""


def make_site(base: Path, records: bool) -> tuple[Path, str]:
    """Build the sample (with analytics when ``records``) under ``base``/www/<sub-path>."""
    repo = copy_sample(base / "repo")
    if records:
        with (repo / "lmsctl.yml").open("a", encoding="utf-8") as f:
            f.write(ANALYTICS)
    model, _ = load_repository(repo)
    sub_path = urlsplit(model.config.site_url).path.strip("/")
    www = base / "www"
    build(repo, www / sub_path)
    return www, sub_path


def load_once(chromium: Any, url: str, records: bool) -> dict[str, float | None]:
    """One first visit (fresh context): the timings, once the runtime (and recorder) is up."""
    context = chromium.new_context()
    page = context.new_page()
    page.goto(url, wait_until="load")
    mark = "lmsctl:records-ready" if records else "lmsctl:ready"
    page.wait_for_function(f"performance.getEntriesByName('{mark}').length")
    timing: dict[str, float | None] = page.evaluate(TIMING)
    context.close()
    if not records and timing["records"] is not None:
        raise SystemExit("the xAPI recorder loaded on a site without analytics")
    return timing


def measure(chromium: Any, urls: dict[bool, str], runs: int) -> dict[bool, dict[str, list[float]]]:
    """Loads of both sites, alternating (off, on, off, on...) so that the machine's load
    weighs on both alike; one warm-up load of each is not counted."""
    out: dict[bool, dict[str, list[float]]] = {
        r: {"dcl": [], "load": [], "ready": [], "records": []} for r in urls}
    for i in range(runs + 1):
        for records, url in urls.items():
            timing = load_once(chromium, url, records)
            if i == 0:
                continue
            for key, value in timing.items():
                if value is not None:
                    out[records][key].append(float(value))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="lmsctl-bench-load-") as tmp, browser() as chromium:
        sites = {r: make_site(Path(tmp) / ("on" if r else "off"), r) for r in (False, True)}
        with static_server(sites[False][0]) as off, static_server(sites[True][0]) as on:
            urls = {r: f"{base}/{sites[r][1]}/courses/{COURSE}/{LESSON}/"
                    for r, base in ((False, off), (True, on))}
            results = measure(chromium, urls, args.runs)
    print(f"lesson page load in Chromium, median of {args.runs} first visits (ms)")
    print(f"{'analytics':<10} {'DOMContentLoaded':>17} {'load':>8} {'ready':>8} {'records':>8}"
          f" {'load spread (p10-p90)':>22}")
    for records, data in results.items():
        med = {k: (statistics.median(v) if v else None) for k, v in data.items()}
        deciles = statistics.quantiles(data["load"], n=10)
        spread = f"{deciles[0]:.1f}-{deciles[-1]:.1f}"
        rec = f"{med['records']:8.1f}" if med["records"] is not None else f"{'-':>8}"
        print(f"{'on' if records else 'off':<10} {med['dcl']:17.1f} {med['load']:8.1f} "
              f"{med['ready']:8.1f} {rec} {spread:>22}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
