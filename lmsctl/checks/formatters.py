"""The text and json formatters of a ``Report`` (the others, and the list of every format with
``emit``, are in ``lmsctl.checks.report_formats``)."""

from __future__ import annotations

import json
import os
from typing import TextIO

from lmsctl.core.diagnostics import Report

#: The names of every output format (``report_formats.FORMATTERS`` has one of each), here so
#: that the command line lists them without importing the rules.
FORMAT_NAMES = ("text", "json", "github", "sarif", "gitlab")

_COLOURS = {"error": "\033[31m", "warning": "\033[33m", "info": "\033[36m"}
_RESET = "\033[0m"
_DIM = "\033[2m"


def use_colour(stream: TextIO) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org)."""
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def format_text(report: Report, colour: bool = False) -> str:
    lines: list[str] = []
    for d in report.sorted():
        sev = d.severity.value
        if colour:
            sev = f"{_COLOURS[sev]}{sev}{_RESET}"
        lines.append(f"{d.path}:{d.line}:{d.column}: {sev} {d.rule} {d.message}")
        if d.hint:
            hint = f"    hint: {d.hint}"
            lines.append(f"{_DIM}{hint}{_RESET}" if colour else hint)
    counts = report.counts()
    summary = (f"{_plural(counts['error'], 'error')}, {_plural(counts['warning'], 'warning')}, "
               f"{_plural(counts['info'], 'info')} in {_plural(report.files_checked, 'file')}")
    if not report.diagnostics:
        summary = f"All good: no problems in {_plural(report.files_checked, 'file')}"
    lines.append(summary)
    return "\n".join(lines) + "\n"


def format_json(report: Report, colour: bool = False) -> str:
    payload = {
        "diagnostics": [d.to_dict() for d in report.sorted()],
        "summary": report.summary(),
    }
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
