"""What the templates produce: valid, lint-clean courses, safe YAML whatever the author types,
and a golden copy of the standard template's course."""

from __future__ import annotations

import atexit
import json
import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lmsctl.authoring.course import CourseSpec, plan_course
from lmsctl.authoring.inputs import Refusal, check_line
from lmsctl.authoring.quoting import markdown_text, yaml_value
from lmsctl.authoring.templates import builtin_templates
from lmsctl.checks.validate import validate_repository
from lmsctl.cli import cli
from lmsctl.content.loader import load_config
from lmsctl.content.markdown import parser as markdown_parser
from lmsctl.core.yamlstrict import parse_yaml

GOLDEN = Path(__file__).parent / "golden" / "authoring"
BUILT_IN = [t.name for t in builtin_templates()]
NEGATIVE = re.compile(r"\b(not|except|never|none)\b", re.IGNORECASE)
ALL_OF = re.compile(r"\b(all|none) of the above\b", re.IGNORECASE)


def create(root: Path, course_id: str, template: str, *extra: str) -> Path:
    result = CliRunner().invoke(cli, [
        "new-course", course_id, "--title", "Pricing: the basics", "--owner", "@jdoe",
        "--owner", "@acme/sales-enablement", "--template", template, "--skill", "negotiation",
        "--audience", "sales",
        "--no-input", "--repo", str(root), *extra])
    assert result.exit_code == 0, result.stderr
    return root / "courses" / course_id


def test_the_four_required_templates_ship() -> None:
    assert {"standard", "how-to", "onboarding", "sales-playbook"} <= set(BUILT_IN)


@pytest.mark.parametrize("template", BUILT_IN)
def test_template_course_validates_without_a_single_finding(sample_repo: Path,
                                                            template: str) -> None:
    folder = create(sample_repo, "new-course", template)
    _, report = validate_repository(sample_repo)
    assert report.sorted() == []
    repo, _ = validate_repository(sample_repo)
    course = repo.course("new-course")
    assert course is not None
    assert 1 <= len(course.lessons) <= 3
    assert course.objectives and course.status == "draft"
    assert (folder / "course.yml").read_text().startswith(
        "# yaml-language-server: $schema=../../schemas/course.schema.json\n")
    for lesson in course.lessons:
        assert lesson.questions, f"{lesson.rel} has no quiz"
        assert "<!--" in lesson.text, f"{lesson.rel} has no guidance for the author"
        for q in lesson.questions:
            assert len(q.choices) >= 3, q.question
            assert not NEGATIVE.search(q.question), q.question
            assert any(c.correct for c in q.choices)
            for c in q.choices:
                assert c.explanation, f"{lesson.rel}: choice '{c.text}' is not explained"
                assert not ALL_OF.search(c.text)
        assert "http://" not in lesson.text and "https://" not in lesson.text


@pytest.mark.parametrize("template", BUILT_IN)
def test_template_course_lints_clean(sample_repo: Path, template: str) -> None:
    create(sample_repo, "new-course", template)
    result = CliRunner().invoke(cli, ["lint", "--format", "json", "--repo", str(sample_repo)])
    found = [d for d in json.loads(result.stdout)["diagnostics"]
             if d["path"].startswith("courses/new-course/")]
    assert found == []
    assert result.exit_code == 0, result.stdout


def test_new_lesson_lints_clean(sample_repo: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["new-lesson", "sales-basics", "Follow-up emails", "--repo",
                               str(sample_repo)]).exit_code == 0
    result = runner.invoke(cli, ["lint", "--format", "json", "--repo", str(sample_repo)])
    assert json.loads(result.stdout)["diagnostics"] == []


def test_new_path_lints_clean(sample_repo: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["new-path", "reps", "--title", "Reps", "--owner", "@acme/sales",
                               "--course", "sales-basics", "--no-input", "--repo",
                               str(sample_repo)]).exit_code == 0
    result = runner.invoke(cli, ["lint", "--format", "json", "--repo", str(sample_repo)])
    assert json.loads(result.stdout)["diagnostics"] == []


def test_golden_standard_course(sample_repo: Path) -> None:
    """The standard template's output, file by file. After a deliberate change, regenerate
    with LMSCTL_UPDATE_GOLDEN=1 python -m pytest tests/test_authoring_templates.py."""
    folder = create(sample_repo, "pricing-basics", "standard", "--level", "intermediate",
                    "--summary", "Talk about price with confidence.")
    produced = {p.relative_to(folder).as_posix(): p.read_bytes()
                for p in sorted(folder.rglob("*")) if p.is_file()}
    expected_dir = GOLDEN / "standard"
    if os.environ.get("LMSCTL_UPDATE_GOLDEN"):
        for rel, data in produced.items():
            (expected_dir / rel).parent.mkdir(parents=True, exist_ok=True)
            (expected_dir / rel).write_bytes(data)
    expected = {p.relative_to(expected_dir).as_posix(): p.read_bytes()
                for p in sorted(expected_dir.rglob("*")) if p.is_file()}
    assert sorted(produced) == sorted(expected)
    for rel, data in produced.items():
        assert data.decode() == expected[rel].decode(), rel


# --- safe YAML and Markdown whatever the author types -------------------------------------

_ROOT = Path(tempfile.mkdtemp(prefix="lmsctl-authoring-hypothesis-"))
atexit.register(shutil.rmtree, _ROOT, True)
(_ROOT / "lmsctl.yml").write_text("site: {title: T}\nskills:\n  negotiation: {title: N}\n")
_CONFIG = load_config(_ROOT)[0]

# Text biased towards what breaks YAML: indicators, quotes, colons, hashes, YAML keywords.
_TRICKY = st.sampled_from([": ", " #", "#", "@", "'", '"', "- ", "? ", "!", "&", "*", "|",
                           ">", "%", "`", "{", "}", "[", "]", ",", "yes", "no", "null", "~",
                           "true", "1", "0x1F", "1e3", ".5", "---", "...", "\\", "é", "😀",
                           "\u200d", "\xa0", "\ufeff", "  "])
TEXT = st.lists(st.one_of(_TRICKY, st.text(max_size=8)), max_size=8).map("".join)


def accepted(text: str, max_length: int = 120) -> str | None:
    try:
        return check_line(text, "title", max_length)
    except Refusal:
        return None


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(title=TEXT, summary=TEXT)
def test_any_title_and_summary_read_back_the_same(title: str, summary: str) -> None:
    clean_title, clean_summary = accepted(title), accepted(summary, 400)
    if clean_title is None or clean_summary is None:
        return
    spec = CourseSpec(id="any-course", title=clean_title, owners=("@jdoe",),
                      summary=clean_summary, skills=("negotiation",))
    files = plan_course(_ROOT, spec, _CONFIG)  # also checks the values read back
    doc, problems = parse_yaml(files["course.yml"].decode(), "course.yml")
    assert doc is not None and not problems
    assert doc.data["title"] == clean_title
    assert doc.data["summary"] == clean_summary


@settings(max_examples=300, deadline=None)
@given(items=st.lists(TEXT, max_size=4), scalar=TEXT)
def test_yaml_value_round_trips(items: list[str], scalar: str) -> None:
    values = [v for v in (accepted(i) for i in items) if v is not None]
    value = accepted(scalar)
    source = f"a: {yaml_value(values)}\n"
    if value is not None:
        source += f"b: {yaml_value(value)}  # comment\n"
    doc, problems = parse_yaml(source, "x.yml")
    assert doc is not None and not problems, source
    assert doc.data["a"] == values
    if value is not None:
        assert doc.data["b"] == value


def test_refused_text_is_refused_with_its_character() -> None:
    for text, name in (("a\nb", "U+000A"), ("a\x00b", "U+0000"), ("a\u2028b", "U+2028"),
                       ("a\tb", "U+0009"), ("a\x85b", "U+0085")):
        with pytest.raises(Refusal, match=name.replace("+", r"\+")):
            check_line(text, "title", 120)


@pytest.mark.parametrize(("value", "written"), [
    ("Handling pricing objections", "Handling pricing objections"),
    ("Pricing: the basics", '"Pricing: the basics"'),
    ("@jdoe", '"@jdoe"'),
    ("yes", '"yes"'),
    ("123", '"123"'),
    ("It's #1", '"It\'s #1"'),
    ("It's number 1", "It's number 1"),
    ("2024-01-01", '"2024-01-01"'),
    ("on", '"on"'),
    ("Q&A # notes", '"Q&A # notes"'),
    ('Say "hi"', 'Say "hi"'),
    (["@jdoe", "@acme/team"], '["@jdoe", "@acme/team"]'),
    (["sales", "a, b"], '[sales, "a, b"]'),
    ([], "[]"),
])
def test_yaml_value_is_readable(value: object, written: str) -> None:
    assert yaml_value(value) == written


def _inline_text(markdown: str) -> str:
    tokens = markdown_parser().parse(markdown)
    out = []
    for tok in tokens:
        for child in tok.children or []:
            if child.type in ("text", "code_inline"):
                out.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                out.append("\n")
            else:
                out.append(f"<{child.type}>")
    return "".join(out)


@settings(max_examples=300, deadline=None)
@given(text=TEXT)
def test_markdown_text_shows_text_as_typed(text: str) -> None:
    clean = accepted(text, 10_000)
    if clean is None:
        return
    rendered = _inline_text(f"Before {markdown_text(clean)} after\n")
    assert rendered == f"Before {clean} after"


def test_markdown_text_at_line_start() -> None:
    for text in ("# Title", "- item", "1. first", "+ x", "= y", "> quote", "<b>x</b>"):
        assert _inline_text(markdown_text(text) + "\n") == text
