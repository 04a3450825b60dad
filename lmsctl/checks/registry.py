"""The rule registry: every rule group, listed explicitly, in rule-number order.

Adding a group is one line in ``GROUPS``; nothing registers itself on import, so nothing depends
on import order. Rule ids are stable: LMS1xx files and schemas, LMS2xx references (``validate``),
LMS3xx content, LMS4xx quiz quality, LMS5xx accessibility, LMS6xx safety, LMS7xx governance and
files, LMS8xx freshness (``lint``), LMS9xx insights from learners' statements (``lint
--analytics``).
"""

from __future__ import annotations

from lmsctl.checks.rules import (
    accessibility,
    content,
    freshness,
    governance,
    insights,
    quiz,
    safety,
)
from lmsctl.checks.rules.checks import CourseCheck, LessonCheck, RepoCheck
from lmsctl.core import spine
from lmsctl.core.diagnostics import Rule, diag_from

#: The lint rule groups, in rule-number order.
GROUPS = (content, quiz, accessibility, safety, governance, freshness, insights)

#: Every rule by id: the validation rules, then each lint group's.
RULES: dict[str, Rule] = {}
for _rules in (spine.RULES, *(group.RULES for group in GROUPS)):
    for _rule in _rules:
        if _rule.id in RULES:
            raise ValueError(f"rule {_rule.id} is defined twice")
        RULES[_rule.id] = _rule

LESSON_CHECKS: list[LessonCheck] = [c for group in GROUPS for c in group.CHECKS.lessons]
#: Lesson checks that read only the lesson and the settings (their findings are cached).
OWN_LESSON_CHECKS: frozenset[LessonCheck] = frozenset(
    c for group in GROUPS for c in group.CHECKS.own)
COURSE_CHECKS: list[CourseCheck] = [c for group in GROUPS for c in group.CHECKS.courses]
REPO_CHECKS: list[RepoCheck] = [c for group in GROUPS for c in group.CHECKS.repos]

#: ``diag(rule_id, path, line, column, message, hint=None)`` for any rule.
diag = diag_from(list(RULES.values()))


def all_rules() -> list[Rule]:
    return sorted(RULES.values(), key=lambda r: r.id)
