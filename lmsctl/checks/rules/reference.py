"""The rule reference, rendered from the registry: ``docs/rules.md`` and the site's
/contributing/rules/ page. Every annotation's help link points at a heading here
(``#lms401``), so the ids are anchors that never change."""

from __future__ import annotations

import re

from lmsctl.checks.registry import all_rules
from lmsctl.core.diagnostics import Rule

GROUPS = {
    "1": "Files and YAML", "2": "References", "3": "Content", "4": "Quiz quality",
    "5": "Accessibility", "6": "Safety", "7": "Governance and files", "8": "Freshness",
}

INTRO = """\
# Rule reference

Every finding of `lmsctl validate` and `lmsctl lint` names a rule. This page explains each one:
what it checks, a bad and a good example, and how to fix it. `lmsctl rules` lists them in a
terminal and `lmsctl rules LMS401` explains one.

- **Validation rules** (LMS1xx, LMS2xx) must hold for the site to build: they are always
  errors and cannot be turned off or suppressed.
- **Lint rules** (LMS3xx and up) are about quality. Set their severity in `lmsctl.yml`, for the
  whole repository or for some paths (later overrides win):

  ```yaml
  lint:
    rules:
      LMS304: info          # error | warning | info | off
    overrides:
      - paths: ["courses/legacy-*/**"]
        rules: {LMS313: off}
  ```

- Silence one deliberate finding where it is, and say why:

  ```markdown
  <!-- lmsctl-disable-next-line LMS502 -- the button on the page is labelled "here" -->
  <!-- lmsctl-disable LMS313 --> ... <!-- lmsctl-enable LMS313 -->
  <!-- lmsctl-disable-file LMS304 -->
  ```

  In YAML (course.yml, paths, front matter, quiz blocks) add a trailing
  `# lmsctl-disable-line LMS403` to the line. A suppression that suppresses nothing is itself
  reported (LMS790), so stale ones do not pile up.
- `lmsctl lint --fix` applies the fixes that cannot change what you meant (bare URLs, trailing
  whitespace, final newline) and lists them.
"""


def _fence(text: str) -> str:
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def _example(label: str, text: str) -> list[str]:
    fence = _fence(text)
    return [f"**{label}**", "", fence, text.rstrip("\n"), fence, ""]


def rule_section(rule: Rule) -> list[str]:
    checked = {"lint": "`lmsctl lint`", "stale": "`lmsctl stale` (it reads the git history)",
               "build": "`lmsctl build`"}.get(rule.stage, "`lmsctl validate` and `lmsctl lint`")
    out = [f"## {rule.id} — {rule.summary} {{#{rule.id.lower()}}}", "",
           f"**Default severity:** {rule.severity.value} · **Checked by:** {checked}", ""]
    if rule.description:
        out += [rule.description, ""]
    if rule.bad:
        out += _example("Bad", rule.bad)
    if rule.good:
        out += _example("Good", rule.good)
    if rule.fix:
        out += [f"**How to fix:** {rule.fix}", ""]
    if rule.stage == "lint":
        out += [f"Turn it off or change its severity with `lint: {{rules: {{{rule.id}: off}}}}` "
                f"in lmsctl.yml; silence one finding with `lmsctl-disable-next-line {rule.id}`.",
                ""]
    elif rule.stage == "build":
        out += ["Reported by `lmsctl build` (any `--format`); a warning fails the build under "
                "`--strict`.", ""]
    elif rule.stage == "stale":
        out += ["Reported by `lmsctl stale` (and the weekly Stale courses workflow), not by "
                "`lint`: whether a course is stale depends on the date and the git history.", ""]
    else:
        out += ["A validation rule: always an error, never suppressed.", ""]
    return out


def reference_markdown() -> str:
    """The whole reference as Markdown (attribute lists give each rule its anchor)."""
    rules = all_rules()
    out = INTRO.splitlines() + [""]
    out += ["| Rule | Severity | Group | Summary |", "|---|---|---|---|"]
    for rule in rules:
        group = GROUPS.get(rule.id[3], "Other")
        summary = rule.summary.replace("|", "\\|")
        out.append(f"| [{rule.id}](#{rule.id.lower()}) | {rule.severity.value} | {group} | "
                   f"{summary} |")
    out.append("")
    for rule in rules:
        out += rule_section(rule)
    return "\n".join(out).rstrip("\n") + "\n"
