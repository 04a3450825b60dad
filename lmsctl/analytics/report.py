"""The report of ``lmsctl analytics report`` as text, JSON and CSV (the HTML dashboard is
``dashboard``). Every format shows the same figures; a withheld one shows why, never a value or
its learner count. No learner's actor appears in any of them.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from lmsctl.analytics.measures import CourseFigures, Figure, Figures
from lmsctl.core.diagnostics import Diagnostic


def pct(f: Figure) -> str:
    return f.withheld or ("n/a" if f.value is None else f"{f.value * 100:.0f}%")


def count(f: Figure) -> str:
    return f.withheld or ("n/a" if f.value is None else f"{f.value:.0f}")


def ratio(f: Figure) -> str:
    return f.withheld or ("n/a" if f.value is None else f"{f.value:.2f}")


def score(f: Figure) -> str:
    return f.withheld or ("n/a" if f.value is None else f"{f.value:+.0f}")


def minutes(f: Figure) -> str:
    if f.withheld or f.value is None:
        return f.withheld or "n/a"
    return f"{f.value / 60:.1f} min"


def attention(course: CourseFigures, findings: list[Diagnostic]) -> int:
    """How much a course needs attention: its insight findings (warnings count 2, infos 1)."""
    return sum(2 if d.severity.value != "info" else 1 for d in findings)


def format_text(figs: Figures, findings: dict[str, list[Diagnostic]]) -> str:
    out = [f"Analytics: {figs.counted} of {figs.statements} stored statements are about this "
           f"repository's courses and paths"
           + (f" (since {figs.since})" if figs.since else "")
           + f"; figures over fewer than {figs.min_learners} learners are withheld.", ""]
    for c in figs.courses:
        out.append(f"course {c.id}: {c.title}")
        out.append(f"  learners {count(c.learners)} · pass rate {pct(c.pass_rate)} · median time "
                   f"{minutes(c.time)} · reaction {score(c.reaction)} ({c.ratings} ratings)")
        out.append("  funnel (lessons in course order):")
        for i, lesson in enumerate(c.lessons, start=1):
            drop = "" if lesson.dropoff is None else f" · drop-off {pct(lesson.dropoff)}"
            out.append(f"    {i}. {lesson.id}: reached {pct(lesson.reached)}{drop} · reaction "
                       f"{score(lesson.reaction)} ({lesson.ratings} ratings)")
        if c.items:
            out.append("  questions (first attempts):")
        for item in c.items:
            state = "current" if item.current else "older version"
            out.append(f"    {item.lesson}#{item.question} version {item.version} ({state}): "
                       f"facility {ratio(item.facility)} · discrimination "
                       f"{ratio(item.discrimination)}")
            if item.distractors:
                shares = ", ".join(f"{cid} {pct(f)}" for cid, f in item.distractors.items())
                out.append(f"      wrong choices picked: {shares}")
        for d in findings.get(c.id, []):
            out.append(f"  {d.severity.value} {d.rule} {d.path}:{d.line}: {d.message}")
        out.append("")
    for p in figs.paths:
        out.append(f"path {p.id}: {p.title}: learners {count(p.learners)} · completed "
                   f"{pct(p.completions)}")
    if figs.paths:
        out.append("")
    for g in figs.goals:
        out.append(f"goal {g.id}: {g.title} (owner {g.owner or 'none'}; courses "
                   f"{', '.join(g.courses) or 'none'}): learners {count(g.learners)} · pass rate "
                   f"{pct(g.pass_rate)} · median time {minutes(g.time)}")
    return "\n".join(out).rstrip("\n") + "\n"


def to_json(figs: Figures, findings: dict[str, list[Diagnostic]]) -> dict[str, Any]:
    return {
        "min_learners": figs.min_learners,
        "since": figs.since,
        "statements": {"stored": figs.statements, "counted": figs.counted},
        "courses": [{
            "id": c.id, "title": c.title, "owners": list(c.owners), "goals": list(c.goals),
            "learners": c.learners.to_json(), "pass_rate": c.pass_rate.to_json(),
            "median_time_seconds": c.time.to_json(), "reaction": c.reaction.to_json(),
            "ratings": c.ratings,
            "needs_attention": attention(c, findings.get(c.id, [])),
            "lessons": [{
                "id": x.id, "path": x.rel, "line": x.line, "reached": x.reached.to_json(),
                "dropoff": None if x.dropoff is None else x.dropoff.to_json(),
                "reaction": x.reaction.to_json(), "ratings": x.ratings,
            } for x in c.lessons],
            "questions": [{
                "lesson": q.lesson, "question": q.question, "version": q.version,
                "current": q.current, "path": q.rel, "line": q.line,
                "facility": q.facility.to_json(), "discrimination": q.discrimination.to_json(),
                "distractors": {k: v.to_json() for k, v in q.distractors.items()},
            } for q in c.items],
            "reaction_by_week": [{"week": w, "reaction": f.to_json()}
                                 for w, f in c.reaction_weeks],
            "findings": [d.to_dict() for d in findings.get(c.id, [])],
        } for c in figs.courses],
        "paths": [{"id": p.id, "title": p.title, "learners": p.learners.to_json(),
                   "completions": p.completions.to_json()} for p in figs.paths],
        "goals": [{"id": g.id, "title": g.title, "owner": g.owner, "courses": list(g.courses),
                   "learners": g.learners.to_json(), "pass_rate": g.pass_rate.to_json(),
                   "median_time_seconds": g.time.to_json()} for g in figs.goals],
    }


CSV_HEADER = ["level", "course", "lesson", "question", "version", "path", "goal", "measure",
              "value", "withheld"]


def format_csv(figs: Figures) -> str:
    """One figure a row (long format), for spreadsheets."""
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\n")
    out.writerow(CSV_HEADER)

    def row(level: str, measure: str, f: Figure, course: str = "", lesson: str = "",
            question: str = "", version: str = "", path: str = "", goal: str = "") -> None:
        value = "" if f.withheld or f.value is None else round(f.value, 4)
        out.writerow([level, course, lesson, question, version, path, goal, measure, value,
                      f.withheld or ""])

    for c in figs.courses:
        row("course", "learners", c.learners, course=c.id)
        row("course", "pass_rate", c.pass_rate, course=c.id)
        row("course", "median_time_seconds", c.time, course=c.id)
        row("course", "reaction", c.reaction, course=c.id)
        for x in c.lessons:
            row("lesson", "reached", x.reached, course=c.id, lesson=x.id)
            if x.dropoff is not None:
                row("lesson", "dropoff", x.dropoff, course=c.id, lesson=x.id)
            row("lesson", "reaction", x.reaction, course=c.id, lesson=x.id)
        for q in c.items:
            keys = {"course": c.id, "lesson": q.lesson, "question": q.question,
                    "version": q.version}
            row("question", "facility", q.facility, **keys)
            row("question", "discrimination", q.discrimination, **keys)
            for cid, f in q.distractors.items():
                row("question", f"distractor:{cid}", f, **keys)
    for p in figs.paths:
        row("path", "learners", p.learners, path=p.id)
        row("path", "completions", p.completions, path=p.id)
    for g in figs.goals:
        row("goal", "learners", g.learners, goal=g.id)
        row("goal", "pass_rate", g.pass_rate, goal=g.id)
        row("goal", "median_time_seconds", g.time, goal=g.id)
    return buf.getvalue()
