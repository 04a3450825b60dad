"""``parse_yaml`` reads the plain block YAML most files are written in (keys to one-line plain
values, mappings and lists of mappings indented by spaces) without the parser
(``yamlstrict._simple``): for any text it takes, the same values, positions and key positions
as the parser's events give, and no finding; any other text goes to the parser."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from lmsctl.core import yamlstrict

QUIZ = """\
- question: Which step of part 1 comes first in the process?
  choices:
    - text: Discovery with the customer
      correct: true
      explanation: Discovery comes first because it frames the value.
    - text: Sending the final contract
      explanation: The contract comes last, after agreement on value.
- question: Why 2.5?
  id: q-2
  choices:
  - text: 'quoted'
"""


def _same(text: str, line_offset: int = 0, column_offset: int = 0) -> bool:
    """Whether ``_simple`` read ``text`` (then it must agree with the parser)."""
    simple = yamlstrict._simple(text, line_offset, column_offset)
    if simple is None:
        return False
    parsed, problems = yamlstrict._parsed(text, "x.yml", line_offset, column_offset)
    assert problems == [], text
    assert parsed is not None, text
    assert (simple.data, simple.positions, simple.key_positions) == (
        parsed.data, parsed.positions, parsed.key_positions), text
    return True


def test_the_common_shapes_are_read_without_the_parser() -> None:
    quiz = QUIZ.split("- question: Why")[0]
    assert _same(quiz, 7, 4)
    assert _same("title: Why customers object\nduration: 8\ndescription: Objections, calmly.\n")
    assert _same("a: 1\n\n\nb:\n   - c: x\n     d: 1.5e3\n   - c: y\nz: null\n", 2, 0)
    assert not _same(QUIZ)  # a list at its key's column and a quoted value: the parser's


_VALUE = st.lists(st.sampled_from([
    "x", "word word", "é", "1", "0.5", ".5", "-3", "1e3", "true", "null", "~", ":", ": ", "#",
    " #", "'", '"', "\t", "\u2028", "\u00a0", "?", "[", "{", "&a", "*a", "!t", "|", ">", "%",
    "@", "`", "---", "...", ",", "\r", "\ufeff", "\U0001f600", " ", "-", "- ",
]), min_size=1, max_size=4).map("".join)
_LINE = st.tuples(st.one_of(st.sampled_from([0, 2, 4]), st.integers(0, 6)),
                  st.sampled_from(["", "", "- ", "-  ", "-"]),
                  st.sampled_from(["question", "choices", "a", "true", "Null", "a b", "", "é",
                                   "k" * 101, "x", "?", "- x", "text", "id"]),
                  st.sampled_from([":", ":", " :", ""]),
                  st.one_of(st.just(""), st.sampled_from(["x", "a b", "1", "true"]), _VALUE),
                  st.sampled_from(["", "", " ", "\t"])).map(
    lambda p: " " * p[0] + p[1] + p[2] + p[3] + (" " + p[4] if p[4] else "") + p[5])


@settings(max_examples=500, deadline=None)
@given(st.lists(st.one_of(_LINE, st.just("")), min_size=1, max_size=8))
def test_any_text_it_takes_reads_as_the_parser_reads_it(lines: list[str]) -> None:
    _same("\n".join(lines), 3, 2)


def _tree(depth: int) -> Any:
    scalar = st.sampled_from(["x", "two words", "1", "-2", "0.5", "true", "False", "null", "~",
                              "yes", "é ü", "a:b", "C#", "a - b", "it's", "2026-01-31"])
    if depth == 0:
        return scalar
    key = st.sampled_from(["question", "choices", "text", "correct", "id", "a_b", "k-1"])
    child = _tree(depth - 1)
    mapping = st.dictionaries(key, st.one_of(scalar, child), min_size=1, max_size=4)
    return st.one_of(mapping, st.lists(mapping, min_size=1, max_size=3))


def _render(value: Any, indent: int, step: int, dash_gap: int, trailing: str) -> list[str]:
    pad = " " * indent
    if isinstance(value, list):
        lines: list[str] = []
        for item in value:
            inner = _render(item, indent + 1 + dash_gap, step, dash_gap, trailing)
            lines.append(pad + "-" + " " * dash_gap + inner[0].lstrip(" "))
            lines += inner[1:]
        return lines
    lines = []
    for k, v in value.items():
        if isinstance(v, (dict, list)):
            lines.append(f"{pad}{k}:{trailing}")
            lines += _render(v, indent + step, step, dash_gap, trailing)
        else:
            lines.append(f"{pad}{k}: {v}{trailing}")
    return lines


@settings(max_examples=300, deadline=None)
@given(_tree(3), st.integers(1, 4), st.integers(1, 3), st.sampled_from(["", " ", "  "]),
       st.sampled_from(["\n", "\n\n"]))
def test_generated_block_yaml_reads_as_the_parser_reads_it(
        value: Any, step: int, dash_gap: int, trailing: str, newline: str) -> None:
    if not isinstance(value, (dict, list)):
        value = {"a": value}
    _same(newline.join(_render(value, 0, step, dash_gap, trailing)) + "\n", 5, 3)


@settings(max_examples=500, deadline=None)
@given(st.sampled_from(["a", "text", "true", "é", "a b"]), st.sampled_from([":", ": ", ":  "]),
       st.one_of(_VALUE, st.text(max_size=12)), st.sampled_from(["\n", " \n", "\n\n"]))
def test_any_value_it_takes_reads_as_the_parser_reads_it(key: str, colon: str, value: str,
                                                         end: str) -> None:
    _same(f"- {key}{colon}{value}{end}  {key}x: {value}{end}", 1, 1)


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.text(max_size=8), st.sampled_from(sorted(yamlstrict._WORDS)),
                 st.from_regex(r"[a-zA-Z.+-]?[0-9eE.]{0,4}", fullmatch=True)))
def test_the_shortcut_for_words_resolves_as_the_rules_do(value: str) -> None:
    got, expected = yamlstrict.resolve_plain(value), yamlstrict._resolved(value)
    assert (type(got), got) == (type(expected), expected)
