"""``lmsctl analytics pull | report | check`` (DESIGN section 9).

Each subcommand imports what it uses when it runs: ``pull`` neither the rules nor the lesson
reader, ``report`` and ``check`` not the LRS client (urllib's HTTP stack)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from lmsctl.core.errors import UsageError
from lmsctl.core.files import write_atomic

#: Malformed statements named one by one before "... and N more".
SHOW_PROBLEMS = 20


def pull(root: Path, lrs: str | None, source: Path | None) -> int:
    if (lrs is None) == (source is None):
        raise UsageError("give exactly one of --lrs URL and --from FILE",
                         "lmsctl analytics pull --lrs https://lrs.example.org/xAPI/ (with "
                         "LMSCTL_LRS_AUTH set), or --from statements.ndjson.")
    from lmsctl.analytics.pull import pull_file, pull_lrs
    from lmsctl.analytics.store import connect, store_path

    path = store_path(root)
    con = connect(path)
    try:
        result = pull_lrs(con, lrs) if lrs is not None else pull_file(con, source)  # type: ignore[arg-type]
        total_row = con.execute("SELECT count(*) FROM statements").fetchone()
    finally:
        con.close()
    total = int(total_row[0]) if total_row else 0
    where = lrs if lrs is not None else str(source)
    click.echo(f"{where}: {result.fetched} statement{'s' if result.fetched != 1 else ''} read, "
               f"{result.added} new, {result.malformed} malformed; the store "
               f"{path.relative_to(root) if path.is_relative_to(root) else path} holds {total}.")
    for p in result.problems[:SHOW_PROBLEMS]:
        click.echo(f"  malformed: {where}: {p}", err=True)
    if result.malformed > SHOW_PROBLEMS:
        click.echo(f"  ... and {result.malformed - SHOW_PROBLEMS} more malformed statements",
                   err=True)
    if result.malformed:
        click.echo("  hint: malformed statements are not stored; fix the recorder or the export "
                   "that wrote them and pull again.", err=True)
    return 0


def report(root: Path, course: tuple[str, ...], path: tuple[str, ...], since: str | None,
           fmt: str, out: Path | None) -> int:
    from lmsctl.analytics.report import format_csv, format_text, to_json
    from lmsctl.analytics.run import figures, findings_by_course, parse_since
    from lmsctl.content.loader import load_repository

    repo, _ = load_repository(root)
    figs, settings = figures(repo, parse_since(since), list(course) or None, list(path) or None)
    found = findings_by_course(figs, settings)
    if fmt == "html":
        from lmsctl.analytics.dashboard import write_dashboard

        folder = out or root / ".lmsctl" / "dashboard"
        index = write_dashboard(folder, repo, figs, found)
        click.echo(f"Dashboard written: {index} (open it in a browser; it needs no network).")
        return 0
    if fmt == "json":
        text = json.dumps(to_json(figs, found), indent=2, ensure_ascii=False) + "\n"
    elif fmt == "csv":
        text = format_csv(figs)
    else:
        text = format_text(figs, found)
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        target = out / f"analytics.{'txt' if fmt == 'text' else fmt}"
        write_atomic(target, text)
        click.echo(f"Report written: {target}")
    else:
        click.echo(text, nl=False)
    return 0


def check(root: Path, paths: list[Path], fmt: str, changed_since: str | None) -> int:
    """The insight findings only (``lmsctl lint --analytics`` shows them with every other
    rule's): same Diagnostics, settings, suppressions and formats."""
    from lmsctl.analytics.run import insight_source
    from lmsctl.checks.lint import lint_repository, rel_paths
    from lmsctl.checks.report_formats import FORMATTERS, emit

    if fmt not in FORMATTERS:
        raise UsageError(f"unknown format '{fmt}'",
                         "Use --format " + ", ".join(sorted(FORMATTERS)) + ".")
    rels = rel_paths(root, paths) if paths else None
    _, lint = lint_repository(root, rels, changed_since, extra=insight_source(root))
    lint.diagnostics = [d for d in lint.diagnostics if d.rule.startswith("LMS9")]
    emit(lint, fmt)
    return 1 if lint.has_errors else 0
