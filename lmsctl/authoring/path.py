"""``new-path``: a learning path file, checked before it appears."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lmsctl.authoring import files as fs
from lmsctl.authoring.course import Created, identity_questions
from lmsctl.authoring.inputs import (
    Conflict,
    check_course_ids,
    check_new_id,
    check_owners,
    check_summary,
    check_title,
    shown_list,
)
from lmsctl.authoring.questions import Answers, Question
from lmsctl.authoring.templates import TemplateError, path_template, render_text
from lmsctl.content.loader import course_ids, load_config, load_path
from lmsctl.core.diagnostics import Severity
from lmsctl.core.files import check_inside
from lmsctl.core.yamlstrict import parse_yaml

PATH_SCHEMA = "../schemas/path.schema.json"


@dataclass(frozen=True)
class PathSpec:
    id: str
    title: str
    owners: tuple[str, ...]
    courses: tuple[str, ...]
    summary: str = ""


def default_path_summary(title: str) -> str:
    sep = " " if title.rstrip()[-1:] in ".!?" else ": "
    return f"{title}{sep}the courses to take, in the order that builds up the skills."


def path_questions(root: Path) -> list[Question]:
    """The questions of ``new-path``, in the order they are asked."""
    known = course_ids(root)
    return [
        *identity_questions(root, "path", "sales-onboarding", "sales-onboarding",
                            "Sales onboarding"),
        Question("courses", "--course", "Courses, in the order learners take them (ids "
                 "separated by spaces)", lambda v: check_course_ids(v, known), required=True,
                 many=True, intro=lambda: f"Courses: {shown_list(known, 40)}",
                 example=" ".join(f"--course {c}" for c in (known[:2] or ["sales-basics"]))),
        Question("summary", "--summary", "Summary (one sentence: who the path is for and what "
                 "it gets them)", lambda v: check_summary(str(v)),
                 default=lambda a: default_path_summary(a.get("title", "This path"))),
    ]


def spec_from_answers(answers: Answers) -> PathSpec:
    return PathSpec(id=answers["path_id"], title=answers["title"],
                    owners=tuple(answers["owners"]), courses=tuple(answers["courses"]),
                    summary=answers.get("summary") or default_path_summary(answers["title"]))


def render_path(root: Path, spec: PathSpec) -> str:
    config, _ = load_config(root)
    template, where = path_template()
    text = render_text(template, where, {
        "path": {"id": spec.id, "title": spec.title, "summary": spec.summary,
                 "owners": list(spec.owners), "courses": list(spec.courses)},
        "site": {"title": config.site_title},
    })
    text = fs.with_modeline(text, PATH_SCHEMA)
    doc, problems = parse_yaml(text, "path.yml")
    data = doc.data if doc is not None and isinstance(doc.data, dict) else {}
    expected = {"title": spec.title, "summary": spec.summary, "owners": list(spec.owners),
                "courses": list(spec.courses)}
    if problems or {k: data.get(k) for k in expected} != expected:
        raise TemplateError(f"{where} does not write the chosen values into the path "
                            "(a value without the yaml filter?)",
                            "Write each value as key: {{ path.key | yaml }}.")
    return text


def create_path(root: Path, spec: PathSpec) -> Created:
    """Create ``paths/<id>.yml``: checked, or nothing."""
    check_new_id(root, spec.id, "path")
    if (check_title(spec.title) != spec.title or check_summary(spec.summary) != spec.summary
            or check_owners(spec.owners) != list(spec.owners)
            or check_course_ids(spec.courses, course_ids(root)) != list(spec.courses)):
        raise ValueError("PathSpec values must be the checked ones (see lmsctl.authoring)")
    text = render_path(root, spec)
    paths_dir = root / "paths"
    check_inside(root, paths_dir, "the folder")
    rel = f"paths/{spec.id}.yml"
    made = fs.make_folders(paths_dir)
    try:
        with fs.staging(paths_dir, spec.id) as staging:
            staged = staging / f"{spec.id}.yml"
            staged.write_bytes(text.encode("utf-8"))
            path, problems = load_path(root, staged)
            errors = [d for d in problems if d.severity is Severity.ERROR]
            if errors or path is None:
                shown = "; ".join(f"line {d.line}: {d.message}" for d in errors[:5])
                raise TemplateError(f"the path template produced a file that does not "
                                    f"validate: {shown}; nothing was written")
            try:
                fs.link_file(staged, paths_dir / f"{spec.id}.yml")
            except fs.AlreadyExists as exc:
                raise Conflict(f"{rel} appeared while the path was being created; nothing "
                               "was written", "Look at it, then choose another id.") from exc
    except BaseException:
        fs.remove_empty(made)
        raise
    return Created("path", spec.id, (rel,))
