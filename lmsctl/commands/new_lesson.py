"""``lmsctl new-lesson COURSE TITLE [--after LESSON]``: add a numbered lesson to a course."""

from __future__ import annotations

from pathlib import Path

import click

from lmsctl.authoring.lesson import create_lesson
from lmsctl.commands.new_course import repo_flag


def run(root: Path, course_id: str, title: str, after: str | None = None) -> int:
    created = create_lesson(root, course_id, title, after)
    click.echo(f"Created lesson '{created.id}' in course '{course_id}':")
    for path in created.paths:
        click.echo(f"  {path}")
    for note in created.notes:
        click.echo(f"note: {note}", err=True)
    flag = repo_flag(root)
    click.echo(f"""
Next steps:
  1. Write the lesson:  replace the example text and the <!-- notes --> in
                        {created.paths[0]}
  2. Preview it:        lmsctl serve --course {course_id}{flag}
  3. Check it:          lmsctl lint courses/{course_id}{flag}""")
    return 0
