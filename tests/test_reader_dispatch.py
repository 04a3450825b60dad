"""The block-rule dispatch of ``lmsctl.content.markdown.parser`` (issue 10, cold speed) is an
optimisation only: for any lesson, the tokens are exactly those of the same parser without it."""

from __future__ import annotations

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from lmsctl.content.markdown import parser
from tests.test_reader_agreement import PIECES, blocks

# Lines that start like a block rule's marker, with and without what completes it.
MARKERS = st.sampled_from([
    "***", "---", "___", "* ", "+ ", "-", "+", "*", "1) ", "12. ", "=", "===", "== x", "!!!",
    "???", "!", "?", "[", "[^", "[x]:", "<", "<!--", "#", "#x", "######", "####### x", "`", "``",
    "~~", "~~~x", ">", ">>", ":", "|", "| x |", "|:-|", "-|-", "a | b", "\t", " ", "   ", "     ",
    "\n", "\n\n", "x", "Title\n===", "Title\n---", "text", "\r\n", "\r", "\0", "- -", "-\t",
    "-|", ":-", "|-",
])


def _same(body: str) -> None:
    fast, plain = parser(), parser(dispatch=False)
    assert fast is not plain
    for env in ({"reading": True}, {}):
        assert fast.parse(body, dict(env)) == plain.parse(body, dict(env)), body


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(st.one_of(PIECES, MARKERS), max_size=50).map("".join))
def test_dispatch_gives_the_same_tokens_on_any_mix(body: str) -> None:
    _same(body)


@settings(max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(blocks(2), min_size=1, max_size=5).map("\n\n".join))
def test_dispatch_gives_the_same_tokens_on_nested_lessons(body: str) -> None:
    _same(body)


def test_a_rule_that_would_match_is_still_tried() -> None:
    # one construct per dispatched rule, each right after a paragraph line (the terminator
    # chains) and on its own
    body = "\n".join([
        "text", "| a | b |", "|---|---|", "| 1 | 2 |", "", "    code", "", "!!! note", "    x",
        "??? tip", "    y", '=== "T"', "    z", "```", "f", "```", "> q", "***", "- l", "1. o",
        "[^n]: note", "[r]: /u", "<div>", "</div>", "", "# h", "Title", "===", "text[^n] [r]",
    ])
    _same(body)
    kinds = {t.type for t in parser().parse(body, {})}
    assert {"table_open", "code_block", "admonition_open", "tabset_open", "fence",
            "blockquote_open", "hr", "bullet_list_open", "ordered_list_open",
            "footnote_block_open", "html_block", "heading_open"} <= kinds


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(" \t\nab>-\u00a0\u3000\r"), max_size=40))
def test_line_tables_are_those_of_markdown_it(src: str) -> None:
    from markdown_it.rules_block import StateBlock

    from lmsctl.content.markdown import _line_tables

    state = StateBlock(src, parser(dispatch=False), {}, [])
    assert _line_tables(src) == (state.bMarks, state.eMarks, state.tShift, state.sCount)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(" \t\nab>-*1.#`|"), max_size=60))
def test_the_fast_block_state_gives_the_same_tokens_on_any_spacing(body: str) -> None:
    _same(body)



PLAIN_LINE = st.text(alphabet=st.sampled_from(list("ab Zé1 .,;'\"?()/|!]}>#~:-=+@%$^\t\u00a0")),
                     max_size=30)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["", "# ", "## ", "!!! note ", "- ", "> ", "    ",
                                           '=== "', "1. ", "| "]), PLAIN_LINE),
                max_size=8).map(lambda lines: "\n".join(a + b for a, b in lines)))
def test_plain_text_becomes_the_text_token_of_the_inline_parser(body: str) -> None:
    """Text without markup (headings, paragraphs, titles) is one text token, as markdown-it's
    inline parser makes it."""
    _same(body)


# Line starts (containers, indentation, tabs) and line contents around paragraphs and setext
# headings: the dispatching parser makes a paragraph in one pass over its lines.
LINE_START = st.sampled_from(["", "", "", "- ", "> ", "  ", "\t", "    ", "1. ", "!!! note\n    ",
                              "- > ", " \t", "-\t", "* \t ", ">\t", "  - ", "> > "])
LINE_TEXT = st.sampled_from(["a", "b c ", "| x |", "|-|", "---", "===", "# h", "", "  ", "x\\|y",
                             "a | b", ":-:|--", "\u00a0a\u2003", "<b>", "[l]: /u", "```",
                             "-- \t", "= =", "==\t=", "-", "***", "> b"])


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(LINE_START, LINE_TEXT), max_size=12)
       .map(lambda lines: "\n".join(a + b for a, b in lines)))
def test_paragraphs_are_those_of_markdown_it(body: str) -> None:
    _same(body)


TABLE_CELL = st.sampled_from(["", " ", "a", " b c ", "\\|", "a\\|b", "`|`", "\\\\", "-", ":-",
                              "--:", ":-:", " --- ", "- ", "\t:--\t", "x\u00a0", "*e*"])
TABLE_LINE = st.builds(
    lambda lead, cells, edges: lead + edges[0] + "|".join(cells) + edges[1],
    st.sampled_from(["", "", " ", "   ", "    ", "\t", "> ", "- ", "1. "]),
    st.lists(TABLE_CELL, min_size=1, max_size=4),
    st.sampled_from([("", ""), ("|", "|"), ("| ", " |"), ("|", ""), ("", "|"), ("", " ")]))


DELIMITER_LINE = st.builds(
    lambda lead, cells, edges: lead + edges[0] + "|".join(cells) + edges[1],
    st.sampled_from(["", "", " ", "    ", "> ", "- "]),
    st.lists(st.sampled_from(["-", ":-", "--:", ":-:", " --- ", "\t:--\t", "", "-x", "- -"]),
             min_size=1, max_size=4),
    st.sampled_from([("", ""), ("|", "|"), ("| ", " |"), ("|", ""), ("", "|")]))
OTHER_LINE = st.sampled_from(["", "text", "# h", "> q", "```", "- l", "***", "    code"])


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(TABLE_LINE, TABLE_LINE, OTHER_LINE), max_size=8).map("\n".join),
       st.lists(st.one_of(TABLE_LINE, TABLE_LINE, OTHER_LINE), max_size=6).map("\n".join),
       TABLE_LINE, DELIMITER_LINE)
def test_tables_are_those_of_markdown_it(before: str, after: str, header: str,
                                         delimiter: str) -> None:
    """The table rule of the dispatching parser is its own (faster) copy of markdown-it's."""
    _same("\n".join([before, header, delimiter, after]))


def test_a_table_stops_adding_empty_cells_where_markdown_it_does() -> None:
    width = 260  # 260 x 259 empty cells to add: more than markdown-it's 65,536
    body = "\n".join(["|" + "a|" * width, "|" + "-|" * width] + ["| b |"] * width)
    _same(body)
    rows = sum(1 for t in parser().parse(body, {}) if t.type == "tr_open")
    assert 2 < rows < width + 1


# Lesson text with every kind of whitespace str.split knows, code and quiz fences.
SPACED = st.lists(st.sampled_from([
    "a", "bc", " ", "  ", "\t", "\n", "\r", "\r\n", "\x0b", "\x0c", "\x1c", "\x1f", "\x85",
    "\u00a0", "\u3000", "\u2028", "é", "```", "```quiz\n", "```python\n", "    x = 1\n", "~~~",
    "- ", "#", "|"]), max_size=40).map("".join)


@settings(max_examples=400, deadline=None)
@given(SPACED)
def test_word_counts_and_trailing_spaces_are_those_of_the_line_by_line_reading(body: str) -> None:
    from lmsctl.content.markdown import (
        _Reader,
        _trailing_space,
        _trailing_space_lines,
        _word_count,
        _word_count_lines,
    )

    env: dict[str, object] = {"reading": True}
    reader = _Reader(body, 3)
    reader.walk(parser().parse(body, env), env)
    code, quiz = reader.code_lines, reader.quiz_lines
    assert _word_count(body, reader.lines, code, quiz) == _word_count_lines(reader.lines, code,
                                                                            quiz)
    assert (_trailing_space(body, reader.lines, 3, code)
            == _trailing_space_lines(reader.lines, 3, code))


def test_word_counts_leave_out_quizzes_and_halve_code() -> None:
    from lmsctl.content.markdown import read

    body = "one two\tthree\n\n```python\na b c d\n```\n\n```quiz\n- question: x y z\n```\nfour\n"
    assert read(body).word_count == 4 + 2 + (1 + 4 + 1) // 2  # text, quiz fences, code (half)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["a", " b", "\n", " ", "\t", ">", "> " * 16, " " * 31, "-" * 32,
                                 "1.", ")", "*", "+", "é"]), max_size=30).map("".join))
def test_nesting_is_looked_for_at_the_start_of_every_line(body: str) -> None:
    """``_within_limits`` finds a deep line start as a multi-line ``^`` search would."""
    import re

    from lmsctl.content.loader import MAX_NESTING, MAX_OPENERS, _within_limits

    deep = re.compile(rf"^[ \t>*+\-0-9.)]{{{(2 * MAX_NESTING + 2) // 4},}}", re.M)
    assert _within_limits(body) == (body.count("[") <= MAX_OPENERS and body.count("<")
                                    <= MAX_OPENERS and deep.search(body) is None)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["a", "bc ", "x" * 40, "-", ":", "!", "\n", "\r", "\0", "\\",
                                 "`", "*", "_", "[", "<", "&", "{", "]", "é"]), max_size=40)
       .map("".join))
def test_markup_is_found_in_short_and_long_texts(text: str) -> None:
    from lmsctl.content.markdown import _INLINE_MARKUP, _no_markup

    assert _no_markup(text) == (_INLINE_MARKUP.search(text) is None)


LABEL_PIECE = st.sampled_from(["a b", "`", "\\", "<b>", "<", ">", "{x}", "{", "&amp;", "\n",
                               " ", "[", "]", "*", "<https://a.b/]>", "`]`", "\\]", "[^1]",
                               "&#93;", "!", "<!-- ] -->"])


@settings(max_examples=500, deadline=None)
@example("`c`", ["{x", "]", "}"], "(u)")  # an attribute list holding a ]
@example("", ["<https://a.b/]>"], "(u)")  # an autolink holding one
@example("!", ["`]`"], "(u)")  # a code span
@example("", ["\\]"], "(u)")  # an escape
@example("", ["a [b] c"], "(u)")  # a nested label
@given(st.sampled_from(["", "!", "`c`", "[^1]: n\n\n"]), st.lists(LABEL_PIECE, max_size=8),
       st.sampled_from(["(u)", "", "[r]", "[]", "(u \"t\")", "\n\n[r]: /u", "{#i}"]))
def test_link_labels_end_where_markdown_it_ends_them(before: str, label: list[str],
                                                     after: str) -> None:
    _same(before + "[" + "".join(label) + "]" + after)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.builds(
    lambda lead, marks, text, tail: lead + marks + text + tail,
    st.sampled_from(["", " ", "   ", "    ", "\t", "> ", "- "]),
    st.sampled_from(["#", "##", "######", "#######", "\\#"]),
    st.sampled_from(["", " ", "\t", " a", "a", " a b", "  \u00a0a\u2003", " #", " a#"]),
    st.sampled_from(["", " ", "\t", " #", " ##  ", "#", " \\#", "\t#\t"])),
    min_size=1, max_size=5).map("\n".join))
def test_headings_are_those_of_markdown_it(body: str) -> None:
    _same(body)
