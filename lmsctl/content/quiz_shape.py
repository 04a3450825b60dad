"""The shape of a quiz block, checked line by line, so that indentation and shape mistakes get
a message that says what the shape must be and where the line is against it, instead of
PyYAML's parser-speak (or advice to add quotes, when quotes are not the fix).

The shape (columns relative to the quiz block)::

    - question: ...          questions: "- " at the block's left edge
      choices:               question keys: lined up after "- " (2 spaces)
        - text: ...          choices: "- " under choices: (4 spaces)
          correct: true      choice keys: lined up with text: (6 spaces)
          explanation: ...
"""

from __future__ import annotations

import re
from dataclasses import dataclass

QUESTION_KEYS = ("question", "choices", "id")
CHOICE_KEYS = ("text", "correct", "explanation", "id")
SHAPE = ("A question's shape: `- question: ...`, then `choices:` lined up with `question`, "
         "then each choice as `- text: ...` two spaces further in, with `correct: true` and "
         "`explanation: ...` lined up with its `text`.")

_KEY = re.compile(r"(?P<key>[A-Za-z_][A-Za-z0-9_-]*):(?P<sep>[ \t]|$)(?P<value>.*)")
_KEY_NO_SPACE = re.compile(r"(?P<key>[A-Za-z_]+):(?P<value>\S.*)")


@dataclass(frozen=True)
class ShapeProblem:
    """A quiz block whose shape is wrong, where (0-based) and what to do."""

    line: int  # 0-based line of the block
    column: int  # 0-based
    message: str
    hint: str


def _spaces(n: int) -> str:
    return f"{n} space" + ("" if n == 1 else "s")


def _quote_hint(value: str) -> bool:
    """Whether quoting is the fix: an unquoted value that holds ': ' (or ends in ':')."""
    value = value.strip()
    return bool(value) and value[0] not in "\"'|>[{" and (": " in value or value.endswith(":"))


def colon_in_value(block: str, line: int) -> bool:
    lines = block.splitlines()
    if not 0 <= line < len(lines):
        return False
    rest = lines[line].strip()
    rest = rest[2:] if rest.startswith("- ") else rest
    m = _KEY.match(rest)
    return m is not None and _quote_hint(m.group("value"))


def check_shape(block: str, first_line: int = 1) -> ShapeProblem | None:
    """The first line that does not fit the quiz shape, or None. ``first_line`` is the file's
    line number of the block's first line (for "on line N" in messages)."""
    q_dash: int | None = None  # column of a question's "-"
    q_key: int | None = None  # column of the question's keys
    c_dash: int | None = None  # column of a choice's "-"
    c_key: int | None = None
    choices_line: int | None = None  # where `choices:` is, while its first choice is due
    text_line: int | None = None  # the current choice's `text:` line
    scalar_indent: int | None = None  # inside a block scalar (| or >) deeper than this
    lines = block.splitlines()
    for i, raw in enumerate(lines):
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        lead = raw[:len(raw) - len(raw.lstrip(" \t"))]
        if "\t" in lead:
            return None  # the YAML reader's tab message says it well
        indent = len(lead)
        if scalar_indent is not None:
            if indent > scalar_indent:
                continue
            scalar_indent = None
        item = stripped.startswith("- ") or stripped == "-"
        if stripped.startswith("-") and not item and not stripped.startswith("---"):
            word = stripped[1:].split(":", 1)[0]
            if word in QUESTION_KEYS + CHOICE_KEYS:
                return ShapeProblem(
                    i, indent, f"`{stripped[:20]}` needs a space after the `-`: a list item "
                    f"is written `- {stripped[1:].strip()[:30]}`",
                    f"Write `- {word}: ...` (dash, space, key). {SHAPE}")
        rest = stripped[2:].lstrip() if item else stripped
        key_col = indent + (len(stripped) - len(rest) if item else 0)
        nospace = _KEY_NO_SPACE.match(rest)
        if nospace and nospace.group("key") in QUESTION_KEYS + CHOICE_KEYS and not \
                nospace.group("value").startswith("//"):
            key = nospace.group("key")
            return ShapeProblem(i, key_col, f"`{key}:{nospace.group('value')[:20]}` needs a "
                                f"space after the colon", f"Write `{key}: "
                                f"{nospace.group('value')[:30]}`.")
        m = _KEY.match(rest)
        key = m.group("key") if m else None
        value = m.group("value").strip() if m else ""
        if value[:1] in ("|", ">"):
            scalar_indent = key_col
        if q_dash is None:  # the first line: a question's "-"
            if not item:
                return ShapeProblem(
                    i, indent, "a quiz block is a list of questions, but this line has no `-` "
                    "in front" + (f" of `{key}:`" if key else ""),
                    f"Start each question with `- question: ...` at the block's left edge. "
                    f"{SHAPE}")
            q_dash, q_key = indent, key_col
            continue
        assert q_key is not None
        if item and key == "question" and indent != q_dash:
            return ShapeProblem(
                i, indent, f"this question's `-` is at {_spaces(indent)}; questions start at "
                f"{_spaces(q_dash)}, like the first one",
                f"Indent it {_spaces(q_dash)}. {SHAPE}")
        if item and indent == q_dash:
            if key in CHOICE_KEYS and key not in QUESTION_KEYS and c_dash is not None:
                return ShapeProblem(
                    i, indent, f"this choice's `-` is at {_spaces(indent)}, where questions "
                    f"start; the choices of this question start at {_spaces(c_dash)}",
                    f"Indent it {_spaces(c_dash)}, like the choices above. {SHAPE}")
            q_key, c_dash, c_key, choices_line, text_line = key_col, None, None, None, None
            continue
        if choices_line is not None:  # the first choice of `choices:`
            if item and indent >= q_key:
                c_dash, c_key, choices_line = indent, key_col, None
                text_line = i if key == "text" else None
                continue
            if key in CHOICE_KEYS and indent > q_key:
                return ShapeProblem(
                    i, indent, f"`{key}:` has no `-` in front: each choice under `choices:` "
                    f"(line {choices_line + first_line}) is a list item",
                    f"Write `- {key}: ...` for the first line of each choice. {SHAPE}")
            choices_line = None
        if not item and key in QUESTION_KEYS and indent != q_key and (
                c_key is None or indent < c_key) and indent > q_dash - 1:
            return ShapeProblem(
                i, indent, f"`{key}:` is indented {_spaces(indent)}; a question's keys line up "
                f"with `question` at {_spaces(q_key)}",
                f"Indent it {_spaces(q_key)}. {SHAPE}")
        if not item and indent == q_key and key in QUESTION_KEYS:
            c_dash = c_key = text_line = None
            if key == "choices" and not value:
                choices_line = i
            continue
        if c_dash is None or c_key is None:
            continue
        if item:
            if indent == c_dash:
                text_line = i if key == "text" else None
                continue
            if key in CHOICE_KEYS:
                return ShapeProblem(
                    i, indent, f"this choice's `-` is at {_spaces(indent)}; the choices "
                    f"above start at {_spaces(c_dash)}",
                    f"Line it up with them: {_spaces(c_dash)} before the `-`. {SHAPE}")
            continue
        if key in CHOICE_KEYS and key != "id":
            if indent == c_key:
                if key == "text" and text_line is not None:
                    return ShapeProblem(
                        i, indent, f"a second `text:` in the choice that starts on line "
                        f"{text_line + first_line}: a new choice needs its own `-`",
                        f"Write `- text: ...` ({_spaces(c_dash)} before the `-`). {SHAPE}")
                continue
            above = f" (line {text_line + first_line})" if text_line is not None else ""
            return ShapeProblem(
                i, indent, f"`{key}:` is indented {_spaces(indent)}"
                + (", at the level of the choices' `-`" if indent == c_dash else "")
                + f"; in a choice it lines up with `text:`{above} at {_spaces(c_key)}",
                f"Indent it {_spaces(c_key)}. {SHAPE}")
    return None
