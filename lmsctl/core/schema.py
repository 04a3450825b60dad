"""JSON Schema checks with messages in plain words, at the line of the offending value.

The schemas live in ``lmsctl/schemas/`` (copied to the repository's ``schemas/`` for editors; a
test keeps the two identical). Each validator is built once per process.
"""

from __future__ import annotations

import difflib
import json
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import fastjsonschema

from lmsctl.core.diagnostics import Diagnostic
from lmsctl.core.ids import slugify
from lmsctl.core.spine import diag
from lmsctl.core.yamlstrict import Key, YamlDoc

if TYPE_CHECKING:  # jsonschema is imported only to explain a failure (slow to import)
    from jsonschema import Draft7Validator
    from jsonschema.exceptions import ValidationError

SCHEMA_NAMES = ("course", "lesson", "quiz", "path", "lmsctl")


@cache
def load_schema(name: str) -> dict[str, Any]:
    text = resources.files("lmsctl").joinpath("schemas", f"{name}.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def validator(name: str) -> Draft7Validator:
    """The jsonschema validator: slow, but its errors carry paths; used to explain failures."""
    from jsonschema import Draft7Validator

    return Draft7Validator(load_schema(name))


@cache
def fast_validator(name: str) -> Any:
    """A compiled validator (fastjsonschema) that answers "valid or not" quickly: it builds no
    error details (``detailed_exceptions=False``); a failure is explained by :func:`validator`.
    It fills in the schemas' defaults, as it always did."""
    return fastjsonschema.compile(load_schema(name), detailed_exceptions=False)


def is_valid(name: str, data: Any) -> bool:
    try:
        fast_validator(name)(data)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


#: Letters that are not an ASCII letter plus accents, so NFKD alone would drop them.



_TYPE_WORDS = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping of keys to values",
    "null": "empty",
}


def describe(path: Key, schema_name: str = "") -> str:
    parts = list(path)
    if schema_name == "quiz":
        if not parts:
            return "the quiz block"
        words = [f"question {parts[0] + 1}" if isinstance(parts[0], int) else str(parts[0])]
        if len(parts) >= 3 and parts[1] == "choices" and isinstance(parts[2], int):
            words.insert(0, f"choice {parts[2] + 1} of")
            rest = parts[3:]
        else:
            rest = parts[1:]
        if rest:
            words.insert(0, f"'{rest[-1]}' of")
        return " ".join(words)
    if not parts:
        return "the document"
    last = parts[-1]
    if isinstance(last, int):
        owner = next((p for p in reversed(parts) if isinstance(p, str)), None)
        return f"item {last + 1} of '{owner}'" if owner else f"item {last + 1}"
    return f"'{last}'"


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _hint_from_schema(schema: dict[str, Any]) -> str:
    return str(schema.get("description", ""))


def translate(
    error: ValidationError, doc: YamlDoc, rel: str, schema_name: str = ""
) -> Diagnostic:
    """One jsonschema error -> one plain-words diagnostic at the right place."""
    path: Key = tuple(error.absolute_path)
    schema = error.schema if isinstance(error.schema, dict) else {}
    kind = error.validator
    value = error.instance
    line, col = doc.pos(path)
    custom = schema.get("x-message")

    def _describe(p: Key) -> str:
        return describe(p, schema_name)

    if kind == "required":
        missing = str(error.message).split("'")[1]
        props = schema.get("properties", {})
        hint = _hint_from_schema(props.get(missing, {}))
        where = "" if not path else f" in {_describe(path)}"
        return diag("LMS102", rel, line, col, f"'{missing}' is required{where}",
                    f"Add `{missing}:`. {hint}".strip())
    if kind == "additionalProperties" and isinstance(value, dict):
        allowed = sorted(schema.get("properties", {}))
        extras = [k for k in value if k not in schema.get("properties", {})]
        key = extras[0] if extras else "?"
        kline, kcol = doc.key_pos((*path, key))
        close = difflib.get_close_matches(key, allowed, n=1)
        guess = f"Did you mean '{close[0]}'? " if close else ""
        return diag("LMS103", rel, kline, kcol, f"unknown key '{key}'",
                    f"{guess}Allowed keys here: {', '.join(allowed)}.")
    if custom and kind in ("anyOf", "oneOf", "type", "minItems"):
        return diag("LMS104", rel, line, col, f"{_describe(path)}: {custom}",
                    _hint_from_schema(schema))
    if kind == "type":
        expected = schema.get("type")
        words = (" or ".join(_TYPE_WORDS.get(str(t), str(t)) for t in expected)
                 if isinstance(expected, list) else _TYPE_WORDS.get(str(expected), str(expected)))
        hint = _hint_from_schema(schema) or "Change the value."
        if expected == "boolean" and isinstance(value, str):
            hint = f"Write true or false; lmsctl reads {value!r} as text, not as yes/no."
        elif expected == "string" and isinstance(value, (int, float, bool)):
            hint = f"Put the value in quotes: \"{value}\"."
        return diag("LMS104", rel, line, col,
                    f"{_describe(path)} must be {words}, not {_show(value)}", hint)
    if kind == "enum":
        options = ", ".join(str(o) for o in schema.get("enum", []))
        return diag("LMS104", rel, line, col,
                    f"{_describe(path)} must be one of {options} (found {_show(value)})",
                    _hint_from_schema(schema))
    if kind == "pattern" and schema.get("x-kind") == "slug":
        suggestion = slugify(str(value)) if isinstance(value, str) else ""
        hint = "Ids are lowercase letters, digits and single hyphens"
        hint += f": write '{suggestion}'." if suggestion else "."
        return diag("LMS200", rel, line, col, f"{_show(value)} is not a valid id", hint)
    if kind == "pattern" and schema.get("x-kind") == "handle":
        return diag("LMS104", rel, line, col,
                    f"{_show(value)} is not a GitHub user or team",
                    "Write owners as @user or @org/team, in quotes: [\"@jdoe\"].")
    if kind == "pattern" and schema.get("x-kind") == "date":
        return diag("LMS104", rel, line, col, f"{_show(value)} is not a date",
                    "Write the date as YYYY-MM-DD, e.g. 2026-03-31.")
    if kind == "pattern":
        return diag("LMS104", rel, line, col,
                    f"{_show(value)} is not allowed for {_describe(path)}",
                    _hint_from_schema(schema) or f"It must match {schema.get('pattern')}.")
    if kind == "propertyNames":
        return diag("LMS104", rel, line, col, f"{_describe(path)} has a key that is not allowed: "
                    f"{error.message}", "Keys here are lowercase ids like negotiation or rule ids "
                    "like LMS301.")
    if kind in ("minItems", "minLength"):
        what = "at least one item" if kind == "minItems" else "some text"
        return diag("LMS104", rel, line, col, f"{_describe(path)} is empty; it needs {what}",
                    _hint_from_schema(schema))
    if kind in ("maxLength", "maxItems"):
        return diag("LMS104", rel, line, col, f"{_describe(path)} is too long "
                    f"(at most {error.validator_value})", _hint_from_schema(schema))
    if kind in ("minimum", "maximum"):
        bound = "at least" if kind == "minimum" else "at most"
        return diag("LMS104", rel, line, col,
                    f"{_describe(path)} must be {bound} {error.validator_value} (found {value})",
                    _hint_from_schema(schema))
    return diag("LMS104", rel, line, col, f"{_describe(path)}: {custom or error.message}",
                _hint_from_schema(schema))


def check(name: str, doc: YamlDoc, rel: str) -> list[Diagnostic]:
    """All schema problems of a document, one diagnostic each (the deepest error of a branch)."""
    out: list[Diagnostic] = []
    if is_valid(name, doc.data):
        return out
    for error in validator(name).iter_errors(doc.data):
        if error.validator in ("anyOf", "oneOf") and not error.schema.get("x-message"):
            from jsonschema.exceptions import best_match

            error = best_match(error.context or [error])
        out.append(translate(error, doc, rel, name))
    return out
