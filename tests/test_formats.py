"""The CI formats: GitHub workflow commands and step summary, SARIF 2.1.0 (validated against
the official schema), GitLab Code Quality (fingerprints unique and stable)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
from markdown_it import MarkdownIt

from lmsctl.checks.lint import LintReport, lint_repository
from lmsctl.checks.report_formats import (
    fingerprints,
    format_github,
    format_gitlab,
    format_sarif,
    step_summary,
)
from lmsctl.commands import lint as lint_command
from lmsctl.core.diagnostics import Diagnostic, Report, Severity
from tests.conftest import build_tree
from tests.test_lint_rules import BODY, LESSON, base_files, lesson, question, quiz

ROOT = Path(__file__).resolve().parent.parent
SARIF_SCHEMA = Path(__file__).resolve().parent / "reference" / "sarif-schema-2.1.0.json"
GITHUB_LINE = re.compile(
    r"^::(error|warning|notice) file=([^,:]*),line=(\d+),col=(\d+),title=([^,:]*)::(.*)$")

BROKEN_BODY = (BODY + "\nSee https://example.org/a, https://example.org/b.\n\n"
               "![](../assets/a.png)\n\nMore on this: [click here](#why-ask).\n")
BROKEN_QUIZ = quiz(question("Which is open?", ("What now?", False, "Open."),
                            ("Why now?", False, "Open."), ("All of the above", True, "")))
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d605a40000000049454e44ae426082"
)


def broken_repo(root: Path, extra_top: str = "") -> Path:
    files = {**base_files(), LESSON: lesson(extra_top + BROKEN_BODY, BROKEN_QUIZ),
             "courses/sales-basics/assets/a.png": PNG,
             "courses/sales-basics/assets/Unused File.png": PNG}
    return build_tree(root, files)


def report_of(root: Path) -> LintReport:
    _, report = lint_repository(root)
    return report


@pytest.fixture
def report(tmp_path: Path) -> LintReport:
    return report_of(broken_repo(tmp_path / "repo"))


def test_the_broken_repo_has_each_kind_of_finding(report: LintReport) -> None:
    rules = {d.rule for d in report.diagnostics}
    assert {"LMS313", "LMS501", "LMS502", "LMS404", "LMS406", "LMS706", "LMS707"} <= rules
    assert {d.severity for d in report.diagnostics} == set(Severity) - {Severity.INFO}


# --------------------------------------------------------------------------------- github


def unescape(text: str) -> str:
    return text.replace("%0A", "\n").replace("%0D", "\r").replace("%3A", ":").replace(
        "%2C", ",").replace("%25", "%")


def test_github_annotations(report: LintReport) -> None:
    out = format_github(report).splitlines()
    commands = [GITHUB_LINE.match(line) for line in out[:-1]]
    assert all(commands), out
    found = [(m.group(1), unescape(m.group(2)), int(m.group(3)), int(m.group(4)),
              m.group(5)) for m in commands if m]
    expected = [({"error": "error", "warning": "warning", "info": "notice"}[d.severity.value],
                 d.path, d.line, d.column, d.rule) for d in report.sorted()]
    assert found == expected
    alt = next(m for m in commands if m and m.group(5) == "LMS501")
    message = unescape(alt.group(6))
    assert "has no alt text" in message  # what
    assert "Describe what it shows" in message  # how to fix
    assert "https://example.org/learn/contributing/rules/#lms501" in message  # where to read
    assert out[-1].startswith("lmsctl lint: ")


def test_github_escaping() -> None:
    d = Diagnostic("LMS707", Severity.WARNING, "courses/a,b:c/50% off.png", 1, 1,
                   "line one\nline two: 100%", "fix, then: rerun\r")
    out = format_github(Report([d]))
    first = out.splitlines()[0]
    assert first.startswith("::warning file=courses/a%2Cb%3Ac/50%25 off.png,line=1,col=1,"
                            "title=LMS707::")
    assert first.endswith("::line one%0Aline two: 100%25%0Afix, then: rerun%0D")


def test_github_paths_inside_a_workspace(report: LintReport, monkeypatch: pytest.MonkeyPatch
                                         ) -> None:
    assert report.root is not None
    monkeypatch.setenv("GITHUB_WORKSPACE", str(report.root.parent))
    line = format_github(report).splitlines()[0]
    assert "file=repo/courses/" in line


def test_step_summary_holds_every_finding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    urls = "\n".join(f"Link {i}: https://example.org/{i}" for i in range(15))
    root = build_tree(tmp_path / "repo", {**base_files(), LESSON: lesson(BODY + urls)})
    summary = tmp_path / "summary.md"
    summary.write_text("# Earlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    assert lint_command.run(root, [], "github", None, False) == 0
    annotations = [x for x in capsys.readouterr().out.splitlines() if x.startswith("::")]
    assert len(annotations) == 15
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("# Earlier step\n## lmsctl lint")  # appended, not overwritten
    rows = [x for x in text.splitlines() if x.startswith("| warning | [LMS313]")]
    assert len(rows) == 15
    assert "(https://example.org/learn/contributing/rules/#lms313)" in rows[0]
    assert f"`{LESSON}:" in rows[0]


def test_step_summary_escapes_table_cells() -> None:
    d = Diagnostic("LMS601", Severity.ERROR, "x.md", 3, 1, "<script> | pipe", "a\nb")
    text = step_summary(Report([d]))
    assert "| &lt;script&gt; \\| pipe | a<br>b |" in text


def test_step_summary_shows_hints_as_written(report: LintReport) -> None:
    """A hint such as ``![what the image shows](../assets/a.png)`` is text in the summary, not
    a broken image; the only links are those to the rule reference."""
    html = MarkdownIt("commonmark").enable("table").render(step_summary(report))
    assert "<img" not in html
    assert "<em>" not in html
    links = re.findall(r'<a href="([^"]*)"', html)
    assert links and all("/contributing/rules/" in href for href in links), links
    assert "![what the image shows](../assets/a.png)" in html
    assert "<code>correct: true</code>" in html  # code spans in hints stay code


# ---------------------------------------------------------------------------------- sarif


def test_sarif_validates_against_the_official_schema(report: LintReport) -> None:
    log = json.loads(format_sarif(report))
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(log), key=str)
    assert errors == []
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    by_id = {r["id"]: r for r in rules}
    assert by_id["LMS501"]["helpUri"] == "https://example.org/learn/contributing/rules/#lms501"
    assert by_id["LMS501"]["help"]["text"] and "How to fix" in by_id["LMS501"]["help"]["text"]
    assert by_id["LMS501"]["defaultConfiguration"]["level"] == "error"
    assert len(run["results"]) == len(report.sorted())
    for result, d in zip(run["results"], report.sorted(), strict=True):
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"] == d.rule
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == d.path.replace(" ", "%20")
        region = location["region"]
        assert (region["startLine"], region["startColumn"]) == (d.line, d.column)
        assert result["level"] == {"error": "error", "warning": "warning",
                                   "info": "note"}[d.severity.value]


def test_sarif_of_a_clean_run_is_valid(tmp_path: Path) -> None:
    root = build_tree(tmp_path / "repo", base_files())
    log = json.loads(format_sarif(report_of(root)))
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(log)
    assert log["runs"][0]["results"] == []


# --------------------------------------------------------------------------------- gitlab


def test_gitlab_code_quality(report: LintReport) -> None:
    issues = json.loads(format_gitlab(report))
    assert isinstance(issues, list) and len(issues) == len(report.sorted())
    for issue, d in zip(issues, report.sorted(), strict=True):
        assert issue["check_name"] == d.rule
        assert d.message in issue["description"]
        assert issue["severity"] == {"error": "major", "warning": "minor",
                                     "info": "info"}[d.severity.value]
        assert issue["location"] == {"path": d.path, "lines": {"begin": d.line}}
        assert re.fullmatch(r"[0-9a-f]{64}", issue["fingerprint"])
    prints = [i["fingerprint"] for i in issues]
    assert len(set(prints)) == len(prints)


def test_fingerprints_are_stable_across_runs_and_unrelated_edits(tmp_path: Path) -> None:
    first = json.loads(format_gitlab(report_of(broken_repo(tmp_path / "a"))))
    again = json.loads(format_gitlab(report_of(broken_repo(tmp_path / "a"))))
    assert first == again
    moved = json.loads(format_gitlab(report_of(
        broken_repo(tmp_path / "b", extra_top="A new first paragraph.\n\nAnd another.\n\n"))))
    by_print = {i["fingerprint"]: i for i in first}
    for issue in moved:
        assert issue["fingerprint"] in by_print, issue
        before = by_print[issue["fingerprint"]]
        if issue["location"]["path"] == LESSON and before["location"]["lines"]["begin"] > 4:
            assert issue["location"]["lines"]["begin"] == before["location"]["lines"][
                "begin"] + 4


def test_identical_findings_get_distinct_fingerprints() -> None:
    same = [Diagnostic("LMS313", Severity.WARNING, "x.md", 1, c, "bare URL", "") for c in (1, 9)]
    prints = fingerprints(Report(same))
    assert len(set(prints.values())) == 2
