"""Agreement (issue 10): the links, images and anchor ids that validate and lint see in a
lesson are exactly those of the page the site builds from it.

Hypothesis builds lessons from every construct the site supports, nested in each other (lists,
admonitions, collapsible blocks, tabs, block quotes, footnotes, tables, raw HTML blocks, code),
renders them with the site's renderer and sanitizer, and compares the page's HTML (read with
Python's HTML parser) with the lesson document the checks use.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lmsctl.content.loader import load_lesson
from lmsctl.content.markdown import read, render
from lmsctl.core.document import LessonDocument
from lmsctl.core.html_policy import sanitize
from lmsctl.targets.site.pipeline import build_site
from tests.conftest import MINIMAL_CONFIG, MINIMAL_COURSE, build_tree

WORDS = st.sampled_from(["Ask", "then", "listen", "snake_case", "C++", "Éclair", "don't",
                         "2.0", "Q&A", "e-mail", "the `code`", "*emph*", "**strong**"])
TARGETS = st.sampled_from(["https://example.org/guide", "../assets/a.pdf", "#why-ask",
                           "../../other-course/", "mailto:team@example.org",
                           "https://example.org/a_(b)", "../assets/My%20File.pdf"])
IMAGES = st.sampled_from(["../assets/a.png", "../assets/b.svg", "fig.png"])
# pieces of one line of text (the counter in a label keeps reference labels distinct)
_n = st.integers(min_value=1, max_value=10_000)


@st.composite
def inline(draw: st.DrawFn) -> str:
    parts: list[str] = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["words", "link", "image", "ref", "auto", "html_a",
                                     "html_img", "code", "attr_link", "footnote", "bare"]))
        words = " ".join(draw(st.lists(WORDS, min_size=1, max_size=3)))
        if kind == "words":
            parts.append(words)
        elif kind == "link":
            parts.append(f"[{words}]({draw(TARGETS)})")
        elif kind == "image":
            parts.append(f"![{words}]({draw(IMAGES)})")
        elif kind == "ref":
            label = f"ref{draw(_n)}"
            parts.append(f"[{words}][{label}]\n\n[{label}]: {draw(TARGETS)}\n")
        elif kind == "auto":
            parts.append("<https://example.org/auto>")
        elif kind == "html_a":
            parts.append(f'<a href="{draw(TARGETS)}">{words}</a>')
        elif kind == "html_img":
            parts.append(f'<img src="{draw(IMAGES)}" alt="{words}">')
        elif kind == "code":
            parts.append("`[not](a-link.md)`")
        elif kind == "attr_link":
            parts.append(f"[{words}]({draw(TARGETS)}){{#id{draw(_n)}}}")
        elif kind == "footnote":
            label = f"n{draw(_n)}"
            parts.append(f"with a note[^{label}]\n\n[^{label}]: The note [{words}](#why-ask).\n")
        else:
            parts.append("see https://example.org/bare for more")
    return " ".join(parts)


def indent(block: str, by: str = "    ") -> str:
    return "\n".join(by + line if line.strip() else "" for line in block.split("\n"))


def blocks(depth: int) -> st.SearchStrategy[str]:
    leaf = st.one_of(
        inline(),
        st.builds(lambda w, i: f"## {w} {i}", WORDS, inline()),
        st.builds(lambda w, n: f"### {w} {{#h{n}}}", WORDS, _n),
        st.builds(lambda a, b: f"| {a} | B |\n|---|---|\n| {b} | x |",
                  st.sampled_from(["A", "[t](https://example.org/t)"]),
                  st.sampled_from(["1", "![c](../assets/c.png)", "[d](#why-ask)"])),
        st.builds(lambda t: f'<div class="box">\n<a href="{t}">raw</a>\n<img src="../assets/r.png" '
                            'alt="raw">\n</div>', TARGETS),
        st.just("```python\nprint('[x](y.md) ![i](j.png)')\n```"),
    )
    if depth == 0:
        return leaf
    inner = st.lists(blocks(depth - 1), min_size=1, max_size=3).map("\n\n".join)
    return st.one_of(
        leaf,
        inner.map(lambda b: "- item\n\n" + indent(b)),
        inner.map(lambda b: "1. step\n\n" + indent(b)),
        inner.map(lambda b: '!!! note "A note"\n' + indent(b)),
        inner.map(lambda b: "??? tip\n" + indent(b)),
        inner.map(lambda b: "???+ warning\n" + indent(b)),
        st.tuples(inner, inner).map(
            lambda p: f'=== "One"\n\n{indent(p[0])}\n\n=== "Two"\n\n{indent(p[1])}'),
        inner.map(lambda b: indent(b, "> ")),
    )


class _Page(HTMLParser):
    """What a learner's browser gets: links, images, heading ids and every id."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.images: list[str] = []
        self.headings: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(str(a["id"]))
        if tag == "a" and "href" in a and a.get("class") not in (
                "headerlink", "footnote-ref", "footnote-backref"):
            self.links.append(a["href"] or "")
        if tag == "img":
            self.images.append(a.get("src") or "")
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6") and a.get("id"):
            self.headings.append(str(a["id"]))

    handle_startendtag = handle_starttag


def page_of(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def seen_by_checks(doc: LessonDocument) -> tuple[Counter[str], Counter[str]]:
    links: Counter[str] = Counter()
    images: Counter[str] = Counter()
    for link in doc.links:
        if link.definition:
            continue
        (images if link.image else links)[doc.target(link) if link.ref else link.url] += 1
    for tag in doc.tags:
        if tag.closing:
            continue
        if tag.name == "a" and tag.attr("href") is not None:
            links[tag.attr("href") or ""] += 1
        if tag.name == "img":
            images[tag.attr("src") or ""] += 1
    return links, images


def assert_agree(doc: LessonDocument, html: str) -> None:
    page = page_of(html)
    links, images = seen_by_checks(doc)
    assert Counter(page.links) == links
    assert Counter(page.images) == images
    assert page.headings == [h.id for h in doc.headings]
    assert page.ids == set(doc.ids)


@settings(max_examples=120, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(blocks(2), min_size=1, max_size=5).map("\n\n".join))
def test_checks_see_what_the_page_has(body: str) -> None:
    body = "## Why ask\n\n" + body + "\n"
    doc = read(body, 4)
    html, toc = render(body)
    assert_agree(doc, sanitize(html))
    assert [t[1] for t in toc] == [h.id for h in doc.headings]
    # every position points at the thing, however deeply it is nested
    lines = body.split("\n")

    def source(line: int, column: int) -> str:
        return lines[line - 4][column - 1:]

    for link in doc.links:
        autolink = link.url == "https://example.org/auto" and link.text == link.url
        expected = "<" if autolink else ("![" if link.image else "[")
        assert source(link.line, link.column).startswith(expected), link
    for tag in doc.tags:
        assert source(tag.line, tag.column).startswith("<"), tag
    for heading in doc.headings:
        assert source(heading.line, heading.column).startswith("#"), heading


BODY = """\
## Why ask

!!! note "Nested"
    - A list in a note, with [a link](https://example.org/one) and ![a dot](../assets/a.png)

        === "Tab"

            > A quote with [a ref][r] and a note[^1].

    [r]: ../assets/file.pdf

| A | [t](#why-ask) |
|---|---|
| ![c](../assets/c.png) | <a href="https://example.org/h">h</a> |

<div class="box">
<a href="../../other-course/">raw</a>
</div>

### Custom {#custom}

[^1]: The note, [back](#custom).

```quiz
- question: Which?
  choices:
    - text: A
      correct: true
      explanation: yes
    - text: B
      explanation: no
    - text: C
      explanation: no
```
"""


def test_the_built_site_page_agrees_with_the_lesson_document(tmp_path: Path) -> None:
    lesson_rel = "courses/sales-basics/lessons/01-discovery-questions.md"
    other = "courses/other-course/"
    root = build_tree(tmp_path / "repo", {
        "lmsctl.yml": MINIMAL_CONFIG,
        "courses/sales-basics/course.yml": MINIMAL_COURSE,
        lesson_rel: "---\ntitle: Discovery questions\nduration: 5\n---\n" + BODY,
        "courses/sales-basics/assets/a.png": b"png", "courses/sales-basics/assets/c.png": b"png",
        "courses/sales-basics/assets/file.pdf": b"pdf",
        other + "course.yml": MINIMAL_COURSE.replace("Sales basics", "Other course"),
        other + "lessons/01-discovery-questions.md":
            "---\ntitle: Intro\n---\n" + BODY.split("\n\n", 1)[0] + "\n",
    })
    build_site(root, tmp_path / "site", stdout=io.StringIO(), with_history=False)
    html = (tmp_path / "site/courses/sales-basics/discovery-questions/index.html").read_text()
    start = html.index('<h2 id="why-ask"')
    content = html[start:html.index('<div class="lmsctl-lesson-foot"', start)]
    # lmsctl's own quiz markup is not the author's content
    content = re.sub(r'<section class="lmsctl-quiz".*?</section>', "", content, flags=re.S)
    lesson, _ = load_lesson(root, root / lesson_rel, "sales-basics")
    assert lesson is not None
    assert_agree(lesson.document, content)


PIECES = st.sampled_from([
    "!!! note", "??? tip", "???+ x", '=== "T"', '===! "U"', "\t", "    ", "  ", "\n", "\n\n",
    "[^1]", "[^1]: n", "{#i}", "{: .c}", "{alt='a'}", "[a](b)", "![c](d)", "[r]: u", "[r]",
    "<a name=x>", "</a>", "<!--", "-->", "`", "```", "```quiz", "~~~", "> ", "- ", "1. ",
    "# ", "## h", "|a|b|", "|-|-|", "x", "https://e.org/x", "<div>", "</div>", "&amp;", "\\",
])


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(PIECES, max_size=40).map("".join))
def test_any_mix_of_constructs_is_read_and_rendered(body: str) -> None:
    doc = read(body, 3)
    lines = body.split("\n")
    for item in [*doc.headings, *doc.links, *doc.tags, *doc.comments, *doc.bare_urls,
                 *doc.tables, *doc.code, *doc.trailing_space]:
        assert 3 <= item.line < 3 + len(lines), (item, body)
        assert 1 <= item.column <= len(lines[item.line - 3]) + 1, (item, body)
    html, toc = render(body)
    assert [t[1] for t in toc] == [h.id for h in doc.headings]
    sanitize(html)
