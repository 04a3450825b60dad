from __future__ import annotations

import click

from lmsctl.errors import UsageError
from lmsctl.rules import RULES, all_rules


def run(rule_id: str | None) -> int:
    rules = all_rules()
    if rule_id is None:
        width = max(len(r.severity.value) for r in rules)
        for r in rules:
            click.echo(f"{r.id}  {r.severity.value:<{width}}  {r.summary}")
        return 0
    rule = RULES.get(rule_id.upper())
    if rule is None:
        raise UsageError(f"no rule '{rule_id}'", "Run `lmsctl rules` to list every rule id.")
    click.echo(f"{rule.id} ({rule.severity.value}): {rule.summary}")
    if rule.description:
        click.echo(f"\n{rule.description}")
    if rule.bad:
        click.echo("\nBad:\n" + "\n".join("    " + x for x in rule.bad.splitlines()))
    if rule.good:
        click.echo("\nGood:\n" + "\n".join("    " + x for x in rule.good.splitlines()))
    if rule.fix:
        click.echo(f"\nHow to fix: {rule.fix}")
    return 0
