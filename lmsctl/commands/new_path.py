"""``lmsctl new-path``: ask for what is missing, create the learning path."""

from __future__ import annotations

from pathlib import Path

import click

from lmsctl.authoring import path as authoring
from lmsctl.authoring.inputs import summary_note
from lmsctl.authoring.questions import Answers
from lmsctl.commands.new_course import (
    ask_questions,
    codeowners_step,
    print_steps,
    repo_flag,
    team_note,
)


def run(root: Path, *, path_id: str | None, title: str | None, summary: str | None,
        owners: list[str], courses: list[str], no_input: bool) -> int:
    questions = authoring.path_questions(root)
    given: Answers = {"path_id": path_id, "title": title, "owners": owners,
                      "courses": courses, "summary": summary}
    answers = ask_questions(questions, given, no_input, "new-path")
    spec = authoring.spec_from_answers(answers)
    created = authoring.create_path(root, spec)
    team_note(spec.owners)
    note = summary_note(spec.summary)
    if note:
        click.echo(f"note: {note}", err=True)
    flag = repo_flag(root)
    click.echo(f"Created learning path '{spec.id}' with {len(spec.courses)} "
               f"course{'' if len(spec.courses) == 1 else 's'}:")
    rel = created.paths[0]
    click.echo(f"  {rel}")
    print_steps([
        ("Work on a branch:", f"git switch -c path/{spec.id}"),
        ("Check the order:", f"the courses in {rel} are taken in order; mark one that"),
        ("", "learners may skip as {id: <course>, optional: true}"),
        ("Preview it:", f"lmsctl serve{flag}"),
        ("Check it:", f"lmsctl validate{flag} && lmsctl lint {rel}{flag}"),
        *codeowners_step(root, flag),
        ("Open a pull request:", f"commit, push; {' and '.join(spec.owners)} and the CI checks "
                                 "review it."),
    ])
    click.echo("The path is a draft (status: draft): previews show it, the published site "
               "does not.\nChange it to status: published when it is ready.")
    return 0
