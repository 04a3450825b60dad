"""Remembered runs: a ``validate`` or ``lint`` whose inputs are exactly those of a run that
succeeded before prints that run's findings, without reading a lesson or loading a rule.

    report = remembered(root, ("lint", *paths), lambda: run_the_checks(), enabled=cache)

The key of a run is the lmsctl version (code fingerprint included), the command and its
arguments, today's date (LMS802 compares with it) and the ``lmsctl.core.inputs`` snapshot of
the repository: the time stamps of every file the checks may read. A run is remembered only when
its inputs were settled before it started (no file written in the last seconds, where a time
stamp cannot tell two versions apart) and were still the same after it ended (but for the course
folders the run took from their facts, recorded for those same inputs, without reading them:
``lmsctl.core.inputs.unchanged``); so whatever is found under a key is what the checks would
find again. A miss runs the checks (with the per-file caches of ``validate`` and ``lint``). The
cache namespace is ``runs`` (``.lmsctl/cache/runs.bin``): damaged or foreign, it is a note and a
miss, like every cache file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from lmsctl.checks.lint_report import LintReport
from lmsctl.core.cache import Namespace
from lmsctl.core.diagnostics import Diagnostic, Report
from lmsctl.core.inputs import current, taken_before, unchanged

#: The cache namespace of remembered runs.
NAMESPACE = "runs"
#: How many runs are remembered (a few commands and scopes; each run adds one).
KEEP = 8

R = TypeVar("R", bound=Report)


def _stored(report: Report) -> tuple[Any, ...]:
    rules_url = report.rules_url if isinstance(report, LintReport) else ""
    return (type(report) is LintReport, list(report.diagnostics), report.files_checked,
            report.command, report.keep_order, rules_url)


def _restored(found: Any, root: Path) -> Report | None:
    if not (isinstance(found, tuple) and len(found) == 6 and isinstance(found[1], list)
            and all(isinstance(d, Diagnostic) for d in found[1])):
        return None
    is_lint, diagnostics, files_checked, command, keep_order, rules_url = found
    if is_lint:
        return LintReport(diagnostics=diagnostics, files_checked=files_checked, command=command,
                          keep_order=keep_order, root=root, rules_url=rules_url)
    return Report(diagnostics=diagnostics, files_checked=files_checked, command=command,
                  keep_order=keep_order)


def today() -> str:
    """Today's date, part of every key (findings compare dates with it)."""
    return dt.date.today().isoformat()


def remembered(root: Path, command: tuple[str, ...], run: Callable[[], R],
               enabled: bool = True) -> R:
    """The report of ``run()`` (the checks of ``command`` on the repository at ``root``), or
    the one a run with the same inputs made before. ``enabled=False`` (``--no-cache``) always
    runs and remembers nothing."""
    root = root.resolve()
    before = current(root) if enabled else None
    if before is None:
        return run()
    store = Namespace.open(root, NAMESPACE)
    key = store.key(*command, today(), before.fingerprint)
    found = _restored(store.get(key), root)
    if found is not None:
        return found  # type: ignore[return-value]  # the type run() made
    with taken_before(root, before) as unread:
        report = run()
    if before.settled and unchanged(root, before, unread):
        store.put(key, _stored(report))
        store.save(prune=False, keep=KEEP)
    return report
