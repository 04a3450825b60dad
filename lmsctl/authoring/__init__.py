"""Authoring: create courses, lessons and learning paths from templates.

The library half of ``lmsctl new-course``, ``new-lesson`` and ``new-path``: it checks what the
author chose (``inputs``), renders templates (``templates``), writes all-or-nothing (``files``)
and checks the result with the validator before anything appears in the repository. It knows
nothing of click; the commands in ``lmsctl.commands.new_*`` ask the questions.
"""

from __future__ import annotations

from lmsctl.authoring.course import (
    CourseSpec,
    Created,
    course_questions,
    create_course,
)
from lmsctl.authoring.inputs import Conflict, Refusal
from lmsctl.authoring.lesson import create_lesson
from lmsctl.authoring.path import PathSpec, create_path, path_questions
from lmsctl.authoring.questions import Question
from lmsctl.authoring.templates import CourseTemplate, TemplateError, all_templates

__all__ = [
    "Conflict",
    "CourseSpec",
    "CourseTemplate",
    "Created",
    "PathSpec",
    "Question",
    "Refusal",
    "TemplateError",
    "all_templates",
    "course_questions",
    "create_course",
    "create_lesson",
    "create_path",
    "path_questions",
]
