"""LMS5xx accessibility: alt text, link text, captions and transcripts, table headers."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from urllib.parse import unquote, urlsplit

from lmsctl.checks.rules.checks import CheckList, Context
from lmsctl.content.markdown import inline_text
from lmsctl.core.diagnostics import Diagnostic, Rule, Severity, diag_from
from lmsctl.core.document import HtmlTag, LessonDocument
from lmsctl.core.model import Course, Lesson

#: This group's rules and checks, listed explicitly (``lmsctl.checks.registry`` reads them).
RULES: list[Rule] = []
CHECKS = CheckList()
diag = diag_from(RULES)

E, W = Severity.ERROR, Severity.WARNING

VIDEO_EXTENSIONS = (".mp4", ".webm", ".mov", ".m4v", ".ogv", ".mkv", ".avi")
AUDIO_EXTENSIONS = (".mp3", ".m4a", ".wav", ".ogg", ".oga", ".flac", ".aac")
#: Link texts that say nothing about where the link goes (compared in lowercase, without
#: punctuation). Screen-reader users often list a page's links out of context.
VAGUE_LINK_TEXT = frozenset({
    "click here", "here", "click", "click this", "read more", "more", "read this", "link",
    "this link", "this", "this page", "page", "learn more", "more info", "more information",
    "info", "details", "go", "go here", "see here", "continue", "website", "this website",
    "url", "source",
})
VAGUE_ALT = frozenset({
    "image", "img", "picture", "pic", "photo", "photograph", "diagram", "screenshot",
    "screen shot", "figure", "graphic", "icon", "chart", "illustration", "logo", "alt",
    "alt text", "untitled", "placeholder", "an image", "a diagram", "a picture", "a screenshot",
})
_FILE_NAME = re.compile(r"^[\w .-]+\.(?:png|jpe?g|gif|svg|webp|avif|bmp)$", re.I)

for _rule in [
    Rule("LMS501", E, "Image without alt text",
         "Alt text is what a screen reader says instead of the image, and what shows when it "
         "does not load. Say what the image shows, as you would to a colleague on the phone. "
         "A purely decorative HTML image may have an explicit `alt=\"\"`.",
         "![](../assets/question-funnel.svg)",
         "![Funnel: open questions at the top, closed questions at the bottom]"
         "(../assets/question-funnel.svg)",
         "Put a description of what the image shows between the square brackets.", "lint"),
    Rule("LMS502", W, "Link text does not say where it goes",
         "\"Click here\", \"here\", \"read more\" or \"link\" mean nothing out of context, and "
         "screen-reader users often list a page's links out of context. An empty link text is "
         "read out as the raw address.",
         "To book a room, [click here](../../office-basics/).",
         "See [booking a meeting room](../../office-basics/).",
         "Use the destination's name or what the reader gets there as the link text.", "lint"),
    Rule("LMS503", W, "Video or audio without captions or a transcript",
         "People who cannot hear (or are in an open-plan office) need captions for video and a "
         "transcript for audio. A `<track kind=\"captions\">` inside `<video>`, or a transcript "
         "in the lesson (a section, link or details block whose text says \"transcript\"), "
         "satisfies this rule.",
         "<video src=\"../assets/demo.mp4\" controls></video>",
         "<video src=\"../assets/demo.mp4\" controls>\n  <track kind=\"captions\" "
         "src=\"../assets/demo.en.vtt\" srclang=\"en\" label=\"English\">\n</video>",
         "Add a captions file (WebVTT) with <track kind=\"captions\">, or a transcript below "
         "the video.", "lint"),
    Rule("LMS504", W, "Table without a header row",
         "Screen readers announce a cell with its column header; a table whose header cells "
         "are empty (or an HTML table without `<th>`) leaves every cell unlabelled. Tables "
         "are for data, not layout.",
         "|   |   |\n|---|---|\n| Budget | Is money set aside? |",
         "| Letter | What it means |\n|---|---|\n| Budget | Is money set aside? |",
         "Name each column in the first row (in HTML, use <th> cells).", "lint"),
    Rule("LMS505", W, "Alt text says nothing about the image",
         "Alt text such as \"image\", \"diagram\" or a file name tells the reader only that "
         "there is a picture, not what it shows.",
         "![diagram](../assets/acr-loop.svg)",
         "![Acknowledge, clarify, respond: three steps in a loop](../assets/acr-loop.svg)",
         "Describe what the image shows and why it is there.", "lint"),
]:
    RULES.append(_rule)


def _words(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", inline_text(text).lower()).split())


def _is_media(url: str, extensions: tuple[str, ...]) -> bool:
    path = unquote(urlsplit(url).path).lower()
    return path.endswith(extensions)


def _has_transcript(view: LessonDocument) -> bool:
    if "transcript" in view.prose.lower():
        return True
    return any(_is_media(link.url, (".vtt", ".srt")) for link in view.links)


def _html_link_text(view: LessonDocument, tag: HtmlTag) -> str | None:
    if tag.inner is None or len(tag.inner) > 2000:
        return None
    return tag.inner


@CHECKS.own_lesson
def images(ctx: Context, course: Course, lesson: Lesson, view: LessonDocument
           ) -> Iterator[Diagnostic]:
    for link in view.links:
        if not link.image:
            continue
        alt = link.text.strip()
        url = view.target(link)
        name = posixpath.basename(unquote(urlsplit(url).path)) or url or f"[{link.ref}]"
        if not alt:
            shown = f"({url})" if link.ref is None else f"[{link.ref}]"
            yield diag("LMS501", lesson.rel, link.line, link.column,
                       f"image {name} has no alt text",
                       f"Describe what it shows: ![what the image shows]{shown}")
        elif _words(alt) in VAGUE_ALT or _FILE_NAME.match(alt) or alt == name:
            yield diag("LMS505", lesson.rel, link.line, link.column,
                       f"alt text '{alt}' of image {name} does not say what it shows")
    for tag in view.tags:
        if tag.closing or tag.name != "img":
            continue
        html_alt = tag.attr("alt")
        src = tag.attr("src") or ""
        name = posixpath.basename(unquote(urlsplit(src).path)) or "<img>"
        if html_alt is None:
            yield diag("LMS501", lesson.rel, tag.line, tag.column,
                       f"<img> {name} has no alt attribute",
                       "Add alt=\"what the image shows\" (alt=\"\" only for decoration).")
        elif html_alt.strip() and (_words(html_alt) in VAGUE_ALT
                                   or _FILE_NAME.match(html_alt.strip())):
            yield diag("LMS505", lesson.rel, tag.line, tag.column,
                       f"alt text '{html_alt}' of image {name} does not say what it shows")


@CHECKS.own_lesson
def link_text(ctx: Context, course: Course, lesson: Lesson, view: LessonDocument
              ) -> Iterator[Diagnostic]:
    for link in view.links:
        if link.image or link.definition:
            continue
        if "![" in link.text or "<img" in link.text.lower():
            continue  # an image link: its alt text is the link text
        words = _words(link.text)
        url = view.target(link)
        shown = " ".join(link.text.split())
        if not words and not url.strip():
            continue  # [](){#id}: an anchor, not a link anyone follows
        if not words:
            yield diag("LMS502", lesson.rel, link.line, link.column,
                       f"link to {url or link.ref} has no text",
                       f"Write what the reader gets there: [the pricing guide]({url})")
        elif words in VAGUE_LINK_TEXT:
            yield diag("LMS502", lesson.rel, link.line, link.column,
                       f"link text '{shown}' does not say where the link goes",
                       "Use words that name the destination as the link text instead of "
                       f"[{shown}], e.g. [the pricing guide]({url}).")
    for tag in view.tags:
        if tag.closing or tag.name != "a" or tag.attr("href") is None:
            continue
        text = _html_link_text(view, tag)
        if text is None or "<img" in text.lower() or tag.attr("aria-label"):
            continue
        words = _words(re.sub(r"<[^>]*>", " ", text))
        if not words or words in VAGUE_LINK_TEXT:
            shown = text.strip() or "(empty)"
            yield diag("LMS502", lesson.rel, tag.line, tag.column,
                       f"link text '{shown}' does not say where the link goes",
                       "Use the destination's name as the link text.")


@CHECKS.own_lesson
def media(ctx: Context, course: Course, lesson: Lesson, view: LessonDocument
          ) -> Iterator[Diagnostic]:
    found: list[tuple[int, int, str, bool]] = []  # line, col, what, captioned
    tags = view.tags
    for i, tag in enumerate(tags):
        if tag.closing or tag.name not in ("video", "audio"):
            continue
        captioned = False
        for inner in tags[i + 1:]:
            if inner.name == tag.name and inner.closing:
                break
            if inner.name == "track" and not inner.closing and (
                (inner.attr("kind") or "subtitles").lower() in ("captions", "subtitles")
            ):
                captioned = True
        src = tag.attr("src") or next(
            (t.attr("src") or "" for t in tags[i + 1:] if t.name == "source"), "") or ""
        name = posixpath.basename(unquote(urlsplit(src).path)) or f"<{tag.name}>"
        found.append((tag.line, tag.column, f"{tag.name} {name}", captioned))
    for link in view.links:
        if _is_media(link.url, VIDEO_EXTENSIONS):
            kind = "video"
        elif _is_media(link.url, AUDIO_EXTENSIONS):
            kind = "audio"
        else:
            continue
        name = posixpath.basename(unquote(urlsplit(link.url).path))
        found.append((link.line, link.column, f"{kind} {name}", False))
    if not found or _has_transcript(view):
        return
    for line, col, what, captioned in found:
        if captioned:
            continue
        yield diag("LMS503", lesson.rel, line, col,
                   f"{what} has no captions and the lesson has no transcript")


@CHECKS.own_lesson
def tables(ctx: Context, course: Course, lesson: Lesson, view: LessonDocument
           ) -> Iterator[Diagnostic]:
    for table in view.tables:
        if not any(cell.strip() for cell in table.header):
            yield diag("LMS504", lesson.rel, table.line, table.column,
                       "table's header row is empty",
                       "Name each column in the first row of the table.")
    tags = view.tags
    for i, tag in enumerate(tags):
        if tag.closing or tag.name != "table":
            continue
        has_th = False
        for inner in tags[i + 1:]:
            if inner.name == "table":
                break
            if inner.name == "th":
                has_th = True
                break
        if not has_th:
            yield diag("LMS504", lesson.rel, tag.line, tag.column,
                       "HTML table has no header cells (<th>)",
                       "Make the first row's cells <th> cells that name the columns.")
