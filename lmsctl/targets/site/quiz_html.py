"""Quizzes as accessible HTML, from ``templates/quiz.html.j2``: one ``<fieldset>`` per question
with a ``<legend>``, radios for a single answer, checkboxes for several, a Check button and a
live feedback region.

Question text, choices and explanations are author text: the template escapes them. The stable
hooks of DESIGN section 5 (``data-lmsctl-question``, ``data-lmsctl-check``,
``data-lmsctl-result``) are set by the template and by the runtime (``lmsctl/runtime/quiz.js``).
"""

from __future__ import annotations

from lmsctl.core.model import Lesson, Quiz
from lmsctl.targets.site.i18n import render


def quiz_html(course_id: str, lesson: Lesson, quiz: Quiz) -> str:
    """One quiz block; questions are numbered over the whole lesson."""
    return render("quiz.html.j2", course_id=course_id, lesson=lesson,
                  questions=quiz.questions, total=len(lesson.questions))
