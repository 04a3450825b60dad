"""A fast line scanner for what ``validate`` needs from a lesson: front matter, quiz blocks,
links and images, word count. Full Markdown parsing (markdown-it) is left to lint rules that need
structure (``markdown_parser``); lint has its own single-pass view (``lesson_view``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from markdown_it import MarkdownIt

from lmsctl.core.model import Link

_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^\n]*)$")
_TICKS = re.compile(r"`+")
_DEFINITION = re.compile(r" {0,3}\[(?!\^)(?P<label>[^\]\n]+)\]:[ \t]*<?(?P<url>[^\s>]+)>?")
_LINK = re.compile(
    r"(?P<bang>!?)\[(?P<text>(?:[^\[\]\\]++|\\.|\[[^\[\]]*+\])*+)\]"
    r"\(\s*+(?:<(?P<url1>[^>\n]*+)>|(?P<url2>(?:[^()\s]++|\([^()\s]*+\))++))"
    r"(?:\s++(?:\"[^\"]*+\"|'[^']*+'|\([^)]*+\)))?\s*+\)"
)
_HTML_SRC = re.compile(r"<(?P<tag>img|video|source|audio|track|a)\b[^<>]{0,2000}?"
                       r"\s(?:src|href)\s*=\s*"
                       r"(?:\"(?P<u1>[^\"<>]{0,4000})\"|'(?P<u2>[^'<>]{0,4000})')", re.IGNORECASE)


def code_spans(text: str) -> dict[int, int]:
    """Inline code spans as start -> end offsets, each within one line: a backtick run closes
    at the next run of the same length. Linear time: runs are indexed by length once."""
    spans: dict[int, int] = {}
    runs = [(m.start(), m.end()) for m in _TICKS.finditer(text)]
    i = 0
    while i < len(runs):
        # the runs of one line
        line_end = text.find("\n", runs[i][0])
        line_end = len(text) if line_end < 0 else line_end
        j = i
        while j < len(runs) and runs[j][0] < line_end:
            j += 1
        _pair_runs(runs[i:j], spans)
        i = j
    return spans


def _pair_runs(runs: list[tuple[int, int]], spans: dict[int, int]) -> None:
    by_length: dict[int, list[int]] = {}
    for index, (start, end) in enumerate(runs):
        by_length.setdefault(end - start, []).append(index)
    cursor = dict.fromkeys(by_length, 0)
    i = 0
    while i < len(runs):
        start, end = runs[i]
        same = by_length[end - start]
        k = cursor[end - start]
        while k < len(same) and same[k] <= i:
            k += 1
        cursor[end - start] = k
        if k == len(same):
            i += 1  # no closing run: these backticks are literal
            continue
        spans[start] = runs[same[k]][1]
        i = same[k] + 1


def mask_code_spans(line: str) -> str:
    """The line with its inline code spans blanked out (columns kept)."""
    out = list(line)
    for start, end in code_spans(line).items():
        out[start:end] = " " * (end - start)
    return "".join(out)


_LIST_ITEM = re.compile(r"^ {0,3}(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)")


def _mask_comments(line: str) -> tuple[str, bool]:
    """Blank out ``<!-- ... -->`` on a line; True when a comment stays open at its end."""
    out = line
    start = out.find("<!--")
    while start >= 0:
        end = out.find("-->", start + 4)
        if end < 0:
            return out[:start] + " " * (len(out) - start), True
        out = out[:start] + " " * (end + 3 - start) + out[end + 3:]
        start = out.find("<!--", end + 3)
    return out, False


@cache
def markdown_parser() -> MarkdownIt:
    """The markdown-it parser lint rules use: CommonMark plus tables and strikethrough."""
    return MarkdownIt("commonmark").enable(["table", "strikethrough"])


@dataclass(frozen=True)
class FrontMatter:
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


@dataclass(frozen=True)
class FencedBlock:
    info: str
    indent: int
    start_line: int  # 1-based line of the opening fence
    end_line: int  # 1-based line of the closing fence (0 when the block is never closed)
    content: str


@dataclass(frozen=True)
class Scan:
    fences: tuple[FencedBlock, ...]
    links: tuple[Link, ...]
    word_count: int


def scan(body: str, first_line: int) -> Scan:
    """Fenced blocks, links and the word count of ``body`` whose first line is ``first_line``."""
    fences: list[FencedBlock] = []
    links: list[Link] = []
    words = 0
    lines = body.split("\n")
    i = 0
    n = len(lines)
    in_comment = in_list = in_code = False
    blank = True
    while i < n:
        line = lines[i]
        if in_comment:
            end = line.find("-->")
            if end < 0:
                i += 1
                continue
            line = " " * (end + 3) + line[end + 3:]
            in_comment = False
        m = _FENCE.match(line)
        if m and not (m.group("fence")[0] == "`" and "`" in m.group("info")):
            fence = m.group("fence")
            indent = len(m.group("indent").expandtabs(4))
            info = m.group("info").strip()
            start = i
            content: list[str] = []
            i += 1
            closed = 0
            while i < n:
                stripped = lines[i].strip()
                if stripped.startswith(fence[0] * len(fence)) and set(stripped) == {fence[0]}:
                    closed = first_line + i
                    break
                raw = lines[i]
                content.append(raw[indent:] if raw[:indent].strip() == "" else raw.lstrip())
                i += 1
            fences.append(FencedBlock(info, indent, first_line + start, closed,
                                      "\n".join(content) + ("\n" if content else "")))
            if info.split()[:1] != ["quiz"]:
                words += sum(len(c.split()) for c in content) // 2
            i += 1
            blank = True
            continue
        stripped = line.strip()
        if not stripped:
            blank = True
            i += 1
            continue
        indented = line.startswith("    ") or line.startswith("\t")
        if _LIST_ITEM.match(line):
            in_list = True
        elif not indented and blank:
            in_list = False
        if indented and not in_list and (blank or in_code):
            in_code = True  # indented code: no links, counted lightly
            blank = False
            i += 1
            continue
        in_code = False
        blank = False
        visible = mask_code_spans(line) if "`" in line else line
        if "<!--" in visible:
            visible, in_comment = _mask_comments(visible)
        definition = _DEFINITION.match(visible) if "]:" in visible else None
        if definition is not None:  # [label]: url, used by [text][label] and ![alt][label]
            links.append(Link(url=definition.group("url"), text=definition.group("label"),
                              line=first_line + i, column=definition.start("url") + 1,
                              image=False))
            i += 1
            continue
        if "](" not in visible and "<" not in visible:
            words += len(visible.split())
            i += 1
            continue
        for lm in _LINK.finditer(visible):
            url = lm.group("url1") if lm.group("url1") is not None else lm.group("url2")
            links.append(Link(url=url or "", text=lm.group("text"), line=first_line + i,
                              column=lm.start() + 1, image=lm.group("bang") == "!"))
        for hm in _HTML_SRC.finditer(visible):
            url = hm.group("u1") if hm.group("u1") is not None else hm.group("u2")
            links.append(Link(url=url or "", text="", line=first_line + i,
                              column=hm.start() + 1, image=hm.group("tag").lower() != "a"))
        words += len(visible.split())
        i += 1
    return Scan(tuple(fences), tuple(links), words)
