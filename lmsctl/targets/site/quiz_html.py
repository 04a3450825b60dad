"""Quizzes as accessible HTML: one ``<fieldset>`` per question with a ``<legend>``, radios for a
single answer, checkboxes for several, a Check button and a live feedback region.

Question text, choices and explanations are author text: they are escaped, never interpreted.
The stable hooks of DESIGN section 5 (``data-lmsctl-question``, ``data-lmsctl-check``,
``data-lmsctl-result``) are set here and by the runtime (``lmsctl/runtime/quiz.js``).
"""

from __future__ import annotations

from html import escape

from lmsctl.core.model import Lesson, Question, Quiz


def _attr(value: str) -> str:
    return escape(value, quote=True)


def question_html(course_id: str, lesson: Lesson, question: Question, number: int,
                  total: int) -> str:
    key = question.key
    dom = f"lmsctl-{lesson.id}-{key}"
    kind = "checkbox" if question.multiple else "radio"
    hint = "Choose all that apply." if question.multiple else "Choose one answer."
    correct = " ".join(str(i) for i, c in enumerate(question.choices) if c.correct)
    parts = [
        f'<fieldset class="lmsctl-question" id="{_attr(dom)}" data-lmsctl-question="{_attr(key)}"'
        f' data-lmsctl-course="{_attr(course_id)}" data-lmsctl-lesson="{_attr(lesson.id)}"'
        f' data-lmsctl-key="{_attr(key)}" data-lmsctl-version="{question.version}"'
        f' data-lmsctl-multiple="{"true" if question.multiple else "false"}"'
        f' data-lmsctl-correct="{correct}" aria-describedby="{_attr(dom)}-hint">',
        f'<legend class="lmsctl-question__legend"><span class="lmsctl-question__number">'
        f'Question {number} of {total}</span> '
        f'<span class="lmsctl-question__text">{escape(question.question)}</span></legend>',
        f'<p class="lmsctl-question__hint" id="{_attr(dom)}-hint">{hint}</p>',
        '<ul class="lmsctl-choices">',
    ]
    for i, choice in enumerate(question.choices):
        cid = f"{dom}-c{i}"
        parts.append(
            f'<li class="lmsctl-choice" data-lmsctl-choice="{i}"'
            f' data-lmsctl-choice-id="{_attr(choice.key)}">'
            f'<input type="{kind}" name="{_attr(dom)}" id="{_attr(cid)}" value="{i}">'
            f'<label for="{_attr(cid)}">{escape(choice.text)}</label>'
            f'<div class="lmsctl-explanation" data-lmsctl-explanation="{i}" hidden>'
            f'<span class="lmsctl-explanation__verdict"></span> '
            f'<span class="lmsctl-explanation__text">{escape(choice.explanation)}</span></div>'
            "</li>"
        )
    parts += [
        "</ul>",
        '<div class="lmsctl-question__actions">'
        '<button type="button" class="md-button lmsctl-check" data-lmsctl-check>Check</button>'
        f'<p class="lmsctl-feedback" data-lmsctl-feedback aria-live="polite" '
        f'id="{_attr(dom)}-feedback"></p></div>',
        "</fieldset>",
    ]
    return "".join(parts)


def quiz_html(course_id: str, lesson: Lesson, quiz: Quiz) -> str:
    """One quiz block; questions are numbered over the whole lesson."""
    total = len(lesson.questions)
    body = "".join(question_html(course_id, lesson, q, q.index + 1, total)
                   for q in quiz.questions)
    return (f'<section class="lmsctl-quiz" data-search-exclude="quiz" aria-label="Quiz">{body}'
            "</section>")
