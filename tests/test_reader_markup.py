"""The reader renders Material's markup exactly as the site did with Python-Markdown and the
Material extensions (``compile.MARKDOWN_EXTENSIONS``), so pages look and behave the same; and
``content/links.py`` says where each kind of link goes."""

from __future__ import annotations

from typing import Any

import markdown
import pytest

from lmsctl.content import links
from lmsctl.content.markdown import read, render
from lmsctl.core.html_policy import sanitize
from lmsctl.targets.site.compile import MARKDOWN_EXTENSIONS


def python_markdown(text: str) -> str:
    names: list[str] = []
    configs: dict[str, Any] = {}
    for ext in MARKDOWN_EXTENSIONS:
        if isinstance(ext, dict):
            ((name, config),) = ext.items()
            names.append(name)
            configs[name] = config
        else:
            names.append(ext)
    return str(markdown.markdown(text, extensions=names, extension_configs=configs))


SAME_AS_BEFORE = [
    "## A heading\n\nText with `code`, *emphasis* and a [link](https://example.org).",
    "## Title {#custom}\n\n### Title\n\n### Title",
    '!!! note\n    Body.\n\n!!! warning "Careful here"\n    Body.',
    '!!! danger highlight\n    Several classes, the first gives the title.',
    '!!! note ""\n    No title at all.',
    '??? tip "Open me"\n    Hidden.\n\n???+ info\n    Shown.',
    '=== "One"\n\n    First.\n\n=== "Two"\n\n    Second.\n\n'
    '=== "Three"\n\n    Third.',
    '=== "A"\n    a\n\n===! "B"\n    b',
    '=== "A"\n    a\n\n===+ "B"\n    b',
    "| Left | Right |\n|:--|--:|\n| 1 | 2 |",
    "```python\ndef f(x):\n    return x\n```",
    "    indented code\n",
    "![alt](../assets/a.png){ width=20 }",
    "Text with a note[^1].\n\n[^1]: The note.",
    "- one\n- two",
    "1. first\n2. second",
    "> A quote with **strong** text.",
]


@pytest.mark.parametrize("text", SAME_AS_BEFORE)
def test_markup_is_what_python_markdown_made(text: str) -> None:
    ours, _ = render(text)
    assert sanitize(ours) == sanitize(python_markdown(text))


def test_quiz_fences_become_numbered_slots() -> None:
    text = "```quiz\n- question: A?\n```\n\n!!! note\n    ```quiz\n    - question: B?\n    ```\n"
    html, _ = render(text)
    assert '<div class="lmsctl-quiz-slot">0</div>' in html
    assert '<div class="lmsctl-quiz-slot">1</div>' in html
    assert [q.line for q in read(text).quizzes] == [1, 6]


def test_links_to_lesson_files_are_rewritten_to_their_pages() -> None:
    html, _ = render("[next](02-next.md#part) and [web](https://example.org/x.md)",
                     lambda url: "../next/#part" if url.startswith("02-") else url)
    assert 'href="../next/#part"' in html and 'href="https://example.org/x.md"' in html


LESSONS = {"courses/a/lessons/01-one.md", "courses/a/lessons/02-two.md"}
COURSES = {"a", "b"}
HERE = "courses/a/lessons/01-one.md"


@pytest.mark.parametrize(("url", "kind", "path"), [
    ("https://example.org/", links.WEB, ""),
    ("#part", links.ANCHOR, ""),
    ("02-two.md#x", links.LESSON, "courses/a/lessons/02-two.md"),
    ("03-three.md", links.MISSING_LESSON, "courses/a/lessons/03-three.md"),
    ("02-two.md/#x", links.NOT_A_PAGE, "courses/a/lessons/02-two.md"),
    ("../../b/", links.COURSE, "courses/b"),
    ("../../expense-policy/", links.MISSING_COURSE, "courses/expense-policy"),
    ("/courses/expense-policy/", links.MISSING_COURSE, "courses/expense-policy"),
    ("/courses/b/", links.COURSE, "courses/b"),
    ("/courses/a/two/", links.LESSON, "courses/a/two"),
    ("/courses/a/nope/", links.MISSING_LESSON, "courses/a/nope"),
    ("../assets/x.png", links.FILE, "courses/a/assets/x.png"),
])
def test_link_targets(url: str, kind: str, path: str) -> None:
    found = links.target(HERE, url, LESSONS, COURSES, {("a", "one"), ("a", "two")})
    assert (found.kind, found.path) == (kind, path)
