"""Placeholder text (#16): each course template marks its placeholders; LMS309 reports the ones
left in a course: an error in a published course (lint and build --strict fail), a warning in a
draft; the marker never shows on the page."""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from lmsctl.authoring.templates import builtin_templates
from lmsctl.cli import cli
from lmsctl.content.placeholders import MARKER, builtin_texts, template_texts

ROOT = Path(__file__).resolve().parent.parent
BUILT_IN = [t.name for t in builtin_templates()]
#: Wording that is an instruction to the author or an example: it must always be marked.
MUST_BE_MARKED = re.compile(r"^(\s*- question: \"Example question|Replace this)")


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def new_course(root: Path, template: str, course_id: str = "new-course") -> Path:
    code, _, err = run("new-course", course_id, "--title", "Pricing basics", "--owner",
                       "@jdoe", "--owner", "@acme/sales", "--template", template,
                       "--skill", "negotiation", "--no-input", "--repo", str(root))
    assert code == 0, err
    return root / "courses" / course_id


def _template_files() -> list[tuple[str, str]]:
    files = []
    base = resources.files("lmsctl").joinpath("templates")
    for path in sorted(Path(str(base)).rglob("*.j2")):
        files.append((path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8")))
    for path in sorted((ROOT / "courses" / "_templates").rglob("*.j2")):
        files.append((path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8")))
    return files


@pytest.mark.parametrize(("rel", "text"), _template_files(), ids=lambda v: v[:60])
def test_templates_mark_their_placeholders(rel: str, text: str) -> None:
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if MUST_BE_MARKED.match(line):
            marked = line.rstrip().endswith(f"# {MARKER}") or \
                lines[i - 1].strip() == f"<!-- {MARKER} -->"
            assert marked, f"{rel}:{i + 1}: unmarked placeholder {line.strip()[:60]!r}"


def test_every_template_has_placeholders(sample_repo: Path) -> None:
    texts = builtin_texts()
    assert any("replace this paragraph" in t for t in texts)
    assert any(t.startswith("example question:") for t in texts)
    assert "explain why this topic matters in your daily work" in texts  # an objective
    own = template_texts(sample_repo) - texts
    assert own, "courses/_templates/ placeholders are read too"


@pytest.mark.parametrize("template", BUILT_IN)
def test_draft_with_placeholders_warns(sample_repo: Path, template: str) -> None:
    new_course(sample_repo, template)
    code, out, _ = run("lint", "--format", "json", "--repo", str(sample_repo))
    found = [d for d in json.loads(out)["diagnostics"] if d["rule"] == "LMS309"]
    assert found and {d["severity"] for d in found} == {"warning"}
    assert all("(a draft)" in d["message"] for d in found)
    assert code == 0


def test_published_course_with_placeholders_fails_lint_and_strict_build(
        sample_repo: Path) -> None:
    folder = new_course(sample_repo, "standard")
    yml = folder / "course.yml"
    yml.write_text(yml.read_text(encoding="utf-8").replace("status: draft",
                                                           "status: published"),
                   encoding="utf-8")
    code, out, _ = run("lint", "--format", "json", "--repo", str(sample_repo))
    found = [d for d in json.loads(out)["diagnostics"] if d["rule"] == "LMS309"]
    assert code == 1 and found and {d["severity"] for d in found} == {"error"}
    lesson = next(d for d in found if d["path"].endswith("01-why-it-matters.md"))
    text = (sample_repo / lesson["path"]).read_text(encoding="utf-8").splitlines()
    assert text[lesson["line"] - 1].startswith("Replace this paragraph")
    assert any(d["path"].endswith("course.yml") for d in found)  # the objectives
    assert any("Example question" in d["message"] for d in found)

    out_dir = sample_repo / "site"
    code, out, err = run("build", "--strict", "--repo", str(sample_repo))
    assert code == 1 and "LMS309" in out and not out_dir.exists()
    code, out, err = run("build", "--repo", str(sample_repo))  # a plain build warns
    assert code == 0 and "warning LMS309" in out


def test_replaced_text_is_not_reported(sample_repo: Path) -> None:
    folder = new_course(sample_repo, "standard")
    for path in [folder / "course.yml", *sorted((folder / "lessons").glob("*.md"))]:
        lines = path.read_text(encoding="utf-8").splitlines()
        path.write_text("\n".join(
            re.sub(r"(Replace this|Example question|Explain why|Apply the|Recognise the|"
                   r"Describe|Show|Point learners)", "Our own words on", line)
            for line in lines) + "\n", encoding="utf-8")
    code, out, _ = run("lint", "--format", "json", "--repo", str(sample_repo))
    assert [d for d in json.loads(out)["diagnostics"] if d["rule"] == "LMS309"] == []


def test_the_marker_is_invisible_on_the_page(sample_repo: Path) -> None:
    new_course(sample_repo, "standard")
    code, _, err = run("build", "--drafts", "--repo", str(sample_repo))
    assert code == 0, err
    page = (sample_repo / "site/courses/new-course/why-it-matters/index.html").read_text(
        encoding="utf-8")
    assert "Replace this paragraph" in page and MARKER not in page


def test_lint_settings_apply_to_the_build(sample_repo: Path) -> None:
    folder = new_course(sample_repo, "standard")
    yml = folder / "course.yml"
    yml.write_text(yml.read_text(encoding="utf-8").replace("status: draft",
                                                           "status: published"),
                   encoding="utf-8")
    config = sample_repo / "lmsctl.yml"
    text = config.read_text(encoding="utf-8")
    assert "\nlint:" not in text
    config.write_text(text + "lint:\n  rules: {LMS309: off}\n", encoding="utf-8")
    code, out, err = run("build", "--strict", "--repo", str(sample_repo))
    assert "LMS309" not in out


def _every_line(text: str, texts: frozenset[str]) -> list[tuple[int, int, str]]:
    """``find_placeholders`` without its word gate: every line normalised."""
    from lmsctl.content.placeholders import _TRAILING, normalise

    out = []
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith(("<!--", "#")) or stripped == "---":
            continue
        if normalise(line) in texts:
            out.append((number, len(line) - len(line.lstrip()) + 1,
                        _TRAILING.sub("", stripped)))
    return out


_SAMPLES = sorted(builtin_texts())
_DRESS = st.sampled_from(["", "- ", "  * ", "1. ", "question: ", "- text: ", "> ", "\t"])


@st.composite
def _placeholder_lines(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(_SAMPLES))
    words = text.split()
    if draw(st.booleans()):
        words = [w.upper() if draw(st.booleans()) else w for w in words]
    if draw(st.booleans()):
        words[draw(st.integers(0, len(words) - 1))] = draw(st.sampled_from(["x", "", "ẞ"]))
    quote = draw(st.sampled_from(["", '"', "'"]))
    spaces = draw(st.sampled_from([" ", "  ", "\t", " \u00a0"]))
    tail = draw(st.sampled_from(["", "  # lmsctl:placeholder", " #lmsctl-x"]))
    return f"{draw(_DRESS)}{quote}{spaces.join(words)}{quote}{tail}"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_placeholder_lines(), st.text(max_size=40)), max_size=8))
def test_the_word_gate_finds_what_every_line_would(lines: list[str]) -> None:
    """Skipping files and lines without a placeholder's middle word changes nothing."""
    from lmsctl.content.placeholders import find_placeholders

    text = "\n".join(lines)
    for chosen in (builtin_texts(), builtin_texts() | {"ab cd ef gh ij"},
                   builtin_texts() | {"two words"}):
        assert list(find_placeholders(text, chosen)) == _every_line(text, chosen)
