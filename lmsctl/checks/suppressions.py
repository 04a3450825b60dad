"""Suppression comments: how authors silence a lint finding where it is deliberate.

Markdown (lesson bodies)::

    <!-- lmsctl-disable-next-line [RULE ...] -->   the next line; no rule = every lint rule
    <!-- lmsctl-disable-line [RULE ...] -->        the line the comment is on
    <!-- lmsctl-disable [RULE ...] --> ... <!-- lmsctl-enable [RULE ...] -->   a range
    <!-- lmsctl-disable-file [RULE ...] -->        the whole file

YAML (course.yml, paths, lmsctl.yml, lesson front matter and quiz blocks)::

    title: Pricing  # lmsctl-disable-line RULE [RULE ...]
    # lmsctl-disable-next-line RULE

Rule ids may be separated by spaces or commas; `` -- `` starts a free-text reason. Only lint rules
can be suppressed: validation rules (LMS1xx, LMS2xx) must hold for the site to build. A suppression
that suppresses nothing is reported (LMS790) so that stale ones do not pile up.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from lmsctl.checks.registry import RULES, diag
from lmsctl.core.diagnostics import Diagnostic

KINDS = ("disable-next-line", "disable-line", "disable-file", "disable", "enable")
_DIRECTIVE = re.compile(r"\s*lmsctl-([a-z-]+)(.*)\Z", re.S)
_YAML_COMMENT = re.compile(r"(?:^|[ \t])#[ \t]*(lmsctl-[a-z-]+.*)$")
RULE_ID = re.compile(r"LMS\d{3}\Z")


@dataclass
class Directive:
    """A suppression comment (``lmsctl-disable`` and the like) and what it covers."""

    kind: str  # one of KINDS
    rules: tuple[str, ...]  # empty: every lint rule
    path: str
    line: int
    column: int
    target: int  # the line a -next-line / -line directive covers
    used: set[str] = field(default_factory=set)  # rule ids it suppressed ("*" for any)

    @property
    def label(self) -> str:
        return f"lmsctl-{self.kind}"


def parse_directive(
    comment: str, path: str, line: int, column: int, end_line: int
) -> tuple[Directive | None, list[Diagnostic]]:
    """Read one comment's text (without ``<!--``/``-->`` or ``#``). Returns no directive for
    comments that are not lmsctl directives at all, and diagnostics for malformed ones."""
    m = _DIRECTIVE.match(comment)
    if m is None:
        return None, []
    kind = m.group(1)
    if kind not in KINDS:
        close = "lmsctl-" + _closest(kind, KINDS)
        return None, [diag("LMS791", path, line, column,
                           f"unknown suppression 'lmsctl-{kind}'",
                           f"Write {close} (or one of: "
                           + ", ".join("lmsctl-" + k for k in KINDS) + ").")]
    rest = m.group(2)
    if rest and not rest[0].isspace() and rest[0] != ",":
        return None, []  # lmsctl-disabled or the like: prose, not a directive
    rest = rest.split(" -- ", 1)[0].split("\n--", 1)[0]
    if rest.strip().startswith("--"):
        rest = ""
    problems: list[Diagnostic] = []
    rules: list[str] = []
    for token in re.split(r"[\s,]+", rest.strip()):
        if not token:
            continue
        upper = token.upper()
        if not RULE_ID.match(upper):
            problems.append(diag("LMS791", path, line, column,
                                 f"'{token}' in lmsctl-{kind} is not a rule id",
                                 "List rule ids such as LMS313, separated by spaces; put a "
                                 "reason after ' -- '."))
            continue
        rule = RULES.get(upper)
        if rule is None:
            problems.append(diag("LMS791", path, line, column,
                                 f"lmsctl-{kind} names {upper}, which is not a rule",
                                 "Run `lmsctl rules` for the list of rule ids."))
            continue
        if rule.stage != "lint":
            problems.append(diag("LMS791", path, line, column,
                                 f"{upper} is a validation rule and cannot be suppressed",
                                 f"Fix the problem instead: `lmsctl rules {upper}` says how."))
            continue
        if upper not in rules:
            rules.append(upper)
    if problems and not rules and kind != "enable":
        return None, problems  # every rule named was wrong: do not silence everything
    target = end_line + 1 if kind == "disable-next-line" else line
    return Directive(kind, tuple(rules), path, line, column, target), problems


def _closest(word: str, options: Iterable[str]) -> str:
    import difflib

    found = difflib.get_close_matches(word, list(options), n=1, cutoff=0.0)
    return found[0] if found else "disable"


def yaml_directives(
    lines: Iterable[tuple[int, str]], path: str
) -> tuple[list[Directive], list[Diagnostic]]:
    """Directives in YAML comments; ``lines`` are (line number, text). A whole-line comment
    may hold ``lmsctl-disable-next-line``; a trailing one ``lmsctl-disable-line``."""
    directives: list[Directive] = []
    problems: list[Diagnostic] = []
    for number, text in lines:
        if "lmsctl-" not in text:
            continue
        m = _YAML_COMMENT.search(text)
        if m is None:
            continue
        column = text.rfind("#", 0, m.start(1)) + 1
        directive, more = parse_directive(m.group(1), path, number, column, number)
        problems += more
        if directive is None:
            continue
        if directive.kind not in ("disable-line", "disable-next-line"):
            problems.append(diag("LMS791", path, number, column,
                                 f"{directive.label} does not work in YAML",
                                 "In YAML use a trailing `# lmsctl-disable-line RULE` on the "
                                 "line, or `# lmsctl-disable-next-line RULE` above it."))
            continue
        directives.append(directive)
    return directives, problems


class FileSuppressions:
    """The directives of one file, ready to answer "is this finding suppressed?".

    Ranges follow the order of the comments: ``disable`` turns rules (or every rule) off from
    its line on, ``enable`` turns them back on after its line; ``enable RULE`` inside a
    ``disable`` of every rule re-enables just that rule.
    """

    def __init__(self, path: str, directives: list[Directive]) -> None:
        self.path = path
        self.directives = directives
        self.by_line: dict[int, list[Directive]] = {}
        self.whole_file: list[Directive] = []
        self.ranges = sorted((d for d in directives if d.kind in ("disable", "enable")),
                             key=lambda x: (x.line, x.column))
        for d in directives:
            if d.kind in ("disable-next-line", "disable-line"):
                self.by_line.setdefault(d.target, []).append(d)
            elif d.kind == "disable-file":
                self.whole_file.append(d)

    def _range_suppressors(self, rule: str, line: int) -> list[Directive]:
        every: Directive | None = None
        exempt: set[str] = set()
        specific: dict[str, Directive] = {}
        on_line: list[Directive] = []
        for d in self.ranges:
            if d.line > line:
                break
            if d.line == line:  # a disable on the line covers it; an enable takes effect after
                if d.kind == "disable" and (not d.rules or rule in d.rules):
                    on_line.append(d)
                continue
            if d.kind == "disable":
                if not d.rules:
                    every, exempt = d, set()
                for r in d.rules:
                    specific[r] = d
                    exempt.discard(r)
            elif not d.rules:
                every, exempt = None, set()
                specific.clear()
            else:
                for r in d.rules:
                    specific.pop(r, None)
                    exempt.add(r)
        out = on_line
        if rule in specific:
            out.append(specific[rule])
        if every is not None and rule not in exempt:
            out.append(every)
        return out

    def suppresses(self, rule: str, line: int) -> bool:
        """True when a directive covers ``rule`` at ``line``; marks every such directive used."""
        hits = [d for d in self.by_line.get(line, ()) if not d.rules or rule in d.rules]
        hits += [d for d in self.whole_file if not d.rules or rule in d.rules]
        if self.ranges:
            hits += self._range_suppressors(rule, line)
        for d in hits:
            d.used.add(rule if d.rules else "*")
        return bool(hits)

    def unused(self) -> list[Diagnostic]:
        """LMS790 for each directive (and each rule it names) that suppressed nothing."""
        out: list[Diagnostic] = []
        for d in self.directives:
            if d.kind == "enable":
                continue
            where = {"disable-next-line": f"on line {d.target}",
                     "disable-line": "on this line", "disable-file": "in this file",
                     "disable": "in its range"}[d.kind]
            if not d.rules:
                if not d.used:
                    out.append(diag("LMS790", d.path, d.line, d.column,
                                    f"{d.label} suppresses nothing: no lint finding {where}"))
                continue
            for r in d.rules:
                if r not in d.used:
                    out.append(diag("LMS790", d.path, d.line, d.column,
                                    f"{d.label} {r} suppresses nothing: no {r} finding "
                                    f"{where}"))
        return out
