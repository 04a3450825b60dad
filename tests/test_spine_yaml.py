"""Strict YAML: what is refused, where it is reported, and that nothing ever runs."""

from __future__ import annotations

import time
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from lmsctl.core.yamlstrict import decode_text, parse_yaml, resolve_plain


def rules_at(text: str) -> list[tuple[str, int, int]]:
    _, diags = parse_yaml(text, "x.yml")
    return [(d.rule, d.line, d.column) for d in diags]


def test_plain_scalars_keep_yes_no_and_dates_as_strings() -> None:
    doc, diags = parse_yaml("a: yes\nb: no\nc: on\nd: off\ne: 2026-01-31\nf: true\ng: 3\n", "x")
    assert diags == []
    assert doc is not None
    assert doc.data == {"a": "yes", "b": "no", "c": "on", "d": "off", "e": "2026-01-31",
                        "f": True, "g": 3}


def test_quoted_numbers_stay_strings() -> None:
    doc, _ = parse_yaml("a: '3'\nb: \"true\"\n", "x")
    assert doc is not None and doc.data == {"a": "3", "b": "true"}


def test_duplicate_key_reported_at_second_key() -> None:
    assert rules_at("title: A\nsummary: s\ntitle: B\n") == [("LMS105", 3, 1)]


def test_anchor_and_alias_refused() -> None:
    assert rules_at("a: &x [1]\nb: *x\n") == [("LMS106", 1, 4), ("LMS106", 2, 4)]


def test_tags_refused_and_never_constructed(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    text = f"title: !!python/object/apply:os.system ['touch {marker}']\n"
    doc, diags = parse_yaml(text, "x")
    assert [(d.rule, d.line, d.column) for d in diags] == [("LMS107", 1, 8)]
    assert not marker.exists()
    assert doc is not None and doc.data == {"title": [f"touch {marker}"]}


def test_billion_laughs_refused_quickly() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i, name in enumerate("bcdefghij"):
        prev = "abcdefghij"[i]
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    text = "\n".join(lines) + "\n"
    start = time.perf_counter()
    doc, diags = parse_yaml(text, "bomb.yml")
    elapsed = time.perf_counter() - start
    assert elapsed < 0.5
    assert {d.rule for d in diags} == {"LMS106"}
    assert doc is not None
    assert doc.data["j"] == [None] * 9  # aliases are never expanded


def test_tab_indentation_names_tabs() -> None:
    _, diags = parse_yaml("a:\n\tb: 1\n", "x")
    assert [(d.rule, d.line, d.column) for d in diags] == [("LMS100", 2, 1)]
    assert "tab" in diags[0].message and "spaces" in diags[0].hint


def test_colon_in_value_suggests_quotes() -> None:
    _, diags = parse_yaml("title: Pricing: the basics\n", "x")
    assert diags[0].rule == "LMS100" and (diags[0].line, diags[0].column) == (1, 15)
    assert "quotes" in diags[0].hint


def test_line_and_column_offsets_apply() -> None:
    _, diags = parse_yaml("a: 1\na: 2\n", "lesson.md", line_offset=10, column_offset=2)
    assert [(d.line, d.column) for d in diags] == [(12, 3)]


def test_second_document_refused() -> None:
    assert rules_at("a: 1\n---\nb: 2\n") == [("LMS100", 2, 1)]


def test_size_cap() -> None:
    _, diags = parse_yaml("a: " + "x" * 300_000 + "\n", "big.yml")
    assert [d.rule for d in diags] == ["LMS211"]


def test_invalid_utf8_reported_at_byte() -> None:
    text, diags = decode_text(b"title: ok\nsummary: caf\xe9\n", "c.yml")
    assert text is None
    assert [(d.rule, d.line, d.column) for d in diags] == [("LMS101", 2, 13)]


def test_bom_dropped() -> None:
    text, diags = decode_text("\ufefftitle: x\n".encode(), "c.yml")
    assert text == "title: x\n" and diags == []


def test_resolve_plain() -> None:
    assert resolve_plain("~") is None
    assert resolve_plain("12") == 12
    assert resolve_plain("1.5") == 1.5
    assert resolve_plain("1.2.3") == "1.2.3"
    assert resolve_plain("TRUE") is True


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_arbitrary_text_never_raises(text: str) -> None:
    doc, diags = parse_yaml(text, "fuzz.yml", line_offset=3)
    for d in diags:
        assert d.line >= 1 and d.column >= 1 and d.path == "fuzz.yml"


YAMLISH = st.recursive(
    st.one_of(st.text(alphabet="abc: -'\"&*!#[]{}\t\n", max_size=12)),
    lambda children: st.lists(children, max_size=4).map(lambda xs: "\n".join(xs)),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(YAMLISH)
def test_yaml_like_text_never_raises(text: str) -> None:
    parse_yaml(text, "fuzz.yml")
