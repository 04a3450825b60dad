"""``lmsctl new-path``: ask for what is missing, create the learning path."""

from __future__ import annotations

from pathlib import Path

import click

from lmsctl.authoring import path as authoring
from lmsctl.authoring.questions import Answers
from lmsctl.commands.new_course import ask_questions, repo_flag, team_note


def run(root: Path, *, path_id: str | None, title: str | None, summary: str | None,
        owners: list[str], courses: list[str], no_input: bool) -> int:
    questions = authoring.path_questions(root)
    given: Answers = {"path_id": path_id, "title": title, "owners": owners,
                      "courses": courses, "summary": summary}
    answers = ask_questions(questions, given, no_input, "new-path")
    spec = authoring.spec_from_answers(answers)
    created = authoring.create_path(root, spec)
    team_note(spec.owners)
    flag = repo_flag(root)
    click.echo(f"Created learning path '{spec.id}' with {len(spec.courses)} "
               f"course{'' if len(spec.courses) == 1 else 's'}:")
    for path in created.paths:
        click.echo(f"  {path}")
    click.echo(f"""
Next steps:
  1. Work on a branch:  git switch -c path/{spec.id}
  2. Check the order of the courses in {created.paths[0]}; mark a course learners may skip
     as {{id: <course>, optional: true}}.
  3. Preview it:        lmsctl serve{flag}
  4. Check it:          lmsctl validate{flag} && lmsctl lint {created.paths[0]}{flag}
  5. Commit, push and open a pull request.
The path is a draft (status: draft): change it to status: published when it is ready.""")
    return 0
