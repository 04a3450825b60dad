"""The layers of DESIGN section 7 (docs/architecture.md): imports point down only, and no two
modules of ``lmsctl/`` import each other, directly or round a cycle. Every import counts: at
module level, inside functions, and under ``TYPE_CHECKING``."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "lmsctl"

#: Layers from the bottom up; a module may import only from its own layer or those below it.
#: ``lrs`` (the embedded LRS that the site sends to and analytics reads from) sits between the
#: learner side and analytics; it needs only ``core``.
LAYERS = ["core", "content", "checks", "targets", "runtime", "lrs", "analytics", "authoring",
          "commands"]
#: Top-level modules and the layer they belong to.
TOP_LEVEL = {"__init__": "core", "__main__": "commands", "cli": "commands",
             "cli_reference": "commands"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The lmsctl modules that ``name`` imports anywhere in its source."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            # ``from pkg import mod`` imports the module; ``from mod import name`` the module
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                       for alias in node.names]
        else:
            continue
        for target in targets:
            # the longest known module that the name is or lies inside
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name and target.startswith("lmsctl"):
                found.add(target)
    return found


def graph() -> dict[str, set[str]]:
    mods = modules()
    known = set(mods)
    return {name: imports_of(name, path, known) - {"lmsctl"} for name, path in mods.items()}


def layer_of(name: str) -> int:
    parts = name.split(".")
    if len(parts) == 1:
        return LAYERS.index("core")
    first = parts[1]
    return LAYERS.index(TOP_LEVEL.get(first, first))


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """A cycle as a list of modules (first == last), or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def test_every_module_belongs_to_a_layer() -> None:
    for name in modules():
        parts = name.split(".")
        if len(parts) > 1:
            assert TOP_LEVEL.get(parts[1], parts[1]) in LAYERS, (
                f"{name}: put the module in one of the layers {LAYERS} (docs/architecture.md)")


def test_imports_point_down_the_layers() -> None:
    wrong = [f"{a} (layer {LAYERS[layer_of(a)]}) imports {b} (layer {LAYERS[layer_of(b)]})"
             for a, targets in graph().items() for b in sorted(targets)
             if layer_of(b) > layer_of(a)]
    assert not wrong, "imports must point down the layers:\n" + "\n".join(wrong)


def test_no_import_cycle() -> None:
    cycle = find_cycle(graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


@pytest.mark.parametrize("edges, cyclic", [
    ({"a": {"b"}, "b": {"c"}, "c": set()}, False),
    ({"a": {"b"}, "b": {"c"}, "c": {"a"}}, True),
    ({"a": {"a2"}, "a2": {"b"}, "b": {"a2"}}, True),
    ({"a": {"b", "c"}, "b": {"d"}, "c": {"d"}, "d": set()}, False),
])
def test_the_cycle_finder_finds_cycles(edges: dict[str, set[str]], cyclic: bool) -> None:
    assert (find_cycle(edges) is not None) is cyclic


def test_function_level_and_relative_imports_are_seen(tmp_path: Path) -> None:
    src = tmp_path / "m.py"
    src.write_text("def f():\n    from lmsctl.core import model\n    import lmsctl.core.ids\n"
                   "from .ids import SLUG\n", encoding="utf-8")
    known = {"lmsctl.core.model", "lmsctl.core.ids", "lmsctl.core"}
    assert imports_of("lmsctl.core.m", src, known) == {"lmsctl.core.model", "lmsctl.core.ids"}


def test_the_repository_stands_alone() -> None:
    """Docs, README, code and tests never point outside the repository (a clone has nothing
    beside it)."""
    root = PACKAGE.parent
    outside = re.compile("|".join([re.escape(".." + "/shared"), re.escape("/" + "work/")]))
    places = [root / "README.md", root / "CONTRIBUTING.md", root / "Makefile",
              *(root / "docs").rglob("*.md"), *PACKAGE.rglob("*.py"),
              *(root / "tests").rglob("*.py"), *(root / ".ci").iterdir()]
    found = [f"{p.relative_to(root)}:{n}" for p in places if p.is_file()
             for n, line in enumerate(p.read_text("utf-8", "replace").splitlines(), 1)
             if outside.search(line)]
    assert found == []
