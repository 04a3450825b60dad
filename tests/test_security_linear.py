"""Security (#17), linear time and bounded depth: pathological lessons of 64 KiB (repeated
unclosed link or image openers, comment openers, open tags, brackets, deep nesting) take
validate, lint and build no more than 10 times as long as a normal lesson of that size, and
nesting beyond the documented depth (LMS215) is an error at its line, never a crash.

Times are CPU seconds of this process (``time.process_time``), so that other work on the
machine does not decide the outcome; builds render in this process (one shard)."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from lmsctl.cli import cli
from lmsctl.core.errors import BuildError
from lmsctl.targets.site.pipeline import build_site
from tests.conftest import build_tree, minimal_files

SIZE = 64 * 1024
FRONT = "---\ntitle: Big\n---\n"
LESSON = "courses/sales-basics/lessons/02-big.md"


def fill(unit: str) -> str:
    return (unit * (SIZE // len(unit) + 1))[:SIZE]


NORMAL = fill("Some words in a normal paragraph, with a [link](https://example.org) and "
              "`code`.\n\n")
MOTIFS = {
    "link-openers": fill("[a"),
    "image-openers": fill("![a"),
    "link-destinations": fill("[x]("),
    "nested-parens": fill("[x](("),
    "brackets": fill("["),
    "comment-openers": fill("<!--"),
    "open-tags": fill("<div>"),
    "open-attributes": fill("<span a=1"),
    "quote-attributes": fill("<a href='"),
    "emphasis": fill("*a_"),
    "backticks": fill("`a"),
    "entities": fill("&#9;&amp"),
    "nested-list-600": "- " * 600 + "x\n" + fill("text\n")[: SIZE - 1300],
    "nested-quote-600": "> " * 600 + "x\n" + fill("text\n")[: SIZE - 1300],
    "indented-list": "".join("\t" * i + "- x\n" for i in range(300))[:SIZE],
}
BUILD_MOTIFS = ("link-openers", "comment-openers", "open-attributes", "indented-list")


def _repo(tmp_path: Path, body: str, name: str) -> Path:
    files = minimal_files()
    files[LESSON] = FRONT + body
    return build_tree(tmp_path / name, files)


def _lint_seconds(root: Path) -> tuple[float, str, int]:
    start = time.process_time()
    # --no-cache: the baseline takes the best of three runs, which the check cache would make
    # warm runs, against one cold run of the motif
    result = CliRunner().invoke(cli, ["lint", "--no-cache", "--repo", str(root), "--format",
                                      "json"])
    return time.process_time() - start, result.output, result.exit_code


def _build_seconds(root: Path, out: Path) -> tuple[float, str]:
    printed = io.StringIO()
    start = time.process_time()
    try:
        build_site(root, out, stdout=printed, use_cache=False)  # cold, like the motif's
    except BuildError as exc:
        printed.write(exc.message)
    return time.process_time() - start, printed.getvalue()


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> dict[str, float]:
    folder = tmp_path_factory.mktemp("normal")
    root = _repo(folder, NORMAL, "repo")
    lint = min(_lint_seconds(root)[0] for _ in range(3))
    build = min(_build_seconds(root, folder / f"site{i}")[0] for i in range(2))
    return {"lint": max(lint, 0.05), "build": build}


@pytest.mark.parametrize("motif", sorted(MOTIFS))
def test_validate_and_lint_stay_linear(motif: str, baseline: dict[str, float],
                                       tmp_path: Path) -> None:
    root = _repo(tmp_path, MOTIFS[motif], "repo")
    seconds, output, code = _lint_seconds(root)
    assert code in (0, 1), output  # findings at most, never a crash (3)
    assert seconds < 10 * baseline["lint"], (
        f"{motif}: lint took {seconds:.2f} s, a normal lesson {baseline['lint']:.2f} s")


@pytest.mark.parametrize("motif", BUILD_MOTIFS)
def test_build_stays_linear(motif: str, baseline: dict[str, float], tmp_path: Path) -> None:
    root = _repo(tmp_path, MOTIFS[motif], "repo")
    seconds, printed = _build_seconds(root, tmp_path / "site")
    assert "Traceback" not in printed
    assert seconds < 10 * baseline["build"], (
        f"{motif}: build took {seconds:.2f} s, a normal lesson {baseline['build']:.2f} s")


@pytest.mark.parametrize("body, line", [("- " * 600 + "x\n", 4),
                                        ("intro\n\n" + "> " * 100 + "deep\n", 6),
                                        ("".join("\t" * i + "- x\n" for i in range(300)), 36)])
def test_nesting_beyond_the_limit_is_an_error_at_its_line(body: str, line: int,
                                                          tmp_path: Path) -> None:
    root = _repo(tmp_path, body, "repo")
    result = CliRunner().invoke(cli, ["validate", "--repo", str(root)])
    assert result.exit_code == 1, result.output
    assert f"{LESSON}:{line}:1: error LMS215" in result.output


def test_deep_but_allowed_nesting_and_fenced_code_are_fine(tmp_path: Path) -> None:
    nested = "".join("  " * i + "- x\n" for i in range(20))
    code = "```json\n" + "".join(" " * (4 * i) + "{\n" for i in range(80)) + "```\n"
    brackets = "```text\n" + "[" * 5000 + "\n```\n"
    root = _repo(tmp_path, nested + "\n" + code + "\n" + brackets, "repo")
    result = CliRunner().invoke(cli, ["validate", "--repo", str(root)])
    assert "LMS215" not in result.output, result.output
