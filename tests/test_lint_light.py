"""``lmsctl lint <file>`` (what a pre-commit hook runs) imports only what checking needs: not
the site's renderer and highlighter, MkDocs, Jinja, GitPython, jsonschema, or the reading
workers' process pool. Each of those costs hundredths of a second in every run (issue 14)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import build_tree
from tests.test_lint_rules import LESSON, base_files, lesson, other_course

#: Top-level modules a check run of one lesson must not import.
HEAVY = ("mkdocs", "material", "jinja2", "git", "pymdownx", "pygments", "markdown",
         "jsonschema", "multiprocessing", "concurrent", "subprocess")
#: lmsctl's own modules it must not import: git (for --changed-since alone) and its history,
#: the site and SCORM targets, the freshness of courses (its course has no reviewed: date).
HEAVY_HERE = ("lmsctl.core.git", "lmsctl.core.history", "lmsctl.targets",
              "lmsctl.content.freshness")

#: Runs lmsctl's console script in this process and writes the names of the imported modules
#: (argv: the file to write them to, then lmsctl's arguments).
DRIVER = """
import atexit, sys
out = sys.argv[1]
atexit.register(lambda: open(out, "w").write("\\n".join(sorted(sys.modules))))
sys.argv = ["lmsctl", *sys.argv[2:]]
from lmsctl.cli import main
main()
"""


def lmsctl(modules: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    """lmsctl's result and the names of the modules it imported."""
    done = subprocess.run([sys.executable, "-c", DRIVER, str(modules), *args],
                          capture_output=True, text=True, check=False)
    return done, set(modules.read_text().split())


def test_lint_of_one_lesson_imports_nothing_heavy(tmp_path: Path) -> None:
    root = build_tree(tmp_path / "r", {**base_files(), **other_course("published")})
    modules = tmp_path / "modules.txt"
    first, _ = lmsctl(modules, "lint", "--repo", str(root))  # fills the checks' caches
    assert first.returncode in (0, 1), first.stderr
    # the lesson changed since (with code to highlight, on a page): read and checked again
    edited = lesson(body="# Discovery\n\nAsk first.\n\n```python\nprint('hi')\n```\n")
    (root / LESSON).write_text(edited + "\nOne more sentence.\n", encoding="utf-8")
    done, imported = lmsctl(modules, "lint", str(root / LESSON), "--repo", str(root))
    assert done.returncode in (0, 1), done.stderr
    assert "in 1 file" in done.stdout, done.stdout
    assert "markdown_it" in imported  # the lesson was parsed: this run read it
    assert sorted({name.partition(".")[0] for name in imported} & set(HEAVY)) == []
    assert sorted(m for m in imported if m.startswith(HEAVY_HERE)) == []
