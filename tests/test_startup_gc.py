"""What a fresh ``lmsctl`` process spends besides its work (issue 14: ``lint <file>`` in a
pre-commit hook is mostly that): the garbage collector walking what the imports made, Python's
exit walking every object left, dataclasses made without a docstring (``dataclasses`` then
works one out of the signature, for each class, at every start)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import build_tree
from tests.test_lint_rules import LESSON, base_files, other_course

#: Runs the console script's ``main`` (``lmsctl.__main__``), then prints its exit code, how many
#: garbage collections it made and how many objects the collector could still walk.
DRIVER = """
import gc, sys
sys.argv = ["lmsctl", *sys.argv[1:]]
from lmsctl.__main__ import main
passes = []
gc.callbacks.append(lambda phase, info: phase == "start" and passes.append(info))
try:
    main()
except SystemExit as exc:
    code = exc.code
gc.callbacks.clear()
print(code, len(passes), len(gc.get_objects()))
"""

#: Lists the dataclasses of lmsctl's imported modules whose docstring ``dataclasses`` made
#: (argv: lmsctl's arguments).
UNDOCUMENTED = """
import dataclasses, sys
sys.argv = ["lmsctl", *sys.argv[1:]]
from lmsctl.cli import main
try:
    main()
except SystemExit:
    pass
for name, module in sorted(sys.modules.items()):
    if name.startswith("lmsctl"):
        for cls in vars(module).values():
            if (isinstance(cls, type) and dataclasses.is_dataclass(cls)
                    and cls.__module__ == name
                    and (cls.__doc__ or "").startswith(cls.__name__ + "(")):
                print(f"undocumented {name}.{cls.__qualname__}")
"""

def run(driver: str, *args: str) -> list[str]:
    done = subprocess.run([sys.executable, "-c", driver, *args], capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout.split("\n")


def test_importing_the_command_line_makes_no_garbage_collection() -> None:
    code, passes, _ = run(DRIVER, "--version")[-2].split()
    assert code == "0"
    assert passes == "0"


def test_the_console_script_leaves_no_object_for_the_collector_at_exit(tmp_path: Path) -> None:
    """Python's exit walks every object the collector tracks (the modules, what the command
    read): the console script freezes them first, however the command ends."""
    root = build_tree(tmp_path / "r", {**base_files(), **other_course("published")})
    code, _, left = run(DRIVER, "lint", str(root / LESSON), "--repo", str(root))[-2].split()
    assert code in ("0", "1")
    assert int(left) < 1000  # (those made after it: the exit's exception and the like)
    code, _, left = run(DRIVER, "lint", "--repo", str(tmp_path / "nowhere"))[-2].split()
    assert code == "2"
    assert int(left) < 1000


def test_the_dataclasses_of_a_lint_run_have_docstrings(tmp_path: Path) -> None:
    root = build_tree(tmp_path / "r", {**base_files(), **other_course("published")})
    lines = run(UNDOCUMENTED, "lint", str(root / LESSON), "--repo", str(root))
    found = {line.split()[1] for line in lines if line.startswith("undocumented ")}
    assert sorted(found) == []
