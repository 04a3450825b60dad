"""The formats CI tools read: GitHub workflow commands (plus a step summary), SARIF 2.1.0 and
GitLab Code Quality. Listed with text and json in ``FORMATTERS``.

Paths in a report are relative to the lmsctl repository root; when that root is a sub-folder of
the CI checkout (``GITHUB_WORKSPACE``, ``CI_PROJECT_DIR``), the formats prefix it so that
annotations land on the right files.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO
from urllib.parse import quote

from lmsctl import __version__
from lmsctl.checks.formatters import FORMAT_NAMES, format_json, format_text, use_colour
from lmsctl.core.diagnostics import Diagnostic, Report, Rule, Severity

if TYPE_CHECKING:
    from lmsctl.checks.lint_report import CourseChange

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
GITHUB_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}
SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
GITLAB_SEVERITY = {"error": "major", "warning": "minor", "info": "info"}
#: GitHub caps a step summary at 1 MiB; keep well below.
SUMMARY_MAX_ROWS = 2000
_CATEGORY = {"1": "files", "2": "references", "3": "content", "4": "quiz", "5": "accessibility",
             "6": "safety", "7": "governance", "8": "freshness",
             "9": "insights"}


# -------------------------------------------------------------------------------- helpers


def _root(report: Report) -> Path | None:
    root = getattr(report, "root", None)
    return root if isinstance(root, Path) else None


def _help_uri(report: Report, rule_id: str) -> str:
    func = getattr(report, "help_uri", None)
    return str(func(rule_id)) if callable(func) else ""


def path_prefix(report: Report, env_names: tuple[str, ...] = ("GITHUB_WORKSPACE",
                                                              "CI_PROJECT_DIR")) -> str:
    """The lmsctl root's folder inside the CI checkout ("" when it is the checkout itself)."""
    root = _root(report)
    if root is None:
        return ""
    for name in env_names:
        value = os.environ.get(name)
        if not value:
            continue
        try:
            workspace = Path(value).resolve()
            resolved = root.resolve()
        except OSError:
            continue
        if resolved != workspace and resolved.is_relative_to(workspace):
            return resolved.relative_to(workspace).as_posix() + "/"
    return ""


class _Lines:
    """Source lines of the report's files, read once each, for content-based fingerprints."""

    def __init__(self, root: Path | None) -> None:
        self.root = root
        self.files: dict[str, list[str]] = {}

    def get(self, path: str, line: int) -> str:
        if self.root is None:
            return ""
        lines = self.files.get(path)
        if lines is None:
            try:
                lines = (self.root / path).read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError, ValueError):
                lines = []
            self.files[path] = lines
        return lines[line - 1] if 0 < line <= len(lines) else ""


def fingerprints(report: Report) -> dict[Diagnostic, str]:
    """A stable, unique fingerprint per finding: a hash of the rule, the file, the message
    (digits ignored) and the text of the line it is on (whitespace ignored), plus the count of
    identical earlier findings. Moving unrelated lines, or the finding's own line, keeps it."""
    lines = _Lines(_root(report))
    seen: dict[str, int] = {}
    out: dict[Diagnostic, str] = {}
    for d in report.sorted():
        content = " ".join(lines.get(d.path, d.line).split())
        message = re.sub(r"\d+", "#", d.message)
        key = "\0".join((d.rule, d.path, message, content))
        n = seen.get(key, 0)
        seen[key] = n + 1
        out[d] = hashlib.sha256(f"{key}\0{n}".encode()).hexdigest()
    return out


def _full_message(report: Report, d: Diagnostic) -> str:
    text = d.message
    if d.hint:
        text += f"\n{d.hint}"
    uri = _help_uri(report, d.rule)
    from lmsctl.checks.registry import RULES  # the rules only when a format names them

    rule = RULES.get(d.rule)
    if uri:
        text += f"\n{d.rule}" + (f" ({rule.summary})" if rule else "") + f": {uri}"
    return text


# --------------------------------------------------------------------------------- github


def _gh_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(report: Report, colour: bool = False) -> str:
    """GitHub Actions workflow commands: one ``::error``/``::warning``/``::notice`` per
    finding, then a plain summary line."""
    prefix = path_prefix(report, ("GITHUB_WORKSPACE",))
    out = []
    for d in report.sorted():
        props = (f"file={_gh_property(prefix + d.path)},line={d.line},col={d.column},"
                 f"title={_gh_property(d.rule)}")
        out.append(f"::{GITHUB_LEVEL[d.severity.value]} {props}::"
                   f"{_gh_data(_full_message(report, d))}")
    s = report.summary()
    out.append(f"lmsctl {report.command}: {s['errors']} error(s), {s['warnings']} warning(s), "
               f"{s['infos']} info(s) in {s['files']} files")
    return "\n".join(out) + "\n"


_CODE_SPAN = re.compile(r"(`+)(?!`)[^\n]*?(?<!`)\1(?!`)")
_MD_SPECIAL = re.compile(r"[\\\[\]*_~!#]")


def _md_text(text: str) -> str:
    """Author text shown as text in GitHub Markdown: no link, image, emphasis or HTML."""
    return (_MD_SPECIAL.sub(lambda m: "\\" + m.group(0), text).replace("&", "&amp;")
            .replace("<", "&lt;").replace(">", "&gt;"))


def _md_cell(text: str) -> str:
    """Text for a Markdown table cell: code spans (`correct: true`) stay code, the rest is
    escaped so that a hint such as ``![alt](x.png)`` shows as written, not as an image."""
    out: list[str] = []
    last = 0
    for m in _CODE_SPAN.finditer(text):
        out.append(_md_text(text[last:m.start()]))
        out.append(m.group(0))
        last = m.end()
    out.append(_md_text(text[last:]))
    return "".join(out).replace("|", "\\|").replace("\r", "").replace("\n", "<br>")


def _table(report: Report, items: list[Diagnostic], prefix: str, limit: int) -> list[str]:
    if not items:
        return ["No findings."]
    rows = ["| Severity | Rule | Where | Finding | How to fix |", "|---|---|---|---|---|"]
    for d in items[:limit]:
        uri = _help_uri(report, d.rule)
        rule = f"[{d.rule}]({uri})" if uri else d.rule
        where = f"`{prefix}{d.path}:{d.line}:{d.column}`"
        rows.append(f"| {d.severity.value} | {rule} | {where} | {_md_cell(d.message)} | "
                    f"{_md_cell(d.hint)} |")
    if len(items) > limit:
        rows.append(f"\n…and {len(items) - limit} more: run `lmsctl {report.command}` for the "
                    "full list.")
    return rows


def _counts(items: list[Diagnostic]) -> str:
    n = {s: sum(1 for d in items if d.severity is s) for s in Severity}
    return (f"{n[Severity.ERROR]} error(s), {n[Severity.WARNING]} warning(s), "
            f"{n[Severity.INFO]} info(s)")


def step_summary(report: Report) -> str:
    """Markdown for ``$GITHUB_STEP_SUMMARY``: every finding (annotations are capped at 10 per
    step), and with ``--changed-since`` each changed course's findings, owners and status."""
    prefix = path_prefix(report, ("GITHUB_WORKSPACE",))
    items = report.sorted()
    command = report.command
    out = [f"## lmsctl {command}", ""]
    verdict = "failed" if report.has_errors else "passed"
    out.append(f"**{command.capitalize()} {verdict}:** {_counts(items)} in "
               f"{report.files_checked} files.")
    base = getattr(report, "rules_url", "")
    if base:
        out.append(f"Every rule is explained, with how to fix it, in the [rule reference]({base}).")
    changes: list[CourseChange] = list(getattr(report, "changes", []) or [])
    since = getattr(report, "changed_since", None)
    if changes:
        out += ["", f"### Changed courses (since `{_md_cell(str(since))}`)", ""]
        for change in changes:
            folder = change.rel_dir + "/"
            mine = [d for d in items if d.path.startswith(folder)]
            out.append(f"#### {_md_cell(change.title)} (`{change.id}`)")
            out.append("")
            status = change.status_change
            if status:
                out.append(f"- **Status:** {_md_cell(status)}")
            elif change.after:
                out.append(f"- Status: {change.after} (unchanged)")
            owners = ", ".join(change.owners) or "none listed"
            out.append(f"- **Owners who must review:** {_md_cell(owners)}")
            out.append(f"- Files changed: {len(change.files)}; findings: {_counts(mine)}")
            out.append("")
            if mine:
                out += _table(report, mine, prefix, SUMMARY_MAX_ROWS)
                out.append("")
        out += ["### All findings", ""]
    else:
        out.append("")
    out += _table(report, items, prefix, SUMMARY_MAX_ROWS)
    return "\n".join(out) + "\n"


def append_step_summary(report: Report, path: str | os.PathLike[str]) -> None:
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(step_summary(report))


# ---------------------------------------------------------------------------------- sarif


def _rule_name(rule: Rule) -> str:
    words = re.findall(r"[A-Za-z0-9]+", rule.summary)
    return "".join(w[:1].upper() + w[1:] for w in words) or rule.id


def _help_text(rule: Rule) -> tuple[str, str]:
    text = [rule.summary + ".", rule.description, f"How to fix: {rule.fix}" if rule.fix else ""]
    if rule.bad:
        text.append("Bad:\n" + rule.bad)
    if rule.good:
        text.append("Good:\n" + rule.good)
    fence = "`" * max(3, max((len(m) for m in re.findall(r"`+", rule.bad + rule.good)),
                             default=0) + 1)
    md = [f"**{rule.summary}**", rule.description, f"**How to fix:** {rule.fix}" if rule.fix
          else ""]
    if rule.bad:
        md.append(f"Bad:\n\n{fence}\n{rule.bad}\n{fence}")
    if rule.good:
        md.append(f"Good:\n\n{fence}\n{rule.good}\n{fence}")
    return ("\n\n".join(x for x in text if x), "\n\n".join(x for x in md if x))


def sarif_log(report: Report) -> dict[str, Any]:
    from lmsctl.checks.registry import all_rules

    rules = all_rules()
    index = {r.id: i for i, r in enumerate(rules)}
    prefix = path_prefix(report)
    driver_rules = []
    for rule in rules:
        text, markdown = _help_text(rule)
        entry: dict[str, Any] = {
            "id": rule.id,
            "name": _rule_name(rule),
            "shortDescription": {"text": rule.summary},
            "fullDescription": {"text": rule.description or rule.summary},
            "help": {"text": text, "markdown": markdown},
            "defaultConfiguration": {"level": SARIF_LEVEL[rule.severity.value]},
            "properties": {"tags": [_CATEGORY.get(rule.id[3], "other"), rule.stage]},
        }
        uri = _help_uri(report, rule.id)
        if uri:
            entry["helpUri"] = uri
        driver_rules.append(entry)
    prints = fingerprints(report)
    results = []
    for d in report.sorted():
        text = d.message + (f" {d.hint}" if d.hint else "")
        result: dict[str, Any] = {
            "ruleId": d.rule,
            "level": SARIF_LEVEL[d.severity.value],
            "message": {"text": text},
            "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": quote(prefix + d.path), "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": d.line, "startColumn": d.column},
            }}],
            "partialFingerprints": {"lmsctlFingerprint/v1": prints[d]},
        }
        if d.rule in index:
            result["ruleIndex"] = index[d.rule]
        if d.data:
            result["properties"] = dict(d.data)
        results.append(result)
    driver: dict[str, Any] = {"name": "lmsctl", "version": __version__,
                              "semanticVersion": __version__, "rules": driver_rules}
    base = getattr(report, "rules_url", "")
    if base:
        driver["informationUri"] = base
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": driver},
            "columnKind": "unicodeCodePoints",
            "invocations": [{"executionSuccessful": True}],
            "results": results,
        }],
    }


def format_sarif(report: Report, colour: bool = False) -> str:
    return json.dumps(sarif_log(report), indent=2, ensure_ascii=False) + "\n"


# --------------------------------------------------------------------------------- gitlab


def gitlab_issues(report: Report) -> list[dict[str, Any]]:
    prefix = path_prefix(report, ("CI_PROJECT_DIR",))
    prints = fingerprints(report)
    out = []
    for d in report.sorted():
        out.append({
            "type": "issue",
            "check_name": d.rule,
            "description": f"{d.rule}: {d.message}" + (f" {d.hint}" if d.hint else ""),
            "content": {"body": _full_message(report, d)},
            "categories": ["Security" if d.rule.startswith("LMS6") else
                           "Bug Risk" if d.severity is Severity.ERROR else "Style"],
            "fingerprint": prints[d],
            "severity": GITLAB_SEVERITY[d.severity.value],
            "location": {"path": prefix + d.path, "lines": {"begin": d.line}},
            "engine_name": "lmsctl",
        })
    return out


def format_gitlab(report: Report, colour: bool = False) -> str:
    return json.dumps(gitlab_issues(report), indent=2, ensure_ascii=False) + "\n"


#: Every output format of a report, by ``--format`` name (one list for every command).
FORMATTERS: dict[str, Callable[[Report, bool], str]] = {
    "text": format_text,
    "json": format_json,
    "github": format_github,
    "sarif": format_sarif,
    "gitlab": format_gitlab,
}
if tuple(FORMATTERS) != FORMAT_NAMES:  # pragma: no cover - a programming error
    raise RuntimeError("report_formats.FORMATTERS and formatters.FORMAT_NAMES differ")


def emit(report: Report, fmt: str, stream: TextIO | None = None) -> None:
    out = stream or sys.stdout
    out.write(FORMATTERS[fmt](report, fmt == "text" and use_colour(out)))
