"""LMS3xx content rules: lesson structure and length, course metadata for the catalog, links
between lessons and courses, bare URLs, whitespace."""

from __future__ import annotations

import contextlib
import dataclasses
import difflib
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

from lmsctl.checks.references import Pages, page_links, pages_of
from lmsctl.checks.rules.checks import CheckList, Context, LessonAhead
from lmsctl.content import links as link_targets
from lmsctl.content.ahead import found_ahead
from lmsctl.content.placeholders import find_placeholders, template_texts
from lmsctl.core.cache import Namespace, digest
from lmsctl.core.diagnostics import Diagnostic, Fix, Rule, Severity, TextEdit, diag_from
from lmsctl.core.document import LessonDocument, Span
from lmsctl.core.model import Course, Lesson

#: This group's rules and checks, listed explicitly (``lmsctl.checks.registry`` reads them).
RULES: list[Rule] = []
CHECKS = CheckList()
diag = diag_from(RULES)

E, W, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO

SUMMARY_MIN = 40
SUMMARY_MAX = 200

for _rule in [
    Rule("LMS301", E, "Level-1 heading in a lesson body",
         "The lesson's title (from the front matter) is the page's one level-1 heading; the "
         "body's sections start at level 2. A `#` heading in the body gives the page two titles, "
         "which confuses screen readers and the table of contents. (`#hashtag` with no space "
         "after the `#` is text, not a heading.)",
         "---\ntitle: Why customers object\n---\n# Why customers object\n\n# The real reasons",
         "---\ntitle: Why customers object\n---\n## The real reasons",
         "Start sections at `##`; delete a `#` heading that repeats the title.", "lint"),
    Rule("LMS302", E, "Heading skips a level",
         "Headings form the page's outline: a `####` straight after a `##` (or a first heading "
         "of `###`) leaves a hole that screen-reader users navigating by heading stumble into.",
         "## Pricing\n\n#### Discounts", "## Pricing\n\n### Discounts",
         "Use the next level down (one more `#` than the heading above), or add the missing "
         "level.", "lint"),
    Rule("LMS303", E, "Lesson is empty",
         "The lesson has no text, quiz, image or code: only its front matter (and perhaps "
         "headings or comments). Learners would open a blank page.",
         "---\ntitle: Wrapping up\n---\n", "---\ntitle: Wrapping up\n---\nYou can now ...",
         "Write the lesson, or delete the file until it is ready.", "lint"),
    Rule("LMS304", W, "Lesson is too long",
         "Short lessons get finished: a lesson over about 1,500 words (set `lint: "
         "{max_lesson_words: N}` in lmsctl.yml) is better split into two, each with its own "
         "quiz. Code and quiz blocks count less than prose.",
         "(a 2,400-word lesson)", "(two lessons of 1,200 words, each with a quiz)",
         "Split the lesson at a natural break: `lmsctl new-lesson COURSE \"Title\"` adds the "
         "next lesson.", "lint"),
    Rule("LMS305", W, "Course has no objectives",
         "Objectives tell learners what they will be able to do after the course, and tell "
         "reviewers what the quizzes should check. The course page lists them.",
         "title: Sales basics\nsummary: ...", "objectives:\n  - Ask open discovery questions",
         "Add 2-4 `objectives:` to course.yml, each starting with a verb: \"Ask ...\", "
         "\"Qualify ...\".", "lint"),
    Rule("LMS306", W, "Summary is too short for a catalog card",
         f"A course's or path's `summary` is the text of its catalog card. Under {SUMMARY_MIN} "
         "characters it rarely says what the learner will be able to do.",
         "summary: Sales stuff.",
         "summary: Run a discovery call and leave every meeting with a clear next step.",
         "Write one sentence on what the learner will be able to do, and for whom.", "lint"),
    Rule("LMS307", W, "Summary is too long for a catalog card",
         f"A course's or path's `summary` is the text of its catalog card, which shows about "
         f"{SUMMARY_MAX} characters; the rest is cut off.",
         "summary: In this course, which was written by the sales enablement team after many "
         "requests, you will learn about ... (300 characters)",
         "summary: Run a discovery call and leave every meeting with a clear next step.",
         f"Shorten the summary to one sentence of at most {SUMMARY_MAX} characters; move the "
         "detail into the objectives or the first lesson.", "lint"),
    Rule("LMS308", W, "HTML in a title",
         "Titles (a lesson's front matter `title:`, a course's `title:`) are plain text: the "
         "site shows `<b>`, `<br>` or `&amp;` in them literally, as typed, in the page heading, "
         "the navigation and the browser tab.",
         "title: Pricing <em>without</em> discounts", "title: Pricing without discounts",
         "Write the title as plain text; put emphasis in the lesson's text instead.", "lint"),
    Rule("LMS310", E, "Link to a lesson or course by an absolute path",
         "Links between lessons are relative paths to the lesson's file (`02-clarify.md`, "
         "`../../other-course/lessons/01-intro.md`) or to a course folder "
         "(`../../other-course/`); the build turns them into page links. Absolute paths "
         "(`/courses/...`) break when the site lives under a sub-path. (A link to a lesson or "
         "course that does not exist is an error of `lmsctl validate`, LMS214.)",
         "[the course](/courses/sales-basics/)", "[the course](../../sales-basics/)",
         "Fix the path: relative to the lesson file, ending in the lesson's file name (with its "
         "number) or in the course folder's name and a `/`.", "lint"),
    Rule("LMS311", E, "Link to an anchor that does not exist",
         "A `#fragment` must match a heading in the target lesson: the heading's text in "
         "lowercase, with spaces as hyphens and punctuation removed (`## Ask, then listen` is "
         "`#ask-then-listen`), or an id set with `{#id}`.",
         "[see above](#ask-than-listen)", "[see above](#ask-then-listen)",
         "Use the slug of an existing heading (the hint lists the lesson's anchors).", "lint"),
    Rule("LMS312", E, "Link to a draft course",
         "A published course links to (or requires, as a prerequisite) a course that is still "
         "a draft. The published site does not include drafts, so the link would be broken "
         "for learners.",
         "[pricing](../../pricing-2026/)  # pricing-2026 has status: draft",
         "[pricing](../../handling-pricing-objections/)",
         "Publish the linked course first (in the same pull request if it is ready), or remove "
         "the link until it is published.", "lint"),
    Rule("LMS314", W, "Link to an archived course",
         "A published course links to (or requires, as a prerequisite) an archived course: it "
         "is still on the site, but learners should no longer take it.",
         "[pricing](../../pricing-2019/)  # pricing-2019 has status: archived",
         "[pricing](../../handling-pricing-objections/)",
         "Link to the course that replaces it, or remove the link.", "lint"),
    Rule("LMS313", W, "Bare URL",
         "A bare `https://...` in the text is not a link on the site (and screen readers spell "
         "it out). `lmsctl lint --fix` wraps bare URLs in `<...>`.",
         "See https://example.org/pricing-guide for details.",
         "See the [pricing guide](https://example.org/pricing-guide).",
         "Write `[what it is](https://...)`, or at least `<https://...>`.", "lint"),
    Rule("LMS320", INFO, "Trailing whitespace or no final newline",
         "Spaces at the end of a line are invisible, make diffs noisy and, when there are two "
         "or more, sometimes turn into line breaks. Two trailing spaces before a line of text "
         "(a deliberate Markdown line break) are left alone. `lmsctl lint --fix` removes the "
         "rest and adds a missing final newline.",
         "Some text.   \n", "Some text.\n",
         "Run `lmsctl lint --fix`, or remove the spaces at the end of the line.", "lint"),
]:
    RULES.append(_rule)


def title_pos(lesson: Lesson) -> tuple[int, int]:
    """Where lesson-wide findings are reported: the front matter's title (so that a trailing
    ``# lmsctl-disable-line RULE`` there suppresses them)."""
    if lesson.front_matter is not None:
        return lesson.front_matter.key_pos(("title",))
    return 1, 1


def course_pos(course: Course) -> tuple[int, int]:
    return course.doc.key_pos(("title",))


@CHECKS.own_lesson
def headings(ctx: Context, course: Course, lesson: Lesson, view: LessonDocument
             ) -> Iterator[Diagnostic]:
    previous = 1  # the title
    for h in view.headings:
        if h.nested:
            continue  # inside an admonition, tab or list item: not the lesson's outline
        marks = "#" * h.level
        if h.level == 1 and lesson.front_matter is None:
            # No front matter: the lesson has no title yet; this heading is usually meant
            # as one (LMS111 reports the missing front matter).
            first = h is next(x for x in view.headings if x.level == 1 and not x.nested)
            yield diag("LMS301", lesson.rel, h.line, h.column,
                       f"level-1 heading '{h.text}' in the body; the lesson's title (the "
                       "page's level-1 heading) belongs in front matter, which this lesson "
                       "does not have",
                       (f"Make it the title: replace this line with three lines: ---, then "
                        f"title: {h.text}, then ---." if first
                        else f"Make it a section: ## {h.text}"))
            continue
        if h.level == 1:
            same = h.text.strip().lower() == lesson.title.strip().lower()
            yield diag("LMS301", lesson.rel, h.line, h.column,
                       f"level-1 heading '{h.text}' in the body; the lesson title "
                       f"'{lesson.title}' is the page's level-1 heading",
                       "Delete this heading: it repeats the title from the front matter."
                       if same else f"Make it a section: ## {h.text}")
            continue
        if h.level > previous + 1:
            want = "#" * (previous + 1)
            after = (f"follows a level-{previous} heading" if previous > 1
                     else "is the first heading (the title is level 1)")
            yield diag("LMS302", lesson.rel, h.line, h.column,
                       f"heading '{marks} {h.text}' is level {h.level} but {after}",
                       f"Make it {want} {h.text}, or add the missing level above it.")
        previous = h.level


def is_empty(lesson: Lesson, view: LessonDocument) -> bool:
    """No text, quiz, image or code: only blank lines, headings and comments."""
    if view.quizzes or view.code or view.links or view.tags:
        return False
    return lesson.word_count <= 60 and not view.has_text


@CHECKS.own_lesson
def size(ctx: Context, course: Course, lesson: Lesson, view: LessonDocument
         ) -> Iterator[Diagnostic]:
    # the front matter (where the findings go) is unpickled only for a finding
    if is_empty(lesson, view):
        line, col = title_pos(lesson)
        yield diag("LMS303", lesson.rel, line, col,
                   f"lesson '{lesson.title}' has no content after its front matter")
        return
    limit = ctx.settings.max_lesson_words
    if lesson.word_count > limit:
        line, col = title_pos(lesson)
        yield diag("LMS304", lesson.rel, line, col,
                   f"lesson has {lesson.word_count:,} words, more than {limit:,}",
                   "Split it into two lessons at a natural break, each with its own quiz "
                   f"(lmsctl new-lesson {course.id} \"Title\").")


_HTML_IN_TEXT = re.compile(r"<[A-Za-z/!][^<>]*>|&(?:#[0-9]+|#x[0-9A-Fa-f]+|[A-Za-z]+);")


def _html_in_title(rel: str, title: str, where: Callable[[], tuple[int, int]], what: str
                   ) -> Iterator[Diagnostic]:
    """LMS308 at ``where()`` (asked only for a finding: a lesson's front matter is unpickled
    then only)."""
    m = _HTML_IN_TEXT.search(title)
    if m is not None:
        pos = where()
        yield diag("LMS308", rel, pos[0], pos[1],
                   f"{what} title '{title}' contains HTML ({m.group(0)}), which the site "
                   "shows as typed text",
                   f"Write it as plain text, e.g. title: {_HTML_IN_TEXT.sub('', title).strip()}")


@CHECKS.own_lesson
def lesson_title(ctx: Context, course: Course, lesson: Lesson, view: LessonDocument
                 ) -> Iterator[Diagnostic]:
    front_matter = lesson.front_matter if _HTML_IN_TEXT.search(lesson.title) else None
    if front_matter is not None:
        yield from _html_in_title(lesson.rel, lesson.title,
                                  lambda: front_matter.pos(("title",)), "lesson")


@CHECKS.course
def course_title(ctx: Context, course: Course) -> Iterator[Diagnostic]:
    yield from _html_in_title(course.rel, course.title, lambda: course.doc.pos(("title",)),
                              "course")


@CHECKS.course
def objectives(ctx: Context, course: Course) -> Iterator[Diagnostic]:
    if course.objectives:
        return
    data = course.doc.data if isinstance(course.doc.data, dict) else {}
    line, col = course.doc.key_pos(("objectives",)) if "objectives" in data else course_pos(
        course)
    yield diag("LMS305", course.rel, line, col, f"course '{course.id}' has no objectives")


def _summary(rel: str, summary: str, pos: tuple[int, int], what: str) -> Iterator[Diagnostic]:
    text = " ".join(summary.split())
    if not text:
        return  # the schema requires it; validate reports a missing summary
    if len(text) < SUMMARY_MIN:
        yield diag("LMS306", rel, pos[0], pos[1],
                   f"{what} summary has {len(text)} characters; a catalog card needs at least "
                   f"{SUMMARY_MIN}")
    elif len(text) > SUMMARY_MAX:
        yield diag("LMS307", rel, pos[0], pos[1],
                   f"{what} summary has {len(text)} characters; a catalog card shows at most "
                   f"{SUMMARY_MAX}")


@CHECKS.course
def course_summary(ctx: Context, course: Course) -> Iterator[Diagnostic]:
    yield from _summary(course.rel, course.summary, course.doc.pos(("summary",)), "course")


@CHECKS.repo
def path_summary(ctx: Context) -> Iterator[Diagnostic]:
    for path in ctx.repo.paths:
        if isinstance(path.doc.data, dict) and "summary" in path.doc.data:
            yield from _summary(path.rel, path.summary, path.doc.pos(("summary",)), "path")


def _inactive(course: Course) -> str | None:
    return course.status if course.status in ("draft", "archived") else None


def _close(name: str, options: list[str]) -> str:
    found = difflib.get_close_matches(name, options, n=1, cutoff=0.6)
    return f" Did you mean {found[0]}?" if found else ""


@CHECKS.lesson
def links(ctx: Context, course: Course, lesson: Lesson, view: LessonDocument
          ) -> Iterator[Diagnostic]:
    """Anchors, absolute paths and links to inactive courses (links that lead nowhere are
    ``validate``'s LMS214)."""
    published = course.status == "published"
    pages = _pages(ctx)
    for url, line, col in page_links(lesson):
        found = pages.target(lesson, url)
        if found.kind == link_targets.ANCHOR:
            if found.fragment and found.fragment not in view.ids:
                yield _bad_anchor(lesson, line, col, found.fragment, view, "this lesson")
            continue
        if found.dead:
            continue
        if found.absolute:
            if urlsplit(url).path.endswith((".md", "/")):
                yield diag("LMS310", lesson.rel, line, col, f"link '{url}' is an absolute path",
                           "Link relative to this lesson: 02-next.md, or ../../other-course/ "
                           "for a course.")
            continue
        if found.kind == link_targets.LESSON:
            other_course, other = ctx.lessons_by_rel[found.path]
            if found.fragment and found.fragment not in ctx.view(other).ids:
                yield _bad_anchor(lesson, line, col, found.fragment, ctx.view(other),
                                  other.rel)
            if published and _inactive(other_course) and other_course.id != course.id:
                yield _inactive_link(lesson, line, col, url, other_course)
        elif found.kind == link_targets.COURSE:
            linked = ctx.courses_by_dir.get(found.path)
            if (linked is not None and published and _inactive(linked)
                    and linked.id != course.id):
                yield _inactive_link(lesson, line, col, url, linked)


def _pages(ctx: Context) -> Pages:
    found = ctx.cache.get("pages")
    if not isinstance(found, Pages):
        found = ctx.cache["pages"] = pages_of(ctx.repo)
    return found


def _bad_anchor(lesson: Lesson, line: int, col: int, fragment: str, view: LessonDocument,
                where: str) -> Diagnostic:
    headings = [h.id for h in view.headings if h.id]
    anchors = headings + sorted(a for a in view.ids if a and a not in headings)
    listed = ", ".join(f"#{a}" for a in anchors[:8]) or "none"
    near = difflib.get_close_matches(fragment, anchors, n=1, cutoff=0.5)
    hint = (f"Did you mean #{near[0]}? " if near else "") + f"Anchors in {where}: {listed}."
    return diag("LMS311", lesson.rel, line, col,
                f"anchor '#{fragment}' matches no heading in {where}", hint)


def _inactive_link(lesson: Lesson, line: int, col: int, url: str, target: Course) -> Diagnostic:
    return diag("LMS312" if target.status == "draft" else "LMS314", lesson.rel, line, col,
                f"link '{url}' goes to course '{target.id}', which is {target.status}")


@CHECKS.course
def inactive_prerequisites(ctx: Context, course: Course) -> Iterator[Diagnostic]:
    if course.status != "published":
        return
    for i, pre in enumerate(course.prerequisites):
        other = ctx.repo.course(pre)
        if other is not None and _inactive(other):
            line, col = course.doc.pos(("prerequisites", i))
            yield diag("LMS312" if other.status == "draft" else "LMS314", course.rel, line, col,
                       f"prerequisite '{pre}' is a course that is {other.status}",
                       "Publish that course first, or remove the prerequisite."
                       if other.status == "draft" else
                       "Require the course that replaces it, or remove the prerequisite.")


def _replace(line: int, column: int, old: str, new: str, title: str) -> Fix:
    return Fix(title, (TextEdit(line, column, line, column + len(old), new),))


@CHECKS.own_lesson
def bare_urls(ctx: Context, course: Course, lesson: Lesson, view: LessonDocument
              ) -> Iterator[Diagnostic]:
    for span in view.bare_urls:
        fix = None
        if span.line in view.html_lines:
            # <url> inside raw HTML would be read as a tag: no automatic fix there
            hint = f"This is inside HTML: write <a href=\"{span.text}\">what it is</a>."
        else:
            hint = (f"Write [what it is]({span.text}), or at least <{span.text}> "
                    "(lmsctl lint --fix does that).")
            fix = _replace(span.line, span.column, span.text, f"<{span.text}>",
                           f"wrapped bare URL in <{span.text}>")
        yield diag("LMS313", lesson.rel, span.line, span.column,
                   f"bare URL {span.text} is not a link on the site", hint, fix)


@CHECKS.own_lesson
def whitespace(ctx: Context, course: Course, lesson: Lesson, view: LessonDocument
               ) -> Iterator[Diagnostic]:
    spans = list(view.trailing_space)
    if lesson.body_line > 1:  # the front matter
        for i, line in enumerate(lesson.text.split("\n", lesson.body_line - 1)[:-1], start=1):
            line = line.rstrip("\r")
            if line != line.rstrip(" \t"):
                spans.append(Span(line, i, len(line.rstrip(" \t")) + 1))
    for span in spans:
        body = span.text.rstrip("\r\n")
        spaces = body[span.column - 1:]
        yield diag("LMS320", lesson.rel, span.line, span.column, "trailing whitespace",
                   "Remove the spaces at the end of the line (lmsctl lint --fix does it).",
                   _replace(span.line, span.column, spaces, "",
                            f"removed {len(spaces)} trailing space(s)"))
    if lesson.text and not lesson.text.endswith("\n"):
        last = lesson.text.count("\n") + 1
        tail = lesson.text.rsplit("\n", 1)[-1]
        newline = "\r\n" if "\r\n" in lesson.text else "\n"
        yield diag("LMS320", lesson.rel, last, len(tail) + 1,
                   "the file does not end with a newline",
                   "Add a line break at the end (lmsctl lint --fix does it).",
                   Fix("added the missing final newline",
                       (TextEdit(last, len(tail) + 1, last, len(tail) + 1, newline),)))


# ------------------------------------------------------------------ placeholder text (LMS309)

RULES.append(Rule(
    "LMS309", E, "Placeholder text from a course template",
    "A new course starts from a template whose example paragraphs, objectives and questions "
    "are placeholders for the author's own (each template marks them with `<!-- "
    "lmsctl:placeholder -->` or `# lmsctl:placeholder`). Text left as it was would reach "
    "learners as if it were the course. An error in a published course (so `lint` and "
    "`build --strict` fail), a warning in a draft.",
    "<!-- lmsctl:placeholder -->\nReplace this paragraph with the one idea of this lesson, in "
    "a sentence or two.",
    "Discovery starts with the customer's words: ask what made them look at this now.",
    "Replace the text with your own (the marker comment may stay; it is invisible), or delete "
    "it.", "lint"))


def placeholder_findings(root: Path, course: Course, store: Namespace | None = None,
                         texts: frozenset[str] | None = None) -> Iterator[Diagnostic]:
    """LMS309 for every line of ``course`` (course.yml and lessons) still holding a template's
    placeholder text; an error unless the course is a draft. ``lmsctl build`` calls it too.
    With ``store`` the places found in each file are reused for the same text and templates."""
    texts = template_texts(root) if texts is None else texts
    if not texts:
        return
    severity = W if course.status == "draft" else E
    state = "a draft" if course.status == "draft" else f"a {course.status} course"
    files: list[tuple[str, str, int]] = []
    with contextlib.suppress(OSError, UnicodeDecodeError):
        files.append((course.rel, (root / course.rel).read_text(encoding="utf-8"), 1))
    files += [(lesson.rel, lesson.body, lesson.body_line) for lesson in course.lessons]
    known = digest(*sorted(texts)) if store is not None else ""
    for rel, text, first in files:
        places: list[tuple[int, int, str]] | None = None
        if store is not None:
            key = store.key("placeholders", rel, text, known)
            places = store.get(key)
        if places is None:
            ahead = found_ahead(rel, text)
            if isinstance(ahead, LessonAhead) and ahead.texts == texts:
                places = ahead.places
        if places is None:
            places = list(find_placeholders(text, texts))
            if store is not None:
                store.put(key, places)
        for line, col, shown in places:
            quote = shown if len(shown) <= 60 else shown[:57] + "..."
            d = diag("LMS309", rel, first + line - 1, col,
                     f"placeholder text from the course template is still here: '{quote}' "
                     f"({state})",
                     "Replace it with your own text (or delete it); `lmsctl rules LMS309` "
                     "explains.")
            yield d if severity is E else dataclasses.replace(d, severity=severity)


@CHECKS.course
def placeholder_text(ctx: Context, course: Course) -> Iterator[Diagnostic]:
    if ctx.in_scope(course):
        texts = ctx.cache.get("template_texts")
        if not isinstance(texts, frozenset):
            texts = ctx.cache["template_texts"] = template_texts(ctx.repo.root)
        yield from placeholder_findings(ctx.repo.root, course, ctx.store, texts)
