"""The line scanner validate uses: fences, links and images at their line and column."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from lmsctl.content.markdown_scan import scan, split_front_matter

BODY = """Intro ![a](x.png)

<!-- ![comment](c.png)
still ![comment2](d.png) -->
after ![b](y.png) <!-- ![c](z.png) --> ![e](e.png)

1. Step one

    ![list image](../assets/s1.png)

Para

    ![code](no.png)
    ![code2](no2.png)

Text with `![inline code](no3.png)` and [a link](02-next.md "title").

<img src="../assets/pic.png" alt="x">
"""


def test_links_and_images_found_where_they_are() -> None:
    found = [(link.line, link.column, link.url, link.image) for link in scan(BODY, 10).links]
    assert found == [
        (10, 7, "x.png", True),
        (14, 7, "y.png", True),
        (14, 40, "e.png", True),
        (18, 5, "../assets/s1.png", True),
        (25, 41, "02-next.md", False),
        (27, 1, "../assets/pic.png", True),
    ]


def test_quiz_fences_and_comments() -> None:
    body = "<!--\n```quiz\n- q\n```\n-->\n\n```quiz\n- question: x\n```\n\n~~~~yaml\na: 1\n~~~~\n"
    fences = scan(body, 5).fences
    assert [(f.info, f.start_line, f.end_line) for f in fences] == [
        ("quiz", 11, 13), ("yaml", 15, 17)]
    assert fences[0].content == "- question: x\n"


def test_unclosed_fence_has_no_end() -> None:
    [fence] = scan("```quiz\n- question: x\n", 1).fences
    assert fence.end_line == 0


def test_indented_quiz_in_list_keeps_indent() -> None:
    [fence] = scan("- item\n\n  ```quiz\n  - question: x\n  ```\n", 1).fences
    assert fence.indent == 2 and fence.content == "- question: x\n"


def test_front_matter_split() -> None:
    fm = split_front_matter("---\ntitle: x\n---\nBody\n")
    assert fm is not None and fm.text == "title: x\n" and fm.body_line == 4
    assert split_front_matter("title: x\n") is None
    assert split_front_matter("---\ntitle: x\n") is None


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="`~![]()<>-!#* \n\tax.:/\"'", max_size=300), st.integers(1, 50))
def test_scan_never_raises_and_stays_in_range(body: str, first: int) -> None:
    result = scan(body, first)
    last = first + body.count("\n")
    for link in result.links:
        assert first <= link.line <= last and link.column >= 1
    for fence in result.fences:
        assert first <= fence.start_line <= last
        assert fence.end_line == 0 or fence.start_line < fence.end_line <= last


def test_reference_definitions_are_links() -> None:
    body = "See ![the funnel][f].\n\n[f]: ../assets/funnel.png\n[^1]: A footnote.\n"
    found = [(link.line, link.column, link.url) for link in scan(body, 3).links]
    assert found == [(5, 6, "../assets/funnel.png")]
