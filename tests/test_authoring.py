"""new-course, new-lesson and new-path from the command line: prompts, flags, refusals.

Every refusal is checked to leave the repository byte-identical (a hash of every file and
folder before and after), and every created course to pass validation.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from lmsctl.authoring.lesson import append_to_lessons, next_file_name
from lmsctl.checks.validate import validate_repository
from lmsctl.cli import cli
from lmsctl.content.loader import find_root
from lmsctl.core.yamlstrict import parse_yaml
from tests.conftest import MINIMAL_LESSON, build_tree

MODELINE = "# yaml-language-server: $schema=../../schemas/course.schema.json"


def tree_state(root: Path) -> dict[str, str]:
    """Every file (by content hash), folder and link under ``root``."""
    state: dict[str, str] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_symlink():
            state[rel] = "link:" + os.readlink(path)
        elif path.is_dir():
            state[rel + "/"] = "folder"
        else:
            state[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return state


def invoke(root: Path, *args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(cli, [*args, "--repo", str(root)], input=input)


def load_yaml(path: Path) -> dict[str, object]:
    doc, problems = parse_yaml(path.read_text("utf-8"), path.name)
    assert doc is not None and not problems, problems
    assert isinstance(doc.data, dict)
    return doc.data


def assert_valid(root: Path) -> None:
    _, report = validate_repository(root)
    assert report.sorted() == []


def refused(root: Path, *args: str, input: str | None = None, code: int) -> Result:
    """Run a command that must be refused, and check that nothing changed."""
    before = tree_state(root)
    result = invoke(root, *args, input=input)
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert tree_state(root) == before
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("error: ") or "error:" in result.stderr
    return result


# --- new-course with options --------------------------------------------------------------


def test_every_option(sample_repo: Path) -> None:
    result = invoke(sample_repo, "new-course", "pricing-101", "--title", "Pricing: the basics",
                    "--owner", "@jdoe", "--owner", "@acme/sales-enablement", "--template",
                    "how-to", "--level", "Intermediate", "--skill", "negotiation", "--skill",
                    "qualification", "--audience", "sales", "--audience", "customer-success",
                    "--summary", "Price with confidence, #1 skill for \"new\" reps.",
                    "--no-input")
    assert result.exit_code == 0, result.stderr
    folder = sample_repo / "courses" / "pricing-101"
    text = (folder / "course.yml").read_text("utf-8")
    assert text.splitlines()[0] == MODELINE
    data = load_yaml(folder / "course.yml")
    assert data["title"] == "Pricing: the basics"
    assert data["owners"] == ["@jdoe", "@acme/sales-enablement"]
    assert data["level"] == "intermediate"
    assert data["skills"] == ["negotiation", "qualification"]
    assert data["audience"] == ["sales", "customer-success"]
    assert data["summary"] == "Price with confidence, #1 skill for \"new\" reps."
    assert data["status"] == "draft"
    assert sorted(p.name for p in (folder / "lessons").iterdir()) == [
        "01-before-you-start.md", "02-step-by-step.md", "03-check-your-work.md"]
    assert (folder / "assets" / "step-1.svg").is_file()
    assert_valid(sample_repo)


def test_prints_the_next_steps(sample_repo: Path) -> None:
    result = invoke(sample_repo, "new-course", "pricing-101", "--title", "Pricing",
                    "--owner", "@jdoe", "--no-input")
    assert result.exit_code == 0
    out = result.stdout
    assert "courses/pricing-101/course.yml" in out
    assert "courses/pricing-101/lessons/01-why-it-matters.md" in out
    steps = ["git switch -c course/pricing-101", "lmsctl serve --course pricing-101",
             "lmsctl validate", "lmsctl lint courses/pricing-101", "pull request"]
    positions = [out.index(s) for s in steps]
    assert positions == sorted(positions)


def test_next_steps_name_the_repo_when_run_from_elsewhere(
        sample_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = invoke(sample_repo, "new-course", "pricing-101", "--title", "Pricing",
                    "--owner", "@jdoe", "--no-input")
    assert result.exit_code == 0
    assert f"lmsctl serve --course pricing-101 --repo {sample_repo}" in result.stdout
    monkeypatch.chdir(sample_repo / "courses")
    inside = invoke(sample_repo, "new-course", "pricing-102", "--title", "Pricing",
                    "--owner", "@jdoe", "--no-input")
    assert inside.exit_code == 0
    assert "--repo" not in inside.stdout


def test_a_note_when_no_team_owns_the_course(sample_repo: Path) -> None:
    alone = invoke(sample_repo, "new-course", "a1", "--title", "A", "--owner", "@a",
                   "--no-input")
    assert "note: every owner is a person; add your team too" in alone.stderr
    team = invoke(sample_repo, "new-course", "a2", "--title", "A", "--owner", "@a",
                  "--owner", "@acme/x", "--no-input")
    assert "note:" not in team.stderr


def test_empty_assets_folder_is_kept_for_git(sample_repo: Path) -> None:
    assert invoke(sample_repo, "new-course", "a-course", "--title", "A", "--owner", "@a",
                  "--no-input").exit_code == 0
    assets = sample_repo / "courses" / "a-course" / "assets"
    assert [p.name for p in assets.iterdir()] == [".gitkeep"]
    assert (assets / ".gitkeep").read_bytes() == b""


def test_creates_courses_folder_in_an_empty_repository(tmp_path: Path) -> None:
    root = build_tree(tmp_path / "repo", {"lmsctl.yml": "site: {title: T}\n"})
    result = invoke(root, "new-course", "first", "--title", "First", "--owner", "@me",
                    "--no-input")
    assert result.exit_code == 0, result.stderr
    assert (root / "courses" / "first" / "course.yml").is_file()
    assert_valid(root)


def test_found_from_a_subfolder(sample_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(sample_repo / "courses" / "sales-basics")
    result = CliRunner().invoke(cli, ["new-course", "from-inside", "--title", "Inside",
                                      "--owner", "@me", "--no-input"])
    assert result.exit_code == 0, result.stderr
    assert find_root(sample_repo / "courses" / "from-inside") == sample_repo


# --- prompts --------------------------------------------------------------------------------

PROMPTS = ["Course id", "Title", "Owners", "Level", "Skills taught", "Audience", "Summary",
           "Template"]


def test_prompts_in_order_and_enter_accepts_defaults(sample_repo: Path) -> None:
    result = invoke(sample_repo, "new-course", input="handling-pushback\n\n@jdoe\n" + "\n" * 5)
    assert result.exit_code == 0, result.stderr
    positions = [result.stdout.index(p) for p in PROMPTS]
    assert positions == sorted(positions)
    data = load_yaml(sample_repo / "courses" / "handling-pushback" / "course.yml")
    assert data["title"] == "Handling pushback"  # the default made from the id
    assert data["level"] == "beginner"
    assert data["skills"] == [] and data["audience"] == []
    assert "Handling pushback" in str(data["summary"])
    assert (sample_repo / "courses" / "handling-pushback" / "lessons" /
            "01-why-it-matters.md").is_file()  # standard template
    assert_valid(sample_repo)


def unused_id(root: Path, wanted: str) -> str:
    """``wanted``, or ``wanted-2``... when this repository's content (which the sample copies,
    and which authors extend, e.g. with the guide's own customer-calls) already uses it."""
    for candidate in [wanted, *(f"{wanted}-{n}" for n in range(2, 100))]:
        if not (root / "courses" / candidate).exists() and not any(
                (root / "paths" / f"{candidate}{ext}").exists() for ext in (".yml", ".yaml")):
            return candidate
    raise AssertionError(wanted)


def test_three_answers_are_enough(sample_repo: Path) -> None:
    """The issue's "done when": three answers, Enter for the rest, a valid course."""
    cid = unused_id(sample_repo, "customer-calls")
    result = invoke(sample_repo, "new-course",
                    input=f"{cid}\nCustomer calls that go well\n@mlopez\n" + "\n" * 5)
    assert result.exit_code == 0, result.stderr
    assert f"lmsctl serve --course {cid}" in result.stdout
    assert_valid(sample_repo)


def test_piped_answers_for_every_question(sample_repo: Path) -> None:
    answers = ["q3-pricing", "Q3 pricing: what's new?", "@jdoe @acme/sales-enablement",
               "advanced", "negotiation, qualification", "sales account-management",
               "What changed in Q3 pricing, and how to explain it.", "sales-playbook"]
    result = invoke(sample_repo, "new-course", input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.stderr
    data = load_yaml(sample_repo / "courses" / "q3-pricing" / "course.yml")
    assert data["title"] == "Q3 pricing: what's new?"
    assert data["owners"] == ["@jdoe", "@acme/sales-enablement"]
    assert data["level"] == "advanced"
    assert data["skills"] == ["negotiation", "qualification"]
    assert data["audience"] == ["sales", "account-management"]
    assert data["tags"] == ["sales", "playbook"]
    assert_valid(sample_repo)


def test_options_given_are_not_asked(sample_repo: Path) -> None:
    result = invoke(sample_repo, "new-course", "given-id", "--owner", "@me",
                    "--template", "onboarding", input="Given title\n" + "\n" * 4)
    assert result.exit_code == 0, result.stderr
    assert "Course id" not in result.stdout and "Owners" not in result.stdout
    assert "Template" not in result.stdout
    assert (sample_repo / "courses" / "given-id" / "lessons" / "01-welcome.md").is_file()


def test_a_wrong_answer_is_asked_again_with_the_fix_as_default(sample_repo: Path) -> None:
    answers = ["Bad ID!", "", "", "jdoe", "", "expert", "", "negociation", "", "Sales Reps", "",
               "", "nope", ""]
    result = invoke(sample_repo, "new-course", input="\n".join(answers) + "\n")
    assert result.exit_code == 0, (result.stdout, result.stderr)
    assert "'Bad ID!' is not a valid course id" in result.stderr
    assert "[bad-id]" in result.stdout
    assert "write '@jdoe'" in result.stderr
    assert "unknown level 'expert'" in result.stderr
    assert "Did you mean 'negotiation'?" in result.stderr
    assert "unknown template 'nope'" in result.stderr
    data = load_yaml(sample_repo / "courses" / "bad-id" / "course.yml")
    assert data["owners"] == ["@jdoe"]
    assert data["level"] == "beginner"
    assert data["skills"] == ["negotiation"]
    assert data["audience"] == ["sales", "reps"]
    assert_valid(sample_repo)


def test_existing_id_at_the_prompt_is_asked_again(sample_repo: Path) -> None:
    result = invoke(sample_repo, "new-course",
                    input="sales-basics\n\nT\n@me\n" + "\n" * 5)
    assert result.exit_code == 0, result.stderr
    assert "a course 'sales-basics' already exists" in result.stderr
    assert (sample_repo / "courses" / "sales-basics-2" / "course.yml").is_file()


def test_input_that_ends_early_writes_nothing(sample_repo: Path) -> None:
    result = refused(sample_repo, "new-course", input="half-done\nHalf done\n", code=2)
    assert "input ended before 'Owners' was answered" in result.stderr
    assert "nothing was written" in result.stderr


def test_piped_input_may_end_after_the_three_required_answers(sample_repo: Path) -> None:
    """`printf 'id\\ntitle\\n@owner\\n' | lmsctl new-course`: the rest take their defaults."""
    cid = unused_id(sample_repo, "customer-calls")
    done = subprocess.run([sys.executable, "-m", "lmsctl.cli", "new-course", "--repo",
                           str(sample_repo)],
                          input=f"{cid}\nCustomer calls that go well\n@mlopez\n",
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert ("note: the input ended; the defaults were used for: Level, Skills taught, "
            "Audience, Summary, Template.") in done.stderr
    assert f"lmsctl serve --course {cid}" in done.stdout
    data = load_yaml(sample_repo / "courses" / cid / "course.yml")
    assert data["title"] == "Customer calls that go well" and data["owners"] == ["@mlopez"]
    assert data["level"] == "beginner" and data["skills"] == [] and data["audience"] == []
    assert (sample_repo / "courses" / cid / "lessons" /
            "01-why-it-matters.md").is_file()  # the default template
    assert_valid(sample_repo)


def test_input_that_ends_after_a_refused_optional_answer_writes_nothing(
        sample_repo: Path) -> None:
    result = refused(sample_repo, "new-course", input="x-course\nX\n@me\nexpert\n", code=2)
    assert "unknown level 'expert'" in result.stderr
    assert "input ended after a refused answer to 'Level'" in result.stderr


def test_input_that_ends_before_the_title_writes_nothing(sample_repo: Path) -> None:
    """The title has a default, but it is required: an id alone is not enough."""
    result = refused(sample_repo, "new-course", input="x-course\n", code=2)
    assert "input ended before 'Title' was answered" in result.stderr


def test_no_input_at_all_is_a_usage_error(sample_repo: Path) -> None:
    result = refused(sample_repo, "new-course", input="", code=2)
    assert "'Course id'" in result.stderr


def test_skills_are_not_asked_when_none_are_declared(tmp_path: Path) -> None:
    root = build_tree(tmp_path / "repo", {"lmsctl.yml": "site: {title: T}\n", "courses": None})
    result = invoke(root, "new-course", input="x-course\n\n@me\n" + "\n" * 4)
    assert result.exit_code == 0, result.stderr
    assert "Skills" not in result.stdout


def test_real_terminal_pipe(sample_repo: Path) -> None:
    """stdin as a real pipe to a real process, as in `printf ... | lmsctl new-course`."""
    answers = "piped-course\nPiped: a course\n@jdoe\n\n\n\n\nhow-to\n"
    done = subprocess.run([sys.executable, "-m", "lmsctl.cli", "new-course", "--repo",
                           str(sample_repo)], input=answers, capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    data = load_yaml(sample_repo / "courses" / "piped-course" / "course.yml")
    assert data["title"] == "Piped: a course"
    assert data["tags"] == ["how-to"]
    assert "Course id" in done.stdout and "piped-course" in done.stdout
    assert_valid(sample_repo)


def test_real_pipe_that_ends_early(sample_repo: Path) -> None:
    before = tree_state(sample_repo)
    done = subprocess.run([sys.executable, "-m", "lmsctl.cli", "new-course", "--repo",
                           str(sample_repo)], input="only-an-id\n", capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 2
    assert "input ended" in done.stderr and "Traceback" not in done.stderr
    assert tree_state(sample_repo) == before


# --- refusals -------------------------------------------------------------------------------

BASE = ["--title", "T", "--owner", "@me", "--no-input"]


def test_no_input_names_everything_missing(sample_repo: Path) -> None:
    result = refused(sample_repo, "new-course", "--no-input", code=2)
    assert "missing ID, --title, --owner" in result.stderr
    assert "lmsctl new-course handling-objections" in result.stderr


def test_no_input_names_the_one_missing(sample_repo: Path) -> None:
    result = refused(sample_repo, "new-course", "x-course", "--owner", "@me", "--no-input",
                     code=2)
    assert "missing --title (with --no-input nothing is asked)" in result.stderr


@pytest.mark.parametrize(("args", "code", "words"), [
    (["sales-basics", *BASE], 1, ["a course 'sales-basics' already exists",
                                  "courses/sales-basics/", "sales-basics-2",
                                  "lmsctl new-lesson sales-basics"]),
    (["sales-onboarding", *BASE], 1, ["already the id of a learning path",
                                      "paths/sales-onboarding.yml"]),
    (["Bad ID!", *BASE], 2, ["'Bad ID!' is not a valid course id", "use 'bad-id'"]),
    (["Éclair_Basics", *BASE], 2, ["use 'eclair-basics'"]),
    (["a" * 70, *BASE], 2, ["70 characters long; the limit is 64"]),
    (["ok-id", *BASE, "--template", "fancy"], 2,
     ["unknown template 'fancy'", "Known templates: standard, ", "how-to", "onboarding",
      "policy-update", "sales-playbook", "--list-templates"]),
    (["ok-id", "--title", "T", "--owner", "jdoe", "--no-input"], 2,
     ["owner 'jdoe' is not a GitHub user or team", "write '@jdoe'"]),
    (["ok-id", "--title", "T", "--owner", "@bad/owner/x", "--no-input"], 2,
     ["owner '@bad/owner/x' is not a GitHub user or team"]),
    (["ok-id", "--title", "T", "--owner", "https://github.com/jdoe", "--no-input"], 2,
     ["write '@jdoe'"]),
    (["ok-id", *BASE, "--skill", "negociation"], 2,
     ["unknown skill 'negociation'", "Did you mean 'negotiation'?", "course-authoring",
      "public-speaking"]),
    (["ok-id", *BASE, "--level", "expert"], 2,
     ["unknown level 'expert'", "beginner, intermediate, advanced"]),
    (["ok-id", *BASE, "--audience", "Sales Team!"], 2,
     ["audience 'Sales' is not a valid role id"]),
    (["ok-id", "--title", "Line\nbreak", "--owner", "@me", "--no-input"], 2,
     ["the title holds U+000A", "one line"]),
    (["ok-id", "--title", "x" * 121, "--owner", "@me", "--no-input"], 2,
     ["121 characters long; the limit is 120"]),
    (["ok-id", "--title", "   ", "--owner", "@me", "--no-input"], 2, ["the title is empty"]),
    (["ok-id", *BASE, "--summary", "tab\there"], 2, ["the summary holds U+0009"]),
])
def test_refusals_leave_the_tree_untouched(sample_repo: Path, args: list[str], code: int,
                                           words: list[str]) -> None:
    result = refused(sample_repo, "new-course", *args, code=code)
    for word in words:
        assert word in result.stderr


def test_all_problems_with_the_options_are_reported_together(sample_repo: Path) -> None:
    result = refused(sample_repo, "new-course", "Bad ID!", "--title", "T", "--owner", "jdoe",
                     "--skill", "nope", "--no-input", code=2)
    assert "3 problems with the values given" in result.stderr
    for word in ("'Bad ID!' is not a valid", "owner 'jdoe'", "unknown skill 'nope'"):
        assert word in result.stderr


def test_refusal_comes_before_any_question(sample_repo: Path) -> None:
    result = refused(sample_repo, "new-course", "--skill", "nope", input="x\n", code=2)
    assert "Course id" not in result.stdout


def test_unknown_skill_when_none_are_declared(tmp_path: Path) -> None:
    root = build_tree(tmp_path / "repo", {"lmsctl.yml": "site: {title: T}\n", "courses": None})
    result = refused(root, "new-course", "x", *BASE, "--skill", "sql", code=2)
    assert "lmsctl.yml declares no skills" in result.stderr


def git(root: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "T", "GIT_COMMITTER_EMAIL": "t@example.org"}
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True,
                          text=True, env=env).stdout


def test_ids_of_deleted_content_are_never_reused(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"courses/old-course/course.yml": "title: Old\nsummary: S\n"
                      "owners: ['@a']\n"})
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-qm", "add")
    git(root, "rm", "-rq", "courses/old-course")
    git(root, "commit", "-qm", "remove")
    commit = git(root, "log", "-1", "--format=%h").strip()
    result = refused(root, "new-course", "old-course", *BASE, code=1)
    assert f"deleted in commit {commit}" in result.stderr
    assert "ids are never reused" in result.stderr
    assert "old-course-2" in result.stderr
    assert f"git restore --source {commit}~1 courses/old-course/" in result.stderr
    assert invoke(root, "new-course", "new-course", *BASE).exit_code == 0


# --- repository templates -------------------------------------------------------------------

def test_list_templates(sample_repo: Path) -> None:
    build_tree(sample_repo, {"courses/_templates/broken/course.yml.j2": "title: x\n"})
    result = invoke(sample_repo, "new-course", "--list-templates")
    assert result.exit_code == 0
    names = [line.split()[0] for line in result.stdout.splitlines()]
    # The built-in ones and this repository's own (which authors may add to), standard first.
    own = {p.parent.name for p in (sample_repo / "courses" / "_templates").glob("*/template.yml")}
    assert "policy-update" in own
    assert names == ["standard", *sorted({"how-to", "onboarding", "sales-playbook"} | own)]
    for line in result.stdout.splitlines():
        assert len(line.split(None, 1)[1]) > 20  # every template has a description
    assert "[courses/_templates/policy-update/]" in result.stdout
    assert "courses/_templates/broken/template.yml is missing" in result.stderr


def test_repository_template(sample_repo: Path) -> None:
    result = invoke(sample_repo, "new-course", "retention", "--title", "Data retention",
                    "--owner", "@acme/legal", "--template", "policy-update", "--no-input")
    assert result.exit_code == 0, result.stderr
    data = load_yaml(sample_repo / "courses" / "retention" / "course.yml")
    assert data["review_every"] == 90 and data["tags"] == ["policy"]
    assert_valid(sample_repo)


TEMPLATE_META = "description: Mine.\n"
GOOD_LESSON = MINIMAL_LESSON
GOOD_COURSE = ("title: {{ course.title | yaml }}\nsummary: {{ course.summary | yaml }}\n"
               "owners: {{ course.owners | yaml }}\nlevel: {{ course.level | yaml }}\n"
               "skills: {{ course.skills | yaml }}\naudience: {{ course.audience | yaml }}\n")


def with_template(root: Path, name: str, files: dict[str, str | bytes | None]) -> Path:
    base = f"courses/_templates/{name}/"
    return build_tree(root, {base + rel: content for rel, content in files.items()})


def test_repository_template_replaces_a_built_in_one(sample_repo: Path) -> None:
    with_template(sample_repo, "standard", {
        "template.yml": "description: Our own standard.\n", "course.yml.j2": GOOD_COURSE,
        "lessons/01-only.md.j2": GOOD_LESSON, "assets/logo.svg": "<svg/>"})
    listing = invoke(sample_repo, "new-course", "--list-templates").stdout
    assert "Our own standard." in listing
    assert invoke(sample_repo, "new-course", "ours", *BASE).exit_code == 0
    folder = sample_repo / "courses" / "ours"
    assert [p.name for p in (folder / "lessons").iterdir()] == ["01-only.md"]
    assert (folder / "assets" / "logo.svg").read_text() == "<svg/>"  # copied as is
    assert (folder / "course.yml").read_text().startswith(MODELINE + "\n")  # modeline added


@pytest.mark.parametrize(("files", "words"), [
    ({"lessons/01-a.md.j2": GOOD_LESSON.replace("      correct: true\n", "")},
     ["does not validate", "courses/new-one/lessons/01-a.md", "LMS121"]),
    ({"lessons/01-a.md.j2": GOOD_LESSON + "\n{{ nothing.here }}\n"},
     ["courses/_templates/mine/lessons/01-a.md.j2", "'nothing' is undefined"]),
    ({"lessons/01-a.md.j2": GOOD_LESSON + "\n{% if %}\n"},
     ["courses/_templates/mine/lessons/01-a.md.j2:", "syntax error"]),
    ({"course.yml.j2": GOOD_COURSE.replace("{{ course.title | yaml }}", "{{ course.title }}"),
      "lessons/01-a.md.j2": GOOD_LESSON},
     ["course.yml that cannot be read", "yaml filter"]),
    ({"course.yml.j2": GOOD_COURSE.replace("{{ course.level | yaml }}", "beginner"),
      "lessons/01-a.md.j2": GOOD_LESSON},
     ["does not write the level that was chosen"]),
    ({"lessons/01-a.md.j2": GOOD_LESSON, "lessons/02-b.md.j2": "---\ntitle: B\n---\n"
      "![Chart](../assets/missing.png)\n"},
     ["LMS207", "courses/new-one/lessons/02-b.md"]),
    ({"lessons/01-a.md.j2": GOOD_LESSON, "notes.txt": "x"}, ["may only hold"]),
    ({"assets/a.png": b"\x89PNG"}, ["has no lessons"]),
])
def test_broken_repository_template_writes_nothing(sample_repo: Path,
                                                   files: dict[str, str | bytes | None],
                                                   words: list[str]) -> None:
    with_template(sample_repo, "mine", {"template.yml": TEMPLATE_META,
                                        "course.yml.j2": GOOD_COURSE, **files})
    result = refused(sample_repo, "new-course", "new-one", "--title", "Colon: title",
                     "--owner", "@me", "--level", "advanced", "--template", "mine",
                     "--no-input", code=1)
    for word in words:
        assert word in result.stderr
    assert not any(p.name.startswith(".lmsctl-new") for p in (sample_repo / "courses").iterdir())


def test_failure_half_way_leaves_no_courses_folder(tmp_path: Path) -> None:
    root = build_tree(tmp_path / "repo", {"lmsctl.yml": "site: {title: T}\n"})
    result = invoke(root, "new-course", "x", *BASE, "--template", "nope")
    assert result.exit_code == 2
    assert not (root / "courses").exists()


# --- new-lesson -----------------------------------------------------------------------------

def test_new_lesson_is_numbered_and_transliterated(sample_repo: Path) -> None:
    result = invoke(sample_repo, "new-lesson", "sales-basics", "Éclair basics: a \"first\" #1")
    assert result.exit_code == 0, result.stderr
    lesson = sample_repo / "courses/sales-basics/lessons/04-eclair-basics-a-first-1.md"
    assert "courses/sales-basics/lessons/04-eclair-basics-a-first-1.md" in result.stdout
    assert "lmsctl serve --course sales-basics" in result.stdout
    text = lesson.read_text("utf-8")
    front = parse_yaml(text.split("---\n")[1], "fm")[0]
    assert front is not None and front.data["title"] == "Éclair basics: a \"first\" #1"
    assert "```quiz" in text
    assert_valid(sample_repo)


def test_new_lesson_in_a_course_without_lessons(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"courses/empty/course.yml": "title: E\nsummary: S\nowners: ['@a']\n"})
    assert invoke(root, "new-lesson", "empty", "Getting started").exit_code == 0
    assert (root / "courses/empty/lessons/01-getting-started.md").is_file()
    assert_valid(root)


def test_next_file_name() -> None:
    assert next_file_name([], "a") == "01-a.md"
    assert next_file_name(["01-x.md", "02-y.md", "notes.md"], "a") == "03-a.md"
    assert next_file_name(["009-x.md", "010-y.md"], "a") == "011-a.md"
    assert next_file_name(["9-x.md"], "a") == "10-a.md"


@pytest.mark.parametrize(("args", "code", "words"), [
    (["sales-basic", "Title"], 2, ["no course 'sales-basic'", "Did you mean 'sales-basics'?"]),
    (["Sales Basics", "Title"], 2, ["no course 'Sales Basics'", "'sales-basics'"]),
    (["sales-basics", "Discovery questions!"], 1,
     ["already has a lesson 'discovery-questions'", "lessons/01-discovery-questions.md"]),
    (["sales-basics", "!!!"], 2, ["no letters or digits"]),
    (["sales-basics", "two\nlines"], 2, ["one line"]),
    (["_templates", "Title"], 2, ["no course '_templates'"]),
    (["../paths", "Title"], 2, ["no course '../paths'"]),
])
def test_new_lesson_refusals(sample_repo: Path, args: list[str], code: int,
                             words: list[str]) -> None:
    result = refused(sample_repo, "new-lesson", *args, code=code)
    for word in words:
        assert word in result.stderr


def test_new_lesson_adds_itself_to_a_lessons_list(make_repo: Callable[..., Path]) -> None:
    course = ("title: Sales basics\nsummary: S\nowners: ['@jdoe']\n"
              "lessons:\n  - 01-discovery-questions.md  # keep first\n"
              "status: published  # trailing\n")
    root = make_repo({"courses/sales-basics/course.yml": course})
    result = invoke(root, "new-lesson", "sales-basics", "Next steps")
    assert result.exit_code == 0, result.stderr
    assert "courses/sales-basics/course.yml" in result.stdout
    text = (root / "courses/sales-basics/course.yml").read_text()
    assert text == course.replace("# keep first\n", "# keep first\n  - 02-next-steps.md\n")
    assert_valid(root)


def test_append_to_lessons_forms() -> None:
    assert append_to_lessons("lessons: [a.md, b.md]  # c\n", "c.md") == \
        "lessons: [a.md, b.md, c.md]  # c\n"
    assert append_to_lessons("lessons:\n- a.md\n", "02-x.md") == "lessons:\n- a.md\n- 02-x.md\n"
    assert append_to_lessons("lessons:\n  - a.md", "b.md") == "lessons:\n  - a.md\n  - b.md\n"
    assert append_to_lessons("lessons: []\n", "a.md") == "lessons: [a.md]\n"
    assert append_to_lessons("lessons:\n  - >-\n    a.md\n", "b.md") == \
        "lessons:\n  - >-\n    a.md\n  - b.md\n"
    assert append_to_lessons("lessons:\n  - # c\n    a.md\n", "b.md") is None
    assert append_to_lessons("title: x\n", "a.md") is None
    assert append_to_lessons("lessons:\n  - a.md\nother: [1]\n", "b.md") == \
        "lessons:\n  - a.md\n  - b.md\nother: [1]\n"


def test_new_lesson_notes_a_list_it_cannot_edit(make_repo: Callable[..., Path]) -> None:
    course = ("title: Sales basics\nsummary: S\nowners: ['@jdoe']\n"
              "lessons:\n  - # first\n    01-discovery-questions.md\n")
    root = make_repo({"courses/sales-basics/course.yml": course})
    result = invoke(root, "new-lesson", "sales-basics", "Next steps")
    assert result.exit_code == 0
    assert "add 02-next-steps.md there yourself" in result.stderr
    assert (root / "courses/sales-basics/course.yml").read_text() == course


def test_repository_lesson_template(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"courses/_templates/lesson.md.j2":
                      "---\ntitle: {{ lesson.title | yaml }}\n---\nOurs for {{ course.id }}, "
                      "lesson {{ lesson.number }}.\n"})
    assert invoke(root, "new-lesson", "sales-basics", "Ours").exit_code == 0
    text = (root / "courses/sales-basics/lessons/02-ours.md").read_text()
    assert "Ours for sales-basics, lesson 2." in text
    bad = make_repo({"courses/_templates/lesson.md.j2": "---\ntitle: Fixed\n---\nx\n"})
    result = refused(bad, "new-lesson", "sales-basics", "Other", code=1)
    assert "does not write the lesson title" in result.stderr


# --- new-path -------------------------------------------------------------------------------

def test_new_path_with_options(sample_repo: Path) -> None:
    result = invoke(sample_repo, "new-path", "new-reps", "--title", "New reps: start here",
                    "--summary", "Your first month.", "--owner", "@acme/sales-enablement",
                    "--course", "sales-basics", "--course", "handling-pricing-objections",
                    "--no-input")
    assert result.exit_code == 0, result.stderr
    file = sample_repo / "paths" / "new-reps.yml"
    assert file.read_text().splitlines()[0] == \
        "# yaml-language-server: $schema=../schemas/path.schema.json"
    data = load_yaml(file)
    assert data["title"] == "New reps: start here"
    assert data["courses"] == ["sales-basics", "handling-pricing-objections"]
    assert data["status"] == "draft"
    assert "git switch -c path/new-reps" in result.stdout
    assert_valid(sample_repo)


def test_new_path_prompts(sample_repo: Path) -> None:
    result = invoke(sample_repo, "new-path",
                    input="reviewers\n\n@mlopez\ngiving-useful-peer-review sales-basics\n\n")
    assert result.exit_code == 0, result.stderr
    order = [result.stdout.index(p) for p in ("Path id", "Title", "Owners", "Courses",
                                              "Summary")]
    assert order == sorted(order)
    data = load_yaml(sample_repo / "paths" / "reviewers.yml")
    assert data["title"] == "Reviewers"
    assert data["courses"] == ["giving-useful-peer-review", "sales-basics"]
    assert_valid(sample_repo)


def test_new_path_creates_the_paths_folder(make_repo: Callable[..., Path]) -> None:
    root = make_repo()
    assert invoke(root, "new-path", "p", "--title", "P", "--owner", "@a", "--course",
                  "sales-basics", "--no-input").exit_code == 0
    assert_valid(root)


@pytest.mark.parametrize(("args", "code", "words"), [
    (["p", "--title", "P", "--owner", "@a", "--course", "sales-basic", "--no-input"], 2,
     ["unknown course 'sales-basic'", "Did you mean 'sales-basics'?"]),
    (["p", "--title", "P", "--owner", "@a", "--course", "sales-basics", "--course",
      "sales-basics", "--no-input"], 2, ["listed twice"]),
    (["sales-onboarding", "--title", "P", "--owner", "@a", "--course", "sales-basics",
      "--no-input"], 1, ["a learning path 'sales-onboarding' already exists"]),
    (["sales-basics", "--title", "P", "--owner", "@a", "--course", "sales-basics",
      "--no-input"], 1, ["already the id of a course"]),
    (["P Q", "--title", "P", "--owner", "@a", "--course", "sales-basics", "--no-input"], 2,
     ["use 'p-q'"]),
    (["p", "--title", "P", "--owner", "a@b", "--course", "sales-basics", "--no-input"], 2,
     ["owner 'a@b'"]),
    (["p", "--title", "P", "--owner", "@a", "--no-input"], 2,
     ["missing --course", "--course first-week-onboarding"]),
    (["--no-input"], 2, ["missing ID, --title, --owner, --course"]),
])
def test_new_path_refusals(sample_repo: Path, args: list[str], code: int,
                           words: list[str]) -> None:
    result = refused(sample_repo, "new-path", *args, code=code)
    for word in words:
        assert word in result.stderr


# --- advice printed after creating ----------------------------------------------------------

def test_summary_advice_matches_the_lint_rules(sample_repo: Path) -> None:
    from lmsctl.authoring.inputs import CARD_SUMMARY
    from lmsctl.checks.rules import content

    assert (content.SUMMARY_MIN, content.SUMMARY_MAX) == CARD_SUMMARY
    short = invoke(sample_repo, "new-course", "s1", *BASE, "--summary", "Short.")
    assert "note: the summary has 6 characters" in short.stderr
    long = invoke(sample_repo, "new-course", "s2", *BASE, "--summary", "x" * 201)
    assert "cut off" in long.stderr
    fine = invoke(sample_repo, "new-course", "s3", *BASE, "--summary", "y" * 60)
    assert "summary" not in fine.stderr


def test_codeowners_step_when_the_repository_uses_codeowners(sample_repo: Path) -> None:
    without = invoke(sample_repo, "new-course", "c1", *BASE)
    assert "lmsctl codeowners" not in without.stdout
    build_tree(sample_repo, {".github/CODEOWNERS": "* @acme/learning-platform\n"})
    with_it = invoke(sample_repo, "new-course", "c2", *BASE)
    assert "lmsctl codeowners" in with_it.stdout
    steps = with_it.stdout[with_it.stdout.index("Next steps"):]
    assert steps.index("lmsctl lint") < steps.index("lmsctl codeowners") < \
        steps.index("pull request")
    path = invoke(sample_repo, "new-path", "p1", *BASE[:-1], "--course", "c2", "--no-input")
    assert "lmsctl codeowners" in path.stdout
