"""Read a course repository into the immutable model, collecting every problem on the way.

Each file is read and parsed once; schema validators are built once per process.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import re
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from contextvars import ContextVar
from itertools import chain, islice
from pathlib import Path
from typing import Any

from lmsctl.content import quiz_shape
from lmsctl.content.ahead import Work, remember_ahead, work_ahead
from lmsctl.content.markdown import parser, read, split_front_matter
from lmsctl.content.parallel import Batches, workers
from lmsctl.core import schema
from lmsctl.core.cache import Disabled, Namespace, lazy, pickled
from lmsctl.core.diagnostics import Diagnostic
from lmsctl.core.document import LessonDocument, ref_label
from lmsctl.core.files import find_root as find_root  # noqa: F401  (re-exported)
from lmsctl.core.files import inside, one_reading
from lmsctl.core.html_policy import config_url_problem
from lmsctl.core.ids import SLUG, lesson_id, slugify
from lmsctl.core.model import (
    Analytics,
    Choice,
    Config,
    Course,
    Goal,
    LearningPath,
    Lesson,
    Link,
    PathMember,
    Question,
    Quiz,
    Recognition,
    Repository,
    Skill,
    XapiEndpoint,
)
from lmsctl.core.spine import diag
from lmsctl.core.yamlstrict import MAX_YAML_BYTES, YamlDoc, decode_text, parse_yaml

#: Largest lesson file read, in bytes.
MAX_LESSON_BYTES = 1024 * 1024


def is_content_name(name: str) -> bool:
    """Whether a folder under courses/ of this name may be a course: not ``_templates`` and
    the like (``_``), not hidden (``.``)."""
    return not name.startswith(("_", "."))


def is_content_folder(folder: Path) -> bool:
    """A folder under courses/ that may be a course (``is_content_name``)."""
    return folder.is_dir() and is_content_name(folder.name)


def content_folders(courses_dir: Path) -> list[Path]:
    """The content folders (``is_content_folder``) of ``courses_dir``, in the order of their
    paths: a listing's entries tell folders apart without a ``stat`` each, and names sort
    faster than paths (1,000 courses: 19 -> 5 ms, twice per run)."""
    with os.scandir(courses_dir) as it:
        keep = {e.name for e in it if e.is_dir() and is_content_name(e.name)}
    # iterdir's paths are made without parsing (``courses_dir / name`` parses each)
    return sorted((p for p in courses_dir.iterdir() if p.name in keep),
                  key=lambda p: os.path.normcase(p.name))


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
    full, base = str(path), str(root)
    if full.startswith(base) and full[len(base):len(base) + 1] == os.sep and ".." not in full:
        return full[len(base) + 1:].replace(os.sep, "/")
    return path.relative_to(root).as_posix()


def outside(root: Path, path: Path, kind: str = "file") -> Diagnostic | None:
    """The error for a path that leads (through a symlink) out of the repository: lmsctl
    never reads such a file into the site, and never silently skips it either."""
    if (path.exists() or path.is_symlink()) and not inside(root, path):
        try:
            target = str(path.resolve())
        except (OSError, RuntimeError):
            target = "a symlink loop"
        return diag("LMS101", _rel(root, path), 1, 1,
                    f"this {kind} is a symlink that leads outside the repository (to {target})",
                    f"Replace the symlink by the {kind} itself, or point it at a {kind} inside "
                    "the repository: lmsctl never publishes files from elsewhere.")
    return None


def outside_links(root: Path, folder: Path) -> list[Diagnostic]:
    """Every symlink under ``folder`` (an assets folder) that leads out of the repository."""
    found: list[Diagnostic] = []
    problem = outside(root, folder, "folder")
    if problem is not None or not folder.is_dir():
        return [problem] if problem is not None else found
    stack = [str(folder)]
    while stack:  # symlinked folders are checked, never entered
        try:
            with os.scandir(stack.pop()) as it:
                entries = list(it)
        except OSError:
            continue
        for entry in entries:
            if entry.is_symlink():
                path = Path(entry.path)
                problem = outside(root, path, "folder" if path.is_dir() else "file")
                if problem is not None:
                    found.append(problem)
            elif entry.is_dir(follow_symlinks=False):
                stack.append(entry.path)
    return found


def read_text(root: Path, path: Path, max_bytes: int) -> tuple[str | None, list[Diagnostic]]:
    """A file's text, or the diagnostics that say why it cannot be read."""
    rel = _rel(root, path)
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        mode = 0
    if stat.S_ISREG(mode) and inside(root, path):  # the common case, in fewer system calls
        try:
            # O_NOFOLLOW: a file swapped for a symlink since the lstat is refused, not read
            with open(os.open(path, os.O_RDONLY | os.O_NOFOLLOW), "rb") as handle:
                size = os.fstat(handle.fileno()).st_size
                if size > max_bytes:
                    return None, [diag("LMS211", rel, 1, 1, f"file is {size // 1024} KiB; the "
                                       f"limit is {max_bytes // 1024} KiB")]
                raw = handle.read()
        except OSError as exc:
            return None, [diag("LMS101", rel, 1, 1, f"cannot read the file: {exc.strerror}")]
        return _decoded(raw, rel)
    problem = outside(root, path)
    if problem is not None:
        return None, [problem]
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
    return _decoded(raw, rel)


def _decoded(raw: bytes, rel: str) -> tuple[str | None, list[Diagnostic]]:
    text, problems = decode_text(raw, rel)
    if text is not None and not text.strip():
        return None, [diag("LMS101", rel, 1, 1, "file is empty")]
    return text, problems


def load_yaml_file(
    root: Path, path: Path, schema_name: str, cache: Namespace | None = None
) -> tuple[YamlDoc | None, list[Diagnostic]]:
    """Read, parse strictly and schema-check one YAML file (with ``cache``: reuse the result
    for the same path, schema and text)."""
    text, problems = read_text(root, path, MAX_YAML_BYTES)
    if text is None:
        return None, problems
    if cache is None:
        return _parse_yaml_file(_rel(root, path), text, schema_name)
    key = cache.key("yaml", _rel(root, path), schema_name, text)
    found = cache.get(key)
    if found is None:
        found = _parse_yaml_file(_rel(root, path), text, schema_name)
        cache.put(key, found)
    return found[0], [*problems, *found[1]]


def _parse_yaml_file(rel: str, text: str, schema_name: str
                     ) -> tuple[YamlDoc | None, list[Diagnostic]]:
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


def _recognition(data: dict[str, Any]) -> Recognition:
    """Thresholds of the milestone badges; a missing or invalid one (the schema reports it)
    keeps its default."""
    default = Recognition()

    def positive(key: str, fallback: int) -> int:
        value = _int(data.get(key), None)
        return value if value is not None and value >= 1 else fallback

    return Recognition(courses=positive("courses", default.courses),
                       lessons=positive("lessons", default.lessons),
                       reviews=positive("reviews", default.reviews))


def load_config(root: Path, cache: Namespace | None = None) -> tuple[Config, list[Diagnostic]]:
    path = root / "lmsctl.yml"
    if not path.exists():
        return Config(), []
    doc, problems = load_yaml_file(root, path, "lmsctl", cache)
    if doc is None or not isinstance(doc.data, dict):
        return Config(exists=True), problems
    data = doc.data
    problems += _config_url_problems(doc, "lmsctl.yml")
    site = _dict(data.get("site"))
    repo = _dict(data.get("repository"))
    defaults = _dict(data.get("defaults"))
    skills_raw = _dict(data.get("skills"))
    skills = tuple(
        Skill(id=str(k), title=_str(v.get("title"), str(k)), description=_str(v.get("description")))
        for k, v in skills_raw.items() if isinstance(v, dict)
    )
    goals = tuple(
        Goal(id=str(k), title=_str(v.get("title"), str(k)), owner=_str(v.get("owner")))
        for k, v in _dict(data.get("goals")).items() if isinstance(v, dict)
    )
    return Config(
        site_title=_str(site.get("title"), "Learning"),
        site_url=_str(site.get("url")) if not _refused(problems, doc, ("site", "url")) else "",
        site_description=_str(site.get("description")),
        repo_url="" if _refused(problems, doc, ("repository", "url"))
        else _str(repo.get("url")).rstrip("/"),
        branch="main" if _refused(problems, doc, ("repository", "branch"))
        else _str(repo.get("branch"), "main"),
        review_every=_int(defaults.get("review_every"), 365) or 365,
        featured_paths=_strs(data.get("featured_paths")),
        maintainers=_strs(data.get("maintainers")),
        people=tuple((str(k).lstrip("@"), v.strip()) for k, v in _dict(data.get("people")).items()
                     if isinstance(v, str) and v.strip()),
        recognition=_recognition(_dict(data.get("recognition"))),
        skills=skills,
        goals=goals,
        lint=_dict(data.get("lint")),
        analytics=_analytics(_accepted(_dict(data.get("analytics")), problems, doc)),
        doc=doc,
        exists=True,
    ), problems


#: URLs in lmsctl.yml: (keys, query and fragment allowed). They end up in attributes of every
#: page (canonical link, edit and feedback links), so only plain http(s) URLs are taken.
CONFIG_URLS: tuple[tuple[tuple[str, ...], bool], ...] = (
    (("site", "url"), False),
    (("repository", "url"), False),
    (("analytics", "xapi", "endpoint"), False),
    (("analytics", "activity_base"), False),
)
_BRANCH = re.compile(r"^(?!-)(?!/)(?!.*\.\.)(?!.*//)[A-Za-z0-9._/-]+(?<![./])$")


def _config_value(data: Any, keys: tuple[str, ...]) -> Any:
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def _config_url_problems(doc: YamlDoc, rel: str) -> list[Diagnostic]:
    """Configuration URLs that are not plain http(s) URLs (a quote, space, control character,
    another scheme; for the site's address also a query or fragment), and a branch name that
    is not a plain git branch name: refused at their key."""
    found: list[Diagnostic] = []
    for keys, allow_query in CONFIG_URLS:
        value = _config_value(doc.data, keys)
        if not isinstance(value, str) or not value:
            continue
        why = config_url_problem(value, allow_query=allow_query)
        if why is not None:
            line, col = doc.pos(keys)
            query = ", a query" if allow_query else ""
            found.append(diag("LMS104", rel, line, col, f"{'.'.join(keys)} {why}",
                              "Write a plain address such as https://learn.example.com/ "
                              f"(http:// or https://, a host, a path{query}; no quotes, "
                              "spaces or control characters)."))
    branch = _config_value(doc.data, ("repository", "branch"))
    if isinstance(branch, str) and not _BRANCH.match(branch):
        line, col = doc.pos(("repository", "branch"))
        found.append(diag("LMS104", rel, line, col,
                          "repository.branch is not a plain branch name",
                          "Use letters, digits, '.', '_', '-' and '/', e.g. main."))
    return found


def _accepted(analytics: dict[str, Any], problems: list[Diagnostic],
              doc: YamlDoc) -> dict[str, Any]:
    """The analytics settings without the URLs that were refused (never written anywhere)."""
    out = dict(analytics)
    if _refused(problems, doc, ("analytics", "activity_base")):
        out.pop("activity_base", None)
    if _refused(problems, doc, ("analytics", "xapi", "endpoint")):
        out.pop("xapi", None)
    return out


def _refused(problems: list[Diagnostic], doc: YamlDoc, keys: tuple[str, ...]) -> bool:
    """True when a value of lmsctl.yml was refused: it is then never written into a page."""
    line, col = doc.pos(keys)
    return any(d.rule == "LMS104" and d.path == "lmsctl.yml" and (d.line, d.column) == (line, col)
               for d in problems)


def _analytics(raw: dict[str, Any]) -> Analytics:
    xapi = _dict(raw.get("xapi"))
    endpoint, auth = _str(xapi.get("endpoint")).strip(), _str(xapi.get("auth")).strip()
    return Analytics(
        xapi=XapiEndpoint(endpoint=endpoint if endpoint.endswith("/") else endpoint + "/",
                          auth=auth) if endpoint else None,
        activity_base=_str(raw.get("activity_base")).strip(),
        min_learners=_int(raw.get("min_learners"), 5) or 5,
    )
def _no_false_quoting(d: Diagnostic, block: str, fence_line: int) -> Diagnostic:
    """PyYAML's "mapping values are not allowed" means quotes only when the line's value holds
    ': '; otherwise it is an indentation or shape mistake."""
    if d.rule != "LMS100" or "inside a value is read as a new key" not in d.message or \
            quiz_shape.colon_in_value(block, d.line - fence_line - 1):
        return d
    return dataclasses.replace(d, message="this line does not fit the shape of a quiz question "
                               "(check its indentation against the lines above)",
                               hint=quiz_shape.SHAPE)


def _choices_hint(d: Diagnostic) -> Diagnostic:
    if d.rule == "LMS104" and d.message.startswith("'choices' of question") and \
            "must be a list" in d.message:
        return dataclasses.replace(d, hint="Put each choice on its own line under `choices:`, "
                                   "as `- text: ...`. " + quiz_shape.SHAPE)
    return d


def _load_quiz(
    block_content: str, rel: str, fence_line: int, end_line: int, indent: int, first_index: int
) -> tuple[Quiz, list[Diagnostic]]:
    doc, problems = parse_yaml(block_content, rel, line_offset=fence_line, column_offset=indent)
    questions: list[Question] = []
    if doc is None or any(d.rule == "LMS105" for d in problems):
        # Say what the shape must be, at the line that breaks it (not PyYAML's words).
        shape = quiz_shape.check_shape(block_content, fence_line + 1)
        if shape is not None:
            return Quiz(fence_line, end_line, ()), [
                diag("LMS100" if doc is None else "LMS120", rel, fence_line + shape.line + 1,
                     indent + shape.column + 1, shape.message, shape.hint)]
    if doc is None:
        return Quiz(fence_line, end_line, ()), [_no_false_quoting(d, block_content, fence_line)
                                                for d in problems]
    if doc.data is None:
        problems.append(diag("LMS120", rel, fence_line, indent + 1, "quiz block is empty",
                             "Write at least one question: - question: ... with choices:"))
        return Quiz(fence_line, end_line, (), doc), problems
    if not isinstance(doc.data, list):
        line, col = doc.pos(())
        problems.append(diag("LMS120", rel, line, col, "a quiz block must be a list of "
                             "questions, each starting with '- question:'"))
        return Quiz(fence_line, end_line, (), doc), problems
    problems += [_choices_hint(d) for d in _not_at(schema.check("quiz", doc, rel), problems)]
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


#: A line that opens what looks like a quiz: any fence (``` or ~~~) whose info string starts
#: with quiz in any case (``Quiz``, ``{.quiz}``), after any indentation, blockquote markers
#: or list markers. Possessive quantifiers keep it linear on any line.
_QUIZ_LIKE = re.compile(
    r"^(?P<prefix>(?:[ \t]*+(?:>|[-*+](?=[ \t])|\d{1,9}[.)](?=[ \t])))*+[ \t]*+)"
    r"(?:`{3,}+|~{3,}+)[ \t]*+\{?[ \t]*+\.?quiz\b", re.IGNORECASE)


def untaken_quizzes(body: str, body_line: int, code: Any, rel: str) -> list[Diagnostic]:
    """Fences that look like a quiz but are not read as one (``Quiz``, ``{.quiz}``, indented
    as code): the site would show them as code, with their answers. Lines inside other fenced
    blocks (examples of quiz syntax, say in a ````markdown fence) are left alone."""
    if "quiz" not in body.lower():
        return []
    inside: list[tuple[int, int]] = []
    taken: set[int] = set()
    for block in code:
        if block.is_quiz and block.fenced:
            taken.add(block.line)
        elif block.fenced and not _QUIZ_LIKE.match("```" + block.info):
            inside.append((block.line + 1, block.end_line or 1 << 30))
    problems: list[Diagnostic] = []
    for i, line in enumerate(body.split("\n")):
        if "quiz" not in line.lower():
            continue
        number = body_line + i
        if number in taken or any(a <= number <= b for a, b in inside):
            continue
        m = _QUIZ_LIKE.match(line)
        if m is None:
            continue
        problems.append(diag(
            "LMS120", rel, number, len(m.group("prefix")) + 1,
            "this fence looks like a quiz but is not read as one (a quiz fence is exactly "
            "```quiz, in lowercase, not indented as code); the site would show it as code, "
            "answers included",
            "Write the fence as ```quiz in lowercase, indented like the text around it; to show "
            "quiz syntax as an example, put it in a ````markdown fence."))
    return problems


#: Documented limits that keep rendering fast and bounded (LMS215): nesting levels of lists
#: and blockquotes (a level per marker, or per two columns of indentation), and brackets or
#: tags in one paragraph (Markdown renderers retry inline openers: quadratic beyond that).
MAX_NESTING = 64
MAX_OPENERS = 10_000
_NEST = re.compile(r"[ \t]*+(?:(?:>|[-*+](?=[ \t]|$)|\d{1,9}[.)](?=[ \t]|$))[ \t]*+)*+")


#: A line that starts with this many characters of ``_NEST`` (a tab counts as at most 4
#: columns) can be nested more than ``MAX_NESTING`` levels deep; no other line can.
#: (The first line, then after each line break: a regular expression starting with a line
#: break looks for it quickly, one with ``^`` and ``re.M`` tries every character.)
_DEEP = re.compile(rf"[ \t>*+\-0-9.)]{{{(2 * MAX_NESTING + 2) // 4}}}")
_DEEP_AFTER = re.compile(rf"\n{_DEEP.pattern}")


def _within_limits(body: str) -> bool:
    """True when no paragraph of ``body`` can break a limit (the whole body has fewer openers
    than one paragraph may, and no line starts deep enough): ``too_complex`` has nothing to
    say, exactly, without its line-by-line pass."""
    return (body.count("[") <= MAX_OPENERS and body.count("<") <= MAX_OPENERS
            and _DEEP.match(body) is None and _DEEP_AFTER.search(body) is None)


_FENCE_LINE = re.compile(r"[ \t]*+(?:>[ \t]*+)*+(`{3,}+|~{3,}+)")


def too_complex(body: str, body_line: int, rel: str) -> tuple[list[Diagnostic], str]:
    """LMS215: lines nested deeper than ``MAX_NESTING`` and paragraphs with more than
    ``MAX_OPENERS`` ``[`` or ``<``, outside fenced code. One pass, linear in the text, before
    the lesson is read: returns the problems and the body with those paragraphs blanked (the
    same lines, empty), so that the reader never spends time on text that is refused anyway."""
    if _within_limits(body):
        return [], body
    problems: list[Diagnostic] = []
    lines = body.split("\n")
    refused: list[tuple[int, int]] = []  # 0-based line ranges of refused paragraphs
    start, brackets, tags, bad = -1, 0, 0, False
    fence = ""
    for i, line in enumerate([*lines, ""]):
        number = body_line + i
        f = _FENCE_LINE.match(line)
        if fence:
            if f and f.group(1)[0] == fence[0] and len(f.group(1)) >= len(fence):
                fence = ""
            continue
        if f and start < 0:
            fence = f.group(1)
            continue
        if not line.strip():
            if bad:
                refused.append((start, i))
            start, brackets, tags, bad = -1, 0, 0, False
            continue
        start = i if start < 0 else start
        m = _NEST.match(line)
        depth = len(m.group(0).expandtabs(4)) // 2 if m else 0  # a marker and its space
        if depth > MAX_NESTING and not bad:
            bad = True
            problems.append(diag("LMS215", rel, number, 1,
                                 f"nested about {depth} levels deep; the limit is {MAX_NESTING}",
                                 "Flatten the list or blockquote; deeper nesting cannot be "
                                 "rendered."))
        brackets += line.count("[")
        tags += line.count("<")
        if not bad and (brackets > MAX_OPENERS or tags > MAX_OPENERS):
            bad = True
            what = "[" if brackets > MAX_OPENERS else "<"
            problems.append(diag("LMS215", rel, body_line + start, 1,
                                 f"this paragraph has more than {MAX_OPENERS} '{what}'",
                                 "Split it into paragraphs (a blank line between them), or "
                                 "put the text in a fenced code block if it is code."))
    if not refused:
        return problems, body
    for a, b in refused:
        lines[a:b] = [""] * (b - a)
    return problems, "\n".join(lines)


def load_lesson(root: Path, path: Path, course_id: str, cache: Namespace | None = None
                ) -> tuple[Lesson | None, list[Diagnostic]]:
    """Read one lesson. With ``cache``: the reading of the same text at the same path is
    reused (the file is still read, and its place checked, every time)."""
    rel = _rel(root, path)
    if isinstance(cache, Disabled):
        cache = None
    read = _preread_text(rel, course_id)
    if read is not None:  # a worker read the file: its text, reading and problems
        read_as, problems, stored, more, done = read
        if cache is not None:  # (a cache filled from nothing: each file read once)
            cache.put(cache.key("lesson", rel, course_id, read_as), (stored, more))
        return _remembered(rel, _restored(stored, read_as), done), [*problems, *more]
    text, problems = read_text(root, path, MAX_LESSON_BYTES)
    if text is None:
        return None, problems
    if cache is None:
        lesson, more = _read_lesson(rel, path.name, course_id, text)
        return lesson, [*problems, *more]
    key = cache.key("lesson", rel, course_id, text)
    found = cache.get(key)
    if found is None:
        preread = _preread(rel, course_id, text)
        if preread is None:
            lesson, more = _read_lesson(rel, path.name, course_id, text)
            cache.put(key, (_stored(lesson), more))
            return lesson, [*problems, *more]
        stored, more, done = preread
        cache.put(key, (stored, more))
        return _remembered(rel, _restored(stored, text), done), [*problems, *more]
    stored, more = found
    return _restored(stored, text), [*problems, *more]


def _remembered(rel: str, lesson: Lesson, done: Any) -> Lesson:
    """``lesson``, the result of the work its worker did on it kept (``content.ahead``)."""
    if done is not None:
        remember_ahead(rel, lesson.body, done)
    return lesson


# ------------------------------------------------------------------ cold reading in parallel

#: Fewer uncached lessons than this are read in-process: starting workers would cost more.
PARALLEL_MIN_LESSONS = 200
#: Lessons per batch of a worker.
_BATCH = 48

#: A lesson for a worker: root, rel, file name, course id, and its text (None: the worker reads
#: the file itself, when no cache needed the text to look the lesson up).
Job = tuple[str, str, str, str, str | None]
#: A worker's reading: the text it read with the problems of reading it, the lesson as
#: ``_stored``, its problems, the result of the work asked for (``content.ahead``; else None);
#: None when the file could not be read (``load_lesson`` says why).
Reading = tuple[str, list[Diagnostic], tuple[Any, ...], list[Diagnostic], Any] | None
#: A batch for a worker: the work to do on each lesson as read (None: none), its jobs.
Batch = tuple[Work | None, list[Job]]


class _Preread:
    """Lessons being read by worker processes, as ``_stored`` readings with their problems."""

    def __init__(self, count: int) -> None:
        self.where: dict[tuple[str, str], int] = {}
        #: the lessons sent with their text (the cache looked them up): ``_preread`` takes them
        self.given: set[tuple[str, str]] = set()
        self.work = work_ahead()
        self.results: Batches[Batch, list[Reading]] = Batches(_read_batch, count)
        self.pending: list[Job] = []
        self.ready: list[Reading] = []

    def add(self, job: Job) -> None:
        """Send ``job`` (in a batch of ``_BATCH``, or at ``flush``)."""
        self.where[job[1], job[3]] = len(self.where)
        if job[4] is not None:
            self.given.add((job[1], job[3]))
        self.pending.append(job)
        if len(self.pending) >= _BATCH:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            self.results.submit((self.work, self.pending))
            self.pending = []

    def take(self, rel: str, course_id: str) -> Reading:
        """The worker's reading of a lesson (once), or None (not sent, or unreadable)."""
        i = self.where.get((rel, course_id))
        if i is None:
            return None
        while len(self.ready) <= i:
            self.ready.extend(next(self.results))
        found, self.ready[i] = self.ready[i], None
        return found


_PREREAD: ContextVar[_Preread | None] = ContextVar("lmsctl_preread", default=None)


def _preread(rel: str, course_id: str, text: str
             ) -> tuple[tuple[Any, ...], list[Diagnostic], Any] | None:
    """A worker's reading of the lesson whose text is ``text`` (None: read it here: not sent,
    unreadable, or changed since)."""
    preread = _PREREAD.get()
    found = preread.take(rel, course_id) if preread is not None else None
    if found is None or found[0] != text:
        return None
    return found[2], found[3], found[4]


def _preread_text(rel: str, course_id: str) -> Reading:
    """A worker's reading of the lesson whose file it read, the text it read included: the
    file need not be read again (None: read it here, or it was sent with its text)."""
    preread = _PREREAD.get()
    if preread is None or (rel, course_id) in preread.given:
        return None
    return preread.take(rel, course_id)


def _read_batch(batch: Batch) -> list[Reading]:
    """In a worker: each lesson's reading as the cache stores it (compact: the parts most runs
    never use stay bytes until used), with its problems (and the result of the work asked
    for, ``content.ahead``)."""
    work, jobs = batch
    out: list[Reading] = []
    for root, rel, file_name, course_id, text in jobs:
        problems: list[Diagnostic] = []
        if text is None:
            text, problems = read_text(Path(root), Path(root, rel), MAX_LESSON_BYTES)
            if text is None:
                out.append(None)
                continue
        lesson, more = _read_lesson(rel, file_name, course_id, text)
        done = work(lesson) if work is not None else None
        out.append((text, problems, _stored(lesson), more, done))
    return out


def _uncached_lessons(root: Path, courses_dir: Path, cache: Namespace | None,
                      skip: frozenset[str] = frozenset(), fresh: frozenset[str] = frozenset()
                      ) -> Iterator[Job]:
    """The lesson files of every course folder (``lessons/*.md``) that the cache does not
    hold; with their text when a cache was looked at (files that cannot be read are then left
    to ``load_lesson``). Folders in ``skip`` are not read at all; those in ``fresh`` are read
    without looking at the cache."""
    cached = cache is not None and not isinstance(cache, Disabled)
    base = str(root)
    for folder in content_folders(courses_dir):
        lessons_dir = folder / "lessons"
        if folder.name in skip or not lessons_dir.is_dir():
            continue
        check = cached and folder.name not in fresh
        # a cache that held nothing (a build filling it) is not looked at: the workers read
        # the files, each once (asked here, where a lookup would read a deferred one anyway)
        if check and cache is not None and cache.empty():
            cached = check = False
        for path in _lesson_files(lessons_dir):
            rel = _rel(root, path)
            if not check:
                yield base, rel, path.name, folder.name, None
                continue
            text, _ = read_text(root, path, MAX_LESSON_BYTES)
            if text is None or (cache is not None and cache.get(
                    cache.key("lesson", rel, folder.name, text)) is not None):
                continue
            yield base, rel, path.name, folder.name, text


@contextmanager
def _prereading(root: Path, courses_dir: Path, cache: Namespace | None,
                skip: frozenset[str] = frozenset(), fresh: frozenset[str] = frozenset()
                ) -> Iterator[None]:
    """Within this block, when many lessons are not in the cache and the machine has more than
    one core, worker processes read them ahead of ``load_lesson``, which takes their results
    (the same readings and problems, in the same order). Workers start as soon as enough
    lessons are found missing, while the rest are looked for. Course folders in ``skip`` are
    not read; those in ``fresh`` are read without the cache (see ``_uncached_lessons``)."""
    count = workers()
    jobs = _uncached_lessons(root, courses_dir, cache, skip, fresh) if count > 1 else iter(())
    first = list(islice(jobs, PARALLEL_MIN_LESSONS))
    if len(first) < PARALLEL_MIN_LESSONS:
        yield
        return
    parser()  # built once, here: the workers inherit it
    preread = _Preread(count)
    token = _PREREAD.set(preread)
    try:
        for job in chain(first, jobs):
            preread.add(job)
        preread.flush()
        yield
    finally:
        _PREREAD.reset(token)
        preread.results.close()


#: What a cached lesson has at hand at once (what runs over every lesson need: references,
#: links, anchors, questions); the rest of its reading is unpickled when first used.
_DOC_NOW = ("links", "tags", "ids", "definitions", "has_text", "word_count", "hash")


#: The rest of a lesson document, and what a cached lesson keeps of the lesson itself.
_DOC_LATER = tuple(f.name for f in dataclasses.fields(LessonDocument) if f.name not in _DOC_NOW)
_LESSON_NOW = tuple(f.name for f in dataclasses.fields(Lesson)
                    if f.name not in ("text", "body", "document", "quizzes", "front_matter"))


def _stored(lesson: Lesson) -> tuple[Any, ...]:
    """A lesson as cached: without its text (the file is read anyway), the parts most runs
    never look at as bytes for ``cache.lazy``."""
    doc = lesson.document
    doc_now = {n: getattr(doc, n) for n in _DOC_NOW}
    doc_later = pickled({n: getattr(doc, n) for n in _DOC_LATER})
    quizzes = [({"start_line": q.start_line, "end_line": q.end_line, "questions": q.questions},
                pickled({"doc": q.doc})) for q in lesson.quizzes]
    now = {n: getattr(lesson, n) for n in _LESSON_NOW}
    return now, doc_now, doc_later, quizzes, pickled({"front_matter": lesson.front_matter})


def _restored(stored: tuple[Any, ...], text: str) -> Lesson:
    """The lesson of a ``_stored`` reading and its text: its body is worked out from the text
    when used (``_BODY``)."""
    now, doc_now, doc_later, quizzes, lesson_later = stored
    full = text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text
    return lazy(Lesson, {
        **now, "text": full,
        "document": lazy(LessonDocument, doc_now, doc_later),
        "quizzes": tuple(lazy(Quiz, q_now, q_later) for q_now, q_later in quizzes),
    }, lesson_later, _BODY)


def _body_of(text: str, body_line: int) -> str:
    """The part of a lesson's ``text`` from line ``body_line`` on (its body)."""
    return text.split("\n", body_line - 1)[-1] if body_line > 1 else text


#: A restored lesson's body, a copy of most of its text, is worked out when used, not kept:
#: a build reads it twice (the placeholder check, the page), and at 1,000 courses the main
#: process of a --no-cache build entered the render's fork 15 MB larger with every body kept.
_BODY = (("body", lambda lesson: _body_of(lesson.text, lesson.body_line)),)


def _read_lesson(rel: str, file_name: str, course_id: str, text: str
                 ) -> tuple[Lesson, list[Diagnostic]]:
    problems: list[Diagnostic] = []
    if "\r" in text:  # CRLF and lone CR read as newlines, as Markdown and editors do
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    fm = split_front_matter(text)
    title = ""
    duration: int | None = None
    description = ""
    fm_doc: YamlDoc | None = None
    if fm is None:
        problems.append(diag("LMS111", rel, 1, 1, "lesson has no front matter"))
        body, body_line = text, 1
    else:
        body, body_line = _body_of(text, fm.body_line), fm.body_line
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
    limits, readable = too_complex(body, body_line, rel)
    problems += limits
    document = read(readable, body_line)
    quizzes: list[Quiz] = []
    index = 0
    problems += untaken_quizzes(body, body_line, document.code, rel)
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
        id=lesson_id(file_name), course_id=course_id, file_name=file_name, rel=rel,
        title=title or lesson_id(file_name).replace("-", " ").capitalize(),
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


def _lesson_files(folder: Path) -> list[Path]:
    """The lesson files of a lessons folder (``*.md``, not hidden), in name order."""
    return [folder / name for name in sorted(os.listdir(folder))
            if name.endswith(".md") and not name.startswith(".")]


def load_course(
    root: Path, folder: Path, lessons: bool = True, cache: Namespace | None = None
) -> tuple[Course | None, list[Diagnostic], list[str]]:
    course_id = folder.name
    rel_dir = _rel(root, folder)
    problems: list[Diagnostic] = []
    files: list[str] = []
    for sub, kind in ((folder, "course folder"), (folder / "lessons", "lessons folder")):
        problem = outside(root, sub, kind)
        if problem is not None:
            return None, [problem], files
    problems += outside_links(root, folder / "assets")
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
    doc, more = load_yaml_file(root, yml, "course", cache)
    problems += more
    if doc is None or not isinstance(doc.data, dict):
        # course.yml cannot be read: there is no course to build, but its lessons are still
        # checked, so that one pass shows every problem (file-name order: the lessons: list,
        # if any, is in the unreadable file).
        lessons_dir = folder / "lessons"
        if lessons and lessons_dir.is_dir():
            for lp in _lesson_files(lessons_dir):
                files.append(_rel(root, lp))
                problems += load_lesson(root, lp, course_id, cache)[1]
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
        lesson_paths = _lesson_files(lessons_dir)
    loaded: list[Lesson] = []
    for lp in lesson_paths if lessons else []:
        files.append(_rel(root, lp))
        lesson, more = load_lesson(root, lp, course_id, cache)
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
        lessons=tuple(loaded), doc=doc, goals=_strs(data.get("goals")),
    )
    return course, problems, files


def load_path(root: Path, file: Path, cache: Namespace | None = None
              ) -> tuple[LearningPath | None, list[Diagnostic]]:
    rel = _rel(root, file)
    path_id = file.stem
    problems: list[Diagnostic] = []
    if not SLUG.match(path_id):
        problems.append(diag("LMS200", rel, 1, 1, f"path file name '{path_id}' is not a valid id",
                             f"Rename the file to paths/{slugify(path_id) or 'my-path'}"
                             ".yml."))
    doc, more = load_yaml_file(root, file, "path", cache)
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
        courses=tuple(members), doc=doc, goals=_strs(data.get("goals")),
    ), problems


#: ``stand_in(folder name)``: a course made elsewhere and the files it stands for, or None to
#: read the course (``load_repository``).
StandIn = Callable[[str], "tuple[Course | None, list[str]] | None"]


def load_repository(root: Path, lessons: bool = True, cache: Namespace | None = None,
                    stand_in: StandIn | None = None, only: frozenset[str] | None = None
                    ) -> tuple[Repository, list[Diagnostic]]:
    """Load everything under ``root``; never raises for bad content, only reports it.

    ``lessons=False`` reads only the metadata (config, course.yml, paths): courses then have no
    lessons, for commands that need no more (stale, codeowners). With ``cache`` (a namespace
    of ``lmsctl.core.cache``) each file's reading is reused while its text is the same; every
    file is still read and its place checked. The caller saves the namespace. With
    ``stand_in``, each course folder not in ``only`` is first offered to it: a course it gives
    is taken as it is (its files unread, and their problems unreported); the courses in
    ``only`` are read without ``cache``."""
    with one_reading():
        return _load_repository(root.resolve(), lessons, cache, stand_in, only or frozenset())


def _load_repository(root: Path, lessons: bool, cache: Namespace | None,
                     stand_in: StandIn | None = None, only: frozenset[str] = frozenset()
                     ) -> tuple[Repository, list[Diagnostic]]:
    problems: list[Diagnostic] = []
    files: list[str] = []
    # with stand-ins, ``cache`` is for the few other courses read: the settings and paths are
    # read afresh (restoring all readings to find theirs would cost more)
    config, more = load_config(root, None if stand_in is not None else cache)
    problems += more
    if config.exists:
        files.append("lmsctl.yml")
    for special, kind in ((root / "CONTRIBUTING.md", "file"), (root / "courses", "folder"),
                          (root / "paths", "folder")):
        problem = outside(root, special, kind)
        if problem is not None:
            problems.append(problem)
    courses: list[Course] = []
    courses_dir = root / "courses"
    if courses_dir.is_dir() and inside(root, courses_dir):
        folders = content_folders(courses_dir)
        known: dict[str, tuple[Course | None, list[str]]] = {}
        if stand_in is not None:
            for folder in folders:
                if folder.name not in only:
                    given = stand_in(folder.name)
                    if given is not None:
                        known[folder.name] = given
        fresh = only if stand_in is not None else frozenset()
        with _prereading(root, courses_dir, cache, skip=frozenset(known), fresh=fresh) \
                if lessons else nullcontext():
            for folder in folders:
                if folder.name in known:
                    stood, read = known[folder.name]
                    files += read
                    if stood is not None:
                        courses.append(stood)
                    continue
                course, more, read = load_course(root, folder, lessons,
                                                 None if folder.name in fresh else cache)
                problems += more
                files += read
                if course is not None:
                    courses.append(course)
    paths, more, read = load_paths(root, None if stand_in is not None else cache)
    problems += more
    files += read
    repo = Repository(root=root, config=config, courses=tuple(courses), paths=tuple(paths),
                      files=tuple(files))
    return repo, problems


def load_paths(root: Path, cache: Namespace | None = None
               ) -> tuple[list[LearningPath], list[Diagnostic], list[str]]:
    """Every learning path (``paths/*.yml``): the paths, their problems, the files read."""
    paths: list[LearningPath] = []
    problems: list[Diagnostic] = []
    files: list[str] = []
    paths_dir = root / "paths"
    if paths_dir.is_dir() and inside(root, paths_dir):
        for file in sorted(paths_dir.iterdir()):
            if file.suffix not in (".yml", ".yaml") or file.name.startswith("."):
                continue
            files.append(_rel(root, file))
            path, more = load_path(root, file, cache)
            problems += more
            if path is not None:
                paths.append(path)
    return paths, problems, files
