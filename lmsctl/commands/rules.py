from __future__ import annotations

import difflib

import click

from lmsctl.checks.registry import RULES, all_rules
from lmsctl.checks.rules.reference import GROUPS
from lmsctl.core.errors import UsageError


def run(rule_id: str | None) -> int:
    rules = all_rules()
    if rule_id is None:
        width = max(len(r.severity.value) for r in rules)
        group = ""
        for r in rules:
            name = GROUPS.get(r.id[3], "Other")
            if name != group:
                group = name
                click.echo(f"{'' if r is rules[0] else chr(10)}{name}:")
            click.echo(f"  {r.id}  {r.severity.value:<{width}}  {r.summary}")
        click.echo("\nExplain one with `lmsctl rules LMS401`; set severities under lint: in "
                   "lmsctl.yml.")
        return 0
    rule = RULES.get(rule_id.strip().upper())
    if rule is None:
        near = difflib.get_close_matches(rule_id.strip().upper(), list(RULES), n=1)
        raise UsageError(f"no rule '{rule_id}'",
                         (f"Did you mean {near[0]}? " if near else "")
                         + "Run `lmsctl rules` to list every rule id.")
    checked = {"lint": "lint", "stale": "lmsctl stale"}.get(rule.stage, "validate and lint")
    click.echo(f"{rule.id} ({rule.severity.value}, checked by {checked}): {rule.summary}")
    if rule.description:
        click.echo(f"\n{rule.description}")
    if rule.bad:
        click.echo("\nBad:\n" + "\n".join("    " + x for x in rule.bad.splitlines()))
    if rule.good:
        click.echo("\nGood:\n" + "\n".join("    " + x for x in rule.good.splitlines()))
    if rule.fix:
        click.echo(f"\nHow to fix: {rule.fix}")
    if rule.stage in ("lint", "stale"):
        click.echo(f"\nSilence one finding with <!-- lmsctl-disable-next-line {rule.id} --> "
                   f"(Markdown) or # lmsctl-disable-line {rule.id} (YAML); set its severity "
                   f"with lint: {{rules: {{{rule.id}: warning}}}} in lmsctl.yml.")
    return 0
