"""``new-lesson``: the next numbered lesson of a course, from the lesson template."""

from __future__ import annotations

import dataclasses
import difflib
import re
from pathlib import Path
from typing import Any

import yaml

from lmsctl.authoring import files as fs
from lmsctl.authoring.course import Created
from lmsctl.authoring.inputs import (
    MAX_ID_LENGTH,
    Conflict,
    Refusal,
    check_title,
    shown_list,
)
from lmsctl.authoring.quoting import yaml_str
from lmsctl.authoring.templates import TemplateError, lesson_template, render_text
from lmsctl.checks.references import check_references
from lmsctl.content.loader import course_ids, load_config, load_course, load_lesson
from lmsctl.content.markdown import split_front_matter
from lmsctl.core.diagnostics import Diagnostic, Severity
from lmsctl.core.ids import SLUG, lesson_id, slugify
from lmsctl.core.model import Repository
from lmsctl.core.yamlstrict import parse_yaml

_NUMBER = re.compile(r"^(\d+)")


def _course_dir(root: Path, course_id: str) -> Path:
    folder = root / "courses" / course_id
    if SLUG.match(course_id) and (folder / "course.yml").is_file():
        return folder
    known = course_ids(root)
    guess = difflib.get_close_matches(course_id, known, n=1, cutoff=0.6) or \
        difflib.get_close_matches(slugify(course_id), known, n=1, cutoff=0.6)
    hint = (f"Did you mean '{guess[0]}'? " if guess else "") + \
        f"Courses: {shown_list(known)}. Create a course with lmsctl new-course."
    raise Refusal(f"no course '{course_id}' (there is no courses/{course_id}/course.yml)", hint,
                  guess[0] if guess else None)


def _existing_lessons(lessons_dir: Path) -> list[str]:
    if not lessons_dir.is_dir():
        return []
    return sorted(p.name for p in lessons_dir.iterdir()
                  if p.suffix == ".md" and not p.name.startswith("."))


def next_file_name(existing: list[str], slug: str) -> str:
    """``03-<slug>.md`` after ``01-...``, ``02-...``: one more than the highest number, padded
    like the existing files (at least two digits)."""
    numbers = [(int(m.group(1)), len(m.group(1))) for n in existing if (m := _NUMBER.match(n))]
    number = max((n for n, _ in numbers), default=0) + 1
    width = max([2, *(w for _, w in numbers)])
    return f"{number:0{width}d}-{slug}.md"


def append_to_lessons(text: str, file_name: str) -> str | None:
    """course.yml text with ``file_name`` added at the end of its ``lessons:`` list (block or
    flow style, comments kept), or None when there is no list that can be edited safely."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None
    if not isinstance(node, yaml.MappingNode):
        return None
    seq = next((v for k, v in node.value if isinstance(k, yaml.ScalarNode)
                and k.value == "lessons" and isinstance(v, yaml.SequenceNode)), None)
    if seq is None:
        return None
    if seq.flow_style:
        end = seq.end_mark.index
        if text[end - 1:end] != "]":
            return None
        item = yaml_str(file_name, flow=True)
        new = text[:end - 1] + (", " if seq.value else "") + item + text[end - 1:]
    else:
        if not seq.value:
            return None
        first, last = seq.value[0], seq.value[-1]
        line_start = text.rfind("\n", 0, first.start_mark.index) + 1
        prefix = text[line_start:first.start_mark.index]
        if not re.fullmatch(r"[ ]*-[ ]+", prefix):
            return None
        end = last.end_mark.index
        line_end = end - 1 if text[end - 1:end] == "\n" else text.find("\n", end)
        addition = prefix + yaml_str(file_name) + "\n"
        if line_end == -1:
            new = text + "\n" + addition
        else:
            new = text[:line_end + 1] + addition + text[line_end + 1:]
    old_doc, _ = parse_yaml(text, "course.yml")
    new_doc, problems = parse_yaml(new, "course.yml")
    if old_doc is None or new_doc is None or problems:
        return None
    old, updated = old_doc.data, new_doc.data
    if not isinstance(old, dict) or not isinstance(updated, dict):
        return None
    if updated.get("lessons") != [*old.get("lessons", []), file_name]:
        return None
    if {k: v for k, v in updated.items() if k != "lessons"} != \
            {k: v for k, v in old.items() if k != "lessons"}:
        return None
    return new


def _course_data(text: str) -> dict[str, Any]:
    doc, _ = parse_yaml(text, "course.yml")
    return doc.data if doc is not None and isinstance(doc.data, dict) else {}


def render_lesson(root: Path, course_id: str, course: dict[str, Any], title: str,
                  file_name: str) -> str:
    template, where = lesson_template(root)
    config, _ = load_config(root)
    context = {
        "lesson": {"id": lesson_id(file_name), "title": title, "file_name": file_name,
                   "number": int(_NUMBER.match(file_name).group(1))  # type: ignore[union-attr]
                   },
        "course": {"id": course_id, "title": str(course.get("title") or course_id),
                   "owners": list(course.get("owners") or []),
                   "level": str(course.get("level") or "beginner")},
        "site": {"title": config.site_title},
    }
    text = render_text(template, where, context)
    fm = split_front_matter(text)
    doc = parse_yaml(fm.text, "lesson")[0] if fm is not None else None
    found = doc.data.get("title") if doc is not None and isinstance(doc.data, dict) else None
    if found != title:
        raise TemplateError(f"{where} does not write the lesson title into its front matter "
                            f"(expected {title!r}, found {found!r})",
                            "Start it with ---, then title: {{ lesson.title | yaml }}, then ---.")
    return text


def check_staged_lesson(root: Path, course_dir: Path, staged: Path,
                        final_rel: str) -> list[Diagnostic]:
    """Validate a staged lesson as if it were at ``final_rel`` (its images and linked files
    are looked up from there)."""
    lesson, problems = load_lesson(root, staged, course_dir.name)
    staged_rel = staged.relative_to(root).as_posix()
    if lesson is not None:
        config, _ = load_config(root)
        course, _, _ = load_course(root, course_dir)
        if course is not None:
            placed = dataclasses.replace(lesson, rel=final_rel)
            repo = Repository(root=root, config=config, paths=(),
                              courses=(dataclasses.replace(course, lessons=(placed,)),))
            problems += [d for d in check_references(repo) if d.path == final_rel]
    return [dataclasses.replace(d, path=final_rel) if d.path == staged_rel else d
            for d in problems if d.severity is Severity.ERROR]


def create_lesson(root: Path, course_id: str, title: str) -> Created:
    """Add the next numbered lesson to a course; all of it, checked, or nothing."""
    course_dir = _course_dir(root, course_id)
    title = check_title(title)
    slug = slugify(title)[:MAX_ID_LENGTH].rstrip("-")
    if not slug:
        raise Refusal(f"the title {title!r} has no letters or digits to make a file name from",
                      "Use a title with some words, e.g. \"Handling the first call\".")
    lessons_dir = course_dir / "lessons"
    existing = _existing_lessons(lessons_dir)
    ids = {lesson_id(name): name for name in existing}
    rel_dir = f"courses/{course_id}"
    if slug in ids:
        raise Conflict(f"course '{course_id}' already has a lesson '{slug}' "
                       f"({rel_dir}/lessons/{ids[slug]})",
                       "A lesson's id is its file name without the number, so titles must "
                       "differ: choose another title, or edit that lesson.")
    file_name = next_file_name(existing, slug)
    course_yml = course_dir / "course.yml"
    course_raw = course_yml.read_bytes()
    course_text = course_raw.decode("utf-8", errors="replace")
    course = _course_data(course_text)
    notes: list[str] = []
    updated: str | None = None
    if isinstance(course.get("lessons"), list):
        updated = append_to_lessons(course_text, file_name)
        if updated is None:
            notes.append(f"{rel_dir}/course.yml lists its lessons under lessons:, in a form "
                         f"lmsctl does not edit; add {file_name} there yourself, or the lesson "
                         "is not part of the course")
    text = render_lesson(root, course_id, course, title, file_name)
    made = fs.make_folders(lessons_dir)
    target = lessons_dir / file_name
    try:
        with fs.staging(lessons_dir, slug) as staging:
            staged = staging / file_name
            staged.write_bytes(text.encode("utf-8"))
            errors = check_staged_lesson(root, course_dir, staged, f"{rel_dir}/lessons/"
                                         f"{file_name}")
            if errors:
                shown = "; ".join(f"line {d.line}: {d.message}" for d in errors[:5])
                raise TemplateError(f"the lesson template produced a lesson that does not "
                                    f"validate: {shown}; nothing was written",
                                    "Fix the lesson template.")
            try:
                fs.link_file(staged, target)
            except fs.AlreadyExists as exc:
                raise Conflict(f"{rel_dir}/lessons/{file_name} appeared while the lesson was "
                               "being created; nothing was written",
                               "Run the command again.") from exc
        if updated is not None:
            try:
                fs.replace_file(course_yml, course_raw, updated.encode("utf-8"))
            except BaseException as exc:
                target.unlink()
                if isinstance(exc, fs.AlreadyExists):
                    raise Conflict(f"{rel_dir}/course.yml changed while the lesson was being "
                                   "created; nothing was written",
                                   "Save your changes and run the command again.") from exc
                raise
    except BaseException:
        fs.remove_empty(made)
        raise
    paths = [f"{rel_dir}/lessons/{file_name}"]
    if updated is not None:
        paths.append(f"{rel_dir}/course.yml")
    return Created("lesson", lesson_id(file_name), tuple(paths), tuple(notes))
