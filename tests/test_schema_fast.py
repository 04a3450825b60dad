"""The fast schema path (fastjsonschema, no error details) says "valid" exactly when jsonschema
does, so a document it lets through never hides a finding; a failure is explained by jsonschema
(``schema.check``) at the right place."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import fastjsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lmsctl.core import schema
from lmsctl.core.yamlstrict import parse_yaml

ROOT = Path(__file__).resolve().parent.parent


def _yaml(rel: str) -> Any:
    doc, problems = parse_yaml((ROOT / rel).read_text(encoding="utf-8"), rel)
    assert doc is not None and not problems, problems
    return doc.data


#: one valid document per schema (the shipped sample where there is one)
VALID: dict[str, Any] = {
    "course": _yaml("courses/sales-basics/course.yml"),
    "path": _yaml("paths/sales-onboarding.yml"),
    "lmsctl": _yaml("lmsctl.yml"),
    "lesson": {"title": "Discovery questions", "duration": 12, "description": "Ask openly."},
    "quiz": [{"id": "first", "question": "Which question is open?",
              "choices": [{"text": "What happened?", "correct": True, "explanation": "Open."},
                          {"id": "c2", "text": "Did it work?"}]}],
}

JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=3),
    max_leaves=6,
)
#: values that sit at a schema's edges (ids, dates, handles, urls, empty and long text)
EDGES = st.sampled_from([
    "", "a", "sales-basics", "Sales Basics", "-x", "x--y", "2026-03-31", "2026-13-01", "@jdoe",
    "@acme/sales", "jdoe", "https://a.example/", "http://x", "LMS301", "LMS30", "en", "EN",
    "intro.md", "a/b.md", "beginner", "published", "draft", "x" * 200, 0, 1, 80, 101, 240, 241,
    -1, 1.0, 1.5, True, False, None, [], {}, ["sales"], [1], {"id": "sales-basics"},
]).map(copy.deepcopy)  # a fresh list or mapping each time: later steps may change it


def _paths(value: Any, at: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [at]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*at, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += _paths(item, (*at, i))
    return found


def _mutate(data: Any, draw: st.DrawFn) -> Any:
    data = copy.deepcopy(data)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(_paths(data)))
        op = draw(st.sampled_from(["replace", "delete", "add"]))
        if not path:
            if op == "replace":
                data = draw(JSON | EDGES)
            continue
        parent = data
        for step in path[:-1]:
            parent = parent[step]
        last = path[-1]
        if op == "replace":
            parent[last] = draw(EDGES | JSON)
        elif op == "delete":
            del parent[last]
        elif isinstance(parent, dict):
            parent[draw(st.sampled_from(["extra", "titel", "id", "optional", "correct"]))] = (
                draw(EDGES))
        else:
            parent.append(draw(EDGES | JSON))
    return data


@st.composite
def documents(draw: st.DrawFn) -> tuple[str, Any]:
    name = draw(st.sampled_from(schema.SCHEMA_NAMES))
    return name, _mutate(VALID[name], draw)


def _slow_verdict(name: str, data: Any) -> bool:
    return bool(schema.validator(name).is_valid(data))


def _fast_verdict(name: str, data: Any) -> bool:
    # the fast validator fills in defaults: give it its own copy
    return schema.is_valid(name, copy.deepcopy(data))


@pytest.mark.parametrize("name", schema.SCHEMA_NAMES)
def test_valid_documents_pass_both(name: str) -> None:
    assert _slow_verdict(name, VALID[name])
    assert _fast_verdict(name, VALID[name])


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_fast_verdict_is_jsonschemas(case: tuple[str, Any]) -> None:
    name, data = case
    assert _fast_verdict(name, data) == _slow_verdict(name, data)


def test_invalid_documents_are_explained_at_their_place() -> None:
    text = "title: Sales basics\nsummary: x\nlevel: expert\nowners: [jdoe]\n"
    doc, _ = parse_yaml(text, "course.yml")
    assert doc is not None
    assert not schema.is_valid("course", copy.deepcopy(doc.data))
    found = [(d.rule, d.line, d.column) for d in schema.check("course", doc, "course.yml")]
    assert ("LMS104", 3, 8) in found  # the level
    assert ("LMS104", 4, 10) in found  # the owner handle


@pytest.mark.parametrize("name", schema.SCHEMA_NAMES)
def test_pregenerated_validators_are_current(name: str) -> None:
    kept = ROOT / "lmsctl" / "core" / "compiled_schemas" / f"{name}.py"
    assert kept.read_text(encoding="utf-8") == schema.generated_code(name), (
        f"{kept.name} is stale (schema or fastjsonschema changed): run "
        "`python -m lmsctl.core.schema` and commit the result")
    assert schema.pregenerated(name) is not None
    assert schema.fast_validator(name) is schema.pregenerated(name)


def test_pregenerated_validator_of_another_schema_text_is_not_used(tmp_path: Path) -> None:
    # the same code under another schema's digest is refused: the check compares the digest
    # of the schema text lmsctl holds with the one the module was made from
    for path in schema.write_generated(tmp_path):
        text = path.read_text(encoding="utf-8")
        assert f'SCHEMA_SHA256 = "{schema.schema_digest(path.stem)}"' in text
        assert f'VERSION = "{fastjsonschema.VERSION}"' in text
