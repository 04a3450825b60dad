"""The command line: parses arguments and dispatches to ``lmsctl.commands.<name>.run``.

Nothing else lives here. Library errors (``LmsctlError``) become a one-line message with a hint
and their exit code (1 findings, 2 usage); anything unexpected exits 3 and says where the log is.

Every process imports this module before doing anything (``lmsctl --help`` imports nothing
else), so it imports only click and what parsing the command line needs: each command imports
its own modules when it runs, and the temporary folder's module (``tempfile``) only by a crash
that writes its log there. ``tests/test_startup_imports.py`` keeps it so.
"""

from __future__ import annotations

import errno
import functools
import os
import sys
import time
import traceback  # not lazily: a crash must not depend on importing anything
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from lmsctl import __version__
from lmsctl.checks.formatters import FORMAT_NAMES
from lmsctl.core.errors import LmsctlError

F = TypeVar("F", bound=Callable[..., Any])

#: Every command that reports findings offers the same formats (report_formats.FORMATTERS).
FORMATS = list(FORMAT_NAMES)


def format_option(func: F) -> F:
    return click.option(
        "--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
        help="Output format: " + ", ".join(FORMATS) + " (the same for every command).",
    )(func)


def _first_paragraph(text: str | None) -> str:
    import inspect

    return " ".join(inspect.cleandoc(text or "").split("\n\n", 1)[0].split())


class LmsctlCommand(click.Command):
    """A command whose one-line help in ``lmsctl --help`` is never cut off with "...".
    (Click shortens it to fit one line; here the whole first paragraph wraps instead.)"""

    def get_short_help_str(self, limit: int = 45) -> str:
        return self.short_help or _first_paragraph(self.help)


class LmsctlGroup(click.Group):
    """The top-level group (and any sub-group): commands made with ``@group.command()`` are
    ``LmsctlCommand``s, sub-groups are ``LmsctlGroup``s, so no help text is truncated."""

    command_class = LmsctlCommand
    group_class = type  # sub-groups are LmsctlGroups too

    def get_short_help_str(self, limit: int = 45) -> str:
        return self.short_help or _first_paragraph(self.help)


#: Exit code after Ctrl+C (128 + SIGINT), as shells report it.
INTERRUPTED = 130
#: Errors of the machine rather than of lmsctl: a message and exit 2, never "internal error".
ENVIRONMENT_ERRNOS = frozenset({errno.EACCES, errno.EPERM, errno.ENOSPC, errno.EROFS,
                                errno.EDQUOT, errno.EMFILE, errno.ENFILE, errno.EIO,
                                errno.ENAMETOOLONG, errno.ELOOP, errno.EADDRINUSE,
                                errno.EADDRNOTAVAIL})


def _crash_log(exc: BaseException) -> Path | None:
    """Write the traceback to a log file: in ``LMSCTL_LOG_DIR`` (created when missing), else
    in the temporary folder. Never raises: None when no folder can take it."""
    text = "".join(traceback.format_exception(exc))
    name = f"lmsctl-crash-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.log"
    for folder in (os.environ.get("LMSCTL_LOG_DIR"), _temporary_folder()):
        if not folder:
            continue
        try:
            Path(folder).mkdir(parents=True, exist_ok=True)
            log = Path(folder) / name
            log.write_text(text, encoding="utf-8")
            return log
        except (OSError, ValueError):
            continue
    return None


def _environment_error(exc: OSError) -> None:
    what = exc.strerror or str(exc)
    if exc.filename:
        click.echo(f"error: cannot use {exc.filename}: {what}", err=True)
    else:  # a write to stdout or stderr
        _silence_stdout()
        click.echo(f"error: cannot write the output: {what}", err=True)
    hints = {
        errno.ENOSPC: "Free some space on that device (or write the output elsewhere).",
        errno.EDQUOT: "Free some space (your disk quota is used up).",
        errno.EROFS: "That file system is read-only; write to another folder.",
        errno.EADDRINUSE: "Another program uses that port; pick another with --port.",
    }
    hint = hints.get(exc.errno or 0, "Check that the file or folder exists and that you may "
                                     "read and write it, then run the command again.")
    click.echo(f"  hint: {hint}", err=True)


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
            _silence_stdout()
            sys.exit(0)
        except OSError as exc:
            if exc.errno not in ENVIRONMENT_ERRNOS:
                _crash(exc)
            _environment_error(exc)
            sys.exit(2)
        except RecursionError as exc:
            _crash(exc)
        except Exception as exc:  # noqa: BLE001 - the one place that catches everything
            _crash(exc)
        _flush_stdout()
        sys.exit(code or 0)

    return wrapper  # type: ignore[return-value]


def _temporary_folder() -> str | None:
    """The temporary folder, or None when there is none usable (``tempfile`` finds none, or
    cannot be imported at all, as when the process is out of file descriptors)."""
    try:
        import tempfile

        return tempfile.gettempdir()
    except (OSError, ImportError):
        return None


def _crash(exc: BaseException) -> None:
    log = _crash_log(exc)
    try:
        click.echo(f"internal error: {type(exc).__name__}: {exc}", err=True)
        if log is not None:
            click.echo(f"  This is a bug in lmsctl, not in your content. The details are in "
                       f"{log}; please attach that file to an issue.", err=True)
        else:
            click.echo("  This is a bug in lmsctl, not in your content; no log file could be "
                       "written, so the details follow. Please attach them to an issue.",
                       err=True)
            click.echo("".join(traceback.format_exception(exc)), err=True)
    except OSError:
        pass
    sys.exit(3)


def _silence_stdout() -> None:
    """Send what is still buffered for stdout nowhere (the reader is gone or the device is
    full), so that Python's exit does not fail writing it."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def _flush_stdout() -> None:
    """Output that cannot be written (stdout on a full device) is an error of the machine:
    exit 2 with a message, never a traceback at exit."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
        sys.exit(0)
    except OSError as exc:
        _silence_stdout()
        try:
            click.echo(f"error: cannot write the output: {exc.strerror or exc}", err=True)
            click.echo("  hint: write it to a device with free space (or to a file with "
                       "> report.txt).", err=True)
        except OSError:
            pass
        sys.exit(2)


def repo_option(func: F) -> F:
    return click.option(
        "--repo", "repo", type=click.Path(file_okay=False, path_type=Path), default=None,
        help="The course repository (default: the one holding the current folder).",
    )(func)


def root_of(repo: Path | None) -> Path:
    if repo is not None and not repo.is_dir():
        from lmsctl.core.errors import UsageError

        raise UsageError(f"--repo {repo}: no such folder")
    from lmsctl.core.files import find_root

    return find_root(repo or Path.cwd())


@click.group(cls=LmsctlGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="lmsctl")
def cli() -> None:
    """lmsctl: courses as files, peer review as validation, a static learning site as output."""


cache_option = click.option(
    "--no-cache", "no_cache", is_flag=True,
    help="Read and check every file again, without the cache in .lmsctl/cache/ (neither read "
         "nor written).")


@cli.command()
@format_option
@cache_option
@repo_option
@handled
def validate(fmt: str, no_cache: bool, repo: Path | None) -> int:
    """Check schemas and references; exit 1 on any error."""
    from lmsctl.commands import validate as cmd

    return cmd.run(root_of(repo), fmt, cache=not no_cache)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@format_option
@click.option("--changed-since", "changed_since", metavar="REF", default=None,
              help="Lint only courses and paths that differ from this git ref.")
@click.option("--fix", is_flag=True, help="Apply unambiguous mechanical fixes and list them.")
@click.option("--analytics", is_flag=True,
              help="Add the insight rules (LMS9xx) from the statements that `lmsctl analytics "
                   "pull` stored.")
@cache_option
@repo_option
@handled
def lint(paths: tuple[Path, ...], fmt: str, changed_since: str | None, fix: bool,
         analytics: bool, no_cache: bool, repo: Path | None) -> int:
    """Run every rule (validation plus quality rules); exit 1 on any error."""
    from lmsctl.commands import lint as cmd

    return cmd.run(root_of(repo), list(paths), fmt, changed_since, fix, analytics,
                   cache=not no_cache)


@cli.command()
@click.argument("rule", required=False)
@repo_option
@handled
def rules(rule: str | None, repo: Path | None) -> int:
    """List every rule, or explain one (lmsctl rules LMS401)."""
    from lmsctl.commands import rules as cmd

    if repo is not None:
        root_of(repo)  # the same check as every command; the rules do not depend on it
    return cmd.run(rule)


@cli.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder (default: site/ in the repository).")
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option("--course", "course", metavar="ID", default=None,
              help="Build only this course (and what it links to), for a fast preview.")
@click.option("--drafts", is_flag=True, help="Include draft courses and paths (previews).")
@click.option("--no-cache", "no_cache", is_flag=True,
              help="Build everything from nothing, without reading or writing the build cache "
              "(.lmsctl/cache/).")
@format_option
@repo_option
@handled
def build(out: Path | None, strict: bool, course: str | None, drafts: bool, no_cache: bool,
          fmt: str, repo: Path | None) -> int:
    """Build the learning site; a failed build leaves the previous site as it was."""
    from lmsctl.commands import build as cmd

    return cmd.run(root_of(repo), out, strict, course, drafts, fmt, use_cache=not no_cache)


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
@click.option("--strict", is_flag=True,
              help="Fail on warnings too (links the site cannot resolve), as build --strict.")
@click.option("--report", "report_format", type=click.Choice(FORMATS), default="text",
              show_default=True,
              help="Format of the findings of the courses' checks, as build --format.")
@repo_option
@handled
def export(fmts: tuple[str, ...], courses: tuple[str, ...], path: str | None,
           out: Path | None, drafts: bool, strict: bool, report_format: str,
           repo: Path | None) -> int:
    """Export courses as zips for another LMS: <course>-<format>.zip, one per course."""
    from lmsctl.commands import export as cmd

    return cmd.run(root_of(repo), list(fmts), list(courses), path, out, drafts, report_format,
                   strict)


@cli.command()
@click.option("--course", "course", metavar="ID", default=None, help="Preview only this course.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port on 127.0.0.1 (0: any free port).")
@click.option("--drafts/--no-drafts", default=True, show_default=True,
              help="Include draft courses.")
@click.option("--poll", is_flag=True, help="Look at the files for changes every 0.5 s, "
              "for a folder shared from another system (a container's mount, WSL's /mnt, a "
              "network drive), whose changes this one is not told of.")
@repo_option
@handled
def serve(course: str | None, port: int, drafts: bool, poll: bool, repo: Path | None) -> int:
    """Preview the site on 127.0.0.1, rebuilding when files change."""
    from lmsctl.commands import serve as cmd

    return cmd.run(root_of(repo), course, port, drafts, poll)


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
@click.option("--after", "after", metavar="LESSON", default=None,
              help="Place the lesson right after this one (its id or file name); default: "
                   "after the last lesson.")
@repo_option
@handled
def new_lesson(course_id: str, title: str, after: str | None, repo: Path | None) -> int:
    """Add a numbered lesson to a course (after the last one, or --after LESSON)."""
    from lmsctl.commands import new_lesson as cmd

    return cmd.run(root_of(repo), course_id, title, after)


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
@format_option
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
@click.option("--idle", type=click.IntRange(min=1), default=60, show_default=True,
              metavar="MINUTES", help="Stop after this many minutes without a run.")
@repo_option
@handled
def resident(idle: int, repo: Path | None) -> int:
    """Keep lmsctl loaded, so that lint and validate start at once.

    While it runs, the lmsctl command of the same installation hands lint and validate
    to it, which skips Python's start, lmsctl's imports and building the Markdown parser (about
    0.3 s). It watches the repository it is started in (or --repo) and those of its runs, so
    that a run reads only what changed since the last one. Each run is a fresh fork, with the
    command's folder, environment and output; the findings are the same. Set
    LMSCTL_RESIDENT=0 to run a command without it, or LMSCTL_RESIDENT=auto to have lint and
    validate start one in the background when none runs (for a pre-commit hook: the first
    commit starts it, the next ones use it)."""
    from lmsctl.commands import resident as cmd
    from lmsctl.core.errors import RepositoryNotFound

    if repo is not None:  # (the same check as every command; it serves every repository)
        watched: Path | None = root_of(repo)
    else:
        try:  # the repository it is started in, if any, is watched from the start
            watched = root_of(None)
        except (RepositoryNotFound, OSError):
            watched = None
    return cmd.run(idle * 60.0, main, watched.resolve() if watched is not None else None)


@cli.group()
def analytics() -> None:
    """Learning analytics: pull xAPI statements, report figures, find insights."""


@analytics.command("pull")
@click.option("--lrs", metavar="URL", default=None,
              help="The LRS's xAPI endpoint; its read-only credential comes from the "
                   "LMSCTL_LRS_AUTH environment variable ('key:secret' or 'Basic ...').")
@click.option("--from", "source", type=click.Path(dir_okay=False, path_type=Path), default=None,
              metavar="FILE", help="A JSON array or NDJSON file of statements exported from an "
                                   "LRS.")
@repo_option
@handled
def analytics_pull(lrs: str | None, source: Path | None, repo: Path | None) -> int:
    """Add new statements to the local store (.lmsctl/analytics.duckdb)."""
    from lmsctl.commands import analytics as cmd

    return cmd.pull(root_of(repo), lrs, source)


@analytics.command("report")
@click.option("--course", "course", multiple=True, metavar="ID",
              help="Only this course; repeatable.")
@click.option("--path", "path", multiple=True, metavar="ID", help="Only this path; repeatable.")
@click.option("--since", default=None, metavar="DATE",
              help="Only statements from this date on (YYYY-MM-DD).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv", "html"]),
              default="text", show_default=True, help="Output format (html: a dashboard).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              metavar="DIR", help="Write the report into DIR (html default: "
                                  ".lmsctl/dashboard/).")
@repo_option
@handled
def analytics_report(course: tuple[str, ...], path: tuple[str, ...], since: str | None,
                     fmt: str, out: Path | None, repo: Path | None) -> int:
    """Figures per course, lesson, question, path and goal; withheld under min_learners."""
    from lmsctl.commands import analytics as cmd

    return cmd.report(root_of(repo), course, path, since, fmt, out)


@analytics.command("check")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@format_option
@click.option("--changed-since", "changed_since", metavar="REF", default=None,
              help="Only courses that differ from this git ref (a pull request's).")
@repo_option
@handled
def analytics_check(paths: tuple[Path, ...], fmt: str, changed_since: str | None,
                    repo: Path | None) -> int:
    """Insights as findings (LMS9xx) at the questions' and lessons' lines; exit 1 only when
    lmsctl.yml makes one an error."""
    from lmsctl.commands import analytics as cmd

    return cmd.check(root_of(repo), list(paths), fmt, changed_since)


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
    """The console script: every way a run can end maps to an exit code, with a message.

    Ctrl+C (or SIGTERM) anywhere prints "Aborted!" and exits 130; output that cannot be written
    exits 2; only bugs exit 3."""
    import signal

    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        try:
            os.getcwd()
        except OSError:
            click.echo("error: the current folder no longer exists", err=True)
            click.echo("  hint: cd into the course repository again (it may have been "
                       "deleted or moved), or pass --repo DIR from an existing folder.",
                       err=True)
            sys.exit(2)
        try:
            cli.main(prog_name="lmsctl", standalone_mode=False)
        except click.exceptions.Exit as exc:
            _flush_stdout()
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            exc.show()
            sys.exit(exc.exit_code)
        except (click.Abort, KeyboardInterrupt):
            aborted()
        _flush_stdout()
        sys.exit(0)
    except KeyboardInterrupt:  # a second Ctrl+C while handling the first
        aborted()


def aborted() -> None:
    """Ctrl+C: one line, exit 130, whatever was going on."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # one message, even when pressed twice
    _silence_stdout()
    try:
        sys.stderr.write("\nAborted!\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass
    os._exit(INTERRUPTED)


if __name__ == "__main__":  # pragma: no cover
    main()
