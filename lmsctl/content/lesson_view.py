"""The structure of a lesson that the lint rules need, from one cheap pass over its text.

``LessonView`` is built once per lesson and shared by every lint rule. It reads the Markdown the
way the site renders it (Python-Markdown with the Material extensions: admonitions and tabs hold
indented Markdown, not code) closely enough for linting, and keeps exact line and column numbers,
which a Markdown parser's token stream does not. One Python loop over the lines finds fences,
indented code, headings, tables and trailing whitespace; one regular expression pass over the
remaining text finds code spans, comments, links, autolinks, HTML tags and bare URLs, in the order
Markdown gives them precedence.
"""

from __future__ import annotations

import html
import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, field, replace
from functools import cached_property

from lmsctl.content.markdown_scan import code_spans
from lmsctl.core.ids import slugify as lmsctl_slugify
from lmsctl.core.model import Lesson

_ATX = re.compile(r"( {0,3})(#{1,6})(?!#)[ \t]*(.*?)(?:[ \t]+#+)?[ \t]*\Z")
_ATTR_ID = re.compile(r"\s*\{[^}]*#([A-Za-z0-9_:.-]+)[^}]*\}\s*\Z")
_ATTR_LIST = re.compile(r"\s*\{:?[^}]*\}\s*\Z")
_SETEXT = re.compile(r" {0,3}(=+|-+)[ \t]*\Z")
_TABLE_DELIM = re.compile(r"[ \t]*\|?[ \t]*:?-+:?[ \t]*(\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*\Z")
_LIST_ITEM = re.compile(r"[ \t]{0,3}(?:[-*+]|\d{1,9}[.)])(?:[ \t]|\Z)")
_CONTAINER = re.compile(r"[ \t]{0,3}(?:!!!|\?\?\?\+?|===|\[\^[^\]]+\]:)")
#: A raw HTML block: a block-level tag at the start of a paragraph (Python-Markdown's list).
_HTML_BLOCK = re.compile(
    r"<(address|article|aside|blockquote|center|details|dl|div|fieldset|figure|footer|form|"
    r"header|nav|ol|p|pre|section|table|ul|video|audio|iframe|script|style|noscript)(?=[\s>/])",
    re.I)
#: Elements whose text is code or not text: a URL there is not a bare URL.
_NO_URL_ELEMENTS = frozenset({"code", "pre", "kbd", "samp", "script", "style", "textarea"})
_FENCE_OPEN = re.compile(r"([ \t]*)(`{3,}|~{3,})[ \t]*(.*)\Z")

#: Where something inline may start: a backslash escape, a code span, a comment or tag, a link
#: or image, or the ``:`` of a URL. Everything else in the text is skipped at C speed.
_TRIGGER = re.compile(r"[\\`<\[!:]")
#: What may start at a trigger (tried with ``match`` at that position only).
_INLINE = re.compile(
    r"(?P<code>(?P<ticks>`+)(?!`).*?(?<!`)(?P=ticks)(?!`))"
    r"|(?P<comment><!--(?s:.*?)-->)"
    r"|(?P<link>(?P<bang>!?)\[(?P<text>(?:[^\[\]\\\n]|\\.|\n(?![ \t]*\n)|\[[^\[\]\n]*\])*)\]"
    r"(?:\(\s*(?:<(?P<u1>[^>\n]*)>|(?P<u2>(?:[^()\s]|\([^()\s]*\))+))?"
    r"(?:\s+(?:\"[^\"\n]*\"|'[^'\n]*'|\([^)\n]*\)))?\s*\)|[ \t]?\[(?P<ref>[^\]\n]*)\]"
    r"|(?P<short>)))"
    r"|(?P<auto><(?:https?|ftp|mailto):[^\s<>]*>)"
    r"|(?P<tag><(?P<close>/?)(?P<name>[A-Za-z][A-Za-z0-9-]*)(?P<attrs>(?:\s+[^\s\"'>/=<]+"
    r"(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?)*)\s*/?>)"
)
_LINK_TEXT_TRIGGER = re.compile(r"[<`\[]")
_DEF = re.compile(r"\[(?!\^)(?P<dref>[^\]\n]+)\]:[ \t]*<?(?P<durl>[^\s>]+)>?")
_URL = re.compile(r"(?:https?|ftp)://[^\s<>\"'`]+")
_NOT_BEFORE_URL = frozenset("/@.:%+-")
_ATTR = re.compile(r"([^\s\"'>/=]+)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'=<>`]+)))?")
_URL_TRAILING = ".,:;!?*_~'\"]"


@dataclass(frozen=True)
class Heading:
    level: int
    text: str  # the heading's text as written (inline Markdown kept, attribute list removed)
    line: int
    column: int
    explicit_id: str | None = None
    nested: bool = False  # inside an admonition, tab or list item


@dataclass(frozen=True)
class MdLink:
    """A Markdown link or image: inline ``[text](url)``, reference ``[text][ref]`` or a
    reference definition ``[ref]: url`` (``definition`` True)."""

    url: str
    text: str
    line: int
    column: int
    image: bool
    ref: str | None = None
    definition: bool = False


@dataclass(frozen=True)
class HtmlTag:
    name: str  # lowercase
    closing: bool
    attrs: tuple[tuple[str, str | None], ...]  # lowercase name, unescaped value (None: bare)
    line: int
    column: int
    end_offset: int  # offset in the body just after the tag

    def attr(self, name: str) -> str | None:
        return next((v if v is not None else "" for k, v in self.attrs if k == name), None)

    def has(self, name: str) -> bool:
        return any(k == name for k, _ in self.attrs)


@dataclass(frozen=True)
class Comment:
    text: str  # between <!-- and -->
    line: int
    column: int
    end_line: int


@dataclass(frozen=True)
class Table:
    line: int
    column: int
    header: tuple[str, ...]


@dataclass(frozen=True)
class Span:
    """A bit of text at a place: bare URLs, trailing whitespace."""

    text: str
    line: int
    column: int


@dataclass
class LessonView:
    lesson: Lesson
    headings: list[Heading] = field(default_factory=list)
    links: list[MdLink] = field(default_factory=list)
    tags: list[HtmlTag] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    bare_urls: list[Span] = field(default_factory=list)
    trailing_space: list[Span] = field(default_factory=list)
    quiz_lines: list[tuple[int, int]] = field(default_factory=list)  # (first, last) YAML lines
    html_lines: set[int] = field(default_factory=set)  # lines of raw HTML blocks
    code_blocks: int = 0
    masked: str = ""  # the body with code blanked (lines kept), for searches in prose
    definitions: dict[str, str] = field(default_factory=dict)  # reference label -> URL
    line_starts: list[int] = field(default_factory=list)

    def target(self, link: MdLink) -> str:
        """Where a link goes: its URL, or for ``[text][label]`` the URL defined for the label."""
        if link.ref is None or link.definition:
            return link.url
        return self.definitions.get(ref_label(link.ref), "")

    def position(self, offset: int) -> tuple[int, int]:
        """File line and column (1-based) of an offset into ``masked``."""
        i = bisect_right(self.line_starts, offset) - 1
        return self.lesson.body_line + i, offset - self.line_starts[i] + 1

    @cached_property
    def anchors(self) -> frozenset[str]:
        """Every ``#fragment`` that reaches a place in this lesson: heading slugs as the site's
        table of contents makes them (and lmsctl's own slugs), attribute-list ids, HTML ids."""
        out: set[str] = set()
        seen: dict[str, int] = {}
        for h in self.headings:
            if h.explicit_id:
                out.add(h.explicit_id)
                continue
            slug = toc_slug(h.text)
            if slug in seen:  # Python-Markdown's toc: the second "Intro" is intro_1
                seen[slug] += 1
                out.add(f"{slug}_{seen[slug]}")
            else:
                seen[slug] = 0
                out.add(slug)
            out.add(lmsctl_slugify(plain_text(h.text)))
        for tag in self.tags:
            for key in ("id", "name"):
                value = tag.attr(key)
                if value:
                    out.add(value)
        return frozenset(out)

    @cached_property
    def prose_lower(self) -> str:
        return self.masked.lower()

    @cached_property
    def is_empty(self) -> bool:
        """No text, quiz, image or code: only blank lines, headings and comments."""
        if self.lesson.quizzes or self.code_blocks or self.links or self.tags:
            return False
        if self.lesson.word_count > 60:
            return False
        text = without_comments(self.masked)
        heading_lines = {h.line for h in self.headings}
        for i, line in enumerate(text.split("\n")):
            if line.strip() and self.lesson.body_line + i not in heading_lines:
                return False
        return True




def without_comments(text: str) -> str:
    """``text`` without HTML comments (an unclosed one runs to the end), in linear time (a
    ``<!--.*?-->`` regex is quadratic on many unclosed openers)."""
    out: list[str] = []
    i = 0
    while True:
        start = text.find("<!--", i)
        if start < 0:
            out.append(text[i:])
            break
        out.append(text[i:start])
        end = text.find("-->", start + 4)
        if end < 0:
            break
        i = end + 3
    return "".join(out)

#: Inline Markdown in a heading or link text, and what of it the page's text is: a code span's
#: text as written, an escaped character, a link's text, nothing of an image, an HTML tag or an
#: emphasis mark. ``_`` inside a word is text, not emphasis (``snake_case``).
_INLINE_MARKUP = re.compile(
    r"(?P<ticks>`+)(?P<code>.+?)(?P=ticks)"
    r"|\\(?P<escaped>[!-/:-@\[-`{-~])"
    r"|!\[[^\]]*\](?:\([^)]*\)|\[[^\]]*\])"
    r"|\[(?P<text>[^\]]*)\](?:\([^)]*\)|\[[^\]]*\])"
    r"|</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>"
    r"|(?<![\w\\])(?P<under>__?)(?=\S)(?P<emph>.+?)(?<=\S)(?P=under)(?!\w)"
    r"|[*~]"
)


def _shown(m: re.Match[str]) -> str:
    if m.group("code") is not None:
        code = m.group("code")
        return code[1:-1] if len(code) > 2 and code[0] == code[-1] == " " else code
    for name in ("escaped", "text"):
        if m.group(name) is not None:
            return m.group(name)
    if m.group("emph") is not None:
        return _INLINE_MARKUP.sub(_shown, m.group("emph"))
    return ""


def plain_text(markdown: str) -> str:
    """The text of a heading or link as the page shows it: the text of code spans and links,
    without tags and emphasis marks, entities decoded."""
    return html.unescape(_INLINE_MARKUP.sub(_shown, markdown)).strip()


def toc_slug(text: str) -> str:
    """Python-Markdown's toc slugify, as MkDocs uses it by default."""
    value = unicodedata.normalize("NFKD", plain_text(text)).encode("ascii", "ignore")
    word = re.sub(r"[^\w\s-]", "", value.decode("ascii")).strip().lower()
    return re.sub(r"[-\s]+", "-", word)


def _cells(row: str) -> tuple[str, ...]:
    row = row.strip()
    if row.startswith("|"):
        row = row[1:]
    if row.endswith("|") and not row.endswith("\\|"):
        row = row[:-1]
    return tuple(c.strip() for c in re.split(r"(?<!\\)\|", row))


def _attrs(raw: str) -> tuple[tuple[str, str | None], ...]:
    out: list[tuple[str, str | None]] = []
    for m in _ATTR.finditer(raw):
        value = next((v for v in m.group(2, 3, 4) if v is not None), None)
        out.append((m.group(1).lower(), html.unescape(value) if value is not None else None))
    return tuple(out)


def trim_url(url: str) -> str:
    while url and url[-1] in _URL_TRAILING:
        url = url[:-1]
    while url.endswith(")") and url.count(")") > url.count("("):
        url = url[:-1]
    return url


def build_view(lesson: Lesson) -> LessonView:
    view = LessonView(lesson)
    first = lesson.body_line
    lines = lesson.body.split("\n")
    masked: list[str] = []
    n = len(lines)
    prev_blank = True
    prev_para = False  # the previous line is paragraph text (a setext underline may follow)
    # How many list items, admonitions, tabs or footnotes the line is inside: their content is
    # indented by 4 columns per level (Python-Markdown's rule), code by 4 more.
    depth = 0
    container = False
    html_block: str | None = None  # the raw HTML block the line is in (not Markdown)
    html_open = 0
    i = 0
    while i < n:
        line = lines[i]
        if line.endswith("\r"):
            line = line[:-1]
        stripped = line.lstrip(" \t")
        if not stripped:
            if line:
                view.trailing_space.append(Span(line, first + i, 1))
            masked.append("")
            prev_blank, prev_para = True, False
            i += 1
            continue
        indent = len(line) - len(stripped)
        lead = stripped[0]
        if html_block is None and indent == 0 and prev_blank and lead == "<" and (
                hb := _HTML_BLOCK.match(stripped)) is not None:
            html_block, html_open = hb.group(1).lower(), 0
        if html_block is not None:
            # a raw HTML block: shown as written, not read as Markdown
            view.html_lines.add(first + i)
            html_open += len(re.findall(rf"<{html_block}\b", line, re.I)) - len(
                re.findall(rf"</{html_block}\s*>", line, re.I))
            if html_open <= 0:
                html_block = None
        if lead in "`~" and (m := _FENCE_OPEN.match(line)) is not None and not (
            lead == "`" and "`" in m.group(3)
        ):
            fence = m.group(2)
            is_quiz = m.group(3).split()[:1] == ["quiz"]
            depth = min(depth, len(m.group(1).expandtabs(4)) // 4)  # fences end containers
            start = i
            masked.append("")
            i += 1
            while i < n:
                inner = lines[i].strip()
                if inner.startswith(fence) and set(inner) == {fence[0]}:
                    break
                if is_quiz:
                    raw = lines[i].rstrip("\r")
                    if raw != raw.rstrip(" \t"):
                        stripped_len = len(raw.rstrip(" \t"))
                        view.trailing_space.append(Span(raw, first + i, stripped_len + 1))
                masked.append("")
                i += 1
            if i < n:
                masked.append("")
            if is_quiz:
                view.quiz_lines.append((first + start + 1, first + i - 1))
            else:
                view.code_blocks += 1
            i += 1
            prev_blank, prev_para = False, False
            continue
        columns = len(line[:indent].expandtabs(4))
        if columns >= 4 * depth + 4 and prev_blank:
            view.code_blocks += 1  # indented code: skipped, like a fence (prev_blank stays,
            masked.append("")      # so the code's following lines are code too)
            i += 1
            continue
        level = min(columns // 4, depth)
        if _LIST_ITEM.match(stripped) or _CONTAINER.match(stripped):
            depth = level + 1
        elif prev_blank:
            depth = level  # a less indented paragraph closes the containers it is outside of
        container = depth > 0
        masked.append(line)
        if line[-1] in " \t":
            body = line.rstrip(" \t")
            following = lines[i + 1].lstrip() if i + 1 < n else ""
            hard_break = (line.endswith("  ") and lead != "#" and following.strip() != ""
                          and not following.startswith(("```", "~~~", "#")))
            if not hard_break:
                view.trailing_space.append(Span(line, first + i, len(body) + 1))
        if lead == "#" and indent <= 3:
            hm = _ATX.match(line)
            if hm is not None:
                view.headings.append(_heading(len(hm.group(2)), hm.group(3), first + i,
                                              indent + 1))
                prev_blank, prev_para = False, False
                i += 1
                continue
        elif lead == "#" and container and (hm := _ATX.match(stripped)) is not None:
            # a heading inside an admonition, tab or list item: on the page and in its table
            # of contents (an anchor), but not part of the lesson's outline rules
            heading = _heading(len(hm.group(2)), hm.group(3), first + i, indent + 1)
            view.headings.append(replace(heading, nested=True))
            prev_blank, prev_para = False, False
            i += 1
            continue
        if (lead in "=-" and prev_para and indent <= 3 and _SETEXT.match(line)
                and i > 0):
            above = lines[i - 1].rstrip("\r")
            view.headings.append(_heading(1 if lead == "=" else 2, above.strip(), first + i - 1,
                                          len(above) - len(above.lstrip()) + 1))
            prev_blank, prev_para = False, False
            i += 1
            continue
        if "|" in line and i + 1 < n and "-" in lines[i + 1] and _TABLE_DELIM.match(
            lines[i + 1].rstrip("\r")
        ):
            view.tables.append(Table(first + i, indent + 1, _cells(line)))
            prev_blank, prev_para = False, False
            i += 1
            continue
        prev_para = lead not in "|<" and not _LIST_ITEM.match(line)
        prev_blank = False
        i += 1
    text = "\n".join(masked)
    view.masked = text
    starts = [0]
    pos = text.find("\n")
    while pos != -1:
        starts.append(pos + 1)
        pos = text.find("\n", pos + 1)
    view.line_starts = starts
    _inline(view, text)
    if any(link.ref is not None for link in view.links):
        defined = {ref_label(link.text): link.url for link in view.links if link.definition}
        view.definitions = {k: defined[k] for k in defined}
        # A reference to a label that is never defined stays literal text on the page.
        view.links = [link for link in view.links if link.definition or link.ref is None
                      or ref_label(link.ref) in defined]
    return view


def ref_label(label: str) -> str:
    """A reference label as Markdown matches it: case-insensitive, whitespace collapsed."""
    return " ".join(label.split()).lower()


def _heading(level: int, raw: str, line: int, column: int) -> Heading:
    explicit = None
    m = _ATTR_ID.search(raw)
    if m is not None:
        explicit = m.group(1)
    raw = _ATTR_LIST.sub("", raw) if raw.endswith("}") else raw
    return Heading(level, raw.strip(), line, column, explicit)


def _inline(view: LessonView, text: str, start_at: int = 0, end_at: int | None = None,
            in_link: bool = False) -> None:
    pos = view.position
    end = len(text) if end_at is None else end_at
    p = start_at
    last_close = text.rfind("-->", 0, end)  # an "<!--" after it is literal text: no rescans
    spans = code_spans(text) if "`" in text else {}
    no_urls_until = -1  # the end of a <code>, <pre> ... element: no bare URLs before it
    while True:
        t = _TRIGGER.search(text, p, end)
        if t is None:
            return
        p = t.start()
        ch = text[p]
        if ch == "<" and p + 4 > last_close and text.startswith("<!--", p):
            p += 4
            continue
        if ch == "`":  # a code span (paired in linear time), or a literal backtick run
            if p in spans:
                p = spans[p]
            else:
                while p < end and text[p] == "`":
                    p += 1
            continue
        if ch == "\\":
            p += 2
            continue
        if ch == ":":
            p += 1
            if not in_link and p > no_urls_until and text.startswith("//", p):
                s = p - 1
                while s > 0 and text[s - 1].isalpha() and p - s < 6:
                    s -= 1
                before = text[s - 1] if s > 0 else " "
                if (text[s:p - 1].lower() in ("http", "https", "ftp")
                        and not before.isalnum() and before not in _NOT_BEFORE_URL):
                    um = _URL.match(text, s, end)
                    if um is not None:
                        url = trim_url(um.group(0))
                        if len(url) > url.index("://") + 3:
                            line, col = pos(s)
                            view.bare_urls.append(Span(url, line, col))
                        p = s + len(url)
            continue
        if ch == "[":
            line_start = text.rfind("\n", 0, p) + 1
            if p - line_start <= 3 and not text[line_start:p].strip(" "):
                dm = _DEF.match(text, p, end)
                if dm is not None:
                    line, col = pos(p)
                    view.links.append(MdLink(dm.group("durl"), dm.group("dref"), line, col,
                                             False, ref=dm.group("dref"), definition=True))
                    p = dm.end()
                    continue
        m = _INLINE.match(text, p, end)
        if m is None:
            if ch == "`":  # an unmatched backtick run is literal text, all of it
                while p < end and text[p] == "`":
                    p += 1
            else:
                p += 1
            continue
        p = m.end()
        if m.group("code") is not None:
            continue
        if m.group("comment") is not None:
            line, col = pos(m.start())
            end_line, _ = pos(m.end())
            view.comments.append(Comment(m.group("comment")[4:-3], line, col, end_line))
        elif m.group("link") is not None:
            line, col = pos(m.start())
            u = m.group("u1") if m.group("u1") is not None else m.group("u2")
            ref = m.group("ref")
            link_text = m.group("text")
            if m.group("short") is not None:
                # A shortcut reference [label] is a link only if the label is defined (checked
                # once the whole lesson is read); until then its text is scanned as text.
                if link_text.strip() and not link_text.startswith("^"):
                    view.links.append(MdLink("", link_text, line, col, bool(m.group("bang")),
                                             ref=link_text))
                p = m.start("text")
                continue
            view.links.append(MdLink(u or "", link_text, line, col, bool(m.group("bang")),
                                     ref=(ref or link_text) if ref is not None else None))
            if _LINK_TEXT_TRIGGER.search(link_text):  # an image, a tag or code in the text
                _inline(view, text, m.start("text"), m.end("text"), in_link=True)
        elif m.group("tag") is not None:
            line, col = pos(m.start())
            name = m.group("name").lower()
            view.tags.append(HtmlTag(name, bool(m.group("close")), _attrs(m.group("attrs")),
                                     line, col, m.end()))
            if name in _NO_URL_ELEMENTS and not m.group("close"):
                close = re.compile(rf"</{name}\s*>", re.I).search(text, m.end(), end)
                no_urls_until = max(no_urls_until, close.start() if close else end)
