"""Quiz YAML errors that teach (#16): for indentation and shape mistakes the message says
what the question's shape must be and where the line is against it; quotes are suggested only
when quotes are the fix. One row per common mistake, with the exact message it gets."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from lmsctl.content.loader import load_lesson
from lmsctl.content.quiz_shape import SHAPE, check_shape

GOOD = """- question: What does "too expensive" usually mean?
  choices:
    - text: The value is not yet clear
      correct: true
      explanation: Value objections.
    - text: No budget
      explanation: Rarer.
"""

CASES = {
 "correct over-indented (8)": GOOD.replace("      correct: true", "        correct: true"),
 "correct under-indented (4)": GOOD.replace("      correct: true", "    correct: true"),
 "explanation over-indented": GOOD.replace("      explanation: Value", "        explanation: Value"),
 "second text dedented to choices": GOOD.replace("    - text: No budget", "  - text: No budget"),
 "second text dedented to 0": GOOD.replace("    - text: No budget", "- text: No budget"),
 "second text over-indented": GOOD.replace("    - text: No budget", "      - text: No budget"),
 "choices over-indented": GOOD.replace("  choices:", "    choices:"),
 "choices at column 0": GOOD.replace("  choices:", "choices:"),
 "missing - before question": GOOD.replace("- question:", "  question:").replace("\n  choices", "\n  choices"),
 "missing - before question at 0": GOOD.replace("- question: What", "question: What").replace("  choices:", "choices:"),
 "missing - before text": GOOD.replace("    - text: No budget", "      text: No budget"),
 "missing - before first text": GOOD.replace("    - text: The value", "      text: The value"),
 "choices as a string": """- question: What?\n  choices: A, B, C\n""",
 "tab indentation": GOOD.replace("      correct: true", "\t\tcorrect: true"),
 "correct: yes": GOOD.replace("correct: true", "correct: yes"),
 "colon in unquoted text": GOOD.replace("text: No budget", "text: Budget: none at all"),
 "missing space after - (choice)": GOOD.replace("    - text: No budget", "    -text: No budget"),
 "missing space after - (question)": GOOD.replace("- question:", "-question:"),
 "missing space after colon": GOOD.replace("correct: true", "correct:true"),
 "second question indented": GOOD + GOOD.replace("- question:", "  - question:").replace("\n  ", "\n    "),
 "question key indented 3": GOOD.replace("  choices:", "   choices:"),
}

QUOTES = 'Put the whole value in quotes, e.g. title: "Pricing: the basics".'

#: (mistake, line, column, rule, message, hint); the quiz fence is on line 6 of the lesson.
EXPECTED = [
    ('correct over-indented (8)', 10, 9, 'LMS100',
     '`correct:` is indented 8 spaces; in a choice it lines up with `text:` (line 9) at 6 spaces',
     f'Indent it 6 spaces. {SHAPE}'),
    ('correct under-indented (4)', 10, 5, 'LMS100',
     "`correct:` is indented 4 spaces, at the level of the choices' `-`; in a choice it lines up with `text:` (line 9) at 6 spaces",
     f'Indent it 6 spaces. {SHAPE}'),
    ('explanation over-indented', 11, 9, 'LMS100',
     '`explanation:` is indented 8 spaces; in a choice it lines up with `text:` (line 9) at 6 spaces',
     f'Indent it 6 spaces. {SHAPE}'),
    ('second text dedented to choices', 12, 3, 'LMS100',
     "this choice's `-` is at 2 spaces; the choices above start at 4 spaces",
     f'Line it up with them: 4 spaces before the `-`. {SHAPE}'),
    ('second text dedented to 0', 12, 1, 'LMS100',
     "this choice's `-` is at 0 spaces, where questions start; the choices of this question start at 4 spaces",
     f'Indent it 4 spaces, like the choices above. {SHAPE}'),
    ('second text over-indented', 12, 7, 'LMS100',
     "this choice's `-` is at 6 spaces; the choices above start at 4 spaces",
     f'Line it up with them: 4 spaces before the `-`. {SHAPE}'),
    ('choices over-indented', 8, 5, 'LMS100',
     "`choices:` is indented 4 spaces; a question's keys line up with `question` at 2 spaces",
     f'Indent it 2 spaces. {SHAPE}'),
    ('choices at column 0', 8, 1, 'LMS100',
     "`choices:` is indented 0 spaces; a question's keys line up with `question` at 2 spaces",
     f'Indent it 2 spaces. {SHAPE}'),
    ('missing - before question', 7, 3, 'LMS120',
     "a quiz block must be a list of questions, each starting with '- question:'",
     'A quiz block is a YAML list of questions, each with `question:` and `choices:`.'),
    ('missing - before question at 0', 7, 1, 'LMS120',
     "a quiz block must be a list of questions, each starting with '- question:'",
     'A quiz block is a YAML list of questions, each with `question:` and `choices:`.'),
    ('missing - before text', 12, 7, 'LMS120',
     'a second `text:` in the choice that starts on line 9: a new choice needs its own `-`',
     f'Write `- text: ...` (4 spaces before the `-`). {SHAPE}'),
    ('missing - before first text', 9, 7, 'LMS100',
     '`text:` has no `-` in front: each choice under `choices:` (line 8) is a list item',
     f'Write `- text: ...` for the first line of each choice. {SHAPE}'),
    ('choices as a string', 8, 12, 'LMS104',
     "'choices' of question 1 must be a list, not 'A, B, C'",
     f'Put each choice on its own line under `choices:`, as `- text: ...`. {SHAPE}'),
    ('tab indentation', 10, 1, 'LMS100',
     'tab character where YAML expects spaces',
     'Indent with spaces only; YAML does not allow tabs for indentation.'),
    ('correct: yes', 10, 16, 'LMS104',
     "'correct' of choice 1 of question 1 must be true or false, not 'yes'",
     "Write true or false; lmsctl reads 'yes' as text, not as yes/no."),
    ('colon in unquoted text', 12, 19, 'LMS100',
     "a ': ' inside a value is read as a new key",
     'Put the whole value in quotes, e.g. title: "Pricing: the basics".'),
    ('missing space after - (choice)', 12, 5, 'LMS100',
     '`-text: No budget` needs a space after the `-`: a list item is written `- text: No budget`',
     f'Write `- text: ...` (dash, space, key). {SHAPE}'),
    ('missing space after - (question)', 7, 1, 'LMS100',
     '`-question: What does` needs a space after the `-`: a list item is written `- question: What does "too expen`',
     f'Write `- question: ...` (dash, space, key). {SHAPE}'),
    ('missing space after colon', 10, 7, 'LMS100',
     '`correct:true` needs a space after the colon',
     'Write `correct: true`.'),
    ('second question indented', 14, 3, 'LMS100',
     "this question's `-` is at 2 spaces; questions start at 0 spaces, like the first one",
     f'Indent it 0 spaces. {SHAPE}'),
    ('question key indented 3', 8, 4, 'LMS100',
     "`choices:` is indented 3 spaces; a question's keys line up with `question` at 2 spaces",
     f'Indent it 2 spaces. {SHAPE}'),
]


def test_every_mistake_has_a_row() -> None:
    assert sorted(CASES) == sorted(row[0] for row in EXPECTED)
    assert len(EXPECTED) >= 15


@pytest.mark.parametrize(("name", "line", "column", "rule", "message", "hint"), EXPECTED,
                         ids=[row[0] for row in EXPECTED])
def test_quiz_mistake_message(tmp_path: Path, name: str, line: int, column: int, rule: str,
                              message: str, hint: str) -> None:
    lesson = tmp_path / "courses" / "c" / "lessons" / "01-x.md"
    lesson.parent.mkdir(parents=True)
    lesson.write_text("---\ntitle: X\n---\nText.\n\n```quiz\n" + CASES[name] + "```\n",
                      encoding="utf-8")
    _, problems = load_lesson(tmp_path, lesson, "c")
    assert [(d.line, d.column, d.rule, d.message, d.hint) for d in problems] == [
        (line, column, rule, message, hint)]
    if hint == QUOTES:  # quoting is suggested only where the line's value holds ': '
        text = lesson.read_text(encoding="utf-8").splitlines()[line - 1]
        assert ": " in text.split(": ", 1)[1]


def test_the_good_quiz_has_no_problems(tmp_path: Path) -> None:
    assert check_shape(GOOD) is None


_words = st.text(alphabet="abcdefgh ?", min_size=1, max_size=20).map(str.strip).filter(bool)
_choice = st.fixed_dictionaries({"text": _words}, optional={
    "correct": st.booleans(), "explanation": _words})
_question = st.fixed_dictionaries({"question": _words,
                                   "choices": st.lists(_choice, min_size=1, max_size=4)})


@settings(max_examples=150, deadline=None)
@given(st.lists(_question, min_size=1, max_size=3), st.booleans(), st.sampled_from([2, 4]))
def test_valid_quizzes_fit_the_shape(quiz: list[object], indentless: bool, indent: int) -> None:
    """No false alarms: any quiz YAML writes in block style (choices indented or not under
    `choices:`, 2 or 4 spaces) fits the shape."""

    class Dumper(yaml.SafeDumper):
        def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
            super().increase_indent(flow, indentless and INDENTLESS)

    INDENTLESS = indentless  # noqa: N806
    text = yaml.dump(quiz, Dumper=Dumper, default_flow_style=False, sort_keys=False,
                     indent=indent)
    assert check_shape(text) is None, text
