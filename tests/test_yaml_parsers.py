"""``parse_yaml`` reads events from libyaml's parser when PyYAML has it, and from PyYAML's
pure-Python parser otherwise: values, positions and diagnostics are the same either way (a
syntax error is found at the same place; its wording is the parser's). Not on any text: the
two parsers disagree on some malformed YAML (``"a\\t"`` is an error only for the pure-Python
one), so these are the constructs lmsctl's files use and the errors its users make."""

from __future__ import annotations

import os

import pytest

from lmsctl.core import yamlstrict

INSTALL = "pip install --force-reinstall pyyaml (a wheel with libyaml)"
# without libyaml both sides would be the pure-Python parser: nothing to compare
pytestmark = pytest.mark.skipif(yamlstrict._CParser is None and os.environ.get("CI") != "true",
                                reason=f"PyYAML without libyaml: {INSTALL}")


def test_libyaml_is_there() -> None:
    assert yamlstrict._CParser is not None, f"PyYAML without libyaml: {INSTALL}"

CASES = [
    "title: Why customers object\nduration: 8\n",
    "- question: Which?\n  choices:\n    - text: a\n      correct: true\n    - text: 'b'\n",
    "a: 1\na: 2\n",
    "a: &x 1\nb: *x\n",
    "a: !!str 1\n",
    "a: [1, {b: c}]\n? [k]\n: v\n",
    "title: Pricing: the basics\n",
    "a:\n\t- b\n",
    "a: 'unclosed\n",
    "a: \"x\x07\"\n",
    "---\na: 1\n---\nb: 2\n",
    "- a\n b: c\n",
    "yes: no\non: off\nd: 2024-01-01\nf: 1.5e3\nn: ~\n",
    "",
    "# only a comment\n",
]

def _both(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = yamlstrict.parse_yaml(text, "x.yml", line_offset=3, column_offset=2)
    with monkeypatch.context() as m:
        m.setattr(yamlstrict, "_CParser", None)
        plain = yamlstrict.parse_yaml(text, "x.yml", line_offset=3, column_offset=2)
    # the same findings at the same places; an unreadable text is worded by its parser
    assert [(d.rule, d.line, d.column) for d in fast[1]] == [
        (d.rule, d.line, d.column) for d in plain[1]], text
    if fast[0] is not None:
        assert fast[1] == plain[1], text
    if plain[0] is None:
        assert fast[0] is None
        return
    assert fast[0] is not None
    assert (fast[0].data, fast[0].positions, fast[0].key_positions) == (
        plain[0].data, plain[0].positions, plain[0].key_positions), text


@pytest.mark.parametrize("text", CASES)
def test_libyaml_and_pure_python_read_the_same(text: str,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    _both(text, monkeypatch)
