"""``lmsctl lrs`` takes 1,000 statements in batches of 50 (issue #11: under 10 s).

    python -m benchmarks.bench_lrs                  # 1,000 statements, batches of 50
    python -m benchmarks.bench_lrs --statements 5000 --batch 50 --python PATH

Starts ``lmsctl lrs`` on a free 127.0.0.1 port with a fresh data folder (Ralph from the test
environment ``.lmsctl/test-ralph-venv``, made from PyPI on first use, or ``--python``), POSTs
profile-shaped ``answered`` statements (actor, verb, a cmi.interaction object with choices,
result, context with the content-version extension) in batches with the write-only account,
one request after the other as a site's queue does, and prints the time from the first POST
to the last answer, then reads them all back with the read-only account (``more`` pages of
500) and checks that every statement is there once.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.ralph_support import LRS, VENV, free_port, make_ralph_python  # noqa: E402

BASE = "https://learn.example.com/"


def answered(learner: str, n: int) -> dict[str, Any]:
    lesson = f"{BASE}courses/sales-basics/lesson-{n % 7}/"
    return {
        "id": str(uuid.uuid4()),
        "timestamp": "2026-12-02T10:00:00.000Z",
        "actor": {"objectType": "Agent", "account": {"homePage": BASE, "name": learner}},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered",
                 "display": {"en-US": "answered"}},
        "object": {"objectType": "Activity", "id": f"{lesson}#q{n % 5 + 1}",
                   "definition": {
                       "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
                       "interactionType": "choice",
                       "description": {"en": "What does 'too expensive' usually mean?"},
                       "choices": [{"id": f"c{i}", "description": {"en": f"Choice {i}"}}
                                   for i in range(1, 5)],
                       "correctResponsesPattern": ["c1"]}},
        "result": {"success": n % 3 != 0, "response": "c1" if n % 3 else "c2",
                   "extensions": {f"{BASE}xapi/ext/attempt": 1}},
        "context": {"platform": "lmsctl", "language": "en",
                    "contextActivities": {
                        "parent": [{"objectType": "Activity", "id": lesson}],
                        "grouping": [{"objectType": "Activity",
                                      "id": f"{BASE}courses/sales-basics/"}]},
                    "extensions": {f"{BASE}xapi/ext/content-version": "0123456789ab"}},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--statements", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--python", type=Path, default=None,
                        help=f"a Python with Ralph (default: {VENV.relative_to(ROOT)})")
    args = parser.parse_args(argv)
    python = args.python or make_ralph_python()
    learners = [str(uuid.uuid4()) for _ in range(40)]
    statements = [answered(learners[n % len(learners)], n) for n in range(args.statements)]
    batches = [statements[i:i + args.batch] for i in range(0, len(statements), args.batch)]
    with tempfile.TemporaryDirectory() as tmp:
        lrs = LRS(python=python, data=Path(tmp) / "lrs", port=free_port())
        started = time.perf_counter()
        lrs.start()
        print(f"lmsctl lrs ready in {time.perf_counter() - started:.1f} s", flush=True)
        try:
            lrs.post([answered(learners[0], -1)])  # the first request checks the password
            times = []
            began = time.perf_counter()
            for batch in batches:
                t = time.perf_counter()
                answer = lrs.post(batch)
                times.append(time.perf_counter() - t)
                assert answer.status == 200, answer.body
            total = time.perf_counter() - began
            t = time.perf_counter()
            back = lrs.all_statements(limit=500)
            read = time.perf_counter() - t
        finally:
            lrs.stop()
    ids = {s["id"] for s in back}
    assert len(back) == len(ids) == args.statements + 1, (len(back), len(ids))
    assert {s["id"] for s in statements} <= ids
    print(f"{args.statements} statements in {len(batches)} POSTs of {args.batch}: "
          f"{total:.2f} s ({args.statements / total:.0f} statements/s; per POST median "
          f"{statistics.median(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms)")
    print(f"read back {len(back)} with GET /statements (pages of 500): {read:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
