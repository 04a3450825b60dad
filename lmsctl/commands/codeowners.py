"""``lmsctl codeowners [--check]``: write or verify ``.github/CODEOWNERS``."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from lmsctl.checks import codeowners
from lmsctl.checks.formatters import format_text, use_colour
from lmsctl.core.diagnostics import Report
from lmsctl.core.errors import LmsctlError


def _counts(plan: codeowners.Plan) -> str:
    c, p = plan.courses, plan.paths
    return f"{c} course{'' if c == 1 else 's'}, {p} path{'' if p == 1 else 's'}"


def _in_github_actions() -> bool:
    return os.environ.get("GITHUB_ACTIONS") == "true"


def run(root: Path, check: bool) -> int:
    try:
        plan = codeowners.plan(root)
    except codeowners.CodeownersError as exc:
        raise LmsctlError(exc.message, exc.hint) from exc
    rel = codeowners.REL_PATH

    for note in plan.notes:
        click.echo(f"note: {note}", err=True)

    if plan.problems:
        report = Report(diagnostics=list(plan.problems))
        click.echo(format_text(report, use_colour(sys.stderr)), err=True, nl=False)
        verb = "checked" if check else "written"
        click.echo(f"error: {rel} not {verb}: the owners above are missing or invalid, so the "
                   "file would ask the wrong people (or nobody) to review.", err=True)
        click.echo("  hint: fix them (lmsctl validate shows every problem), then run "
                   f"lmsctl codeowners{' --check' if check else ''} again.", err=True)
        return 1

    for o in plan.overrides:
        shown = ", ".join(o.sources[:3]) + (f" and {len(o.sources) - 3} more"
                                            if len(o.sources) > 3 else "")
        click.echo(f"warning: {rel}:{o.line_number}: `{o.line}` comes after the generated "
                   f"section, so it overrides the owners of {shown} (GitHub uses the last "
                   "matching line).", err=True)
        click.echo(f"  hint: move it above the line '{codeowners.BEGIN}'.", err=True)

    if check:
        if plan.up_to_date:
            click.echo(f"{rel} is up to date ({_counts(plan)}).")
            return 0
        click.echo(plan.diff(), nl=False)
        if plan.current is None:
            state, why = "is missing", "the file it should hold is shown above"
        else:
            state = "is out of date"
            why = ("it does not match the owners in course.yml and paths/*.yml; the difference "
                   "is shown above")
        if _in_github_actions():
            click.echo(f"::error file={rel},title=CODEOWNERS {state}::Run lmsctl codeowners "
                       f"and commit {rel}.")
        click.echo(f"error: {rel} {state} ({why}).", err=True)
        click.echo(f"  hint: run lmsctl codeowners, then commit {rel}.", err=True)
        return 1

    if plan.up_to_date:
        click.echo(f"{rel} is already up to date ({_counts(plan)}).")
        return 0
    assert plan.expected is not None
    codeowners.write_atomic(plan.path, plan.expected, root=root)
    click.echo(f"Wrote {rel} ({_counts(plan)}).")
    if plan.wrote_header:
        click.echo("  It starts with a header you can edit (toolchain owners); lmsctl only "
                   "rewrites the lines between its BEGIN and END markers.")
    click.echo(f"  Commit it: git add {rel}")
    return 0
