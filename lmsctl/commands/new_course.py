"""``lmsctl new-course``: ask for what is missing, create the course, print the next steps.

The asking lives here (click); the checking, rendering and writing in ``lmsctl.authoring``.
``ask_questions`` is shared with ``new-path``.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import click

from lmsctl.authoring import course as authoring
from lmsctl.authoring.inputs import Conflict, Refusal
from lmsctl.authoring.questions import Answers, Question, check_given, fill_without_input
from lmsctl.authoring.templates import all_templates
from lmsctl.errors import LmsctlError, UsageError
from lmsctl.loader import load_config


def _stdin_is_terminal() -> bool:
    isatty = getattr(sys.stdin, "isatty", None)
    return bool(isatty and isatty())


def _ask(question: Question, answers: Answers) -> object:
    if question.intro is not None:
        click.echo(question.intro())
    default = question.default_text(answers)
    while True:
        text = click.prompt(question.prompt, default=default, show_default=bool(default))
        if not _stdin_is_terminal():
            click.echo(text)  # a piped answer is not echoed by the terminal; keep logs readable
        try:
            return question.parse(text)
        except (Refusal, Conflict) as exc:
            click.echo(f"  {exc.message}", err=True)
            if exc.hint:
                click.echo(f"  hint: {exc.hint}", err=True)
            if exc.suggestion:
                default = exc.suggestion


def ask_questions(questions: Sequence[Question], given: Answers, no_input: bool,
                  command: str) -> Answers:
    """Check the values given as options, then ask for the missing ones in order (or, with
    ``no_input``, use defaults and name what is missing). Input that ends early is a usage
    error; nothing has been written at that point."""
    answers = check_given(questions, given)
    if no_input:
        return fill_without_input(questions, answers, command)
    try:
        for question in questions:
            if question.key in answers:
                continue
            if not question.asked():
                answers[question.key] = question.parse(question.default_text(answers) or "")
                continue
            answers[question.key] = _ask(question, answers)
    except click.Abort as exc:
        click.echo("", err=True)
        if _stdin_is_terminal():
            raise LmsctlError("cancelled; nothing was written") from exc
        missing = next(q for q in questions if q.key not in answers)
        raise UsageError(f"the input ended before '{missing.prompt.split(' (')[0]}' was "
                         "answered; nothing was written",
                         f"Give one answer per line, or pass the values as options with "
                         f"--no-input (lmsctl {command} --help lists them).") from exc
    return answers


def repo_flag(root: Path) -> str:
    """`` --repo ROOT`` when commands run from the current folder would not find ``root``."""
    try:
        inside = Path.cwd().resolve().is_relative_to(root.resolve())
    except OSError:
        inside = False
    return "" if inside else f" --repo {click.format_filename(root)}"


def team_note(owners: Sequence[str]) -> None:
    """Lint reports content owned only by people (LMS708); say so while it is easy to fix."""
    if not any("/" in owner for owner in owners):
        click.echo("note: every owner is a person; add your team too (--owner @org/team, or in "
                   "owners:), so that reviews go on when someone is away.", err=True)


def show_templates(root: Path) -> int:
    templates, problems = all_templates(root)
    width = max(len(t.name) for t in templates)
    for t in templates:
        origin = "" if t.origin == "built-in" else f"  [{t.where}/]"
        click.echo(f"{t.name:<{width}}  {t.description}{origin}")
    for problem in problems:
        click.echo(f"note: not a usable template: {problem}", err=True)
    return 0


def print_next_steps(root: Path, created: authoring.Created, spec: authoring.CourseSpec) -> None:
    flag = repo_flag(root)
    cid = spec.id
    click.echo(f"Created course '{cid}' from the {spec.template} template:")
    for path in created.paths:
        click.echo(f"  {path}")
    if not (root / "schemas" / "course.schema.json").is_file():
        click.echo("note: schemas/course.schema.json is missing, so editors cannot check "
                   "course.yml as you type.", err=True)
    team_note(spec.owners)
    owners = " and ".join(spec.owners)
    click.echo(f"""
Next steps:
  1. Work on a branch:    git switch -c course/{cid}
  2. Write the course:    replace the example text and the <!-- notes --> in the lessons,
                          and the objectives in course.yml. Add a lesson with
                          lmsctl new-lesson {cid} "Lesson title"{flag}
  3. Preview it:          lmsctl serve --course {cid}{flag}
  4. Check it:            lmsctl validate{flag} && lmsctl lint courses/{cid}{flag}
  5. Commit, push and open a pull request: {owners} and the CI checks review it.
The course is a draft (status: draft in course.yml): previews show it, the published site does
not. Change it to status: published when it is ready. CONTRIBUTING.md is the author's guide.""")


def run(root: Path, *, course_id: str | None, title: str | None, owners: list[str],
        template: str | None, level: str | None, skills: list[str], audience: list[str],
        summary: str | None, no_input: bool, list_templates: bool) -> int:
    if list_templates:
        return show_templates(root)
    config, _ = load_config(root)
    questions = authoring.course_questions(root, config)
    given: Answers = {
        "course_id": course_id, "title": title, "owners": owners, "level": level,
        "skills": skills, "audience": audience, "summary": summary, "template": template,
    }
    answers = ask_questions(questions, given, no_input, "new-course")
    spec = authoring.spec_from_answers(answers)
    created = authoring.create_course(root, spec)
    print_next_steps(root, created, spec)
    return 0
