"""The one Markdown reader: markdown-it-py and mdit-py-plugins, configured once.

``read`` turns a lesson body into a ``LessonDocument`` (headings and their anchor ids, links,
images, reference definitions, raw HTML tags, quizzes, code, each at its file line and column);
``render`` turns the same body, parsed by the same parser, into the page's HTML with the markup
mkdocs-material styles and scripts (admonitions, collapsible ``???`` blocks, content tabs,
footnotes, tables, attribute lists, Pygments highlighting, heading permalinks). validate, lint
and the site therefore see the same lesson.

The dialect is CommonMark plus: tables; admonitions ``!!! note "Title"`` and collapsible
``??? note`` / ``???+ note``; content tabs ``=== "Tab"``; footnotes ``[^1]``; attribute lists
(``## Heading {#id .class}``, ``![](a.png){alt='...' width=20}``, ``[text](url){#id}``, and a
paragraph's last line ``{: .class}``). Raw HTML is kept as written (the site sanitizes it).

mdit-py-plugins gives the footnotes. Admonitions, content tabs and attribute lists are rules of
this module: the plugins' versions differ from what Material's users write (the admonition
plugin ends a block at two blank lines and titles ``!!! danger highlight`` "highlight"; the
attrs plugin has Djot's syntax, without ``{: ...}`` or single quotes; there is no tabs plugin).
"""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

# markdown-it-py is imported by ``parser()``, when a lesson is first read: a run that finds every
# lesson in the check cache never imports it.
if TYPE_CHECKING:
    from markdown_it import MarkdownIt, helpers
    from markdown_it.common.utils import unescapeAll
    from markdown_it.helpers import parseLinkLabel
    from markdown_it.rules_block import StateBlock
    from markdown_it.rules_core import StateCore
    from markdown_it.rules_inline import StateInline
    from markdown_it.token import Token
    from markdown_it.token import Token as _Token

from lmsctl.core.document import (
    CodeBlock,
    Comment,
    Heading,
    HtmlTag,
    LessonDocument,
    MdLink,
    Span,
    Table,
)

#: Where a quiz goes in the rendered body; the site puts lmsctl's quiz HTML there after the
#: author's HTML is sanitized.
QUIZ_SLOT = '<div class="lmsctl-quiz-slot">{n}</div>'
PERMALINK_TITLE = "Link to this section"

# Python-Markdown's admonition and pymdownx.details syntax (what mkdocs-material documents).
_ADMONITION = re.compile(r'!!! ?([\w\-]+(?: +[\w\-]+)*)(?: +"(.*?)")? *\Z')
_DETAILS = re.compile(
    r'\?{3}(\+)? ?(?:([\w\-]+(?: +[\w\-]+)*?)?(?: +"(.*?)")|([\w\-]+(?: +[\w\-]+)*?)) *\Z')
_TAB = re.compile(r'={3}(\+|\+!|!\+|!)? +"(.*?)" *\Z')
# Python-Markdown's attr_list: on a heading's end, right after an inline element, or on the
# last line of a paragraph.
_HEADER_ATTRS = re.compile(r"[ ]+\{:?([^}\n]*)\}[ ]*\Z")
_INLINE_ATTRS = re.compile(r"\{:?[ ]*([^}\n ][^}\n]*)[ ]*\}")
_BLOCK_ATTRS = re.compile(r"\n[ ]*\{:?[ ]*([^}\n ][^}\n]*)[ ]*\}[ ]*\Z")
_ATTR_TOKEN = re.compile(r"""([^ =}]+)="(.*?)"|([^ =}]+)='(.*?)'|([^ =}]+)=([^ =}]+)|([^ =}]+)""")
_ATTR_NAME = re.compile(r"[A-Za-z_:][\w:.-]*\Z")

_TAG = re.compile(
    r"<(?P<close>/?)(?P<name>[A-Za-z][A-Za-z0-9-]*)(?P<attrs>(?:\s+[^\s\"'>/=<]+"
    r"(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?)*)\s*/?>")


_CODE_ELEMENT = re.compile(r"<(code|pre|kbd|samp)\b[^<>]*>", re.I)


class _Markup:
    """A tag or comment found in raw HTML (``comment`` None for a tag)."""

    __slots__ = ("start", "end", "comment", "tag")

    def __init__(self, start: int, end: int, comment: str | None,
                 tag: re.Match[str] | None) -> None:
        self.start, self.end, self.comment, self.tag = start, end, comment, tag


def _markup(text: str, first_only: bool = False) -> list[_Markup]:
    """Comments and tags of raw HTML, left to right, in linear time (an unclosed ``<!--``
    hides the rest of the text, as in a browser)."""
    out: list[_Markup] = []
    pos = 0
    while True:
        i = text.find("<", pos)
        if i < 0 or (first_only and i > 0):
            return out
        if text.startswith("<!--", i):
            end = text.find("-->", i + 4)
            if end < 0:
                return out
            out.append(_Markup(i, end + 3, text[i + 4:end], None))
            pos = end + 3
        else:
            m = _TAG.match(text, i)
            if m is None:
                pos = i + 1
            else:
                out.append(_Markup(i, m.end(), None, m))
                pos = m.end()
        if first_only:
            return out
_ATTR = re.compile(r"([^\s\"'>/=]+)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'=<>`]+)))?")
_URL = re.compile(r"(?<![A-Za-z0-9/@.:%+-])(?:https?|ftp)://[^\s<>\"'`]+")
_URL_TRAILING = ".,:;!?*_~'\"]"
#: Elements whose text is code or not text: a URL there is not a bare URL.
_NO_URL_ELEMENTS = frozenset({"code", "pre", "kbd", "samp", "script", "style", "textarea"})


# ------------------------------------------------------------------------------ the parser


def _parse_attr_list(text: str) -> list[tuple[str, str]]:
    """Python-Markdown's attribute list: ``#id``, ``.class``, ``key=value``, ``key='v'``."""
    out: list[tuple[str, str]] = []
    for m in _ATTR_TOKEN.finditer(text):
        if m.group(1) is not None:
            out.append((m.group(1), m.group(2)))
        elif m.group(3) is not None:
            out.append((m.group(3), m.group(4)))
        elif m.group(5) is not None:
            out.append((m.group(5), m.group(6)))
        else:
            word = m.group(7)
            if word.startswith("."):
                out.append((".", word[1:]))
            elif word.startswith("#"):
                out.append(("id", word[1:]))
            else:
                out.append((word, word))
    return out


def _apply_attrs(token: Token, text: str) -> None:
    for key, value in _parse_attr_list(text):
        if key == ".":
            classes = str(token.attrs.get("class", "")).split()
            token.attrs["class"] = " ".join([*classes, value])
        elif _ATTR_NAME.match(key):
            token.attrs[key] = value
            if key == "alt":
                token.meta = {**(token.meta or {}), "alt_attr": value}


_POSITIONED = frozenset({"link_open", "image", "html_inline", "code_inline"})


def _positioned(rule: Callable[..., bool]) -> Callable[[StateInline, bool], bool]:
    """Wrap an inline rule so that the first token it makes knows where it started and ended
    in its inline text (``meta["start"]``, ``meta["end"]``)."""

    def wrapped(state: StateInline, silent: bool) -> bool:
        start = state.pos
        count = len(state.tokens)
        ok = rule(state, silent)
        made = [t for t in state.tokens[count:] if t.type in _POSITIONED] if ok and not silent \
            else []
        if made:
            token = made[0]
            meta = dict(token.meta or {})
            meta["start"], meta["end"] = start, state.pos
            if token.type in ("link_open", "image") and token.markup != "autolink":
                image = token.type == "image"
                label_start = start + (1 if image else 0)
                label_end = state.md.helpers.parseLinkLabel(state, label_start, True)
                if label_end >= 0:
                    meta["text"] = state.src[label_start + 1:label_end]
                    after = state.src[label_end + 1:label_end + 2]
                    if after == "[":
                        close = state.src.find("]", label_end + 2)
                        meta["ref"] = state.src[label_end + 2:close] or meta["text"]
                    elif after != "(":
                        meta["ref"] = meta["text"]
            token.meta = meta
        return ok

    return wrapped


def _inline_attr_list(state: StateInline, silent: bool) -> bool:
    """``{...}`` right after an image, a link or a code span sets that element's attributes."""
    if state.src[state.pos] != "{" or not state.tokens:
        return False
    m = _INLINE_ATTRS.match(state.src, state.pos)
    if m is None:
        return False
    previous = state.tokens[-1]
    target: Token | None = None
    if previous.type in ("image", "code_inline"):
        target = previous
    elif previous.type == "link_close":
        depth = 0
        for token in reversed(state.tokens):
            if token.type == "link_close":
                depth += 1
            elif token.type == "link_open":
                depth -= 1
                if depth == 0:
                    target = token
                    break
    if target is None or state.pending:
        return False
    if not silent:
        _apply_attrs(target, m.group(1))
    state.pos = m.end()
    return True



def _indented_block_end(state: Any, start: int, end: int, indent: int) -> int:
    """The last line of the block opened at ``start`` (an admonition's or a tab's marker): the
    lines after it that are blank or indented at least 4 more than ``indent``."""
    last = start
    line_no = start + 1
    while line_no < end:
        if state.isEmpty(line_no):
            line_no += 1
            continue
        if state.sCount[line_no] < indent + 4:
            break
        last = line_no
        line_no += 1
    return last

def _admonition(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """Admonitions ``!!! note "Title"`` and collapsible blocks ``??? note`` / ``???+ note``
    with the syntax, classes and titles of Python-Markdown and pymdownx.details: the content is
    every following line indented four more than the marker, blank lines included."""
    if state.sCount[start] - state.blkIndent >= 4:
        return False
    pos = state.bMarks[start] + state.tShift[start]
    line = state.src[pos:state.eMarks[start]]
    if line.startswith("!!!"):
        m = _ADMONITION.match(line)
        if m is None:
            return False
        classes, title, details, opened = m.group(1), m.group(2), False, False
    elif line.startswith("???"):
        m = _DETAILS.match(line)
        if m is None:
            return False
        classes = m.group(2) or m.group(4) or ""
        title = m.group(3)
        details, opened = True, bool(m.group(1))
        if not classes and title is None:
            return False
    else:
        return False
    if silent:
        return True
    if title is None:
        title = classes.split()[0].capitalize() if classes else ""
    indent = state.sCount[start]
    last = _indented_block_end(state, start, end, indent)
    opening = state.push("admonition_open", "div", 1)
    opening.markup = line[:4] if line.startswith("???+") else line[:3]
    opening.block = True
    opening.map = [start, last + 1]
    opening.meta = {"classes": classes, "details": details, "open": opened}
    if title:
        state.push("admonition_title_open", "p", 1).map = [start, start + 1]
        inline = state.push("inline", "", 0)
        inline.content, inline.map, inline.children = title, [start, start + 1], []
        inline.meta = {"title_line": True}
        state.push("admonition_title_close", "p", -1)
    old = (state.parentType, state.lineMax, state.blkIndent)
    state.parentType = "admonition"
    state.lineMax = last + 1
    state.blkIndent = indent + 4
    state.md.block.tokenize(state, start + 1, last + 1)
    state.parentType, state.lineMax, state.blkIndent = old
    state.push("admonition_close", "div", -1).block = True
    state.line = last + 1
    return True


def _tabs(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """Content tabs (pymdownx.tabbed): consecutive ``=== "Title"`` blocks with their content
    indented by four spaces form one tab set (``===!`` starts a new one, ``===+`` selects)."""
    if state.sCount[start] - state.blkIndent >= 4:
        return False
    pos = state.bMarks[start] + state.tShift[start]
    if not state.src.startswith("===", pos):
        return False
    if _TAB.match(state.src[pos:state.eMarks[start]]) is None:
        return False
    if silent:
        return True
    indent = state.sCount[start]
    old = (state.parentType, state.lineMax, state.blkIndent)
    opening = state.push("tabset_open", "div", 1)
    opening.map = [start, start]
    opening.block = True
    titles = 0
    selected = 0
    line = start
    while line < end:
        pos = state.bMarks[line] + state.tShift[line]
        m = _TAB.match(state.src[pos:state.eMarks[line]])
        if m is None or state.sCount[line] != indent:
            break
        flags = m.group(1) or ""
        if titles and "!" in flags:
            break  # ===! starts a new tab set
        if "+" in flags:
            selected = titles
        # the tab's content: blank lines and lines indented 4 more than the marker
        last = _indented_block_end(state, line, end, indent)
        tab = state.push("tab_open", "div", 1)
        tab.map = [line, last + 1]
        tab.block = True
        title = state.push("tab_title", "", 0)
        title.content, title.map, title.children = m.group(2), [line, line + 1], []
        state.parentType = "tabs"
        state.lineMax = last + 1
        state.blkIndent = indent + 4
        state.md.block.tokenize(state, line + 1, last + 1)
        state.parentType, state.lineMax, state.blkIndent = old
        closing = state.push("tab_close", "div", -1)
        closing.block = True
        titles += 1
        line = last + 1
        while line < end and state.isEmpty(line):
            line += 1
        if line >= end or state.sCount[line] != indent:
            break
    opening.meta = {"count": titles, "selected": selected}
    opening.map = [start, line]
    state.push("tabset_close", "div", -1).block = True
    # leave trailing blank lines to the caller
    last_content = line
    while last_content > start and state.isEmpty(last_content - 1):
        last_content -= 1
    state.line = last_content if last_content > start else line
    return True


def _block_attr_lists(state: StateCore) -> None:
    """Attribute lists of headings (``## Title {#id}``) and paragraphs (a last line
    ``{: .class}``), taken off the text before it is parsed."""
    tokens = state.tokens
    for i, token in enumerate(tokens):
        if token.type != "inline" or i == 0:
            continue
        parent = tokens[i - 1]
        if parent.type == "heading_open" and "{" in token.content:
            m = _HEADER_ATTRS.search(token.content)
            if m is not None:
                _apply_attrs(parent, m.group(1))
                token.content = token.content[:m.start()]
        elif parent.type == "paragraph_open" and "{" in token.content:
            m = _BLOCK_ATTRS.search(token.content)
            if m is not None:
                _apply_attrs(parent, m.group(1))
                token.content = token.content[:m.start()]


def _inline(state: StateCore) -> None:
    """markdown-it's inline step; when only reading (``env["reading"]``), text that can hold
    nothing the document records is not split into emphasis and entities (headings always
    are: their ids come from their text)."""
    _inline_step(state, False)


def _inline_fast(state: StateCore) -> None:
    """``_inline``, where text without a character an inline rule acts on (``inline_text``'s
    test) becomes the one text token the inline parser would make of it."""
    _inline_step(state, True)


def _inline_step(state: StateCore, fast: bool) -> None:
    reading = bool(state.env.get("reading"))
    previous = ""
    for token in state.tokens:
        if token.type == "inline":
            if token.children is None:
                token.children = []
            content = token.content
            # without [ < ` or { a text can hold no link, image, HTML, code span or attribute
            # list: reading a lesson (not rendering it) leaves it unparsed (looked for with
            # ``in``: a regular expression's character class is ten times slower on a paragraph)
            if (not reading or previous == "heading_open" or "[" in content or "<" in content
                    or "`" in content or "{" in content):
                if fast and content and _no_markup(content):
                    text = _Token("text", "", 0)
                    text.content = content
                    token.children.append(text)
                else:
                    state.md.inline.parse(content, state.md, state.env, token.children)
        previous = token.type


def _tab_titles(state: StateCore) -> None:
    for token in state.tokens:
        if token.type == "tab_title" and token.children == []:
            state.md.inline.parse(token.content, state.md, state.env, token.children)


def plain_text(children: Sequence[Token] | None) -> str:
    """The text of inline tokens as the page shows it (code as written, no tags)."""
    out: list[str] = []
    for child in children or ():
        if child.type in ("text", "code_inline"):
            out.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            out.append("\n")
        elif child.type == "image":
            continue
    return "".join(out)


_NOT_SLUG = re.compile(r"[^\w\s-]")
_SLUG_SPACES = re.compile(r"[-\s]+")


def toc_slug(text: str) -> str:
    """Python-Markdown's toc slugify, as MkDocs uses it by default."""
    value = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    word = _NOT_SLUG.sub("", value).strip().lower()
    return _SLUG_SPACES.sub("-", word)


_IDCOUNT = re.compile(r"^(.*)_([0-9]+)$")


def _unique(ident: str, used: set[str]) -> str:
    """Python-Markdown's toc ``unique``: ``intro``, ``intro_1``, ``intro_2``..."""
    while ident in used or not ident:
        m = _IDCOUNT.match(ident)
        ident = f"{m.group(1)}_{int(m.group(2)) + 1}" if m else f"{ident}_1"
    used.add(ident)
    return ident


def _ids_set(tokens: Sequence[Token]) -> set[str]:
    """The ``id`` attributes of ``tokens`` and of their children, at any depth."""
    used: set[str] = set()
    stack = [tokens]
    while stack:
        for token in stack.pop():
            if token.attrs and "id" in token.attrs:
                used.add(str(token.attrs["id"]))
            if token.children:
                stack.append(token.children)
    return used


def _ids(state: StateCore) -> None:
    """Heading ids (the page's anchors) as Python-Markdown's toc makes them, and the numbers of
    tab sets."""
    used = _ids_set(state.tokens)
    tokens = state.tokens
    sets = 0
    for i, token in enumerate(tokens):
        if token.type == "heading_open":
            text = plain_text(tokens[i + 1].children) if i + 1 < len(tokens) else ""
            token.meta = {**(token.meta or {}), "plain": text}
            if "id" not in token.attrs:
                token.attrs["id"] = _unique(toc_slug(text), used)
        elif token.type == "tabset_open":
            sets += 1
            token.meta = {**token.meta, "set": sets}


_DESTINATION_RUN = re.compile(r"[^\x00-\x20\x7f\\()]+")


def _link_destination(string: str, pos: int, maximum: int) -> Any:
    """markdown-it's ``parseLinkDestination`` (same result), skipping ordinary characters with
    a regular expression instead of one Python step each: ``"[a](" * 8000`` stays fast."""
    if string.startswith("<", pos):
        return helpers.parseLinkDestination(string, pos, maximum)
    result = helpers.parse_link_destination._Result()
    start = pos
    level = 0
    while pos < maximum:
        run = _DESTINATION_RUN.match(string, pos, maximum)
        if run is not None:
            pos = run.end()
            continue
        code = ord(string[pos])
        if code == 0x20 or code < 0x20 or code == 0x7F:
            break
        if code == 0x5C and pos + 1 < maximum:  # \
            if string[pos + 1] == " ":
                break
            pos += 2
            continue
        if code == 0x28:  # (
            level += 1
            if level > 32:
                return result
        if code == 0x29:  # )
            if level == 0:
                break
            level -= 1
        pos += 1
    if start == pos or level != 0:
        return result
    result.str = unescapeAll(string[start:pos])
    result.pos = pos
    result.ok = True
    return result


def _any_url(url: str) -> bool:
    return True


def _as_written(link: str) -> str:
    return link


#: The first characters (after indentation) a line must start with for each block rule to
#: match it; a rule not named here is tried on every line. Each rule returns False, without
#: touching the state, on any other first character (see the rule sources in markdown-it-py
#: and mdit-py-plugins), so trying only these gives the same tokens.
_FIRST_CHARS = {
    "admonition": "!?", "tabs": "=", "fence": "`~", "blockquote": ">", "hr": "*-_",
    "list": "*-+0123456789", "footnote_def": "[", "reference": "[", "html_block": "<",
    "heading": "#",
}

#: markdown-it-py's block rules that log every call at debug level (over a million calls in a
#: 1,000-course catalog, each returning at once at lmsctl's log level).
_CHATTY = ("blockquote", "code", "fence", "heading", "hr", "html_block", "lheading", "list",
           "paragraph", "reference")

BlockRule = Callable[["StateBlock", int, int, bool], bool]
_NORMALIZE: Callable[[StateCore], None]
#: markdown-it's whitespace that ``mdTrim`` strips, and its limit on the empty cells a table
#: may add (set by ``_dispatching``, with markdown-it imported).
_MD_TRIM = ""
_MAX_AUTOCOMPLETED_CELLS = 0
_join_text_tokens: Callable[[list[Token]], list[Token]] = list


#: A table's delimiter row after its first two characters; a column of it, trimmed.
_DELIMITER_REST = re.compile(r"[|\-: \t]*")
_ALIGN = re.compile(r"^:?-+:?$")


def _cells(text: str) -> list[str]:
    """markdown-it's ``escapedSplit`` of a table row (``|`` splits, ``\\|`` does not)."""
    if "\\" not in text:
        return text.split("|")
    from markdown_it.rules_block.table import escapedSplit

    return escapedSplit(text)


def _heading(state: StateBlock, startLine: int, endLine: int, silent: bool) -> bool:  # noqa: N803
    """markdown-it-py's heading rule (ATX, ``# Title``; 4.x: the same tests and tokens), its
    character loops as ``str`` methods."""
    pos = state.bMarks[startLine] + state.tShift[startLine]
    maximum = state.eMarks[startLine]
    if state.is_code_block(startLine):
        return False
    src = state.src
    if pos >= maximum or src[pos] != "#":
        return False
    level = len(src[pos:min(maximum, pos + 7)]) - len(src[pos:min(maximum, pos + 7)].lstrip("#"))
    if level > 6:
        return False
    pos += level
    if pos < maximum and src[pos] not in " \t":
        return False
    if silent:
        return True
    # the text without its closing sequence: trailing spaces, then #s after a space
    maximum = pos + len(src[pos:maximum].rstrip(" \t"))
    hashes = pos + len(src[pos:maximum].rstrip("#"))
    if hashes > pos and src[hashes - 1] in " \t":
        maximum = hashes
    state.line = startLine + 1
    markup = "########"[:level]
    token = state.push("heading_open", "h" + str(level), 1)
    token.markup = markup
    token.map = [startLine, state.line]
    token = state.push("inline", "", 0)
    token.content = src[pos:maximum].strip(_MD_TRIM)
    token.map = [startLine, state.line]
    token.children = []
    state.push("heading_close", "h" + str(level), -1).markup = markup
    return True


def _fence(state: StateBlock, startLine: int, endLine: int, silent: bool) -> bool:  # noqa: N803
    """markdown-it-py's fence rule (4.x, as CommonMark configures it: three or more backticks or
    tildes, no backtick in a backtick fence's info, closed by at least as many), the same tests
    and token; marker runs measured by ``str`` methods, and a fence's lines taken as one slice
    when they are whole lines of the text (not indented, not in a container)."""
    src = state.src
    b_marks, e_marks, t_shift, s_count = state.bMarks, state.eMarks, state.tShift, state.sCount
    pos = b_marks[startLine] + t_shift[startLine]
    maximum = e_marks[startLine]
    if state.is_code_block(startLine) or pos + 3 > maximum:
        return False
    marker = src[pos]
    if marker not in "~`":
        return False
    text = src[pos:maximum]
    length = len(text) - len(text.lstrip(marker))
    if length < 3:
        return False
    markup, params = text[:length], text[length:]
    if marker == "`" and "`" in params:
        return False
    if silent:
        return True
    have_end_marker = False
    line = startLine
    block_indent = state.blkIndent
    while True:
        line += 1
        if line >= endLine:
            break  # an unclosed fence ends with the document or its container
        pos = b_marks[line] + t_shift[line]
        maximum = e_marks[line]
        if pos < maximum and s_count[line] < block_indent:
            break
        if pos >= len(src):
            break
        if src[pos] != marker or state.is_code_block(line):
            continue
        text = src[pos:maximum]
        rest = text.lstrip(marker)
        if len(text) - len(rest) < length or rest.strip(" \t"):
            continue
        have_end_marker = True
        break
    indent = s_count[startLine]  # a fence's indentation is taken off its lines
    state.line = line + (1 if have_end_marker else 0)
    token = state.push("fence", "code", 0)
    token.info = params
    first, last = startLine + 1, line
    if indent == 0 and first < last and all(
            b_marks[k + 1] == e_marks[k] + 1 for k in range(first, last - 1)):
        token.content = src[b_marks[first]:e_marks[last - 1] + 1]
    else:
        token.content = state.getLines(first, last, indent, True)
    token.markup = markup
    token.map = [startLine, state.line]
    return True


def _terminates(rules: Sequence[BlockRule], state: StateBlock, line: int, end: int) -> bool:
    """Whether one of a chain's ``rules`` (tried in silent mode) starts a block at ``line``."""
    for rule in rules:  # noqa: SIM110 - a loop, not any(generator): hot path
        if rule(state, line, end, True):
            return True
    return False


def _table(state: StateBlock, startLine: int, endLine: int, silent: bool) -> bool:  # noqa: N803
    """markdown-it-py's table rule (4.x: the same tests in the same order, the same tokens and
    state), with the character loops of the delimiter row and of ``escapedSplit`` done by
    ``str`` methods and a regular expression."""
    if startLine + 2 > endLine:
        return False
    src = state.src
    b_marks, e_marks, t_shift, s_count = state.bMarks, state.eMarks, state.tShift, state.sCount
    delimiter = startLine + 1
    if s_count[delimiter] < state.blkIndent or state.is_code_block(delimiter):
        return False
    pos = b_marks[delimiter] + t_shift[delimiter]
    maximum = e_marks[delimiter]
    if pos + 1 >= maximum:
        return False
    first, second = src[pos], src[pos + 1]
    if first not in "|-:" or second not in "|-: \t" or (first == "-" and second in " \t"):
        return False
    rest = _DELIMITER_REST.match(src, pos + 2, maximum)
    if rest is None or rest.end() != maximum:
        return False
    columns = src[pos:maximum].split("|")
    aligns: list[str] = []
    last = len(columns) - 1
    for i, column in enumerate(columns):
        t = column.strip(_MD_TRIM)
        if not t:
            if i == 0 or i == last:
                continue  # empty columns before and after the table, not in between
            return False
        if not _ALIGN.search(t):
            return False
        if t[-1] == ":":
            aligns.append("center" if t[0] == ":" else "right")
        elif t[0] == ":":
            aligns.append("left")
        else:
            aligns.append("")
    line_text = src[b_marks[startLine] + t_shift[startLine]:e_marks[startLine]].strip(
        _MD_TRIM)
    if "|" not in line_text or state.is_code_block(startLine):
        return False
    columns = _cells(line_text)
    if columns and columns[0] == "":
        columns.pop(0)
    if columns and columns[-1] == "":
        columns.pop()
    column_count = len(columns)
    if column_count == 0 or column_count != len(aligns):
        return False
    if silent:
        return True

    old_parent_type = state.parentType
    state.parentType = "table"
    terminator_rules = state.md.block.ruler.getRules("blockquote")
    push = state.push
    table_lines = [startLine, 0]
    push("table_open", "table", 1).map = table_lines
    push("thead_open", "thead", 1).map = [startLine, startLine + 1]
    push("tr_open", "tr", 1).map = [startLine, startLine + 1]
    for i, column in enumerate(columns):
        token = push("th_open", "th", 1)
        if aligns[i]:
            token.attrs = {"style": "text-align:" + aligns[i]}
        token = push("inline", "", 0)
        token.map = [startLine, startLine + 1]
        token.content = column.strip(_MD_TRIM)
        token.children = []
        push("th_close", "th", -1)
    push("tr_close", "tr", -1)
    push("thead_close", "thead", -1)

    tbody_lines: list[int] | None = None
    autocompleted_cells = 0
    line = startLine + 2
    while line < endLine:
        if s_count[line] < state.blkIndent:
            break
        if _terminates(terminator_rules, state, line, endLine):
            break
        line_text = src[b_marks[line] + t_shift[line]:e_marks[line]].strip(_MD_TRIM)
        if not line_text or state.is_code_block(line):
            break
        columns = _cells(line_text)
        if columns and columns[0] == "":
            columns.pop(0)
        if columns and columns[-1] == "":
            columns.pop()
        autocompleted_cells += column_count - len(columns)
        if autocompleted_cells > _MAX_AUTOCOMPLETED_CELLS:
            break
        if line == startLine + 2:
            tbody_lines = [startLine + 2, 0]
            push("tbody_open", "tbody", 1).map = tbody_lines
        push("tr_open", "tr", 1).map = [line, line + 1]
        for i in range(column_count):
            token = push("td_open", "td", 1)
            if aligns[i]:
                token.attrs = {"style": "text-align:" + aligns[i]}
            token = push("inline", "", 0)
            token.map = [line, line + 1]
            token.content = columns[i].strip(_MD_TRIM) if i < len(columns) else ""
            token.children = []
            push("td_close", "td", -1)
        push("tr_close", "tr", -1)
        line += 1
    if tbody_lines:
        push("tbody_close", "tbody", -1)
        tbody_lines[1] = line
    push("table_close", "table", -1)
    table_lines[1] = line
    state.parentType = old_parent_type
    state.line = line
    return True


def _dispatching(md: MarkdownIt) -> None:
    """Make each chain of block rules one rule that tries, in the same order, only the rules
    that can match a line starting with that line's first character: the same tokens, without
    the ten or so calls that fail on every line of a paragraph. (And markdown-it's
    ``text_join`` step as ``_text_join``, its ``parseLinkLabel`` as ``_link_label``.)"""
    global _MD_TRIM, _MAX_AUTOCOMPLETED_CELLS, _join_text_tokens
    from markdown_it.common.utils import MD_TRIM_CHARS as _MD_TRIM
    from markdown_it.rules_block.table import MAX_AUTOCOMPLETED_CELLS as _MAX_AUTOCOMPLETED_CELLS
    from markdown_it.rules_core.text_join import _join_text_tokens
    names = {id(r.fn): r.name for r in md.block.ruler.__rules__}
    chains: dict[str, list[BlockRule]] = {}
    for chain in ("", "paragraph", "reference", "blockquote", "list"):
        rules = md.block.ruler.getRules(chain)
        by_char: dict[str, tuple[BlockRule, ...]] = {}
        chars = {c for fn in rules for c in _FIRST_CHARS.get(names.get(id(fn), ""), "")}
        own: dict[str, BlockRule] = {"table": _table, "heading": _heading, "fence": _fence}
        named = [(names.get(id(fn), ""), fn) for fn in rules]
        named = [(name, own.get(name, fn)) for name, fn in named]
        if chain == "" and [name for name, _ in named[-2:]] == ["lheading", "paragraph"]:
            named[-2:] = [("paragraph", _text_block(named[-2][1], named[-1][1]))]
        for ch in chars:
            by_char[ch] = tuple(fn for name, fn in named
                                if name not in _FIRST_CHARS or ch in _FIRST_CHARS[name])
        others = tuple(fn for name, fn in named if name not in _FIRST_CHARS)
        chains[chain] = [_dispatcher(by_char, others)]
        if chain == "":
            md.block.tokenize = _tokenizer(  # type: ignore[method-assign,assignment]
                by_char, others, {fn for name, fn in named if name in ("table", "code")})
    md.block.ruler.getRules = lambda chainName="": chains.get(chainName, [])  # type: ignore[method-assign]
    md.core.ruler.at("text_join", _text_join)
    md.helpers = SimpleNamespace(  # type: ignore[assignment]
        **{**vars(md.helpers), "parseLinkLabel": _link_label})


def _dispatcher(by_char: dict[str, tuple[BlockRule, ...]], others: tuple[BlockRule, ...]
                ) -> BlockRule:
    def dispatch(state: StateBlock, start: int, end: int, silent: bool) -> bool:
        pos = state.bMarks[start] + state.tShift[start]
        rules = by_char.get(state.src[pos], others) if pos < state.eMarks[start] else others
        for rule in rules:  # noqa: SIM110 - a loop, not any(generator): hot path
            if rule(state, start, end, silent):
                return True
        return False

    return dispatch


def _text_block(lheading: BlockRule, paragraph: BlockRule) -> BlockRule:
    """markdown-it's lheading rule then its paragraph rule, in one pass over the lines when
    lheading would fail: both look for the same end (a blank line, the end, or a line where a
    "paragraph" terminator rule matches, tried with ``parentType`` "paragraph"); lheading also
    for an underline (then it is called). Failing, lheading leaves ``parentType`` "paragraph",
    which paragraph restores: so does this. Where the two would not scan the same lines
    (``end`` is not ``lineMax``), or the line is code, the two rules are called."""

    def text_block(state: StateBlock, start: int, end: int, silent: bool) -> bool:
        if silent or end != state.lineMax or state.is_code_block(start):
            return lheading(state, start, end, silent) or paragraph(state, start, end, silent)
        src = state.src
        b_marks, e_marks, t_shift, s_count = state.bMarks, state.eMarks, state.tShift, state.sCount
        block_indent = state.blkIndent
        terminators = state.md.block.ruler.getRules("paragraph")
        old_parent_type = state.parentType
        state.parentType = "paragraph"
        line = start + 1
        while line < end:
            pos = b_marks[line] + t_shift[line]
            maximum = e_marks[line]
            if pos >= maximum:
                break
            indent = s_count[line] - block_indent
            if indent > 3:
                line += 1
                continue
            if indent >= 0 and src[pos] in "-=" and not src[pos:maximum].rstrip(" \t").lstrip(
                    src[pos]):
                state.parentType = old_parent_type  # an underline: a setext heading
                return lheading(state, start, end, silent)
            if s_count[line] < 0:
                line += 1
                continue
            if _terminates(terminators, state, line, end):
                break
            line += 1
        first = b_marks[start]
        pos = first + t_shift[start]
        if line == start + 1 and (pos == first or not src[first:pos].strip(" \t")):
            content = src[pos:e_marks[start]].strip(_MD_TRIM)
        else:  # more lines, or a list item's first line (its marker in the indentation)
            content = state.getLines(start, line, block_indent, False).strip(_MD_TRIM)
        state.line = line
        state.push("paragraph_open", "p", 1).map = [start, line]
        token = state.push("inline", "", 0)
        token.content, token.map, token.children = content, [start, line], []
        state.push("paragraph_close", "p", -1)
        return True

    return text_block


def _tokenizer(by_char: dict[str, tuple[BlockRule, ...]], others: tuple[BlockRule, ...],
               skippable: set[BlockRule]) -> Callable[[StateBlock, int, int], None]:
    """markdown-it's ``ParserBlock.tokenize`` with the dispatch of ``_dispatcher`` done in its
    loop, without the ``skippable`` rules (table and code) on a line they fail on: one not
    indented as code whose next line is blank or past the end (no delimiter row)."""
    short = {ch: tuple(fn for fn in rules if fn not in skippable)
             for ch, rules in by_char.items()}
    short_others = tuple(fn for fn in others if fn not in skippable)

    def tokenize(state: StateBlock, startLine: int, endLine: int) -> None:  # noqa: N803
        src = state.src
        b_marks, e_marks, t_shift = state.bMarks, state.eMarks, state.tShift
        s_count = state.sCount
        max_nesting = state.md.options.maxNesting
        has_empty_lines = False
        line = startLine
        while line < endLine:
            if b_marks[line] + t_shift[line] >= e_marks[line]:
                line = state.skipEmptyLines(line)
            state.line = line
            if line >= endLine or s_count[line] < state.blkIndent:
                break
            if state.level >= max_nesting:
                state.line = endLine
                break
            pos = b_marks[line] + t_shift[line]
            after = line + 1
            if s_count[line] - state.blkIndent < 4 and (
                    after + 1 > endLine or b_marks[after] + t_shift[after] >= e_marks[after]):
                rules = short.get(src[pos], short_others) if pos < e_marks[line] \
                    else short_others
            else:
                rules = by_char.get(src[pos], others) if pos < e_marks[line] else others
            for rule in rules:
                if rule(state, line, endLine, False):
                    if state.line <= line:
                        raise RuntimeError("block rule didn't increment state.line")
                    break
            else:
                raise RuntimeError("none of the block rules matched")
            state.tight = not has_empty_lines
            line = state.line
            previous = line - 1
            if previous < endLine and b_marks[previous] + t_shift[previous] >= e_marks[previous]:
                has_empty_lines = True
            if line < endLine and b_marks[line] + t_shift[line] >= e_marks[line]:
                has_empty_lines = True
                line += 1
                state.line = line

    return tokenize


def _line_tables(src: str) -> tuple[list[int], list[int], list[int], list[int]]:
    """markdown-it's ``StateBlock`` line tables (``bMarks``, ``eMarks``, ``tShift``, ``sCount``,
    its fake last line included) from one ``split`` of the text: the same numbers as its loop
    over each line's indentation (a last line of only spaces and tabs, without a line break,
    gets no entry)."""
    b_marks: list[int] = []
    e_marks: list[int] = []
    t_shift: list[int] = []
    s_count: list[int] = []
    lines = src.split("\n")
    if lines[-1] == "" or not lines[-1].strip(" \t"):
        lines.pop()  # the text ends with a line break, or with a line of only spaces
    start = 0
    for line in lines:
        end = start + len(line)
        indent = len(line) - len(line.lstrip(" \t"))
        b_marks.append(start)
        e_marks.append(end)
        t_shift.append(indent)
        if indent and "\t" in line[:indent]:
            offset = 0
            for character in line[:indent]:
                offset += 4 - offset % 4 if character == "\t" else 1
            s_count.append(offset)
        else:
            s_count.append(indent)
        start = end + 1
    length = len(src)
    b_marks.append(length)
    e_marks.append(length)
    t_shift.append(0)
    s_count.append(0)
    return b_marks, e_marks, t_shift, s_count


def _fast_block_state(md: MarkdownIt) -> None:
    """``md``'s block parser with a ``StateBlock`` whose line tables are built by
    ``_line_tables`` and whose ``push`` fills a new token's fields directly (the dataclass
    ``__init__`` calls two default factories and ``__post_init__``): the same state and
    tokens. (Whether the code rule is enabled is looked up once: the rule chains of this parser
    are fixed when it is built, ``_dispatching``.)"""
    from markdown_it.rules_block import StateBlock
    from markdown_it.token import Token

    new_token = Token.__new__
    code_enabled = "code" in md.block.ruler.get_active_rules()

    class _State(StateBlock):
        def __init__(self, src: str, md: MarkdownIt, env: Any, tokens: list[Token]) -> None:
            self.src, self.md, self.env, self.tokens = src, md, env, tokens
            self.bMarks, self.eMarks, self.tShift, self.sCount = _line_tables(src)
            self.bsCount = [0] * len(self.bMarks)
            self.blkIndent = 0
            self.line = 0
            self.lineMax = len(self.bMarks) - 1
            self.tight = False
            self.ddIndent = -1
            self.listIndent = -1
            self.parentType = "root"
            self.level = 0
            self.result = ""
            self._code_enabled = code_enabled

        def push(self, ttype: str, tag: str, nesting: Any) -> Token:
            token = new_token(Token)
            token.type, token.tag, token.nesting = ttype, tag, nesting
            token.attrs, token.map, token.children = {}, None, None
            token.content = token.markup = token.info = ""
            token.meta, token.block, token.hidden = {}, True, False
            if nesting < 0:
                self.level -= 1
            token.level = self.level
            if nesting > 0:
                self.level += 1
            self.tokens.append(token)
            return token

    block = md.block

    def parse(src: str, md: MarkdownIt, env: Any, outTokens: list[Token]  # noqa: N803
              ) -> list[Token] | None:
        if not src:
            return None
        state = _State(src, md, env, outTokens)
        block.tokenize(state, state.line, state.lineMax)
        return state.tokens

    block.parse = parse  # type: ignore[method-assign]


def _link_label(state: StateInline, start: int, disableNested: bool = False) -> int:  # noqa: N803
    """markdown-it's ``parseLinkLabel`` (where the label opened at ``start`` ends), at once
    when the text up to the next ``]`` has no character at which an inline rule can pass over
    a ``]`` (a link or image, an escape, a code span, HTML or an autolink, an attribute list):
    its loop would stop there, having skipped text, entities and line breaks."""
    src = state.src
    close = src.find("]", start + 1, state.posMax)
    if close >= 0:
        label = src[start + 1:close]
        if ("[" not in label and "\\" not in label and "`" not in label and "<" not in label
                and "{" not in label):
            return close
    return parseLinkLabel(state, start, disableNested)


def _text_join(state: StateCore) -> None:
    """markdown-it's ``text_join`` (``text_special`` tokens become text, adjacent text tokens
    one), leaving as they are the inline tokens with no child or one text token without
    children: it would give them a list of the same children."""
    for token in state.tokens:
        if token.type != "inline":
            continue
        children = token.children
        if not children:
            token.children = children if children is not None else []
            continue
        if len(children) == 1 and children[0].type == "text" and not children[0].children:
            continue
        for child in children:
            if child.children:  # an image's alt text is its own token tree
                child.children = _join_text_tokens(child.children)
        token.children = _join_text_tokens(children)


def _footnote_tail_gate(tail: Callable[[StateCore], None]) -> Callable[[StateCore], None]:
    """mdit-py-plugins' ``footnote_tail``, not called when no footnote was defined (its data
    has no label and no footnote): it would only copy the token list."""

    def gated(state: StateCore) -> None:
        data = state.env.get("footnotes")
        if (isinstance(data, dict) and "refs" in data and "list" in data
                and not data["refs"] and not data["list"]):
            return
        tail(state)

    return gated


def _normalize(state: StateCore) -> None:
    """markdown-it's ``normalize`` (CR and CRLF to LF, NUL to U+FFFD), which copies the text
    even when it has neither."""
    if "\r" in state.src or "\0" in state.src:
        _NORMALIZE(state)


class _Quiet:
    """A logger whose debug calls do nothing (others go to the real logger)."""

    def __init__(self, logger: Any) -> None:
        self._logger = logger

    def debug(self, *args: Any, **kwargs: Any) -> None:
        return None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._logger, name)


def _quiet_block_rules() -> None:
    import importlib
    import logging

    if logging.getLogger("markdown_it").isEnabledFor(logging.DEBUG):
        return  # someone wants markdown-it's debug log: leave it
    for name in _CHATTY:
        module = importlib.import_module(f"markdown_it.rules_block.{name}")
        logger = getattr(module, "LOGGER", None)
        if logger is not None and not isinstance(logger, _Quiet):
            setattr(module, "LOGGER", _Quiet(logger))  # noqa: B010


@cache
def parser(dispatch: bool = True) -> MarkdownIt:
    """The lesson parser; ``read`` and ``render`` both use it. ``dispatch=False``: the same
    parser without the block-rule dispatch (the agreement tests compare the two). Its HTML
    render rules are added by the first ``render`` (``_rendering``): reading (validate, lint)
    never imports the highlighter (pymdownx, Pygments, Python-Markdown)."""
    global helpers, unescapeAll, parseLinkLabel, _Token  # the rules below use them
    from markdown_it import MarkdownIt, helpers
    from markdown_it.common.utils import unescapeAll
    from markdown_it.helpers import parseLinkLabel
    from markdown_it.token import Token as _Token
    from mdit_py_plugins.footnote import footnote_plugin

    md = MarkdownIt("commonmark", {"html": True})
    md.enable("table")
    # URLs stay as written (like Python-Markdown); unsafe ones are the sanitizer's and the
    # safety rules' business, so they are still links here.
    md.helpers = SimpleNamespace(parseLinkLabel=helpers.parseLinkLabel,  # type: ignore[assignment]
                                 parseLinkDestination=_link_destination,
                                 parseLinkTitle=helpers.parseLinkTitle)
    md.validateLink = _any_url  # type: ignore[method-assign]
    md.normalizeLink = _as_written  # type: ignore[method-assign,assignment]
    md.normalizeLinkText = _as_written  # type: ignore[method-assign]
    md.block.ruler.before("fence", "admonition", _admonition,
                          {"alt": ["paragraph", "reference", "blockquote", "list"]})
    footnote_plugin(md, inline=False)
    md.block.ruler.before("fence", "tabs", _tabs,
                          {"alt": ["paragraph", "reference", "blockquote", "list"]})
    for name in ("link", "image", "autolink", "html_inline", "backticks"):
        fn = next(r.fn for r in md.inline.ruler.__rules__ if r.name == name)
        md.inline.ruler.at(name, _positioned(fn))
    md.inline.ruler.push("attr_list", _inline_attr_list)
    md.core.ruler.at("inline", _inline)
    md.core.ruler.before("inline", "block_attr_lists", _block_attr_lists)
    md.core.ruler.after("inline", "tab_titles", _tab_titles)
    md.core.ruler.push("ids", _ids)
    if dispatch:
        global _NORMALIZE
        _NORMALIZE = next(r.fn for r in md.core.ruler.__rules__ if r.name == "normalize")
        md.core.ruler.at("normalize", _normalize)
        md.core.ruler.at("inline", _inline_fast)
        tail = next(r.fn for r in md.core.ruler.__rules__ if r.name == "footnote_tail")
        md.core.ruler.at("footnote_tail", _footnote_tail_gate(tail))
        _dispatching(md)
        _fast_block_state(md)
        _quiet_block_rules()
    return md


# ----------------------------------------------------------------------------- rendering


def _attrs_html(attrs: dict[str, Any]) -> str:
    return "".join(f' {k}="{html.escape(str(v))}"' for k, v in attrs.items())


def _rewrite(env: dict[str, Any], url: str) -> str:
    fn = env.get("rewrite")
    return fn(url) if fn is not None else url


@cache
def _rendering() -> MarkdownIt:
    """``parser()`` with its HTML render rules (added once, by the first ``render``)."""
    md = parser()
    _renderer(md)
    return md


def _renderer(md: MarkdownIt) -> None:
    from pymdownx.highlight import Highlight

    highlighter = Highlight(None)

    def heading_open(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
        token = tokens[idx]
        return f"<{token.tag}{_attrs_html(token.attrs)}>"

    def heading_close(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
        opening = tokens[idx - 2]
        ident = html.escape(str(opening.attrs.get("id", "")))
        return (f'<a class="headerlink" href="#{ident}" title="{PERMALINK_TITLE}">&para;</a>'
                f"</{tokens[idx].tag}>\n")

    def link_open(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
        token = tokens[idx]
        attrs = dict(token.attrs)
        attrs["href"] = _rewrite(env, str(attrs.get("href", "")))
        return f"<a{_attrs_html(attrs)}>"

    def image(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
        token = tokens[idx]
        meta = token.meta or {}
        alt = meta.get("alt_attr")
        if alt is None:
            alt = self.renderInlineAsText(token.children or [], options, env)
        attrs: dict[str, Any] = {"alt": alt, "src": _rewrite(env, str(token.attrs.get("src")))}
        attrs.update((k, v) for k, v in token.attrs.items() if k not in ("src", "alt"))
        return f"<img{_attrs_html(attrs)} />"

    def fence(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
        token = tokens[idx]
        info = token.info.strip().split()
        if info[:1] == ["quiz"]:
            n = env.setdefault("quizzes", 0)
            env["quizzes"] = n + 1
            slot = env.get("slot")
            return (slot(n) if slot else QUIZ_SLOT.format(n=n)) + "\n"
        language = info[0].lstrip(".").strip("{}") if info else ""
        return str(highlighter.highlight(token.content, language)) + "\n"

    def code_block(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
        return str(highlighter.highlight(tokens[idx].content, "")) + "\n"

    def cell_open(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
        token = tokens[idx]
        attrs = dict(token.attrs)
        style = str(attrs.pop("style", ""))
        if style.startswith("text-align:"):
            attrs = {"align": style.split(":", 1)[1], **attrs}
        return f"<{token.tag}{_attrs_html(attrs)}>"

    def admonition_open(self: Any, tokens: list[Token], idx: int, options: Any,
                        env: Any) -> str:
        meta = tokens[idx].meta or {}
        classes = html.escape(meta.get("classes", ""))
        if meta.get("details"):
            opened = ' open="open"' if meta.get("open") else ""
            return f'<details class="{classes}"{opened}>\n'
        return f'<div class="admonition {classes}">\n'

    def _in_details(tokens: list[Token], idx: int) -> bool:
        depth = 0
        for i in range(idx - 1, -1, -1):
            if tokens[i].type == "admonition_close":
                depth += 1
            elif tokens[i].type == "admonition_open":
                if depth == 0:
                    return bool((tokens[i].meta or {}).get("details"))
                depth -= 1
        return False

    def admonition_close(self: Any, tokens: list[Token], idx: int, options: Any,
                         env: Any) -> str:
        return "</details>\n" if _in_details(tokens, idx) else "</div>\n"

    def admonition_title_open(self: Any, tokens: list[Token], idx: int, options: Any,
                              env: Any) -> str:
        details = bool((tokens[idx - 1].meta or {}).get("details"))
        return "<summary>" if details else '<p class="admonition-title">'

    def admonition_title_close(self: Any, tokens: list[Token], idx: int, options: Any,
                               env: Any) -> str:
        details = bool((tokens[idx - 3].meta or {}).get("details"))
        return "</summary>\n" if details else "</p>\n"

    def tabset_open(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
        meta = tokens[idx].meta
        number, count, selected = meta["set"], meta["count"], meta["selected"]
        titles: list[str] = []
        depth = 0
        for token in tokens[idx + 1:]:
            if token.type == "tabset_open":
                depth += 1
            elif token.type == "tabset_close":
                if depth == 0:
                    break
                depth -= 1
            elif token.type == "tab_title" and depth == 0:
                titles.append(self.renderInline(token.children or [], options, env))
        inputs = "".join(
            '<input' + (' checked="checked"' if i == selected else '') + ' '
            f'id="__tabbed_{number}_{i + 1}" name="__tabbed_{number}" type="radio" />'
            for i in range(count))
        labels = "".join(f'<label for="__tabbed_{number}_{i + 1}">{title}</label>'
                         for i, title in enumerate(titles))
        return (f'<div class="tabbed-set tabbed-alternate" data-tabs="{number}:{count}">'
                f'{inputs}<div class="tabbed-labels">{labels}</div>\n'
                '<div class="tabbed-content">\n')

    def tabset_close(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
        return "</div>\n</div>\n"

    def tab_open(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
        return '<div class="tabbed-block">\n'

    def tab_close(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
        return "</div>\n"

    def nothing(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
        return ""

    def footnote_ref(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
        meta = tokens[idx].meta
        label = html.escape(str(meta["label"]))
        sub = meta.get("subId", 0)
        ref = f"fnref{sub + 1 if sub else ''}:{label}"
        return (f'<sup id="{ref}"><a class="footnote-ref" href="#fn:{label}">'
                f'{meta["id"] + 1}</a></sup>')

    def footnote_block_open(self: Any, tokens: list[Token], idx: int, options: Any,
                            env: Any) -> str:
        return '<div class="footnote">\n<hr />\n<ol>\n'

    def footnote_block_close(self: Any, tokens: list[Token], idx: int, options: Any,
                             env: Any) -> str:
        return "</ol>\n</div>\n"

    def footnote_open(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
        return f'<li id="fn:{html.escape(str(tokens[idx].meta["label"]))}">\n'

    def footnote_close(self: Any, tokens: list[Token], idx: int, options: Any,
                       env: Any) -> str:
        return "</li>\n"

    def footnote_anchor(self: Any, tokens: list[Token], idx: int, options: Any,
                        env: Any) -> str:
        meta = tokens[idx].meta
        if meta.get("subId", 0):
            return ""
        label = html.escape(str(meta["label"]))
        return (f'&#160;<a class="footnote-backref" href="#fnref:{label}" '
                f'title="Jump back to footnote {meta["id"] + 1} in the text">&#8617;</a>')

    rules: dict[str, Callable[..., str]] = {
        "heading_open": heading_open, "heading_close": heading_close,
        "link_open": link_open, "image": image, "fence": fence, "code_block": code_block,
        "th_open": cell_open, "td_open": cell_open,
        "admonition_open": admonition_open, "admonition_close": admonition_close,
        "admonition_title_open": admonition_title_open,
        "admonition_title_close": admonition_title_close,
        "tabset_open": tabset_open, "tabset_close": tabset_close, "tab_open": tab_open,
        "tab_close": tab_close, "tab_title": nothing,
        "footnote_ref": footnote_ref, "footnote_block_open": footnote_block_open,
        "footnote_block_close": footnote_block_close, "footnote_open": footnote_open,
        "footnote_close": footnote_close, "footnote_anchor": footnote_anchor,
    }
    for name, fn in rules.items():
        md.add_render_rule(name, fn)


def render(body: str, rewrite: Callable[[str], str] | None = None,
           slot: Callable[[int], str] | None = None) -> tuple[str, list[tuple[int, str, str]]]:
    """The lesson body's HTML (quizzes as ``QUIZ_SLOT``s, or ``slot(n)``, numbered in order)
    and its table of contents: (level, id, text) of every heading. ``rewrite`` maps each link
    and image URL to the one the page uses."""
    md = _rendering()
    env: dict[str, Any] = {"rewrite": rewrite, "slot": slot}
    tokens = md.parse(body, env)
    toc = [(int(t.tag[1]), str(t.attrs.get("id", "")), str((t.meta or {}).get("plain", "")))
           for t in tokens if t.type == "heading_open"]
    return md.renderer.render(tokens, md.options, env).rstrip("\n"), toc


# ------------------------------------------------------------------------------- reading


class _Lines:
    """File positions of offsets into the text of a block or inline token."""

    def __init__(self, lines: list[str], first_line: int) -> None:
        self.lines = lines
        self.first = first_line

    def locator(self, content: str, first_index: int) -> Callable[[int], tuple[int, int]]:
        starts: list[int] = []
        columns: list[int] = []
        offset = 0
        for k, piece in enumerate(content.split("\n")):
            index = first_index + k
            source = self.lines[index] if 0 <= index < len(self.lines) else ""
            starts.append(offset)
            columns.append(_column_of(source, piece))
            offset += len(piece) + 1

        def position(at: int) -> tuple[int, int]:
            k = max(0, bisect_right(starts, at) - 1)
            return self.first + first_index + k, columns[k] + at - starts[k] + 1

        return position

    def indent(self, index: int) -> int:
        source = self.lines[index] if 0 <= index < len(self.lines) else ""
        return len(source) - len(source.lstrip(" \t"))


def _column_of(source: str, piece: str) -> int:
    """Where ``piece`` (a line with its container prefix taken off) starts in ``source``."""
    tail = piece.rstrip()
    stripped = source.rstrip()
    if tail and stripped.endswith(tail):
        return len(stripped) - len(tail)
    found = source.find(tail.strip()) if tail.strip() else -1
    return found if found >= 0 else len(source) - len(source.lstrip(" \t>"))


def _tag_attrs(raw: str) -> tuple[tuple[str, str | None], ...]:
    out: list[tuple[str, str | None]] = []
    for m in _ATTR.finditer(raw):
        value = next((v for v in m.group(2, 3, 4) if v is not None), None)
        out.append((m.group(1).lower(), html.unescape(value) if value is not None else None))
    return tuple(out)


def _shifted(position: Callable[[int], tuple[int, int]], by: int
             ) -> Callable[[int], tuple[int, int]]:
    return lambda at: position(by + at)


def trim_url(url: str) -> str:
    while url and url[-1] in _URL_TRAILING:
        url = url[:-1]
    while url.endswith(")") and url.count(")") > url.count("("):
        url = url[:-1]
    return url


#: Inline tokens that hold no link, image, HTML, code or id.
_PLAIN = frozenset({"text", "softbreak", "hardbreak", "em_open", "em_close", "strong_open",
                    "strong_close"})


#: The token types ``_Reader.walk`` records something of (beyond an ``id`` attribute).
_WALKED = frozenset({
    "heading_open", "inline", "heading_close", "tab_title", "table_open", "thead_open",
    "thead_close", "fence", "code_block", "html_block", "footnote_open", "tabset_open",
})


class _Reader:
    def __init__(self, body: str, first_line: int) -> None:
        self.body = body
        self.lines = body.split("\n")
        self.at = _Lines(self.lines, first_line)
        self.first = first_line
        self.headings: list[Heading] = []
        self.links: list[MdLink] = []
        self.tags: list[HtmlTag] = []
        self.comments: list[Comment] = []
        self.tables: list[Table] = []
        self.code: list[CodeBlock] = []
        self.bare_urls: list[Span] = []
        self.ids: set[str] = set()
        self.html_lines: set[int] = set()
        self.prose: list[str] = []
        self.has_text = False
        self.code_lines: set[int] = set()  # 0-based body lines of code (not quiz) blocks
        self.quiz_lines: set[int] = set()

    # raw HTML (blocks and inline) ------------------------------------------------------
    def html(self, text: str, position: Callable[[int], tuple[int, int]],
             first_only: bool = False) -> str:
        """Tags and comments of raw HTML; returns the text with them (and code elements)
        blanked, for bare URLs."""
        masked = list(text)
        no_urls_until = -1
        lower = text.lower() if "<a" in text.lower() else ""
        for found in _markup(text, first_only):
            line, col = position(found.start)
            masked[found.start:found.end] = " " * (found.end - found.start)
            if found.comment is not None:
                end_line, _ = position(found.end)
                self.comments.append(Comment(found.comment, line, col, end_line))
                continue
            m = found.tag
            assert m is not None
            name = m.group("name").lower()
            closing = bool(m.group("close"))
            attrs = _tag_attrs(m.group("attrs"))
            inner = None
            if name == "a" and not closing:
                end = lower.find("</a", m.end(), m.end() + 4000)
                inner = text[m.end():end] if end >= 0 else None
            tag = HtmlTag(name, closing, attrs, line, col, inner)
            self.tags.append(tag)
            ident = tag.attr("id")
            if ident:
                self.ids.add(ident)
            if name in _NO_URL_ELEMENTS and not closing and m.end() > no_urls_until:
                close = re.compile(rf"</{name}\s*>", re.I).search(text, m.end())
                no_urls_until = close.start() if close else len(text)
                masked[m.end():no_urls_until] = " " * (no_urls_until - m.end())
        return "".join(masked)

    # inline -----------------------------------------------------------------------------
    def inline(self, token: Token) -> None:
        content = token.content
        if token.map is None:
            return
        children = token.children or []
        if "://" not in content and all(c.type in _PLAIN for c in children):
            if not (token.meta or {}).get("title_line"):
                self.prose.append(content)  # plain text: nothing to place
            return
        position = self.at.locator(content, token.map[0])
        masked = list(content)
        no_urls: list[tuple[int, int]] = []  # link texts: a URL there is the link's text

        def blank(start: int, end: int) -> None:
            masked[start:end] = " " * (end - start)

        html_parts: list[tuple[int, str]] = []
        for child in children:
            meta = child.meta or {}
            start = meta.get("start")
            if child.type in ("link_open", "image"):
                if "id" in child.attrs:
                    self.ids.add(str(child.attrs["id"]))
                if start is None:
                    continue
                line, col = position(start)
                image = child.type == "image"
                url = str(child.attrs.get("src" if image else "href", ""))
                if child.markup == "autolink":
                    text = content[start + 1:meta["end"] - 1]
                else:
                    text = meta.get("text", "")
                    if image and meta.get("alt_attr") is not None:
                        text = str(meta["alt_attr"])
                self.links.append(MdLink(url, text, line, col, image, ref=meta.get("ref")))
                no_urls.append((start, meta["end"]))
                if child.markup == "autolink":
                    blank(start, meta["end"])
                else:
                    # the URL part is not text (the link text stays, for bare URLs in it)
                    text_end = start + (2 if image else 1) + len(meta.get("text", ""))
                    blank(text_end, meta["end"])
                    if image:
                        blank(start, meta["end"])
            elif child.type == "code_inline":
                if "id" in child.attrs:
                    self.ids.add(str(child.attrs["id"]))
                if start is not None:
                    blank(start, meta["end"])
            elif child.type == "html_inline" and start is not None:
                html_parts.append((start, child.content))
            elif child.type == "footnote_ref":
                label = str(child.meta["label"])
                sub = child.meta.get("subId", 0)
                self.ids.add(f"fnref{sub + 1 if sub else ''}:{label}")
        if html_parts:
            # inline HTML: tags (with positions) and <code> ... </code> not prose
            for start, raw in html_parts:
                self.html(content[start:start + 4000 + len(raw)], _shifted(position, start),
                          True)
                blank(start, start + len(raw))
            self._mask_code_elements(content, masked)
        text = "".join(masked)
        if not token.meta or not token.meta.get("title_line"):
            self.prose.append(text)
        if no_urls:
            plain = list(text)
            for start, end in no_urls:
                plain[start:end] = " " * (end - start)
            text = "".join(plain)
        for um in _URL.finditer(text):
            url = trim_url(um.group(0))
            if len(url) > url.index("://") + 3:
                line, col = position(um.start())
                self.bare_urls.append(Span(url, line, col))

    @staticmethod
    def _mask_code_elements(content: str, masked: list[str]) -> None:
        until = -1
        for m in _CODE_ELEMENT.finditer(content):
            if m.start() < until:
                continue  # inside the previous code element
            close = re.compile(rf"</{m.group(1)}\s*>", re.I).search(content, m.end())
            until = close.start() if close else len(content)
            masked[m.end():until] = " " * (until - m.end())

    # the walk ---------------------------------------------------------------------------
    def walk(self, tokens: list[Token], env: dict[str, Any]) -> None:
        heading: Token | None = None
        in_thead = False
        header: list[str] = []
        table: Token | None = None
        for token in tokens:
            kind = token.type
            if "id" in token.attrs:
                self.ids.add(str(token.attrs["id"]))
            if kind not in _WALKED:
                continue  # paragraphs, lists, table rows and cells...: nothing to record
            if kind == "heading_open":
                heading = token
            elif kind == "inline":
                if heading is not None and token.map is not None:
                    start = token.map[0]
                    source = self.lines[start] if start < len(self.lines) else ""
                    col = _column_of(source, token.content.split("\n")[0]) + 1
                    if heading.markup.startswith("#"):  # ATX: where its #s start
                        marks = source.rfind(heading.markup, 0, col)
                        col = marks + 1 if marks >= 0 else col
                    line = self.first + start
                    self.headings.append(Heading(
                        int(heading.tag[1]), token.content.strip(), line, col,
                        str(heading.attrs.get("id", "")), heading.level > 0,
                        str((heading.meta or {}).get("plain", ""))))
                elif in_thead:
                    header.append(token.content)
                elif not (token.meta or {}).get("title_line") and token.content.strip():
                    self.has_text = True
                if (token.children or token.meta or token.map is None
                        or "://" in token.content):
                    self.inline(token)
                else:  # plain text, no title: what ``inline`` keeps of it
                    self.prose.append(token.content)
            elif kind == "heading_close":
                heading = None
            elif kind == "tab_title":
                self.inline(token)
            elif kind == "table_open":
                table, header = token, []
            elif kind == "thead_open":
                in_thead = True
            elif kind == "thead_close":
                in_thead = False
                if table is not None and table.map is not None:
                    start = table.map[0]
                    self.tables.append(Table(self.first + start, self.at.indent(start) + 1,
                                             tuple(h.strip() for h in header)))
            elif kind in ("fence", "code_block") and token.map is not None:
                self.code_block(token)
            elif kind == "html_block" and token.map is not None:
                start, end = token.map
                self.html_lines.update(range(self.first + start, self.first + end))
                text = self.html(token.content, self.at.locator(token.content, start))
                self.prose.append(text)
                if text.strip():
                    self.has_text = True
                for um in _URL.finditer(text):
                    url = trim_url(um.group(0))
                    if len(url) > url.index("://") + 3:
                        line, col = self.at.locator(token.content, start)(um.start())
                        self.bare_urls.append(Span(url, line, col))
            elif kind == "footnote_open":
                self.ids.add(f"fn:{token.meta['label']}")
            elif kind == "tabset_open":
                number = token.meta["set"]
                self.ids.update(f"__tabbed_{number}_{k + 1}"
                                for k in range(token.meta["count"]))
        for label, ref in (env.get("references") or {}).items():
            start = ref["map"][0]
            source = self.lines[start] if start < len(self.lines) else ""
            col = source.find("[") + 1
            url = ref["href"]
            url_col = source.find(url, col) + 1 if url else 0
            if url_col <= 0:
                url_col = col
            self.links.append(MdLink(url, label_text(source, label), self.first + start, col,
                                     False, ref=label, definition=True, url_column=url_col))

    def code_block(self, token: Token) -> None:
        assert token.map is not None
        start, end = token.map
        fenced = token.type == "fence"
        source = self.lines[start] if start < len(self.lines) else ""
        found = source.find(token.markup) if fenced else -1
        column = (found if found >= 0 else len(source) - len(source.lstrip(" \t>"))) + 1
        closed = 0
        if fenced:
            last = self.lines[end - 1].strip() if end - 1 < len(self.lines) else ""
            marker = token.markup
            if end - 1 > start and last.startswith(marker) and set(last) == {marker[0]}:
                closed = self.first + end - 1
        block = CodeBlock(token.info.strip(), self.first + start, column, closed,
                          token.content, fenced)
        self.code.append(block)
        if fenced and block.is_quiz:
            self.quiz_lines.update(range(start + 1, end - 1 if closed else end))
        else:
            self.code_lines.update(range(start, end))


def label_text(source: str, normalized: str) -> str:
    """A reference definition's label as written on its line (``normalized`` otherwise)."""
    m = re.match(r"\s*(?:>\s*)*\[([^\]]+)\]:", source.lstrip())
    return m.group(1) if m else normalized


_HARD_BREAK_NEXT = ("```", "~~~", "#")


def _trailing_space(body: str, lines: list[str], first: int, code: set[int]) -> list[Span]:
    """Lines ending in spaces or tabs that are not a hard line break (``lines``: ``body``'s)."""
    if ("\r" not in body and " \n" not in body and "\t\n" not in body
            and not body.endswith((" ", "\t"))):
        return []  # no line ends with a space or a tab
    return _trailing_space_lines(lines, first, code)


def _trailing_space_lines(lines: list[str], first: int, code: set[int]) -> list[Span]:
    """``_trailing_space``, line by line."""
    out: list[Span] = []
    n = len(lines)
    for i, raw in enumerate(lines):
        line = raw[:-1] if raw.endswith("\r") else raw
        if i in code or not line or line[-1] not in " \t":
            continue
        body = line.rstrip(" \t")
        if not body:
            out.append(Span(line, first + i, 1))
            continue
        following = lines[i + 1].lstrip() if i + 1 < n else ""
        hard_break = (line.endswith("  ") and body.lstrip()[:1] != "#"
                      and following.strip() != "" and not following.startswith(_HARD_BREAK_NEXT))
        if not hard_break:
            out.append(Span(line, first + i, len(body) + 1))
    return out


#: ASCII whitespace (what ``str.split`` splits at) to a space, any other byte to an "x".
_WORD_MARKS = bytes(32 if chr(b).isspace() else 120 for b in range(256))


def _word_count(body: str, lines: list[str], code: set[int], quiz: set[int]) -> int:
    """Words of the lesson's lines (``body``'s); code counts half, quizzes not at all. An
    ASCII body's words are counted without splitting it: the starts of runs of non-space
    characters, less those of the code and quiz lines."""
    if not body.isascii():
        return _word_count_lines(lines, code, quiz)
    marks = body.encode("ascii").translate(_WORD_MARKS)
    words = marks.count(b" x") + marks.startswith(b"x")
    code_words = 0
    n = len(lines)
    for i in quiz:
        if i < n:
            words -= len(lines[i].split())
    for i in code:
        if i < n and i not in quiz:
            found = len(lines[i].split())
            words -= found
            code_words += found
    return words + code_words // 2


def _word_count_lines(lines: list[str], code: set[int], quiz: set[int]) -> int:
    """``_word_count``, line by line."""
    words = 0
    code_words = 0
    for i, line in enumerate(lines):
        if i in quiz:
            continue
        if i in code:
            code_words += len(line.split())
        else:
            words += len(line.split())
    return words + code_words // 2


def read(body: str, first_line: int = 1) -> LessonDocument:
    """The lesson document of ``body``, whose first line is line ``first_line`` of its file."""
    md = parser()
    env: dict[str, Any] = {"reading": True}
    tokens = md.parse(body, env)
    reader = _Reader(body, first_line)
    reader.walk(tokens, env)
    definitions = {label: str(ref["href"]) for label, ref in
                   (env.get("references") or {}).items()}
    # reference links point to the defined URL (labels are normalized the same way)
    links = tuple(sorted(reader.links, key=lambda x: (x.line, x.column)))
    return LessonDocument(
        headings=tuple(reader.headings), links=links, tags=tuple(reader.tags),
        comments=tuple(reader.comments), tables=tuple(reader.tables), code=tuple(reader.code),
        bare_urls=tuple(reader.bare_urls),
        trailing_space=tuple(_trailing_space(body, reader.lines, first_line, reader.code_lines)),
        ids=frozenset(reader.ids), html_lines=frozenset(reader.html_lines),
        definitions=definitions, prose="\n".join(reader.prose), has_text=reader.has_text,
        word_count=_word_count(body, reader.lines, reader.code_lines, reader.quiz_lines),
        hash=hashlib.sha256(body.encode("utf-8")).hexdigest()[:16],
    )


def mask_code_spans(text: str) -> str:
    """``text`` with its inline code spans blanked out (columns kept), read as the page reads
    it."""
    if "`" not in text:
        return text
    masked = list(text)
    for block in parser().parseInline(text, {}):
        for child in block.children or ():
            meta = child.meta or {}
            if child.type == "code_inline" and "start" in meta and "\n" not in text:
                masked[meta["start"]:meta["end"]] = " " * (meta["end"] - meta["start"])
    return "".join(masked)


@dataclass(frozen=True)
class FrontMatter:
    """The YAML block at the top of a lesson and where it and the body start."""

    text: str  # the YAML between the --- lines
    start_line: int  # 1-based line of the first YAML line
    body_line: int  # 1-based line where the body starts


def split_front_matter(text: str) -> FrontMatter | None:
    """The front matter block at the very top (``---`` ... ``---`` or ``...``), or None."""
    if not (text.startswith("---\n") or text.startswith("---\r\n")):
        return None
    lines = text.splitlines(keepends=True)
    for i in range(1, len(lines)):
        if lines[i].rstrip("\r\n") in ("---", "..."):
            return FrontMatter("".join(lines[1:i]), 2, i + 2)
    return None


def inline_text(markdown: str) -> str:
    """The text of a bit of inline Markdown (a link's text, a heading) as the page shows it:
    code as written, link text, no image, tag or emphasis mark; entities decoded."""
    if not markdown:
        return ""
    if _no_markup(markdown):
        return markdown.strip()  # text only: every character is its own text
    return parsed_inline_text(markdown)


#: The characters an inline rule of the parser can make something other than the same text
#: of (a line break, an escape, code, emphasis, a link, image or footnote reference, HTML or an
#: autolink, an entity, an attribute list) or that markdown-it's normalize step replaces; at any
#: other character (``-``, ``:``, ``!`` without ``[``...) every rule fails and the character is
#: kept as text.
_MARKUP_CHARACTERS = "\n\r\0\\`*_[<&{"
_INLINE_MARKUP = re.compile("[" + re.escape(_MARKUP_CHARACTERS) + "]")


def _no_markup(text: str) -> bool:
    """No character of ``_INLINE_MARKUP`` in ``text`` (a long text: by ``in``, faster)."""
    if len(text) < 80:
        return _INLINE_MARKUP.search(text) is None
    return not any(character in text for character in _MARKUP_CHARACTERS)


def parsed_inline_text(markdown: str) -> str:
    """``inline_text`` through the parser, always."""
    out: list[str] = []
    for block in parser().parseInline(markdown, {}):
        out.append(plain_text(block.children))
    return "".join(out).strip()
