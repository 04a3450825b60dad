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

from lmsctl.diagnostics import Diagnostic
from lmsctl.rules import RULES, diag

KINDS = ("disable-next-line", "disable-line", "disable-file", "disable", "enable")
_DIRECTIVE = re.compile(r"\s*lmsctl-([a-z-]+)(.*)\Z", re.S)
_YAML_COMMENT = re.compile(r"(?:^|[ \t])#[ \t]*(lmsctl-[a-z-]+.*)$")
RULE_ID = re.compile(r"LMS\d{3}\Z")
END = 10**9  # "to the end of the file"


@dataclass
class Directive:
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


@dataclass(frozen=True)
class Range:
    start: int
    end: int
    rules: frozenset[str] | None  # None: every rule
    exempt: frozenset[str]  # rules re-enabled inside an every-rule range
    directive: Directive

    def covers(self, rule: str, line: int) -> bool:
        if not self.start <= line <= self.end:
            return False
        if self.rules is None:
            return rule not in self.exempt
        return rule in self.rules


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
    """The directives of one file, ready to answer "is this finding suppressed?"."""

    def __init__(self, path: str, directives: list[Directive]) -> None:
        self.path = path
        self.directives = directives
        self.by_line: dict[int, list[Directive]] = {}
        self.ranges: list[Range] = []
        self.whole_file: list[Directive] = []
        open_all: tuple[int, Directive, set[str]] | None = None
        open_rules: dict[str, tuple[int, Directive]] = {}
        for d in sorted(directives, key=lambda x: (x.line, x.column)):
            if d.kind in ("disable-next-line", "disable-line"):
                self.by_line.setdefault(d.target, []).append(d)
            elif d.kind == "disable-file":
                self.whole_file.append(d)
            elif d.kind == "disable":
                if not d.rules and open_all is None:
                    open_all = (d.line, d, set())
                for r in d.rules:
                    open_rules.setdefault(r, (d.line, d))
            else:  # enable
                if not d.rules:
                    if open_all is not None:
                        self._close_all(open_all, d.line)
                        open_all = None
                    for r, (start, od) in open_rules.items():
                        self.ranges.append(Range(start, d.line, frozenset({r}), frozenset(), od))
                    open_rules.clear()
                for r in d.rules:
                    if r in open_rules:
                        start, od = open_rules.pop(r)
                        self.ranges.append(Range(start, d.line, frozenset({r}), frozenset(), od))
                    elif open_all is not None:  # re-enable one rule inside "disable all"
                        self._close_all(open_all, d.line)
                        open_all = (d.line, open_all[1], open_all[2] | {r})
        if open_all is not None:
            self._close_all(open_all, END)
        for r, (start, od) in open_rules.items():
            self.ranges.append(Range(start, END, frozenset({r}), frozenset(), od))

    def _close_all(self, opened: tuple[int, Directive, set[str]], end: int) -> None:
        start, d, exempt = opened
        self.ranges.append(Range(start, end, None, frozenset(exempt), d))

    def suppresses(self, rule: str, line: int) -> bool:
        """True when a directive covers ``rule`` at ``line``; marks every such directive used."""
        hit = False
        for d in self.by_line.get(line, ()):
            if not d.rules or rule in d.rules:
                d.used.add(rule if d.rules else "*")
                hit = True
        for rng in self.ranges:
            if rng.covers(rule, line):
                rng.directive.used.add(rule if rng.directive.rules else "*")
                hit = True
        for d in self.whole_file:
            if not d.rules or rule in d.rules:
                d.used.add(rule if d.rules else "*")
                hit = True
        return hit

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
