"""``inline_text`` skips the parser for text that holds no character markdown-it's inline rules
start at (issue 10, cold lint speed): the same result as through the parser."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lmsctl.content.markdown import inline_text, parsed_inline_text

TEXT = st.text(alphabet=st.sampled_from(list("ab Zé1 .,;'\"?()/|\t\n\r\0*_`[]<>&{}!#~:-=+@%$^\\"))
               | st.characters(), max_size=40)


@settings(max_examples=500)
@given(TEXT)
def test_inline_text_equals_the_parsed_text(text: str) -> None:
    assert inline_text(text) == parsed_inline_text(text)


@pytest.mark.parametrize("text", ["a\rb", "a\r\nb", "a\0b", "a\nb", "a  \nb", " a\tb ", "é {x}",
                                  "a_b", "a\\b", "2 > 1", "x: y", "#1", "~a~", "a&amp;b"])
def test_inline_text_equals_the_parsed_text_on_edge_cases(text: str) -> None:
    assert inline_text(text) == parsed_inline_text(text)


def test_plain_and_marked_up_text() -> None:
    assert inline_text("  A diagram of the loop (2024)  ") == "A diagram of the loop (2024)"
    assert inline_text("A *loop* of `code` [here](x.md) &amp; <b>b</b>") == (
        "A loop of code here & b")


#: Everything but the characters ``inline_text`` sends to the parser: punctuation that other
#: Markdown dialects give a meaning to, and Unicode spaces and line separators.
PLAIN = st.text(alphabet=st.sampled_from(list(
    "ab Zé1 .,;'\"?()/|\t!]}>#~:-=+@%$^\u00a0\u2028\u2029\u3000\x0b\x0c\x1c\x85\ufeff"))
    | st.characters(blacklist_characters="\n\r\0\\`*_[<&{"), max_size=60)


@settings(max_examples=500)
@given(PLAIN)
def test_text_without_markup_characters_is_its_own_text(text: str) -> None:
    assert inline_text(text) == parsed_inline_text(text) == text.strip()
