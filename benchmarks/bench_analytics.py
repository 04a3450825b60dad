"""Time ``lmsctl analytics`` on 1,000,000 realistic statements (benchmarks.synth: learners on a
synthetic catalog of 50 courses x 6 lessons).

    python -m benchmarks.bench_analytics [--statements 1000000] [--courses 50]
        [--ralph-python PATH]

Targets (issue 12): ``pull --from`` the file plus ``report`` of every course in under 60 s with
peak memory under 2 GB; a report from the already-pulled store in under 5 s. Each command runs
as its own process; peak memory is the largest resident set of those processes. With
``--ralph-python`` (a Python with Ralph, e.g. the tests' .lmsctl/test-ralph-venv/bin/python):
an incremental ``pull --lrs`` of 1,000 new statements from a real Ralph (``lmsctl lrs``) holding
100,000 already pulled, in under 5 s.
"""

from __future__ import annotations

import argparse
import base64
import itertools
import json
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from benchmarks.synth import generate, generate_statements

CPU: dict[str, float] = {}


def run(args: list[str]) -> tuple[float, float]:
    """(wall seconds, peak resident MB of the children so far) of one command; its CPU
    seconds (user + system, all threads) go into ``CPU`` under the sub-command's name."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(args, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"{' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    name = " ".join(a for a in args[3:6] if not a.startswith("/"))
    CPU[name] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, after.ru_maxrss / 1024


def _post(url: str, auth: str, lines: list[str]) -> None:
    body = ("[" + ",".join(lines) + "]").encode()
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Authorization": auth, "Content-Type": "application/json",
        "X-Experience-API-Version": "1.0.3"})
    with urllib.request.urlopen(request, timeout=300) as answer:
        answer.read()


def ralph_incremental(python: str, tmp: Path, catalog: Path, file: Path,
                      stored: int = 100_000, new: int = 1_000) -> tuple[float, float]:
    """(first pull of ``stored`` statements, incremental pull of ``new``) from a real Ralph."""
    root = tmp / "ralph-repo"
    shutil.copytree(catalog, root, ignore=shutil.ignore_patterns(".lmsctl"))
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    data = tmp / "lrs"
    log = (tmp / "lrs.log").open("wb")
    proc = subprocess.Popen([sys.executable, "-m", "lmsctl.cli", "lrs", "--data", str(data),
                             "--port", str(port), "--python", python, "--repo", str(root)],
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(600):
            try:
                with urllib.request.urlopen(f"{base}/__heartbeat__", timeout=2):
                    break
            except OSError:
                time.sleep(0.2)
        accounts = {a["username"]: a for a in
                    json.loads((data / "credentials.json").read_text(encoding="utf-8"))}

        def auth(name: str) -> str:
            a = accounts[name]
            return "Basic " + base64.b64encode(
                f"{a['username']}:{a['password']}".encode()).decode()

        url = f"{base}/xAPI/statements"
        with file.open(encoding="utf-8") as fh:
            lines = list(itertools.islice(fh, stored + new))
        for i in range(0, stored, 1000):
            _post(url, auth("lmsctl-site"), lines[i:min(i + 1000, stored)])
        env = {**os.environ, "LMSCTL_LRS_AUTH": auth("lmsctl-reader")}
        command = [sys.executable, "-m", "lmsctl.cli", "analytics", "pull", "--lrs",
                   f"{base}/xAPI/", "--repo", str(root)]
        start = time.perf_counter()
        subprocess.run(command, env=env, check=True, capture_output=True)
        first = time.perf_counter() - start
        _post(url, auth("lmsctl-site"), lines[stored:stored + new])
        start = time.perf_counter()
        done = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
        again = time.perf_counter() - start
        print(f"  {done.stdout.strip()}")
        return first, again
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        log.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--statements", type=int, default=1_000_000)
    parser.add_argument("--courses", type=int, default=50)
    parser.add_argument("--ralph-python", default=None, metavar="PATH",
                        help="A Python with Ralph: also time an incremental pull from Ralph.")
    args = parser.parse_args()
    ralph: tuple[float, float] | None = None
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "catalog"
        generate(root, args.courses)
        file = Path(tmp) / "statements.ndjson"
        started = time.perf_counter()
        count = generate_statements(root, file, learners=10**9, limit=args.statements)
        print(f"generated {count} statements ({file.stat().st_size / 2**20:.0f} MiB) in "
              f"{time.perf_counter() - started:.1f} s")
        base = [sys.executable, "-m", "lmsctl.cli"]
        pull_s, pull_mb = run([*base, "analytics", "pull", "--from", str(file),
                               "--repo", str(root)])
        report_s, report_mb = run([*base, "analytics", "report", "--format", "json",
                                   "--out", str(Path(tmp) / "out"), "--repo", str(root)])
        again_s, _ = run([*base, "analytics", "report", "--repo", str(root), "--out",
                          str(Path(tmp) / "out2")])
        html_s, _ = run([*base, "analytics", "report", "--format", "html", "--out",
                         str(Path(tmp) / "dash"), "--repo", str(root)])
        check_s, _ = run([*base, "analytics", "check", "--repo", str(root)])
        peak = max(pull_mb, report_mb)
        if args.ralph_python:
            ralph = ralph_incremental(args.ralph_python, Path(tmp), root, file)
    total = pull_s + report_s
    print(f"pull --from {count} statements: {pull_s:.1f} s")
    print(f"report (json, {args.courses} courses): {report_s:.1f} s")
    print(f"pull + report: {total:.1f} s (target < 60 s) "
          f"{'ok' if total < 60 else 'TOO SLOW'}")
    print(f"peak memory: {peak:.0f} MB (target < 2048 MB) {'ok' if peak < 2048 else 'TOO MUCH'}")
    print(f"report from the pulled store (text): {again_s:.1f} s (target < 5 s) "
          f"{'ok' if again_s < 5 else 'TOO SLOW'}")
    print(f"report --format html (dashboard, {args.courses} course pages): {html_s:.1f} s")
    print(f"analytics check (lint engine + insights): {check_s:.1f} s")
    print("CPU seconds (user + system, all threads): "
          + ", ".join(f"{k}: {v:.1f}" for k, v in CPU.items()))
    print(f"load average while measuring: {os.getloadavg()[0]:.1f} (2 cores)")
    if ralph is not None:
        print(f"pull --lrs from Ralph: 100,000 statements {ralph[0]:.1f} s; then 1,000 new "
              f"{ralph[1]:.1f} s (target < 5 s) {'ok' if ralph[1] < 5 else 'TOO SLOW'}")


if __name__ == "__main__":
    main()
