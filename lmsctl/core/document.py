"""The lesson document: what one reading of a lesson's Markdown found (DESIGN section 3).

Plain data with source positions (1-based file line and column), built by the one Markdown
reader (``lmsctl.content.markdown``) that also renders the page, so validate, lint and the site
never disagree about what a lesson contains.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Heading:
    """A heading of the lesson body."""

    level: int
    text: str  # the heading's text as written (inline Markdown kept, attribute list removed)
    line: int
    column: int
    id: str = ""  # the anchor id the page gives it
    nested: bool = False  # inside an admonition, tab, list item, quote or footnote
    plain: str = ""  # the text as the page shows it (what the table of contents lists)


@dataclass(frozen=True)
class MdLink:
    """A Markdown link or image: inline ``[text](url)``, reference ``[text][ref]`` or a
    reference definition ``[ref]: url`` (``definition`` True)."""

    url: str
    text: str  # the link text (or alt text) as written; for a definition, its label
    line: int
    column: int
    image: bool
    ref: str | None = None
    definition: bool = False
    url_column: int = 0  # where the URL starts (definitions), 0 when not known


@dataclass(frozen=True)
class HtmlTag:
    """An opening or closing raw HTML tag the author wrote."""

    name: str  # lowercase
    closing: bool
    attrs: tuple[tuple[str, str | None], ...]  # lowercase name, unescaped value (None: bare)
    line: int
    column: int
    inner: str | None = None  # for <a>: the HTML up to its </a> (when on the same block)

    def attr(self, name: str) -> str | None:
        return next((v if v is not None else "" for k, v in self.attrs if k == name), None)

    def has(self, name: str) -> bool:
        return any(k == name for k, _ in self.attrs)


@dataclass(frozen=True)
class Comment:
    """An HTML comment (``<!-- ... -->``), where suppression directives are written."""

    text: str  # between <!-- and -->
    line: int
    column: int
    end_line: int


@dataclass(frozen=True)
class Table:
    """A Markdown table, with its header cells."""

    line: int
    column: int
    header: tuple[str, ...]


@dataclass(frozen=True)
class Span:
    """A bit of text at a place: bare URLs, trailing whitespace."""

    text: str
    line: int
    column: int


@dataclass(frozen=True)
class CodeBlock:
    """A fenced (or indented) code block; a ```quiz fence is one too (``info`` "quiz")."""

    info: str
    line: int  # the opening fence (first line of indented code)
    column: int  # where the fence starts
    end_line: int  # the closing fence; 0 when the block is never closed
    content: str
    fenced: bool = True

    @property
    def is_quiz(self) -> bool:
        return self.info.split()[:1] == ["quiz"]


@dataclass(frozen=True)
class LessonDocument:
    """Everything the one Markdown reader found in a lesson body."""

    headings: tuple[Heading, ...] = ()
    links: tuple[MdLink, ...] = ()  # links, images and reference definitions, in order
    tags: tuple[HtmlTag, ...] = ()  # raw HTML tags the author wrote
    comments: tuple[Comment, ...] = ()
    tables: tuple[Table, ...] = ()
    code: tuple[CodeBlock, ...] = ()  # code blocks and quiz fences, in order
    bare_urls: tuple[Span, ...] = ()
    trailing_space: tuple[Span, ...] = ()
    ids: frozenset[str] = frozenset()  # every element id of the rendered body
    html_lines: frozenset[int] = frozenset()  # lines of raw HTML blocks
    definitions: dict[str, str] = field(default_factory=dict)  # reference label -> URL
    prose: str = ""  # the text (no code), for searches in prose
    has_text: bool = False  # any paragraph, list, table or HTML text outside headings
    word_count: int = 0
    hash: str = ""  # of the Markdown read

    @property
    def quizzes(self) -> tuple[CodeBlock, ...]:
        return tuple(c for c in self.code if c.fenced and c.is_quiz)

    @property
    def code_blocks(self) -> int:
        return sum(1 for c in self.code if not c.is_quiz or not c.fenced)

    def target(self, link: MdLink) -> str:
        """Where a link goes: its URL, or for ``[text][label]`` the URL defined for the label."""
        if link.ref is None or link.definition:
            return link.url
        return self.definitions.get(ref_label(link.ref), "")


def ref_label(label: str) -> str:
    """A reference label as Markdown matches it: case-insensitive, whitespace collapsed."""
    return " ".join(label.split()).lower().upper()
