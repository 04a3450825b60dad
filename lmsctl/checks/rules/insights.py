"""LMS9xx insights: what the learners' statements say about a question or a lesson.

Only the rules' metadata lives here (so that ``lmsctl rules``, the reference, severities and
suppressions treat them like every rule); the figures come from the statement store and the
findings are made by ``lmsctl.analytics.insights``, run by ``lmsctl lint --analytics`` and
``lmsctl analytics check``. Thresholds are set under ``analytics: insights:`` in lmsctl.yml.
Plain ``lmsctl lint`` has no statements, so these checks list nothing here.
"""

from __future__ import annotations

from lmsctl.checks.rules.checks import CheckList
from lmsctl.core.diagnostics import Rule, Severity, diag_from

#: This group's rules and checks, listed explicitly (``lmsctl.checks.registry`` reads them).
RULES: list[Rule] = []
CHECKS = CheckList()
diag = diag_from(RULES)

_WHERE = ("Reported by `lmsctl lint --analytics` and `lmsctl analytics check` from the "
          "statements pulled with `lmsctl analytics pull`, at the question's line, and only "
          "for the question's current content version (an edited question starts afresh). ")

for _rule in [
    Rule("LMS901", Severity.WARNING, "Almost nobody answers the question right first time",
         _WHERE + "Facility (the share of learners whose first attempt is right) is below "
         "`analytics.insights.facility_low` (0.2) over at least `item_learners` (30) learners: "
         "the key is probably wrong, or the question is ambiguous or tests what the lesson "
         "does not teach.",
         "- question: Which discount may a rep give without approval?\n  choices:\n"
         "    - text: 5%\n    - text: 10%\n      correct: true   # the policy says 5%",
         "- question: Which discount may a rep give without approval?\n  choices:\n"
         "    - text: 5%\n      correct: true\n    - text: 10%",
         "Check the correct choice against the lesson; reword an ambiguous question or teach "
         "what it asks.", "lint"),
    Rule("LMS902", Severity.INFO, "Everybody answers the question right first time",
         _WHERE + "Facility is above `analytics.insights.facility_high` (0.95) over at least "
         "`item_learners` learners: the question does not tell who learned the lesson (the "
         "answer is obvious, or the distractors are implausible).",
         "- question: Should you listen to the customer?\n  choices:\n"
         "    - text: Yes\n      correct: true\n    - text: Never",
         "- question: The buyer says \"too expensive\". What do you ask first?\n  choices:\n"
         "    - text: What they compare the price with\n      correct: true\n"
         "    - text: Which discount would close the deal",
         "Make the distractors plausible mistakes, or ask about a harder part of the lesson.",
         "lint"),
    Rule("LMS903", Severity.WARNING, "Question has negative discrimination",
         _WHERE + "Learners who do well on the course's other questions do worse on this one "
         "(the Pearson correlation between this item's first-attempt score and the learner's "
         "share right on the other questions is below 0, from 30 learners): the key or the "
         "wording misleads those who know the subject.",
         "- question: A trick question whose 'right' answer contradicts the lesson",
         "- question: A question whose right answer follows from the lesson",
         "Check the key and look for a reading of the question under which another choice is "
         "right.", "lint"),
    Rule("LMS904", Severity.INFO, "Nobody picks this wrong choice",
         _WHERE + "Over at least `item_learners` learners no first attempt chose this "
         "distractor: it adds length but no information.",
         "    - text: The moon is made of cheese",
         "    - text: Offer a discount before asking questions",
         "Replace it with a mistake learners really make (ask a coach which), or remove it.",
         "lint"),
    Rule("LMS905", Severity.WARNING, "Many learners stop after this lesson",
         "Reported by `lmsctl lint --analytics` at the lesson's title: more than "
         "`analytics.insights.dropoff` (30%) of the learners who reached the lesson did not "
         "go on to the next (drop-off = 1 - reached(next) / reached(this)).",
         "(a 3,000-word lesson ending in a quiz nobody passes)",
         "(two short lessons with a quiz that checks the objective)",
         "Shorten or split the lesson, check that its quiz is fair, and make the next step "
         "clear.", "lint"),
    Rule("LMS906", Severity.WARNING, "Learners do not find this lesson helpful",
         "Reported by `lmsctl lint --analytics` at the lesson's title: the reaction score "
         "(100 x (yes - no) / (yes + no) over \"Was this helpful?\" ratings) is below "
         "`analytics.insights.reaction_low` (50) over at least `reaction_ratings` (10) "
         "ratings.",
         "(reaction score 20 over 40 ratings)", "(reaction score 70 over 40 ratings)",
         "Read the lesson's feedback issues, ask a few learners what was missing, and "
         "rework it.", "lint"),
]:
    RULES.append(_rule)
