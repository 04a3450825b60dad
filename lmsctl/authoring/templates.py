"""Course templates: the built-in ones shipped in ``lmsctl/templates/courses/`` and the
repository's own in ``courses/_templates/<name>/``.

A template is a folder::

    template.yml            description: One line shown by --list-templates
    course.yml.j2           rendered with Jinja2 (files ending .j2 are rendered, others copied)
    lessons/01-....md.j2    one to a few lessons
    assets/...              optional images and files

Templates are rendered in Jinja2's sandbox with strict undefined variables. The variables are
``course`` (id, title, summary, owners, level, skills, audience, template), ``skills`` (the chosen
skills with their titles), ``site`` (title) and ``lmsctl_version``; the filters ``yaml`` (a
value written as safe YAML), ``md`` (text escaped for Markdown) and ``slug``. A repository
template with the name of a built-in one replaces it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path, PurePosixPath
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from lmsctl import __version__
from lmsctl.authoring.inputs import Refusal
from lmsctl.authoring.quoting import markdown_text, yaml_value
from lmsctl.core.errors import LmsctlError
from lmsctl.core.files import inside
from lmsctl.core.ids import SLUG, slugify
from lmsctl.core.yamlstrict import parse_yaml

REPO_TEMPLATES = "courses/_templates"
#: A repository's own lesson template for ``new-lesson`` (replaces the built-in one).
REPO_LESSON_TEMPLATE = f"{REPO_TEMPLATES}/lesson.md.j2"
DEFAULT_TEMPLATE = "standard"
_MAX_TEMPLATE_FILE = 2 * 1024 * 1024


class TemplateError(LmsctlError):
    """A template that cannot be used as it is (exit 1); the message names the file."""


@dataclass(frozen=True)
class CourseTemplate:
    name: str
    description: str
    origin: str  # "built-in" or "repository"
    location: Traversable  # the template folder
    where: str  # for messages: "courses/_templates/x" or "lmsctl/templates/courses/x"


def _package_root() -> Traversable:
    return resources.files("lmsctl").joinpath("templates")


def _walk(folder: Traversable, prefix: PurePosixPath | None = None) -> Iterator[
        tuple[PurePosixPath, Traversable]]:
    prefix = prefix or PurePosixPath()
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name in ("__pycache__", ".DS_Store") or entry.name.endswith(".pyc"):
            continue
        rel = prefix / entry.name
        if isinstance(entry, Path) and entry.is_symlink():
            continue  # never follow links out of a template folder
        if entry.is_dir():
            yield from _walk(entry, rel)
        elif entry.is_file():
            yield rel, entry


def _description(folder: Traversable, where: str) -> tuple[str | None, str | None]:
    """(description, problem) read from a template's template.yml."""
    meta = folder.joinpath("template.yml")
    if not meta.is_file():
        return None, f"{where}/template.yml is missing (it holds `description: One line`)"
    try:
        text = meta.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, f"{where}/template.yml cannot be read: {exc}"
    doc, problems = parse_yaml(text, f"{where}/template.yml")
    if doc is None or problems or not isinstance(doc.data, dict):
        detail = problems[0].message if problems else "it must hold `description: One line`"
        return None, f"{where}/template.yml: {detail}"
    extra = sorted(set(doc.data) - {"description"})
    description = doc.data.get("description")
    if not isinstance(description, str) or not description.strip() or extra:
        why = f"unknown key '{extra[0]}'" if extra else "`description:` must be one line of text"
        return None, f"{where}/template.yml: {why}"
    return " ".join(description.split()), None


def _load(folder: Traversable, name: str, origin: str, where: str) -> tuple[
        CourseTemplate | None, str | None]:
    if not SLUG.match(name):
        return None, (f"{where}/ is not a usable template name (use lowercase words and "
                      f"hyphens, e.g. {slugify(name) or 'my-template'})")
    if not folder.joinpath("course.yml.j2").is_file():
        return None, f"{where}/ has no course.yml.j2"
    description, problem = _description(folder, where)
    if description is None:
        return None, problem
    return CourseTemplate(name, description, origin, folder, where), None


@cache
def builtin_templates() -> tuple[CourseTemplate, ...]:
    found: list[CourseTemplate] = []
    courses = _package_root().joinpath("courses")
    for entry in sorted(courses.iterdir(), key=lambda e: e.name):
        if entry.is_dir() and not entry.name.startswith(("_", ".")):
            template, problem = _load(entry, entry.name, "built-in",
                                      f"lmsctl/templates/courses/{entry.name}")
            if template is None:  # pragma: no cover - a packaging bug, caught by the tests
                raise TemplateError(f"built-in template broken: {problem}")
            found.append(template)
    return tuple(found)


def repository_templates(root: Path) -> tuple[list[CourseTemplate], list[str]]:
    """The repository's templates and the problems of folders that cannot be used."""
    folder = root / REPO_TEMPLATES
    templates: list[CourseTemplate] = []
    problems: list[str] = []
    if not folder.is_dir():
        return templates, problems
    if not inside(root, folder):
        problems.append(f"{REPO_TEMPLATES} leads outside the repository; it is not used")
        return templates, problems
    for entry in sorted(folder.iterdir()):
        if not entry.is_dir() or entry.name.startswith((".", "_")) or entry.is_symlink():
            continue
        template, problem = _load(entry, entry.name, "repository",
                                  f"{REPO_TEMPLATES}/{entry.name}")
        if template is not None:
            templates.append(template)
        elif problem:
            problems.append(problem)
    return templates, problems


def all_templates(root: Path) -> tuple[list[CourseTemplate], list[str]]:
    """Every usable template by name (a repository template replaces a built-in one of the
    same name), and the problems of repository folders that are not usable templates."""
    repo, problems = repository_templates(root)
    by_name = {t.name: t for t in builtin_templates()}
    by_name.update({t.name: t for t in repo})
    return [by_name[n] for n in sorted(by_name, key=lambda n: (n != DEFAULT_TEMPLATE, n))], \
        problems


def find_template(root: Path, name: str) -> CourseTemplate:
    templates, problems = all_templates(root)
    wanted = name.strip()
    for template in templates:
        if template.name == wanted:
            return template
    names = [t.name for t in templates]
    broken = next((p for p in problems if f"/{wanted}/" in p or p.endswith(f"/{wanted}")), None)
    hint = f"Known templates: {', '.join(names)}."
    if broken:
        hint += f" The repository folder {REPO_TEMPLATES}/{wanted}/ is not usable: {broken}."
    hint += " Run lmsctl new-course --list-templates to see what each is for."
    raise Refusal(f"unknown template '{wanted}'", hint,
                  DEFAULT_TEMPLATE if DEFAULT_TEMPLATE in names else None)


def environment() -> SandboxedEnvironment:
    env = SandboxedEnvironment(
        undefined=jinja2.StrictUndefined, keep_trailing_newline=True, autoescape=False,
    )
    env.filters["yaml"] = yaml_value
    env.filters["md"] = markdown_text
    env.filters["slug"] = slugify
    return env


def render_text(text: str, where: str, context: Mapping[str, Any]) -> str:
    """Render one template text; errors name the template file and line."""
    try:
        return environment().from_string(text).render(
            lmsctl_version=__version__, **context)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(f"{where}:{exc.lineno}: template syntax error: {exc.message}",
                            "Fix the Jinja2 markup ({{ ... }}, {% ... %}) on that line.") from exc
    except jinja2.UndefinedError as exc:
        raise TemplateError(f"{where}: {exc.message}",
                            "Templates can use course.id, course.title, course.summary, "
                            "course.owners, course.level, course.skills, course.audience, "
                            "course.template, skills, site.title and lmsctl_version.") from exc
    except jinja2.TemplateError as exc:
        raise TemplateError(f"{where}: {exc}", "Fix the template.") from exc


_ALLOWED_TOP = ("course.yml", "lessons", "assets")


def render_course(template: CourseTemplate, context: Mapping[str, Any]) -> dict[str, bytes]:
    """Every output file of a template (course-relative path -> bytes), rendered in memory."""
    files: dict[str, bytes] = {}
    for rel, entry in _walk(template.location):
        if rel == PurePosixPath("template.yml") or rel.name == ".gitkeep":
            continue
        where = f"{template.where}/{rel}"
        out = rel.with_suffix("") if rel.suffix == ".j2" else rel
        top = out.parts[0]
        if top not in _ALLOWED_TOP or (top == "course.yml" and len(out.parts) > 1):
            raise TemplateError(f"{where}: a template may only hold course.yml.j2, lessons/ and "
                                "assets/", "Move or remove the file.")
        if top == "lessons" and (len(out.parts) != 2 or out.suffix != ".md"):
            raise TemplateError(f"{where}: lessons/ holds Markdown lessons only "
                                "(lessons/01-name.md.j2)", "Move or rename the file.")
        raw = entry.read_bytes()
        if len(raw) > _MAX_TEMPLATE_FILE:
            raise TemplateError(f"{where}: the file is larger than 2 MiB",
                                "Keep template files small; big media do not belong in Git.")
        if rel.suffix == ".j2":
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise TemplateError(f"{where}: not UTF-8 text", "Save it as UTF-8.") from exc
            raw = render_text(text, where, context).encode("utf-8")
        files[out.as_posix()] = raw
    if "course.yml" not in files:  # pragma: no cover - _load checks it
        raise TemplateError(f"{template.where}/ has no course.yml.j2")
    if not any(k.startswith("lessons/") for k in files):
        raise TemplateError(f"{template.where}/ has no lessons",
                            "Add at least one lesson: lessons/01-welcome.md.j2.")
    return files


def lesson_template(root: Path) -> tuple[str, str]:
    """(template text, where) for new-lesson: the repository's own, or the built-in one."""
    own = root / REPO_LESSON_TEMPLATE
    if own.is_file() and not own.is_symlink():
        try:
            return own.read_text("utf-8"), REPO_LESSON_TEMPLATE
        except (OSError, UnicodeDecodeError) as exc:
            raise TemplateError(f"{REPO_LESSON_TEMPLATE} cannot be read: {exc}") from exc
    return (_package_root().joinpath("lesson.md.j2").read_text("utf-8"),
            "lmsctl/templates/lesson.md.j2")


def path_template() -> tuple[str, str]:
    return (_package_root().joinpath("path.yml.j2").read_text("utf-8"),
            "lmsctl/templates/path.yml.j2")
