"""LMS4xx quiz quality: the item-writing guidance that MS Learn and Open edX give as prose,
enforced. Positions are those of the question or choice in the lesson file."""

from __future__ import annotations

import re
from collections.abc import Iterator

from lmsctl.checks.rules.checks import CheckList, Context
from lmsctl.content.markdown import mask_code_spans
from lmsctl.core.diagnostics import Diagnostic, Rule, Severity, diag_from
from lmsctl.core.document import LessonDocument
from lmsctl.core.model import Choice, Course, Lesson, Question, Quiz

#: This group's rules and checks, listed explicitly (``lmsctl.checks.registry`` reads them).
RULES: list[Rule] = []
CHECKS = CheckList()
diag = diag_from(RULES)

E, W = Severity.ERROR, Severity.WARNING


def _example(stem: str, *choices: tuple[str, bool, str]) -> str:
    """A quiz block for the reference: choices are (text, correct, explanation)."""
    out = ["```quiz", f"- question: {stem}", "  choices:"]
    for text, correct, explanation in choices:
        out.append(f"    - text: {text}")
        if correct:
            out.append("      correct: true")
        if explanation:
            out.append(f"      explanation: {explanation}")
    return "\n".join([*out, "```"])


_OPEN = ("What made you look at this now?", True, "It invites the buyer to tell a story.")
_BUDGET = ("Do you have a budget?", False, "A closed question; useful later, not to open.")
_TUESDAY = ("Is Tuesday good for a demo?", False, "Scheduling, not discovery.")
_STEM = "Which question opens a discovery call best?"

for _rule in [
    Rule("LMS401", E, "Course has no quiz question",
         "Every course includes an evaluation: at least one ```quiz block with a question, so "
         "that learners (and the course's owners) can tell whether it worked. The course's "
         "`evaluation: {pass_mark: N}` applies to these questions.",
         "(a course whose lessons have no ```quiz block)",
         _example(_STEM, _OPEN, _BUDGET, _TUESDAY),
         "Add a ```quiz block with at least one question to a lesson, usually the last one.",
         "lint"),
    Rule("LMS402", E, "Question has a single choice",
         "A question with one choice cannot be answered wrongly, so it measures nothing.",
         _example(_STEM, _OPEN), _example(_STEM, _OPEN, _BUDGET, _TUESDAY),
         "Add two or three plausible wrong choices (distractors) drawn from real mistakes.",
         "lint"),
    Rule("LMS403", W, "Question has only two choices",
         "With two choices a guess is right half the time, so the question says little about "
         "what the learner knows. Three or four choices work best.",
         _example(_STEM, _OPEN, _BUDGET), _example(_STEM, _OPEN, _BUDGET, _TUESDAY),
         "Add a third plausible choice, drawn from a mistake people really make.", "lint"),
    Rule("LMS404", W, "\"All of the above\" or \"None of the above\" choice",
         "These choices can be answered by spotting two true (or one false) options, and they "
         "read oddly when the site shuffles choices. A multiple-answer question says the same "
         "thing fairly.",
         _example("Which of these are open questions?",
                  ("What made you look at this now?", False, "Open, it invites a story."),
                  ("How do you decide on tools like this?", False, "Open, it asks how."),
                  ("All of the above", True, "Both are open questions.")),
         _example("Which of these are open questions? Select all that apply.",
                  ("What made you look at this now?", True, "Open, it invites a story."),
                  ("How do you decide on tools like this?", True, "Open, it asks how."),
                  _BUDGET),
         "Remove the choice and mark every right choice `correct: true` instead.", "lint"),
    Rule("LMS405", W, "Question is phrased negatively",
         "Stems with NOT, EXCEPT, NEVER or \"which is not\" test careful reading rather than "
         "understanding, and learners under time pressure misread them.",
         _example("Which of these is NOT a closed question?", _OPEN, _BUDGET, _TUESDAY),
         _example(_STEM, _OPEN, _BUDGET, _TUESDAY),
         "Ask for the right answer instead (\"Which of these is ...?\"), and make the former "
         "right answers the distractors.", "lint"),
    Rule("LMS406", W, "Choice without an explanation",
         "The explanation is shown after the learner checks an answer: it is where the quiz "
         "teaches. Every choice needs one, the right ones included.",
         _example(_STEM, (_OPEN[0], True, ""), _BUDGET, _TUESDAY),
         _example(_STEM, _OPEN, _BUDGET, _TUESDAY),
         "Add `explanation:` under the choice: why it is right, or why it is wrong.", "lint"),
    Rule("LMS407", E, "Duplicate choices",
         "Two choices of one question have the same text (ignoring case, spaces and final "
         "punctuation), so learners cannot tell them apart.",
         _example(_STEM, _OPEN, _BUDGET, ("Do you have a budget.", False, "Closed.")),
         _example(_STEM, _OPEN, _BUDGET, _TUESDAY),
         "Reword or remove one of the two choices.", "lint"),
    Rule("LMS408", W, "Correct choice is much longer than the others",
         "The right answer is often the longest one, because it carries the qualifications. "
         "Learners learn to pick the longest choice; a choice at least 1.5 times (and 20 "
         "characters) longer than every wrong one gives the answer away.",
         _example("A buyer says the price is too high. What do you do first?",
                  ("Acknowledge the concern, then ask what they are comparing the price with",
                   True, "Clarifying first shows which objection you face."),
                  ("Offer a discount", False, "Discounting first gives value away."),
                  ("Repeat the features", False, "More features rarely answer it.")),
         _example("A buyer says the price is too high. What do you do first?",
                  ("Ask what they compare the price with", True,
                   "Clarifying first shows which objection you face."),
                  ("Offer a ten percent discount at once", False,
                   "Discounting first gives value away."),
                  ("Repeat the key product features", False, "More features rarely answer it.")),
         "Shorten the right choice, or make the wrong ones as specific.", "lint"),
    Rule("LMS409", W, "Every choice is correct",
         "When every choice is right there is nothing to decide; the question only checks "
         "that the learner ticks all boxes.",
         _example("Which are open questions? Select all that apply.",
                  _OPEN, ("How do you decide today?", True, "Open, it asks how.")),
         _example("Which are open questions? Select all that apply.",
                  _OPEN, ("How do you decide today?", True, "Open, it asks how."), _BUDGET),
         "Add a plausible wrong choice, or turn the question into a statement in the lesson.",
         "lint"),
]:
    RULES.append(_rule)

#: "All of the above", "None of these", "Both of them", "Both A and B": choices about the
#: other choices. "All answers are stored in the browser" is a real answer: after "these",
#: "them", "options" or "answers" only "are correct" (or the like) may follow.
_ABOVE = re.compile(
    r"^(?:all|none|both|neither)(?: of)? (?:the )?(?:above|the others|other (?:choices|options|"
    r"answers))\b"
    r"|^(?:all|none|both|neither)(?: of)? (?:the )?(?:these|them|those|options|answers|choices)"
    r"(?:\s+(?:is|are)(?:\s+(?:correct|right|true|wrong|incorrect|false))?|\s+apply)?\s*[.!]?\s*$"
    r"|^(?:both|all) (?:a|1) and (?:b|2)\b", re.I)
_NEG_CASED = re.compile(r"\b(NOT|EXCEPT|NEVER|LEAST|FALSE|INCORRECT)\b")
_NEG = re.compile(
    r"\bexcept\b"
    r"|\b(?:which|what)(?:\s+(?:one|ones|option|options|statement|statements|choice|choices|"
    r"answer|answers|step|steps|of\s+(?:the|these|those)(?:\s+\w+)?))?\s+(?:is|are|does|do|would|should|"
    r"could|can|will)(?:\s+not|n't)\b"
    r"|\b(?:is|are)\s+(?:not\s+true|false|incorrect|not\s+correct)\b",
    re.I)


def _norm(text: str) -> str:
    return " ".join(text.casefold().split()).rstrip(".!?;:,")


def _questions(lesson: Lesson) -> Iterator[tuple[Quiz, int, Question]]:
    for quiz in lesson.quizzes:
        first = quiz.questions[0].index if quiz.questions else 0
        for q in quiz.questions:
            yield quiz, q.index - first, q


def _word_column(lesson: Lesson, quiz: Quiz, qi: int, question: Question, start: int,
                 word: str) -> tuple[int, int]:
    """Line and column of ``word`` inside the question's text when it is on one line."""
    if quiz.doc is None:
        return question.line, question.column
    line, col = quiz.doc.pos((qi, "question"))
    lines = lesson.text.split("\n", line)
    if line - 1 < len(lines):
        source = lines[line - 1]
        found = source.find(word, col - 1)
        if found >= 0:
            return line, found + 1
    return line, col


def _choice_label(i: int, choice: Choice) -> str:
    text = choice.text if len(choice.text) <= 40 else choice.text[:37] + "..."
    return f"choice {i + 1} ('{text}')"


@CHECKS.own_lesson
def questions(ctx: Context, course: Course, lesson: Lesson, view: LessonDocument
              ) -> Iterator[Diagnostic]:
    rel = lesson.rel
    for quiz, qi, q in _questions(lesson):
        n = q.index + 1
        count = len(q.choices)
        if count == 1:
            yield diag("LMS402", rel, q.line, q.column,
                       f"question {n} has only one choice, so it cannot be answered wrongly")
        elif count == 2:
            yield diag("LMS403", rel, q.line, q.column,
                       f"question {n} has two choices: a guess is right half the time")
        stem = mask_code_spans(q.question)  # `NOT NULL` is code, not phrasing
        m = _NEG_CASED.search(stem) or _NEG.search(stem)
        if m is not None:
            line, col = _word_column(lesson, quiz, qi, q, m.start(), m.group(0))
            yield diag("LMS405", rel, line, col,
                       f"question {n} is phrased negatively ('{m.group(0)}')")
        seen: dict[str, int] = {}
        for i, c in enumerate(q.choices):
            if _ABOVE.search(c.text.strip()):
                yield diag("LMS404", rel, c.line, c.column,
                           f"question {n}: {_choice_label(i, c)} is an 'of the above' choice")
            if not c.explanation.strip():
                yield diag("LMS406", rel, c.line, c.column,
                           f"question {n}: {_choice_label(i, c)} has no explanation")
            key = _norm(c.text)
            if key and key in seen:
                yield diag("LMS407", rel, c.line, c.column,
                           f"question {n}: choice {i + 1} repeats choice {seen[key] + 1} "
                           f"('{c.text}')")
            elif key:
                seen[key] = i
        right = [c for c in q.choices if c.correct]
        wrong = [c for c in q.choices if not c.correct]
        if count >= 2 and not wrong:
            yield diag("LMS409", rel, q.line, q.column,
                       f"question {n}: all {count} choices are correct")
        if right and len(wrong) >= 2:
            longest_wrong = max(len(c.text.strip()) for c in wrong)
            for c in right:
                length = len(c.text.strip())
                if length >= 1.5 * longest_wrong and length - longest_wrong >= 20:
                    i = q.choices.index(c)
                    yield diag("LMS408", rel, c.line, c.column,
                               f"question {n}: the correct {_choice_label(i, c)} has {length} "
                               f"characters, the longest wrong one {longest_wrong}")


@CHECKS.course
def evaluation(ctx: Context, course: Course) -> Iterator[Diagnostic]:
    if not course.lessons or course.questions:
        return
    line, col = course.doc.key_pos(("title",))
    yield diag("LMS401", course.rel, line, col,
               f"course '{course.id}' has no quiz question in any of its "
               f"{len(course.lessons)} lessons")
