"""What an lmsctl process imports before doing its work (issue 14: every fresh process pays it).

``lmsctl --help`` and ``--version`` import click and the command line only; every command
imports its own modules when it runs, and only those it uses; the rules do not import
markdown-it-py (the lesson parser is built when a lesson is first read). A module-level import
added later to ``lmsctl.cli``, a command or a rule fails here. (What ``lint <file>`` imports is
``tests/test_lint_light.py``'s.)"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from lmsctl.cli import _crash_log
from tests.conftest import build_tree, minimal_files
from tests.test_lint_light import lmsctl

#: Libraries that no command line parsing needs: the Markdown reader and renderer, YAML, the
#: HTML sanitizer, the schema validators, the site's templates, the analytics store.
LIBRARIES = ("markdown_it", "mdit_py_plugins", "markdown", "pymdownx", "pygments", "yaml", "nh3",
             "fastjsonschema", "jsonschema", "jinja2", "mkdocs", "material", "duckdb", "git")
#: Standard modules only a crash needs (to find the temporary folder for its log).
CRASH_ONLY = ("tempfile",)
#: lmsctl's modules the command line itself may import (``lmsctl.checks.formatters`` names the
#: output formats for ``--format``).
COMMAND_LINE = {"lmsctl", "lmsctl.cli", "lmsctl.core", "lmsctl.core.errors", "lmsctl.checks",
                "lmsctl.checks.formatters", "lmsctl.core.diagnostics"}


def top_level(modules: set[str]) -> set[str]:
    return {name.partition(".")[0] for name in modules}


@pytest.mark.parametrize("args", [("--help",), ("--version",), ("lint", "--help"),
                                  ("analytics", "pull", "--help")])
def test_the_command_line_alone_imports_click_and_itself(tmp_path: Path,
                                                         args: tuple[str, ...]) -> None:
    done, imported = lmsctl(tmp_path / "modules.txt", *args)
    assert done.returncode == 0, done.stderr
    assert sorted(top_level(imported) & set(LIBRARIES)) == []
    assert sorted(imported & set(CRASH_ONLY)) == []
    assert sorted(m for m in imported if m.startswith("lmsctl") and m not in COMMAND_LINE) == []


def test_importing_the_command_line_imports_no_library() -> None:
    """``import lmsctl.cli`` (what the console script, the resident and tests do first)."""
    code = ("import sys, lmsctl.cli; print(' '.join(sorted(m for m in sys.modules "
            "if m.partition('.')[0] in sys.argv[1:])))")
    done = subprocess.run([sys.executable, "-c", code, *LIBRARIES, *CRASH_ONLY],
                          capture_output=True, text=True, check=True)
    assert done.stdout.split() == []


def test_the_rules_do_not_import_the_markdown_parser() -> None:
    """Every rule group, as ``lint`` and ``rules`` import them: markdown-it-py comes with the
    first lesson read (a run whose lessons are all in the check cache never imports it)."""
    code = ("import sys, lmsctl.checks.registry; "
            "print(' '.join(sorted(m for m in sys.modules if m.partition('.')[0] in "
            "('markdown_it', 'mdit_py_plugins', 'pymdownx', 'pygments', 'markdown'))))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.split() == []


def test_stale_does_not_import_every_rule(tmp_path: Path) -> None:
    """``stale`` reports its own rules (LMS80x): not the other groups. (Here the folder is no
    git clone: the imports are made all the same, then it stops.)"""
    root = build_tree(tmp_path / "repo", minimal_files())
    done, imported = lmsctl(tmp_path / "modules.txt", "stale", "--repo", str(root))
    assert done.returncode == 1, done.stderr
    assert "git history" in done.stderr
    assert "lmsctl.checks.registry" not in imported
    assert sorted(m for m in imported if m.startswith("lmsctl.checks.rules.")) == [
        "lmsctl.checks.rules.checks", "lmsctl.checks.rules.freshness"]


def test_analytics_pull_imports_no_rule_nor_lesson_reader(tmp_path: Path) -> None:
    pytest.importorskip("duckdb", reason="pip install -e '.[test]' (DuckDB)")
    root = build_tree(tmp_path / "repo", minimal_files())
    statements = tmp_path / "statements.json"
    statements.write_text("[]", encoding="utf-8")
    done, imported = lmsctl(tmp_path / "modules.txt", "analytics", "pull", "--from",
                            str(statements), "--repo", str(root))
    assert done.returncode == 0, done.stderr
    assert "0 new" in done.stdout
    assert "duckdb" in top_level(imported)
    assert sorted(m for m in imported if m.startswith(("lmsctl.checks.lint", "lmsctl.checks.rules",
                                                       "lmsctl.content"))) == []


def test_analytics_report_does_not_import_the_lrs_client(tmp_path: Path) -> None:
    pytest.importorskip("duckdb", reason="pip install -e '.[test]' (DuckDB)")
    root = build_tree(tmp_path / "repo", minimal_files())
    done, imported = lmsctl(tmp_path / "modules.txt", "analytics", "report", "--repo", str(root))
    assert done.returncode in (0, 2), done.stderr
    assert "lmsctl.analytics.pull" not in imported
    assert "urllib.request" not in imported


def test_a_crash_log_without_a_temporary_folder_is_none(monkeypatch: pytest.MonkeyPatch) -> None:
    """The temporary folder is looked up when a crash writes its log (not at start-up); none
    usable is no log (the traceback is printed instead), not a second error."""
    import tempfile

    def no_folder() -> str:
        raise FileNotFoundError("No usable temporary directory found")

    monkeypatch.delenv("LMSCTL_LOG_DIR", raising=False)
    monkeypatch.setattr(tempfile, "gettempdir", no_folder)
    assert _crash_log(ValueError("boom")) is None


def test_the_lint_engine_imports_git_and_freshness_only_when_used() -> None:
    """``lint --changed-since`` runs git (``lmsctl.core.git``, ``subprocess``); the freshness
    of courses (``lmsctl.content.freshness``: ``stale``'s) is read for a ``reviewed:`` date;
    the package's files (``importlib.resources``) are read for the built-in templates and
    schemas a warm run does not need; ``secrets`` names a file being written: importing the
    lint engine imports none of them."""
    code = ("import sys, lmsctl.checks.lint; print(' '.join(m for m in sys.argv[1:] "
            "if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code, "subprocess", "lmsctl.core.git",
                           "lmsctl.content.freshness", "importlib.resources", "secrets"],
                          capture_output=True, text=True, check=True)
    assert done.stdout.split() == []
