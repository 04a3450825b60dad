"""Insights as findings (rules LMS901-LMS906 of ``lmsctl.checks.rules.insights``): figures that
cross the thresholds of ``analytics: insights:`` become Diagnostics at the question's or the
lesson's own line. Only shown figures count (never a withheld one), and item findings only for
a question's current content version: statistics of an older version are not shown against the
new text.
"""

from __future__ import annotations

from lmsctl.analytics.measures import CourseFigures, Figures
from lmsctl.analytics.settings import Thresholds
from lmsctl.checks.rules.insights import diag
from lmsctl.core.diagnostics import Diagnostic


def _pct(value: float) -> str:
    return f"{value * 100:.0f}%"


def course_findings(course: CourseFigures, t: Thresholds) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for item in course.items:
        if not item.current:
            continue
        where = (item.rel, item.line, 1)
        label = f"question {item.question} (version {item.version})"
        fac = item.facility
        if fac.shown and fac.value is not None and fac.n >= t.item_learners:
            if fac.value < t.facility_low:
                out.append(diag("LMS901", *where,
                                f"{label}: facility {fac.value:.2f} over {fac.n} learners' first "
                                f"attempts (below {t.facility_low:g}): is the key right?"))
            elif fac.value > t.facility_high:
                out.append(diag("LMS902", *where,
                                f"{label}: facility {fac.value:.2f} over {fac.n} learners' first "
                                f"attempts (above {t.facility_high:g}): the question does not "
                                "tell who learned the lesson"))
        disc = item.discrimination
        if disc.shown and disc.value is not None and disc.value < 0 \
                and disc.n >= t.item_learners:
            out.append(diag("LMS903", *where,
                            f"{label}: discrimination {disc.value:.2f} over {disc.n} learners: "
                            "those who do well on the other questions do worse on this one"))
        if item.learners >= t.item_learners:
            for cid, share in item.distractors.items():
                if share.shown and share.value == 0:
                    text = item.choices.get(cid, "")
                    out.append(diag("LMS904", *where,
                                    f"{label}: nobody of {item.learners} learners picked wrong "
                                    f"choice {cid}" + (f" ({text[:60]!r})" if text else "")))
    for lesson in course.lessons:
        where = (lesson.rel, lesson.line, 1)
        drop = lesson.dropoff
        if drop is not None and drop.shown and drop.value is not None and drop.value > t.dropoff:
            out.append(diag("LMS905", *where,
                            f"lesson {lesson.id}: {_pct(drop.value)} of the {drop.n} learners "
                            f"who reached it did not go on to the next lesson (more than "
                            f"{_pct(t.dropoff)})"))
        react = lesson.reaction
        if react.shown and react.value is not None and lesson.ratings >= t.reaction_ratings \
                and react.value < t.reaction_low:
            out.append(diag("LMS906", *where,
                            f"lesson {lesson.id}: reaction score {react.value:+.0f} over "
                            f"{lesson.ratings} ratings (below {t.reaction_low:g})"))
    return out


def findings(figures: Figures, t: Thresholds) -> list[Diagnostic]:
    return [d for course in figures.courses for d in course_findings(course, t)]
