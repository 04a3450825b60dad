"""Read a course repository into the immutable model, collecting every problem on the way.

Each file is read and parsed once; schema validators are built once per process.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

from lmsctl.content.markdown import read, split_front_matter
from lmsctl.core import schema
from lmsctl.core.diagnostics import Diagnostic
from lmsctl.core.document import LessonDocument, ref_label
from lmsctl.core.errors import RepositoryNotFound
from lmsctl.core.ids import SLUG, lesson_id, slugify
from lmsctl.core.model import (
    Analytics,
    Choice,
    Config,
    Course,
    LearningPath,
    Lesson,
    Link,
    PathMember,
    Question,
    Quiz,
    Repository,
    Skill,
    XapiEndpoint,
)
from lmsctl.core.spine import diag
from lmsctl.core.yamlstrict import MAX_YAML_BYTES, YamlDoc, decode_text, parse_yaml

#: Largest lesson file read, in bytes.
MAX_LESSON_BYTES = 1024 * 1024


def find_root(start: Path) -> Path:
    """The repository root: the nearest folder at or above ``start`` with ``lmsctl.yml`` (or,
    failing that, with a ``courses/`` folder)."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / "lmsctl.yml").is_file():
            return folder
    for folder in (start, *start.parents):
        if (folder / "courses").is_dir():
            return folder
    raise RepositoryNotFound(
        f"no course repository at or above {start}",
        "Run lmsctl inside a repository that has lmsctl.yml and courses/, or pass --repo DIR.",
    )


def is_content_folder(folder: Path) -> bool:
    """A folder under courses/ that may be a course: not ``_templates`` and the like (``_``),
    not hidden (``.``)."""
    return folder.is_dir() and not folder.name.startswith(("_", "."))


def course_ids(root: Path) -> list[str]:
    """Ids of the course folders (content folders holding a course.yml), sorted; reads no
    file."""
    folder = root / "courses"
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir()
                  if is_content_folder(p) and (p / "course.yml").is_file())


def unknown_course_hint(root: Path, course_id: str) -> str:
    """How to fix a reference to a course that does not exist: the nearest ids, or the list."""
    ids = course_ids(root)
    close = difflib.get_close_matches(course_id, ids, n=3)
    if close:
        return "Did you mean " + " or ".join(close) + "?"
    if ids:
        return ("Course ids are the folder names under courses/; this repository has: "
                + ", ".join(ids[:10]) + (", ..." if len(ids) > 10 else "") + ".")
    return "There are no courses yet; lmsctl new-course creates one."



def _rel(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def read_text(root: Path, path: Path, max_bytes: int) -> tuple[str | None, list[Diagnostic]]:
    """A file's text, or the diagnostics that say why it cannot be read."""
    rel = _rel(root, path)
    if path.is_dir():
        return None, [diag("LMS101", rel, 1, 1, "this is a folder, but a file belongs here",
                           f"Remove or rename the folder and create the file {path.name}.")]
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return None, [diag("LMS211", rel, 1, 1,
                               f"file is {size // 1024} KiB; the limit is {max_bytes // 1024} KiB")]
        raw = path.read_bytes()
    except OSError as exc:
        return None, [diag("LMS101", rel, 1, 1, f"cannot read the file: {exc.strerror}")]
    text, problems = decode_text(raw, rel)
    if text is not None and not text.strip():
        return None, [diag("LMS101", rel, 1, 1, "file is empty")]
    return text, problems


def load_yaml_file(
    root: Path, path: Path, schema_name: str
) -> tuple[YamlDoc | None, list[Diagnostic]]:
    """Read, parse strictly and schema-check one YAML file."""
    text, problems = read_text(root, path, MAX_YAML_BYTES)
    if text is None:
        return None, problems
    rel = _rel(root, path)
    doc, problems = parse_yaml(text, rel)
    if doc is None:
        return None, problems
    if doc.data is None:
        return None, [*problems, diag("LMS101", rel, 1, 1, "file has no content",
                                      "Fill in the keys; lmsctl new-course writes a start.")]
    problems += _not_at(schema.check(schema_name, doc, rel), problems)
    return doc, problems


def _not_at(found: list[Diagnostic], already: list[Diagnostic]) -> list[Diagnostic]:
    """Drop follow-on schema errors at a place where a YAML problem is already reported
    (an alias read as empty would otherwise also be 'not a list')."""
    taken = {(d.line, d.column) for d in already}
    return [d for d in found if (d.line, d.column) not in taken]


def _strs(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(str(v) for v in value if isinstance(v, (str, int, float)))


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _str(value: Any, default: str = "") -> str:
    return value if isinstance(value, str) else default


def _int(value: Any, default: int | None) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def load_config(root: Path) -> tuple[Config, list[Diagnostic]]:
    path = root / "lmsctl.yml"
    if not path.exists():
        return Config(), []
    doc, problems = load_yaml_file(root, path, "lmsctl")
    if doc is None or not isinstance(doc.data, dict):
        return Config(exists=True), problems
    data = doc.data
    site = _dict(data.get("site"))
    repo = _dict(data.get("repository"))
    defaults = _dict(data.get("defaults"))
    skills_raw = _dict(data.get("skills"))
    skills = tuple(
        Skill(id=str(k), title=_str(v.get("title"), str(k)), description=_str(v.get("description")))
        for k, v in skills_raw.items() if isinstance(v, dict)
    )
    return Config(
        site_title=_str(site.get("title"), "Learning"),
        site_url=_str(site.get("url")),
        site_description=_str(site.get("description")),
        repo_url=_str(repo.get("url")).rstrip("/"),
        branch=_str(repo.get("branch"), "main"),
        review_every=_int(defaults.get("review_every"), 365) or 365,
        featured_paths=_strs(data.get("featured_paths")),
        maintainers=_strs(data.get("maintainers")),
        skills=skills,
        lint=_dict(data.get("lint")),
        analytics=_analytics(_dict(data.get("analytics"))),
        doc=doc,
        exists=True,
    ), problems


def _analytics(raw: dict[str, Any]) -> Analytics:
    xapi = _dict(raw.get("xapi"))
    endpoint, auth = _str(xapi.get("endpoint")).strip(), _str(xapi.get("auth")).strip()
    return Analytics(
        xapi=XapiEndpoint(endpoint=endpoint if endpoint.endswith("/") else endpoint + "/",
                          auth=auth) if endpoint else None,
        activity_base=_str(raw.get("activity_base")).strip(),
        min_learners=_int(raw.get("min_learners"), 5) or 5,
    )


def _load_quiz(
    block_content: str, rel: str, fence_line: int, end_line: int, indent: int, first_index: int
) -> tuple[Quiz, list[Diagnostic]]:
    doc, problems = parse_yaml(block_content, rel, line_offset=fence_line, column_offset=indent)
    questions: list[Question] = []
    if doc is None:
        return Quiz(fence_line, end_line, ()), problems
    if doc.data is None:
        problems.append(diag("LMS120", rel, fence_line, indent + 1, "quiz block is empty",
                             "Write at least one question: - question: ... with choices:"))
        return Quiz(fence_line, end_line, (), doc), problems
    if not isinstance(doc.data, list):
        line, col = doc.pos(())
        problems.append(diag("LMS120", rel, line, col, "a quiz block must be a list of "
                             "questions, each starting with '- question:'"))
        return Quiz(fence_line, end_line, (), doc), problems
    problems += _not_at(schema.check("quiz", doc, rel), problems)
    for qi, raw in enumerate(doc.data):
        if not isinstance(raw, dict):
            continue
        qline, qcol = doc.pos((qi,))
        choices: list[Choice] = []
        raw_choices = _list(raw.get("choices"))
        for ci, c in enumerate(raw_choices):
            if not isinstance(c, dict):
                continue
            cline, ccol = doc.pos((qi, "choices", ci))
            cid = c.get("id")
            choices.append(Choice(text=_str(c.get("text")), correct=c.get("correct") is True,
                                  explanation=_str(c.get("explanation")), line=cline,
                                  column=ccol, index=ci,
                                  id=cid if isinstance(cid, str) and SLUG.match(cid) else None))
        undecided = any(isinstance(c, dict) and "correct" in c and not isinstance(
            c["correct"], bool) for c in raw_choices)  # already reported by the schema
        if choices and not undecided and not any(c.correct for c in choices):
            kline, kcol = doc.key_pos((qi, "choices"))
            problems.append(diag("LMS121", rel, kline, kcol,
                                 f"question {first_index + qi + 1} has no correct choice"))
        question_id = raw.get("id") if isinstance(raw.get("id"), str) else None
        questions.append(Question(index=first_index + qi, id=question_id,
                                  question=_str(raw.get("question")), choices=tuple(choices),
                                  line=qline, column=qcol))
    return Quiz(fence_line, end_line, tuple(questions), doc), problems


def load_lesson(root: Path, path: Path, course_id: str) -> tuple[Lesson | None, list[Diagnostic]]:
    text, problems = read_text(root, path, MAX_LESSON_BYTES)
    rel = _rel(root, path)
    if text is None:
        return None, problems
    fm = split_front_matter(text)
    title = ""
    duration: int | None = None
    description = ""
    fm_doc: YamlDoc | None = None
    if fm is None:
        problems.append(diag("LMS111", rel, 1, 1, "lesson has no front matter"))
        body, body_line = text, 1
    else:
        body = text.split("\n", fm.body_line - 1)[-1] if fm.body_line > 1 else text
        body_line = fm.body_line
        if not fm.text.strip():
            problems.append(diag("LMS111", rel, 1, 1, "front matter is empty"))
        else:
            fm_doc, more = parse_yaml(fm.text, rel, line_offset=fm.start_line - 1)
            problems += more
            if fm_doc is not None:
                if isinstance(fm_doc.data, dict):
                    problems += _not_at(schema.check("lesson", fm_doc, rel), more)
                    title = _str(fm_doc.data.get("title"))
                    duration = _int(fm_doc.data.get("duration"), None)
                    description = _str(fm_doc.data.get("description"))
                else:
                    problems.append(diag("LMS111", rel, fm.start_line, 1,
                                         "front matter must be keys and values",
                                         "Write it as `title: Why customers object`."))
    document = read(body, body_line)
    quizzes: list[Quiz] = []
    index = 0
    for block in document.quizzes:
        if not block.end_line:
            problems.append(diag("LMS120", rel, block.line, block.column,
                                 "quiz block is never closed",
                                 "End the quiz with a line of three backticks (```)."))
            continue
        quiz, more = _load_quiz(block.content, rel, block.line, block.end_line,
                                block.column - 1, index)
        problems += more
        index += len(quiz.questions)
        quizzes.append(quiz)
    lesson = Lesson(
        id=lesson_id(path.name), course_id=course_id, file_name=path.name, rel=rel,
        title=title or lesson_id(path.name).replace("-", " ").capitalize(),
        duration_set=duration, description=description, text=text, body=body,
        body_line=body_line, quizzes=tuple(quizzes), links=file_links(document),
        word_count=document.word_count, front_matter=fm_doc, document=document,
    )
    return lesson, problems


def file_links(document: LessonDocument) -> tuple[Link, ...]:
    """Every URL of a lesson that may name a file of the repository, at its place: links and
    images (a reference's URL at its definition), and ``src``/``href`` of raw HTML."""
    out: list[Link] = []
    images = {ref_label(link.ref) for link in document.links if link.image and link.ref
              and not link.definition}
    for link in document.links:
        if link.definition:
            out.append(Link(link.url, link.text, link.line, link.url_column or link.column,
                            image=ref_label(link.ref or "") in images))
        elif link.ref is None:
            out.append(Link(link.url, link.text, link.line, link.column, link.image))
    for tag in document.tags:
        if tag.closing or tag.name not in _SRC_TAGS:
            continue
        url = tag.attr("href" if tag.name == "a" else "src")
        if url:
            out.append(Link(url, "", tag.line, tag.column, image=tag.name != "a"))
    return tuple(sorted(out, key=lambda x: (x.line, x.column)))


_SRC_TAGS = frozenset({"img", "video", "source", "audio", "track", "a"})


def load_course(
    root: Path, folder: Path, lessons: bool = True
) -> tuple[Course | None, list[Diagnostic], list[str]]:
    course_id = folder.name
    rel_dir = _rel(root, folder)
    problems: list[Diagnostic] = []
    files: list[str] = []
    yml = folder / "course.yml"
    if not yml.exists():
        return None, [diag("LMS110", f"{rel_dir}/course.yml", 1, 1,
                           f"folder {rel_dir}/ has no course.yml")], files
    files.append(_rel(root, yml))
    if not SLUG.match(course_id):
        problems.append(diag("LMS200", f"{rel_dir}/course.yml", 1, 1,
                             f"course folder name '{course_id}' is not a valid id",
                             "Rename the folder to lowercase letters, digits and hyphens: "
                             f"courses/{slugify(course_id) or 'my-course'}/."))
    doc, more = load_yaml_file(root, yml, "course")
    problems += more
    if doc is None or not isinstance(doc.data, dict):
        return None, problems, files
    data = doc.data
    lessons_dir = folder / "lessons"
    lesson_paths: list[Path] = []
    listed = data.get("lessons")
    if isinstance(listed, list):
        for i, name in enumerate(listed):
            if not isinstance(name, str):
                continue
            candidate = lessons_dir / name
            if not candidate.is_file():
                line, col = doc.pos(("lessons", i))
                problems.append(diag("LMS206", _rel(root, yml), line, col,
                                     f"lesson '{name}' is listed but lessons/{name} does not "
                                     "exist"))
            else:
                lesson_paths.append(candidate)
    elif lessons_dir.is_dir():
        lesson_paths = sorted(p for p in lessons_dir.iterdir()
                              if p.suffix == ".md" and not p.name.startswith("."))
    loaded: list[Lesson] = []
    for lp in lesson_paths if lessons else []:
        files.append(_rel(root, lp))
        lesson, more = load_lesson(root, lp, course_id)
        problems += more
        if lesson is not None:
            loaded.append(lesson)
    evaluation = _dict(data.get("evaluation"))
    course = Course(
        id=course_id, rel_dir=rel_dir, title=_str(data.get("title"), course_id),
        summary=_str(data.get("summary")), owners=_strs(data.get("owners")),
        level=_str(data.get("level"), "beginner"), skills=_strs(data.get("skills")),
        audience=_strs(data.get("audience")), tags=_strs(data.get("tags")),
        objectives=_strs(data.get("objectives")), prerequisites=_strs(data.get("prerequisites")),
        status=_str(data.get("status"), "published"),
        review_every=_int(data.get("review_every"), None),
        reviewed=data.get("reviewed") if isinstance(data.get("reviewed"), str) else None,
        language=_str(data.get("language"), "en"),
        pass_mark=_int(evaluation.get("pass_mark"), 80) or 0,
        lessons=tuple(loaded), doc=doc,
    )
    return course, problems, files


def load_path(root: Path, file: Path) -> tuple[LearningPath | None, list[Diagnostic]]:
    rel = _rel(root, file)
    path_id = file.stem
    problems: list[Diagnostic] = []
    if not SLUG.match(path_id):
        problems.append(diag("LMS200", rel, 1, 1, f"path file name '{path_id}' is not a valid id",
                             f"Rename the file to paths/{slugify(path_id) or 'my-path'}"
                             ".yml."))
    doc, more = load_yaml_file(root, file, "path")
    problems += more
    if doc is None or not isinstance(doc.data, dict):
        return None, problems
    data = doc.data
    members: list[PathMember] = []
    for i, entry in enumerate(_list(data.get("courses"))):
        line, col = doc.pos(("courses", i))
        if isinstance(entry, str):
            members.append(PathMember(entry, False, line, col))
        elif isinstance(entry, dict) and isinstance(entry.get("id"), str):
            members.append(PathMember(entry["id"], entry.get("optional") is True, line, col))
    return LearningPath(
        id=path_id, rel=rel, title=_str(data.get("title"), path_id),
        summary=_str(data.get("summary")), owners=_strs(data.get("owners")),
        audience=_strs(data.get("audience")), status=_str(data.get("status"), "published"),
        courses=tuple(members), doc=doc,
    ), problems


def load_repository(root: Path, lessons: bool = True) -> tuple[Repository, list[Diagnostic]]:
    """Load everything under ``root``; never raises for bad content, only reports it.

    ``lessons=False`` reads only the metadata (config, course.yml, paths): courses then have no
    lessons, for commands that need no more (stale, codeowners)."""
    root = root.resolve()
    problems: list[Diagnostic] = []
    files: list[str] = []
    config, more = load_config(root)
    problems += more
    if config.exists:
        files.append("lmsctl.yml")
    courses: list[Course] = []
    courses_dir = root / "courses"
    if courses_dir.is_dir():
        for folder in sorted(courses_dir.iterdir()):
            if not is_content_folder(folder):
                continue
            course, more, read = load_course(root, folder, lessons)
            problems += more
            files += read
            if course is not None:
                courses.append(course)
    paths, more, read = load_paths(root)
    problems += more
    files += read
    repo = Repository(root=root, config=config, courses=tuple(courses), paths=tuple(paths),
                      files=tuple(files))
    return repo, problems


def load_paths(root: Path) -> tuple[list[LearningPath], list[Diagnostic], list[str]]:
    """Every learning path (``paths/*.yml``): the paths, their problems, the files read."""
    paths: list[LearningPath] = []
    problems: list[Diagnostic] = []
    files: list[str] = []
    paths_dir = root / "paths"
    if paths_dir.is_dir():
        for file in sorted(paths_dir.iterdir()):
            if file.suffix not in (".yml", ".yaml") or file.name.startswith("."):
                continue
            files.append(_rel(root, file))
            path, more = load_path(root, file)
            problems += more
            if path is not None:
                paths.append(path)
    return paths, problems, files
