"""``new-course``: a course folder from a template, checked before it appears."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lmsctl.authoring import files as fs
from lmsctl.authoring.inputs import (
    LEVELS,
    Conflict,
    check_audience,
    check_level,
    check_new_id,
    check_owners,
    check_skills,
    check_summary,
    check_title,
    shown_list,
)
from lmsctl.authoring.questions import Answers, Question
from lmsctl.authoring.templates import (
    DEFAULT_TEMPLATE,
    CourseTemplate,
    TemplateError,
    all_templates,
    find_template,
    render_course,
)
from lmsctl.checks.references import check_references
from lmsctl.content.loader import course_ids, load_config, load_course
from lmsctl.core.diagnostics import Diagnostic, Severity
from lmsctl.core.files import check_inside
from lmsctl.core.model import Config, Repository
from lmsctl.core.spine import diag
from lmsctl.core.yamlstrict import parse_yaml

COURSE_SCHEMA = "../../schemas/course.schema.json"


@dataclass(frozen=True)
class CourseSpec:
    id: str
    title: str
    owners: tuple[str, ...]
    summary: str = ""
    level: str = "beginner"
    skills: tuple[str, ...] = ()
    audience: tuple[str, ...] = ()
    template: str = DEFAULT_TEMPLATE


@dataclass(frozen=True)
class Created:
    """What a ``new-*`` command wrote: repository-relative paths, files and folders."""

    kind: str  # "course", "lesson", "path"
    id: str
    paths: tuple[str, ...]
    notes: tuple[str, ...] = field(default=())


def title_from_id(item_id: str) -> str:
    """``handling-pricing-objections`` -> ``Handling pricing objections``."""
    return item_id.replace("-", " ").strip().capitalize()


def identity_questions(root: Path, kind: str, prompt_example: str, id_example: str,
                       title_example: str) -> list[Question]:
    """The three questions every new course or path starts with: id, title and owners."""
    id_key = f"{kind}_id"
    return [
        Question(id_key, "ID", f"{kind.capitalize()} id (lowercase words joined by hyphens, "
                 f"e.g. {prompt_example})", lambda v: check_new_id(root, str(v), kind),
                 required=True, example=id_example),
        Question("title", "--title", "Title", lambda v: check_title(str(v)), required=True,
                 default=lambda a: title_from_id(a.get(id_key, "")),
                 example=f'--title "{title_example}"'),
        Question("owners", "--owner", "Owners (GitHub @user or @org/team; separate several "
                 "with spaces)", check_owners, required=True, many=True, example="--owner @you"),
    ]


def default_summary(title: str) -> str:
    sep = " " if title.rstrip()[-1:] in ".!?" else ", "
    return f"{title}{sep}in a few short lessons with a knowledge check at the end."


def course_questions(root: Path, config: Config | None = None) -> list[Question]:
    """The questions of ``new-course``, in the order they are asked."""
    cfg = config if config is not None else load_config(root)[0]
    skill_ids = [s.id for s in cfg.skills]

    def templates_intro() -> str:
        templates, problems = all_templates(root)
        lines = ["Templates:"]
        width = max(len(t.name) for t in templates)
        lines += [f"  {t.name:<{width}}  {t.description}" for t in templates]
        lines += [f"  (not usable: {p})" for p in problems]
        return "\n".join(lines)

    return [
        *identity_questions(root, "course", "handling-pricing-objections",
                            "handling-objections", "Handling objections"),
        Question("level", "--level", f"Level ({', '.join(LEVELS)})",
                 lambda v: check_level(str(v)), default=lambda a: "beginner"),
        Question("skills", "--skill", "Skills taught (ids separated by spaces; Enter for none)",
                 lambda v: check_skills(v, cfg.skills), many=True, default=lambda a: "",
                 intro=lambda: f"Skills declared in lmsctl.yml: {shown_list(skill_ids, 40)}",
                 ask=lambda: bool(skill_ids)),
        Question("audience", "--audience", "Audience (roles such as sales or engineering, "
                 "separated by spaces; Enter for none)", check_audience, many=True,
                 default=lambda a: ""),
        Question("summary", "--summary", "Summary (one sentence for the catalog card)",
                 lambda v: check_summary(str(v)),
                 default=lambda a: default_summary(a.get("title", "This course"))),
        Question("template", "--template", "Template",
                 lambda v: find_template(root, str(v)).name,
                 default=lambda a: DEFAULT_TEMPLATE, intro=templates_intro),
    ]


def spec_from_answers(answers: Answers) -> CourseSpec:
    return CourseSpec(
        id=answers["course_id"], title=answers["title"], owners=tuple(answers["owners"]),
        summary=answers.get("summary") or default_summary(answers["title"]),
        level=answers.get("level") or "beginner", skills=tuple(answers.get("skills") or ()),
        audience=tuple(answers.get("audience") or ()),
        template=answers.get("template") or DEFAULT_TEMPLATE,
    )


def render_context(spec: CourseSpec, config: Config) -> dict[str, Any]:
    chosen = [config.skill(s) for s in spec.skills]
    return {
        "course": {
            "id": spec.id, "title": spec.title, "summary": spec.summary,
            "owners": list(spec.owners), "level": spec.level, "skills": list(spec.skills),
            "audience": list(spec.audience), "template": spec.template,
        },
        "skills": [{"id": s.id, "title": s.title, "description": s.description}
                   for s in chosen if s is not None],
        "site": {"title": config.site_title},
    }


def _check_course_yml(text: str, spec: CourseSpec, template: CourseTemplate) -> None:
    """The rendered course.yml holds exactly what the author chose (a template that forgot
    the ``yaml`` filter, or hard-codes a value, is caught here, not in the repository)."""
    where = f"{template.where}/course.yml.j2"
    doc, problems = parse_yaml(text, "course.yml")
    if doc is None or problems or not isinstance(doc.data, dict):
        detail = problems[0].message if problems else "it is not a mapping of keys"
        line = f" (line {problems[0].line})" if problems else ""
        raise TemplateError(f"{where} produced a course.yml that cannot be read{line}: {detail}",
                            "Write every value with the yaml filter: "
                            "title: {{ course.title | yaml }}.")
    data = doc.data
    expected: dict[str, Any] = {
        "title": spec.title, "summary": spec.summary, "owners": list(spec.owners),
        "level": spec.level, "skills": list(spec.skills), "audience": list(spec.audience),
    }
    defaults: dict[str, Any] = {"level": "beginner", "skills": [], "audience": []}
    for key, value in expected.items():
        found = data.get(key, defaults.get(key))
        if found != value:
            raise TemplateError(
                f"{where} does not write the {key} that was chosen into course.yml "
                f"(expected {value!r}, found {found!r})",
                f"Write it as {key}: {{{{ course.{key} | yaml }}}}.")


def check_generated_course(root: Path, folder: Path, config: Config,
                           final_rel: str) -> list[Diagnostic]:
    """Validate a staged course folder as the validator will once it is in place; the
    diagnostics name the final paths."""
    course, problems, _ = load_course(root, folder)
    if course is not None:
        repo = Repository(root=root, config=config, courses=(course,), paths=())
        # Prerequisites name other courses, which this one-course repository lacks: they are
        # checked against the course folders instead. Featured paths (LMS222) are about
        # lmsctl.yml and the paths, which this repository leaves out, not about the course.
        problems += [d for d in check_references(repo)
                     if d.rule not in ("LMS201", "LMS202", "LMS222")]
        known = set(course_ids(root))
        for i, pre in enumerate(course.prerequisites):
            if pre not in known:
                line, col = course.doc.pos(("prerequisites", i))
                problems.append(diag("LMS201", course.rel, line, col,
                                     f"prerequisite '{pre}' is not a course"))
    staged_rel = folder.relative_to(root).as_posix()
    out: list[Diagnostic] = []
    for d in problems:
        if d.severity is not Severity.ERROR:
            continue
        path = final_rel + d.path[len(staged_rel):] if d.path.startswith(staged_rel) else d.path
        out.append(Diagnostic(d.rule, d.severity, path, d.line, d.column,
                              d.message.replace(staged_rel, final_rel), d.hint))
    return out


def plan_course(root: Path, spec: CourseSpec, config: Config) -> dict[str, bytes]:
    """Check the spec again (the library does not trust its caller) and render every file."""
    check_new_id(root, spec.id, "course")
    if (check_title(spec.title) != spec.title or check_summary(spec.summary) != spec.summary
            or check_owners(spec.owners) != list(spec.owners)
            or check_level(spec.level) != spec.level
            or check_skills(spec.skills, config.skills) != list(spec.skills)
            or check_audience(spec.audience) != list(spec.audience)):
        raise ValueError("CourseSpec values must be the checked ones (see lmsctl.authoring)")
    template = find_template(root, spec.template)
    files = render_course(template, render_context(spec, config))
    text = files["course.yml"].decode("utf-8")
    text = fs.with_modeline(text, COURSE_SCHEMA)
    _check_course_yml(text, spec, template)
    files["course.yml"] = text.encode("utf-8")
    return files


def create_course(root: Path, spec: CourseSpec) -> Created:
    """Create ``courses/<id>/`` from ``spec``: all of it, checked, or nothing."""
    config, _ = load_config(root)
    files = plan_course(root, spec, config)
    folders: tuple[str, ...] = ("lessons", "assets")
    if not any(rel.startswith("assets/") for rel in files):
        files["assets/.gitkeep"] = b""  # git keeps no empty folders
    courses_dir = root / "courses"
    check_inside(root, courses_dir, "the folder")
    final_rel = f"courses/{spec.id}"
    made = fs.make_folders(courses_dir)
    try:
        with fs.staging(courses_dir, spec.id) as staging:
            folder = staging / spec.id
            fs.write_tree(folder, files, folders)
            problems = check_generated_course(root, folder, config, final_rel)
            if problems:
                shown = "\n".join(f"  {d.path}:{d.line}:{d.column}: {d.rule} {d.message}"
                                  for d in problems[:10])
                raise TemplateError(
                    f"template '{spec.template}' produced a course that does not validate; "
                    f"nothing was written:\n{shown}",
                    "Fix the template's files (the paths above are where they would go).")
            try:
                fs.move_folder(folder, courses_dir / spec.id)
            except fs.AlreadyExists as exc:
                raise Conflict(f"courses/{spec.id}/ appeared while the course was being "
                               "created; nothing was written",
                               "Someone or something else created it: look at it, then choose "
                               "another id.") from exc
    except BaseException:
        fs.remove_empty(made)
        raise
    lessons = sorted(rel for rel in files if rel.startswith("lessons/"))
    assets = sorted(rel for rel in files if rel.startswith("assets/") and rel != "assets/.gitkeep")
    listed = ["course.yml", *lessons, *assets, "assets/"]
    return Created("course", spec.id, tuple(f"{final_rel}/{rel}" for rel in listed))
