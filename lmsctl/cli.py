"""The command line: parses arguments and dispatches to ``lmsctl.commands.<name>.run``.

Nothing else lives here. Library errors (``LmsctlError``) become a one-line message with a hint
and their exit code (1 findings, 2 usage); anything unexpected exits 3 and says where the log is.
"""

from __future__ import annotations

import functools
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from lmsctl import __version__
from lmsctl.content.loader import find_root
from lmsctl.core.errors import LmsctlError

F = TypeVar("F", bound=Callable[..., Any])

FORMATS_VALIDATE = ["text", "json"]
FORMATS_LINT = ["text", "json", "github", "sarif", "gitlab"]


def _crash_log(exc: BaseException) -> Path:
    folder = Path(os.environ.get("LMSCTL_LOG_DIR") or tempfile.gettempdir())
    log = folder / f"lmsctl-crash-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.log"
    log.write_text("".join(traceback.format_exception(exc)), encoding="utf-8")
    return log


def handled(func: F) -> F:
    """Run a command: its return value is the exit code; errors become messages."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        try:
            code = func(*args, **kwargs)
        except LmsctlError as exc:
            click.echo(f"error: {exc.message}", err=True)
            if exc.hint:
                click.echo(f"  hint: {exc.hint}", err=True)
            sys.exit(exc.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.Abort, KeyboardInterrupt,
                SystemExit):
            raise
        except BrokenPipeError:  # output piped into `head` and the like: not an error
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            sys.exit(0)
        except Exception as exc:  # noqa: BLE001 - the one place that catches everything
            log = _crash_log(exc)
            click.echo(f"internal error: {type(exc).__name__}: {exc}", err=True)
            click.echo(f"  This is a bug in lmsctl, not in your content. The details are in "
                       f"{log}; please attach that file to an issue.", err=True)
            sys.exit(3)
        sys.exit(code or 0)

    return wrapper  # type: ignore[return-value]


def repo_option(func: F) -> F:
    return click.option(
        "--repo", "repo", type=click.Path(file_okay=False, path_type=Path), default=None,
        help="The course repository (default: the one holding the current folder).",
    )(func)


def root_of(repo: Path | None) -> Path:
    if repo is not None and not repo.is_dir():
        from lmsctl.core.errors import UsageError

        raise UsageError(f"--repo {repo}: no such folder")
    return find_root(repo or Path.cwd())


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="lmsctl")
def cli() -> None:
    """lmsctl: courses as files, peer review as validation, a static learning site as output."""


@cli.command()
@click.option("--format", "fmt", type=click.Choice(FORMATS_VALIDATE), default="text",
              show_default=True, help="Output format.")
@repo_option
@handled
def validate(fmt: str, repo: Path | None) -> int:
    """Check schemas and references; exit 1 on any error."""
    from lmsctl.commands import validate as cmd

    return cmd.run(root_of(repo), fmt)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(FORMATS_LINT), default="text",
              show_default=True, help="Output format.")
@click.option("--changed-since", "changed_since", metavar="REF", default=None,
              help="Lint only courses and paths that differ from this git ref.")
@click.option("--fix", is_flag=True, help="Apply unambiguous mechanical fixes and list them.")
@repo_option
@handled
def lint(paths: tuple[Path, ...], fmt: str, changed_since: str | None, fix: bool,
         repo: Path | None) -> int:
    """Run every rule (validation plus quality rules); exit 1 on any error."""
    from lmsctl.commands import lint as cmd

    return cmd.run(root_of(repo), list(paths), fmt, changed_since, fix)


@cli.command()
@click.argument("rule", required=False)
@handled
def rules(rule: str | None) -> int:
    """List every rule, or explain one (lmsctl rules LMS401)."""
    from lmsctl.commands import rules as cmd

    return cmd.run(rule)


@cli.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder (default: site/ in the repository).")
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option("--course", "course", metavar="ID", default=None,
              help="Build only this course (and what it links to), for a fast preview.")
@click.option("--drafts", is_flag=True, help="Include draft courses and paths (previews).")
@click.option("--format", "fmt", type=click.Choice(FORMATS_LINT), default="text",
              show_default=True,
              help="Format of the build's findings (validation, links, history), as for lint.")
@repo_option
@handled
def build(out: Path | None, strict: bool, course: str | None, drafts: bool, fmt: str,
          repo: Path | None) -> int:
    """Build the learning site; a failed build leaves the previous site as it was."""
    from lmsctl.commands import build as cmd

    return cmd.run(root_of(repo), out, strict, course, drafts, fmt)


@cli.command()
@click.option("--format", "fmts", type=click.Choice(["scorm12", "scorm2004", "xapi"]),
              required=True, multiple=True,
              help="Package format: SCORM 1.2, SCORM 2004 (4th edition) or an xAPI (TinCan) "
              "launched package; repeatable.")
@click.option("--course", "courses", multiple=True, metavar="ID",
              help="Course to export; repeatable.")
@click.option("--path", "path", metavar="ID", default=None,
              help="Export every course of this learning path.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder (default: dist/ in the repository).")
@click.option("--drafts", is_flag=True, help="Export draft courses too.")
@click.option("--report", "report_format", type=click.Choice(FORMATS_LINT), default="text",
              show_default=True,
              help="Format of the findings of the courses' checks, as build --format.")
@repo_option
@handled
def export(fmts: tuple[str, ...], courses: tuple[str, ...], path: str | None,
           out: Path | None, drafts: bool, report_format: str, repo: Path | None) -> int:
    """Export courses as zips for another LMS: <course>-<format>.zip, one per course."""
    from lmsctl.commands import export as cmd

    return cmd.run(root_of(repo), list(fmts), list(courses), path, out, drafts, report_format)


@cli.command()
@click.option("--course", "course", metavar="ID", default=None, help="Preview only this course.")
@click.option("--port", type=int, default=8000, show_default=True, help="Port on 127.0.0.1.")
@click.option("--drafts/--no-drafts", default=True, show_default=True,
              help="Include draft courses.")
@repo_option
@handled
def serve(course: str | None, port: int, drafts: bool, repo: Path | None) -> int:
    """Preview the site on 127.0.0.1, rebuilding when files change."""
    from lmsctl.commands import serve as cmd

    return cmd.run(root_of(repo), course, port, drafts)


@cli.command("new-course")
@click.argument("course_id", metavar="[ID]", required=False)
@click.option("--title", default=None, help="Course title.")
@click.option("--owner", "owners", multiple=True, metavar="@HANDLE",
              help="Owner (@user or @org/team); repeat for several.")
@click.option("--template", default=None, help="Course template (see --list-templates).")
@click.option("--level", default=None, help="beginner, intermediate or advanced.")
@click.option("--skill", "skills", multiple=True, help="Skill id from lmsctl.yml; repeatable.")
@click.option("--audience", "audience", multiple=True, help="Role; repeatable.")
@click.option("--summary", default=None, help="One-sentence summary for the catalog.")
@click.option("--no-input", "no_input", is_flag=True, help="Never prompt; fail if a value is "
              "missing.")
@click.option("--list-templates", "list_templates", is_flag=True,
              help="List the course templates and exit.")
@repo_option
@handled
def new_course(course_id: str | None, title: str | None, owners: tuple[str, ...],
               template: str | None, level: str | None, skills: tuple[str, ...],
               audience: tuple[str, ...], summary: str | None, no_input: bool,
               list_templates: bool, repo: Path | None) -> int:
    """Create a course from a template, asking for what is missing."""
    from lmsctl.commands import new_course as cmd

    return cmd.run(root_of(repo), course_id=course_id, title=title, owners=list(owners),
                   template=template, level=level, skills=list(skills),
                   audience=list(audience), summary=summary, no_input=no_input,
                   list_templates=list_templates)


@cli.command("new-lesson")
@click.argument("course_id", metavar="COURSE")
@click.argument("title")
@repo_option
@handled
def new_lesson(course_id: str, title: str, repo: Path | None) -> int:
    """Add the next numbered lesson to a course."""
    from lmsctl.commands import new_lesson as cmd

    return cmd.run(root_of(repo), course_id, title)


@cli.command("new-path")
@click.argument("path_id", metavar="[ID]", required=False)
@click.option("--title", default=None, help="Path title.")
@click.option("--summary", default=None, help="One-sentence summary.")
@click.option("--owner", "owners", multiple=True, metavar="@HANDLE", help="Owner; repeatable.")
@click.option("--course", "courses", multiple=True, metavar="ID",
              help="Course id, in order; repeatable.")
@click.option("--no-input", "no_input", is_flag=True, help="Never prompt.")
@repo_option
@handled
def new_path(path_id: str | None, title: str | None, summary: str | None,
             owners: tuple[str, ...], courses: tuple[str, ...], no_input: bool,
             repo: Path | None) -> int:
    """Create a learning path."""
    from lmsctl.commands import new_path as cmd

    return cmd.run(root_of(repo), path_id=path_id, title=title, summary=summary,
                   owners=list(owners), courses=list(courses), no_input=no_input)


@cli.command()
@click.option("--check", is_flag=True, help="Exit 1 and show the difference if out of date.")
@repo_option
@handled
def codeowners(check: bool, repo: Path | None) -> int:
    """Write .github/CODEOWNERS from course and path owners."""
    from lmsctl.commands import codeowners as cmd

    return cmd.run(root_of(repo), check)


@cli.command()
@click.option("--format", "fmt", type=click.Choice(FORMATS_LINT), default="text",
              show_default=True, help="Output format.")
@click.option("--within", type=click.IntRange(min=0), default=None, metavar="DAYS",
              help="Also list courses due for review within DAYS.")
@click.option("--today", default=None, metavar="YYYY-MM-DD", help="Pretend today is this date.")
@repo_option
@handled
def stale(fmt: str, within: int | None, today: str | None, repo: Path | None) -> int:
    """List courses past their review date, with owners; exit 1 when any is stale."""
    from lmsctl.commands import stale as cmd

    return cmd.run(root_of(repo), fmt, within, today)


@cli.command()
@click.argument("course_id", metavar="COURSE")
@click.option("--date", "date", default=None, metavar="YYYY-MM-DD", help="Review date (today).")
@repo_option
@handled
def review(course_id: str, date: str | None, repo: Path | None) -> int:
    """Record that an owner reviewed COURSE: sets reviewed: <today> in its course.yml."""
    from lmsctl.commands import review as cmd

    return cmd.run(root_of(repo), course_id, date)


@cli.command()
@click.option("--data", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder for the statements and accounts (default: .lmsctl/lrs in the "
              "repository).")
@click.option("--port", type=int, default=8100, show_default=True, help="Port on 127.0.0.1.")
@click.option("--origin", "origins", multiple=True, metavar="URL",
              help="Another site origin browsers may send from; repeatable (site.url and "
              "http://127.0.0.1:8000 are allowed already).")
@click.option("--python", "python", default=None, metavar="PATH",
              help="A Python with ralph-malph[lrs] 5.1 (default: this one, or "
              ".lmsctl/ralph-venv).")
@repo_option
@handled
def lrs(data: Path | None, port: int, origins: tuple[str, ...], python: str | None,
        repo: Path | None) -> int:
    """Run the embedded LRS (Ralph) on 127.0.0.1 for the site's learning records."""
    from lmsctl.commands import lrs as cmd

    return cmd.run(repo, data, port, list(origins), python)


def main() -> None:
    cli(prog_name="lmsctl")


if __name__ == "__main__":  # pragma: no cover
    main()
