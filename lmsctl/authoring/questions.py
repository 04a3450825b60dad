"""The questions a ``new-*`` command asks, as data: the command decides how to ask them.

Each ``Question`` names the answer it fills in, the option that gives it on the command line,
its prompt, whether it is required, its default (which may depend on earlier answers) and the
check that turns text into a value or refuses it. ``resolve`` handles everything but the asking:
it checks the values given as options (all of them, before any prompt), and with ``no_input``
fills in defaults or names what is missing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from lmsctl.authoring.inputs import Conflict, Refusal
from lmsctl.core.errors import LmsctlError, UsageError

Answers = dict[str, Any]


@dataclass(frozen=True)
class Question:
    key: str
    option: str  # how to give it on the command line: "ID", "--title"
    prompt: str
    parse: Callable[[Any], Any]  # text (or a list of texts) -> value; raises Refusal/Conflict
    required: bool = False
    many: bool = False
    default: Callable[[Answers], str] | None = None
    intro: Callable[[], str] | None = None  # printed once before the prompt
    ask: Callable[[], bool] | None = None  # False: never asked (e.g. no skills declared)
    example: str = ""  # how the option is written, for "missing" messages

    def default_text(self, answers: Answers) -> str | None:
        return self.default(answers) if self.default is not None else None

    def asked(self) -> bool:
        return self.ask() if self.ask is not None else True


def is_given(value: Any) -> bool:
    return value is not None and not (isinstance(value, (list, tuple)) and not value)


def check_given(questions: Sequence[Question], given: Answers) -> Answers:
    """Check every value given as an option; all problems are reported together."""
    answers: Answers = {}
    errors: list[LmsctlError] = []
    for question in questions:
        value = given.get(question.key)
        if not is_given(value):
            continue
        try:
            answers[question.key] = question.parse(value)
        except (Refusal, Conflict) as exc:
            errors.append(exc)
    if len(errors) == 1:
        raise errors[0]
    if errors:
        lines = "\n".join(f"  - {e.message}" + (f"\n    hint: {e.hint}" if e.hint else "")
                          for e in errors)
        usage = any(isinstance(e, UsageError) for e in errors)
        cls = UsageError if usage else LmsctlError
        raise cls(f"{len(errors)} problems with the values given; nothing was written:\n{lines}",
                  "Fix them and run the command again.")
    return answers


def fill_without_input(questions: Sequence[Question], answers: Answers, command: str) -> Answers:
    """``--no-input``: defaults for the optional questions; exit 2 naming what is missing."""
    missing = [q for q in questions if q.required and q.key not in answers]
    if missing:
        names = ", ".join(q.option for q in missing)
        example = " ".join(q.example for q in questions if q.required and q.example)
        raise UsageError(f"missing {names} (with --no-input nothing is asked)",
                         f"Give {'it' if len(missing) == 1 else 'them'} on the command line, e.g. "
                         f"lmsctl {command} {example} --no-input, or leave out --no-input to "
                         "be asked.")
    for question in questions:
        if question.key in answers:
            continue
        answers[question.key] = question.parse(question.default_text(answers) or "")
    return answers
