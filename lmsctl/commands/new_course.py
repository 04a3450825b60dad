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
from lmsctl.authoring.inputs import Conflict, Refusal, summary_note
from lmsctl.authoring.questions import Answers, Question, check_given, fill_without_input
from lmsctl.authoring.templates import all_templates
from lmsctl.content.loader import load_config
from lmsctl.core.errors import LmsctlError, UsageError


def _stdin_is_terminal() -> bool:
    isatty = getattr(sys.stdin, "isatty", None)
    return bool(isatty and isatty())


class _InputEnded(Exception):
    """Standard input ended (or Ctrl+C / Ctrl+D) while ``question`` was asked."""

    def __init__(self, question: Question, refused: bool) -> None:
        super().__init__(question.key)
        self.question = question
        self.refused = refused  # an answer to this question was refused just before


def _ask(question: Question, answers: Answers) -> object:
    if question.intro is not None:
        click.echo(question.intro())
    default = question.default_text(answers)
    refused = False
    while True:
        try:
            text = click.prompt(question.prompt, default=default, show_default=bool(default))
        except click.Abort as exc:
            raise _InputEnded(question, refused) from exc
        if not _stdin_is_terminal():
            click.echo(text)  # a piped answer is not echoed by the terminal; keep logs readable
        try:
            return question.parse(text)
        except (Refusal, Conflict) as exc:
            refused = True
            click.echo(f"  {exc.message}", err=True)
            if exc.hint:
                click.echo(f"  hint: {exc.hint}", err=True)
            if exc.suggestion:
                default = exc.suggestion


def _name(question: Question) -> str:
    return question.prompt.split(" (")[0]


def ask_questions(questions: Sequence[Question], given: Answers, no_input: bool,
                  command: str) -> Answers:
    """Check the values given as options, then ask for the missing ones in order (or, with
    ``no_input``, use defaults and name what is missing).

    Piped answers (one per line) may stop once the required questions are answered: the
    optional ones then take their defaults, as Enter would. Input that ends before a required
    answer, or right after a refused answer, is a usage error; Ctrl+C or Ctrl+D at a terminal
    cancels. Nothing has been written then."""
    answers = check_given(questions, given)
    if no_input:
        return fill_without_input(questions, answers, command)
    for question in questions:
        if question.key in answers:
            continue
        if not question.asked():
            answers[question.key] = question.parse(question.default_text(answers) or "")
            continue
        try:
            answers[question.key] = _ask(question, answers)
        except _InputEnded as ended:
            click.echo("", err=True)
            if _stdin_is_terminal():
                raise LmsctlError("cancelled; nothing was written") from ended
            rest = [q for q in questions if q.key not in answers]
            if ended.refused or any(q.required for q in rest):
                name = _name(ended.question)
                what = (f"the input ended after a refused answer to '{name}'" if ended.refused
                        else f"the input ended before '{name}' was answered")
                raise UsageError(f"{what}; nothing was written",
                                 f"Give one answer per line, or pass the values as options "
                                 f"with --no-input (lmsctl {command} --help lists them)."
                                 ) from ended
            for rest_question in rest:
                answers[rest_question.key] = rest_question.parse(
                    rest_question.default_text(answers) or "")
            shown = ", ".join(_name(q) for q in rest if q.asked())
            click.echo(f"note: the input ended; the defaults were used for: {shown}.",
                       err=True)
            break
    return answers


def repo_flag(root: Path) -> str:
    """`` --repo ROOT`` when commands run from the current folder would not find ``root``."""
    try:
        inside = Path.cwd().resolve().is_relative_to(root.resolve())
    except OSError:
        inside = False
    return "" if inside else f" --repo {click.format_filename(root)}"


def print_steps(steps: Sequence[tuple[str, str]]) -> None:
    """Numbered next steps; a step with an empty label continues the previous one."""
    click.echo("\nNext steps:")
    number = 0
    for label, text in steps:
        if label:
            number += 1
        head = f"{number}. {label}" if label else ""
        click.echo(f"  {head:<24}{text}")


def codeowners_step(root: Path, flag: str) -> list[tuple[str, str]]:
    if not (root / ".github" / "CODEOWNERS").is_file():
        return []
    return [("Name the reviewers:",
             f"lmsctl codeowners{flag}   (updates .github/CODEOWNERS; commit it too)")]


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
    note = summary_note(spec.summary)
    if note:
        click.echo(f"note: {note}", err=True)
    owners = " and ".join(spec.owners)
    steps = [
        ("Work on a branch:", f"git switch -c course/{cid}"),
        ("Write the course:", "replace the example text and the <!-- notes --> in the lessons,"),
        ("", "and the objectives in course.yml. Add a lesson with"),
        ("", f'lmsctl new-lesson {cid} "Lesson title"{flag}'),
        ("Preview it:", f"lmsctl serve --course {cid}{flag}"),
        ("Check it:", f"lmsctl validate{flag} && lmsctl lint courses/{cid}{flag}"),
    ]
    steps += codeowners_step(root, flag)
    steps.append(("Open a pull request:", f"commit, push; {owners} and the CI checks review it."))
    print_steps(steps)
    click.echo("The course is a draft (status: draft in course.yml): previews show it, the "
               "published\nsite does not. Change it to status: published when it is ready. "
               "CONTRIBUTING.md is\nthe author's guide.")


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
