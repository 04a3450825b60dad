"""One command-line contract (issue #16): every command takes --repo; an unknown course or path
is a usage error (exit 2) everywhere, with "Did you mean" when a close id exists; every command
that reports findings offers the same --format set; help text is never cut off; every command
that lmsctl prints works as shown."""

from __future__ import annotations

import re
import shlex
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from lmsctl.checks.report_formats import FORMATTERS
from lmsctl.cli import cli
from tests.conftest import MINIMAL_COURSE, MINIMAL_LESSON

FINDING_COMMANDS = ["validate", "lint", "build", "stale"]


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def _options(name: str) -> dict[str, click.Parameter]:
    command = cli.commands[name]
    return {opt: p for p in command.params for opt in getattr(p, "opts", [])}


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_takes_repo(name: str) -> None:
    command = cli.commands[name]
    if isinstance(command, click.Group):  # every sub-command of a group takes it
        for sub_name, sub in command.commands.items():
            opts = {opt for p in sub.params for opt in getattr(p, "opts", [])}
            assert "--repo" in opts, f"lmsctl {name} {sub_name} has no --repo"
        return
    assert "--repo" in _options(name), f"lmsctl {name} has no --repo"


@pytest.mark.parametrize("name", FINDING_COMMANDS)
def test_every_command_reporting_findings_takes_the_same_formats(name: str) -> None:
    option = _options(name).get("--format")
    assert option is not None and isinstance(option.type, click.Choice), name
    assert list(option.type.choices) == list(FORMATTERS)


def test_format_options_are_the_same_everywhere() -> None:
    """Every command that reports findings offers the same formats; ``export --format`` is the
    package format (DESIGN's CLI contract), so its findings' format is ``--report``."""
    for name in cli.commands:
        option = _options(name).get("--report" if name == "export" else "--format")
        if option is not None:
            assert isinstance(option.type, click.Choice)
            assert list(option.type.choices) == list(FORMATTERS), name


def test_top_level_help_shows_full_descriptions() -> None:
    code, out, _ = run("--help")
    assert code == 0
    commands = out.split("Commands:", 1)[1]
    assert "..." not in commands
    flat = " ".join(out.split())
    for name, command in cli.commands.items():
        first = " ".join((command.help or "").split("\n\n")[0].split())
        assert first and first in flat, (name, first)


def test_rules_takes_repo(make_repo: Callable[..., Path]) -> None:
    root = make_repo()
    code, out, _ = run("rules", "--repo", str(root))
    assert code == 0 and "LMS301" in out
    code, _, err = run("rules", "--repo", str(root / "missing"))
    assert code == 2 and "no such folder" in err


@pytest.mark.parametrize("args", [
    ["review", "sales-basic"],
    ["new-lesson", "sales-basic", "Next steps"],
    ["build", "--course", "sales-basic"],
    ["serve", "--course", "sales-basic"],
])
def test_unknown_course_exits_2_with_did_you_mean(make_repo: Callable[..., Path],
                                                  args: list[str]) -> None:
    root = make_repo()
    code, _, err = run(args[0], "--repo", str(root), *args[1:])
    assert code == 2, err
    assert "sales-basic" in err and "Did you mean" in err and "sales-basics" in err


def test_unknown_path_exits_2_with_did_you_mean(make_repo: Callable[..., Path],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_repo()
    monkeypatch.chdir(root)
    code, _, err = run("lint", "courses/sales-basic/lessons")
    assert code == 2
    assert "Did you mean courses/sales-basics/lessons?" in err


def test_stale_offers_sarif(tmp_path: Path) -> None:
    import json

    from tests.conftest import minimal_files
    from tests.gitrepo import GitRepo

    files = minimal_files()
    files["courses/sales-basics/course.yml"] = (MINIMAL_COURSE + "reviewed: 2020-01-01\n"
                                                "status: published\n")
    repo = GitRepo.init(tmp_path / "repo", files)
    repo.commit("Add sales basics", date="2020-01-01")
    code, out, _ = run("stale", "--repo", str(repo.root), "--format", "sarif",
                       "--today", "2025-01-01")
    assert code == 1
    results = json.loads(out)["runs"][0]["results"]
    assert [r["ruleId"] for r in results] == ["LMS803"]
    where = results[0]["locations"][0]["physicalLocation"]
    assert where["artifactLocation"]["uri"] == "courses/sales-basics/course.yml"
    assert where["region"]["startLine"] == MINIMAL_COURSE.count("\n") + 1


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_the_command_build_prints_works_as_shown(make_repo: Callable[..., Path],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_repo()
    monkeypatch.chdir(root)
    code, out, err = run("build")
    assert code == 0, err
    shown = re.findall(r"`(python3? -m http\.server[^`]*)`", out)
    assert shown == ["python3 -m http.server -d site 8000"], out
    port = _free_port()
    argv = shlex.split(shown[0].replace("8000", str(port)))
    assert argv[0] == "python3"
    argv[0] = sys.executable  # the python3 of this test run
    server = subprocess.Popen([*argv, "--bind", "127.0.0.1"], cwd=root,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/") as response:
                    assert b"Test Learning" in response.read()
                    break
            except OSError:
                time.sleep(0.05)
        else:
            pytest.fail("the printed http.server command serves nothing")
    finally:
        server.terminate()
        server.wait(10)


def test_lms301_without_front_matter_does_not_mention_the_front_matter_title(
        make_repo: Callable[..., Path]) -> None:
    root = make_repo({"courses/sales-basics/lessons/01-discovery-questions.md":
                      "# Discovery questions\n\nText.\n\n# Why ask\n\nMore.\n"})
    code, out, _ = run("lint", "--repo", str(root), "--format", "json")
    import json

    found = [d for d in json.loads(out)["diagnostics"] if d["rule"] == "LMS301"]
    assert [d["line"] for d in found] == [1, 5]
    for d in found:
        assert "the title from the front matter" not in d["hint"]
        assert "front matter, which this lesson does not have" in d["message"]
    assert found[0]["hint"] == ("Make it the title: replace this line with three lines: ---, "
                                "then title: Discovery questions, then ---.")
    assert found[1]["hint"] == "Make it a section: ## Why ask"


def test_missing_image_suggests_the_existing_file(make_repo: Callable[..., Path]) -> None:
    root = make_repo({
        "courses/sales-basics/assets/discovery-call.png": b"\x89PNG\r\n\x1a\n",
        "courses/sales-basics/lessons/01-discovery-questions.md": MINIMAL_LESSON.replace(
            "## Why ask", "![A call](../assets/discovery-cal.png)\n\n## Why ask"),
    })
    code, out, _ = run("validate", "--repo", str(root), "--format", "json")
    import json

    found = [d for d in json.loads(out)["diagnostics"] if d["rule"] == "LMS207"]
    assert code == 1 and len(found) == 1
    assert found[0]["hint"].startswith("Did you mean ../assets/discovery-call.png?")


def test_missing_image_in_the_wrong_folder_suggests_it(make_repo: Callable[..., Path]) -> None:
    root = make_repo({
        "courses/sales-basics/assets/img/flow.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>",
        "courses/sales-basics/lessons/01-discovery-questions.md": MINIMAL_LESSON.replace(
            "## Why ask", "![The flow](assets/flow.svg)\n\n## Why ask"),
    })
    code, out, _ = run("validate", "--repo", str(root), "--format", "json")
    import json

    found = [d for d in json.loads(out)["diagnostics"] if d["rule"] == "LMS207"]
    assert found and found[0]["hint"].startswith("Did you mean ../assets/img/flow.svg?")


def _course_with_lessons(make_repo: Callable[..., Path], extra_course: str = "",
                         names: tuple[str, ...] = ("01-discovery-questions.md",
                                                   "02-next-steps.md",
                                                   "03-knowledge-check.md")) -> Path:
    files: dict[str, str | bytes | None] = {
        "courses/sales-basics/course.yml": MINIMAL_COURSE + extra_course}
    for i, name in enumerate(names):
        files[f"courses/sales-basics/lessons/{name}"] = MINIMAL_LESSON.replace(
            "title: Discovery questions", f"title: Lesson {i + 1}")
    return make_repo(files)


def _lessons(root: Path) -> list[str]:
    return sorted(p.name for p in (root / "courses/sales-basics/lessons").iterdir())


def test_new_lesson_after_a_lesson_renumbers_the_ones_that_follow(
        make_repo: Callable[..., Path]) -> None:
    root = _course_with_lessons(make_repo)
    before = (root / "courses/sales-basics/lessons/03-knowledge-check.md").read_bytes()
    code, out, err = run("new-lesson", "--repo", str(root), "sales-basics", "Practice",
                         "--after", "next-steps")
    assert code == 0, err
    assert _lessons(root) == ["01-discovery-questions.md", "02-next-steps.md", "03-practice.md",
                              "04-knowledge-check.md"]
    assert (root / "courses/sales-basics/lessons/04-knowledge-check.md").read_bytes() == before
    assert "renamed courses/sales-basics/lessons/03-knowledge-check.md to " \
           "04-knowledge-check.md" in err
    # The lesson ids (and so URLs and progress) are unchanged, and the course validates.
    assert run("validate", "--repo", str(root))[0] == 0


def test_new_lesson_after_uses_a_free_number(make_repo: Callable[..., Path]) -> None:
    root = _course_with_lessons(make_repo, names=("01-discovery-questions.md",
                                                  "05-knowledge-check.md"))
    code, _, err = run("new-lesson", "--repo", str(root), "sales-basics", "Practice",
                       "--after", "01-discovery-questions.md")
    assert code == 0, err
    assert _lessons(root) == ["01-discovery-questions.md", "02-practice.md",
                              "05-knowledge-check.md"]


def test_new_lesson_after_inserts_into_a_lessons_list(make_repo: Callable[..., Path]) -> None:
    root = _course_with_lessons(make_repo, "lessons:\n  - 01-discovery-questions.md\n"
                                "  - 02-next-steps.md\n  - 03-knowledge-check.md\n")
    code, _, err = run("new-lesson", "--repo", str(root), "sales-basics", "Practice",
                       "--after", "discovery-questions")
    assert code == 0, err
    text = (root / "courses/sales-basics/course.yml").read_text(encoding="utf-8")
    assert text.endswith("lessons:\n  - 01-discovery-questions.md\n  - 04-practice.md\n"
                         "  - 02-next-steps.md\n  - 03-knowledge-check.md\n")


def test_new_lesson_after_an_unknown_lesson_is_a_usage_error(
        make_repo: Callable[..., Path]) -> None:
    root = _course_with_lessons(make_repo)
    code, _, err = run("new-lesson", "--repo", str(root), "sales-basics", "Practice",
                       "--after", "next-step")
    assert code == 2
    assert "Did you mean next-steps?" in err
    assert len(_lessons(root)) == 3


def test_new_lesson_after_refuses_to_break_links(make_repo: Callable[..., Path]) -> None:
    root = _course_with_lessons(make_repo)
    first = root / "courses/sales-basics/lessons/01-discovery-questions.md"
    first.write_text(first.read_text(encoding="utf-8") + "\n[Check](03-knowledge-check.md)\n",
                     encoding="utf-8")
    code, _, err = run("new-lesson", "--repo", str(root), "sales-basics", "Practice",
                       "--after", "next-steps")
    assert code == 2 and "link to them" in err and "nothing was written" in err
    assert _lessons(root) == ["01-discovery-questions.md", "02-next-steps.md",
                              "03-knowledge-check.md"]


def test_build_format_json_writes_only_the_report(make_repo: Callable[..., Path]) -> None:
    import json

    broken = MINIMAL_LESSON.replace("## Why ask", "![](../assets/nope.png)\n\n## Why ask")
    root = make_repo({"courses/sales-basics/lessons/01-discovery-questions.md": broken})
    code, out, err = run("build", "--repo", str(root), "--format", "json")
    assert code == 1
    found = json.loads(out)["diagnostics"]
    assert [d["rule"] for d in found if d["severity"] == "error"] == ["LMS207"]
    assert "the site was not built" in err
    root = make_repo({"courses/sales-basics/lessons/01-discovery-questions.md": MINIMAL_LESSON})
    code, out, err = run("build", "--repo", str(root), "--format", "sarif")
    assert code == 0, err
    assert json.loads(out)["runs"][0]["results"] == [] and "Built 1 course" in err
