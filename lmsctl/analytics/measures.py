"""The figures of DESIGN section 9, each one SQL query over the stored statements.

The repository gives the catalog (every course, lesson, question and path with its activity id,
``lmsctl.core.ids``); statements whose object is not in it are kept in the store but are not
counted. Voided statements (xAPI ``voided``) do not count. A figure over fewer than
``min_learners`` learners is withheld: it has no value, only the reason.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from lmsctl.analytics.settings import AnalyticsSettings
from lmsctl.analytics.statements import (
    VERB_ANSWERED,
    VERB_COMPLETED,
    VERB_EXPERIENCED,
    VERB_PASSED,
    VERB_RATED,
    VERB_VOIDED,
)
from lmsctl.core.ids import course_iri, lesson_iri, path_iri, question_iri
from lmsctl.core.model import Course, Question, Repository

if TYPE_CHECKING:
    import duckdb

#: Discrimination is shown from this many learners (DESIGN section 9).
DISCRIMINATION_LEARNERS = 30


@dataclass(frozen=True)
class Figure:
    """A value, or why it is withheld. ``n`` (the learners it is over) is never shown when
    the figure is withheld."""

    value: float | None
    n: int
    withheld: str | None = None

    @property
    def shown(self) -> bool:
        return self.withheld is None and self.value is not None

    def to_json(self) -> dict[str, Any]:
        if self.withheld is not None:
            return {"value": None, "withheld": self.withheld}
        return {"value": None if self.value is None else round(self.value, 4),
                "learners": self.n}


def figure(value: float | None, n: int, min_learners: int, needed: int = 0) -> Figure:
    least = max(min_learners, needed)
    if n < least:
        why = (f"fewer than {least} learners" if least == min_learners
               else f"shown from {least} learners")
        return Figure(None, n, f"withheld: {why}")
    if value is not None and math.isnan(value):
        return Figure(None, n, "undefined: every learner scored the same")
    return Figure(value, n)


@dataclass
class LessonFigures:
    id: str
    title: str
    rel: str
    line: int
    reached: Figure  # share of the course's learners who experienced the lesson
    dropoff: Figure | None  # after this lesson; None for the last lesson
    reaction: Figure  # -100..100
    ratings: int
    reached_n: int = 0


@dataclass
class ItemFigures:
    course: str
    lesson: str
    question: str  # key
    version: str
    current: bool
    rel: str
    line: int
    text: str
    learners: int
    facility: Figure
    discrimination: Figure
    distractors: dict[str, Figure]  # wrong choice id -> share of first attempts
    choices: dict[str, str] = field(default_factory=dict)  # choice id -> text (current only)


@dataclass
class CourseFigures:
    id: str
    title: str
    owners: tuple[str, ...]
    goals: tuple[str, ...]
    learners: Figure
    pass_rate: Figure
    time: Figure  # median seconds
    reaction: Figure
    ratings: int
    lessons: list[LessonFigures]
    items: list[ItemFigures]
    reaction_weeks: list[tuple[str, Figure]]  # ISO week start -> reaction score


@dataclass
class PathFigures:
    id: str
    title: str
    learners: Figure
    completions: Figure  # share of the path's learners who completed it


@dataclass
class GoalFigures:
    id: str
    title: str
    owner: str
    courses: tuple[str, ...]
    learners: Figure
    pass_rate: Figure  # passed enrolments / enrolments (a learner on a course = an enrolment)
    time: Figure  # median over learners of their summed time on the goal's courses


@dataclass
class Figures:
    min_learners: int
    since: str | None
    statements: int  # in the store
    counted: int  # about the catalog's activities (after --since, without voided ones)
    courses: list[CourseFigures]
    paths: list[PathFigures]
    goals: list[GoalFigures]


# ----------------------------------------------------------------------------------- catalog


def _goals_of(obj: object) -> tuple[str, ...]:
    goals = getattr(obj, "goals", ())
    if goals:
        return tuple(goals)
    doc = getattr(obj, "doc", None)
    data = getattr(doc, "data", None)
    raw = data.get("goals") if isinstance(data, dict) else None
    return tuple(g for g in raw if isinstance(g, str)) if isinstance(raw, list) else ()


def declared_goals(repo: Repository) -> list[tuple[str, str, str]]:
    """(id, title, owner) of the goals in lmsctl.yml."""
    goals = getattr(repo.config, "goals", None)
    if goals:
        return [(g.id, g.title, g.owner) for g in goals]
    doc = repo.config.doc
    data = doc.data if doc is not None and isinstance(doc.data, dict) else {}
    raw = data.get("goals")
    out = []
    for key, value in (raw.items() if isinstance(raw, dict) else []):
        value = value if isinstance(value, dict) else {}
        title, owner = value.get("title"), value.get("owner")
        out.append((str(key), title if isinstance(title, str) else str(key),
                    owner if isinstance(owner, str) else ""))
    return out


def _catalog_rows(repo: Repository, base: str) -> list[tuple[Any, ...]]:
    """(activity id, kind, course, lesson, question key, path, lesson position, current
    content version of a question) of every activity of the repository."""
    rows: list[tuple[Any, ...]] = []
    for course in repo.courses:
        rows.append((course_iri(base, course.id), "course", course.id, None, None, None, 0,
                     None))
        for i, lesson in enumerate(course.lessons):
            rows.append((lesson_iri(base, course.id, lesson.id), "lesson", course.id, lesson.id,
                         None, None, i, None))
            for q in lesson.questions:
                rows.append((question_iri(base, course.id, lesson.id, q.key), "question",
                             course.id, lesson.id, q.key, None, i, q.version))
    for path in repo.paths:
        rows.append((path_iri(base, path.id), "path", None, None, None, path.id, 0, None))
    return rows


def prepare(con: duckdb.DuckDBPyConnection, repo: Repository, base: str,
            since: dt.datetime | None) -> None:
    """Temporary tables: ``catalog`` (our activities) and ``facts`` (statements about them,
    after ``since``, without voided ones)."""
    con.execute("CREATE OR REPLACE TEMP TABLE catalog (iri VARCHAR, kind VARCHAR, "
                "course VARCHAR, lesson VARCHAR, question VARCHAR, path VARCHAR, ord INTEGER, "
                "version VARCHAR)")
    rows = _catalog_rows(repo, base)
    if rows:
        con.executemany("INSERT INTO catalog VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE facts AS "
        "SELECT s.actor, s.verb, s.object, s.ts, s.success, s.response, s.duration, "
        "s.score_raw, s.version, s.attempt, s.grouping, s.id, "
        "c.kind, c.course, c.lesson, c.question "
        "FROM statements s JOIN catalog c ON s.object = c.iri "
        "WHERE c.kind <> 'path' AND (?::TIMESTAMPTZ IS NULL OR s.ts >= ?::TIMESTAMPTZ) "
        "AND s.id NOT IN (SELECT object FROM statements WHERE verb = ? AND object IS NOT NULL)",
        [since, since, VERB_VOIDED])


# ---------------------------------------------------------------------------------- queries


def _by_key(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None,
            width: int = 1) -> dict[Any, tuple[Any, ...]]:
    out: dict[Any, tuple[Any, ...]] = {}
    for row in con.execute(sql, params or []).fetchall():
        out[row[0] if width == 1 else tuple(row[:width])] = tuple(row[width:])
    return out


def _reaction(yes: int, no: int) -> float | None:
    return 100.0 * (yes - no) / (yes + no) if yes + no else None


def _item_definition(raw: str | None) -> tuple[list[str], set[str]] | None:
    """(choice ids, correct ids) from a stored answered statement's object definition."""
    if not raw:
        return None
    try:
        definition = json.loads(raw)["object"]["definition"]
        choices = [c["id"] for c in definition.get("choices", []) if isinstance(c, dict)]
        pattern = definition.get("correctResponsesPattern") or [""]
        correct = set(str(pattern[0]).split("[,]")) if pattern[0] else set()
    except (KeyError, TypeError, ValueError, AttributeError, IndexError):
        return None
    return (choices, correct) if choices else None


def compute(con: duckdb.DuckDBPyConnection, repo: Repository, settings: AnalyticsSettings,
            since: dt.datetime | None = None, courses: list[str] | None = None,
            paths: list[str] | None = None) -> Figures:
    base = settings.activity_base
    least = settings.min_learners
    prepare(con, repo, base, since)
    total = con.execute("SELECT count(*) FROM statements").fetchone()
    counted = con.execute("SELECT count(*) FROM facts").fetchone()

    course_rows = _by_key(con, f"""
        SELECT course, count(DISTINCT actor),
               count(DISTINCT actor) FILTER (WHERE verb = '{VERB_PASSED}' AND kind = 'course')
        FROM facts GROUP BY course""")
    time_rows = _by_key(con, f"""
        SELECT course, median(t), count(*) FROM (
            SELECT course, actor, sum(duration) AS t FROM facts
            WHERE verb = '{VERB_EXPERIENCED}' AND kind = 'lesson' AND duration IS NOT NULL
            GROUP BY course, actor) GROUP BY course""")
    reached_rows = _by_key(con, f"""
        SELECT course, lesson, count(DISTINCT actor) FROM facts
        WHERE verb = '{VERB_EXPERIENCED}' AND kind = 'lesson' GROUP BY course, lesson""",
                           width=2)
    rating_sql = f"""count(*) FILTER (WHERE score_raw > 0), count(*) FILTER (WHERE score_raw < 0),
               count(DISTINCT actor) FILTER (WHERE score_raw <> 0)
        FROM facts WHERE verb = '{VERB_RATED}' AND score_raw IS NOT NULL"""
    lesson_rating = _by_key(con, f"SELECT course, lesson, {rating_sql} AND kind = 'lesson' "
                                 "GROUP BY course, lesson", width=2)
    course_rating = _by_key(con, f"SELECT course, {rating_sql} GROUP BY course")
    weekly: dict[str, list[tuple[str, Figure]]] = {}
    for course_id, week, yes, no, raters in con.execute(
            f"SELECT course, strftime(date_trunc('week', ts), '%Y-%m-%d') AS week, "
            f"{rating_sql} AND ts IS NOT NULL GROUP BY course, week ORDER BY course, week"
    ).fetchall():
        weekly.setdefault(course_id, []).append(
            (week, figure(_reaction(yes, no), raters, least)))

    # item analysis over each learner's first attempt at a question's content version
    # (the first attempt: the lowest attempt number, then the earliest, then the smallest id)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE first_attempts AS
        SELECT course, lesson, question, version, actor, first.score, first.response
        FROM (
            SELECT course, lesson, question, version, actor,
                   arg_min({{'score': success::INTEGER, 'response': response}},
                           (coalesce(attempt, 2147483647),
                            coalesce(ts, '9999-12-31'::TIMESTAMPTZ), id)) AS first
            FROM facts
            WHERE verb = '{VERB_ANSWERED}' AND kind = 'question' AND version IS NOT NULL
                  AND success IS NOT NULL
            GROUP BY course, lesson, question, version, actor)""")
    item_rows = _by_key(con, """
        SELECT course, lesson, question, version, count(*), avg(score)
        FROM first_attempts GROUP BY course, lesson, question, version""", width=4)
    disc_rows = _by_key(con, """
        WITH per_learner AS (
            SELECT course, actor, sum(score) AS right_all, count(*) AS answered_all
            FROM first_attempts GROUP BY course, actor),
        per_question AS (
            SELECT course, lesson, question, actor, sum(score) AS right_q, count(*) AS answered_q
            FROM first_attempts GROUP BY course, lesson, question, actor)
        SELECT f.course, f.lesson, f.question, f.version,
               corr(f.score::DOUBLE, (p.right_all - q.right_q) / (p.answered_all - q.answered_q)),
               count(*)
        FROM first_attempts f
        JOIN per_learner p USING (course, actor)
        JOIN per_question q USING (course, lesson, question, actor)
        WHERE p.answered_all > q.answered_q
        GROUP BY f.course, f.lesson, f.question, f.version""", width=4)
    picks = _by_key(con, """
        SELECT course, lesson, question, version, choice, count(*) FROM (
            SELECT course, lesson, question, version,
                   unnest(string_split(response, '[,]')) AS choice
            FROM first_attempts WHERE response IS NOT NULL AND response <> '')
        GROUP BY ALL""", width=5)
    # choices and key of older content versions come from their statements' definitions
    definitions: dict[tuple[str, str, str, str], str] = {}
    if con.execute("SELECT 1 FROM first_attempts f JOIN catalog c ON c.course = f.course "
                   "AND c.lesson = f.lesson AND c.question = f.question "
                   "WHERE f.version <> c.version LIMIT 1").fetchone():
        for course_id, lesson_id, key, version, raw in con.execute(f"""
                SELECT c.course, c.lesson, c.question, s.version, any_value(s.raw)
                FROM statements s JOIN catalog c ON s.object = c.iri
                WHERE s.verb = '{VERB_ANSWERED}' AND c.kind = 'question'
                      AND s.version IS NOT NULL AND s.version <> c.version
                GROUP BY ALL""").fetchall():
            definitions[(course_id, lesson_id, key, version)] = raw

    wanted = set(courses) if courses else None
    out_courses: list[CourseFigures] = []
    for course in repo.courses:
        if wanted is not None and course.id not in wanted:
            continue
        learners_n, passed_n = course_rows.get(course.id, (0, 0))
        median_t, timed = time_rows.get(course.id, (None, 0))
        lessons: list[LessonFigures] = []
        for i, lesson in enumerate(course.lessons):
            reached = reached_rows.get((course.id, lesson.id), (0,))[0]
            nxt = (reached_rows.get((course.id, course.lessons[i + 1].id), (0,))[0]
                   if i + 1 < len(course.lessons) else None)
            yes, no, raters = lesson_rating.get((course.id, lesson.id), (0, 0, 0))
            line = 1
            if lesson.front_matter is not None:
                line = lesson.front_matter.key_pos(("title",))[0]
            lessons.append(LessonFigures(
                id=lesson.id, title=lesson.title, rel=lesson.rel, line=line,
                reached=figure(reached / learners_n if learners_n else None, learners_n, least),
                dropoff=None if nxt is None else figure(
                    1 - nxt / reached if reached else None, reached, least),
                reaction=figure(_reaction(yes, no), raters, least), ratings=yes + no,
                reached_n=reached))
        items = _course_items(course, item_rows, disc_rows, picks, definitions, least)
        yes, no, raters = course_rating.get(course.id, (0, 0, 0))
        out_courses.append(CourseFigures(
            id=course.id, title=course.title, owners=course.owners, goals=_goals_of(course),
            learners=figure(float(learners_n), learners_n, least),
            pass_rate=figure(passed_n / learners_n if learners_n else None, learners_n, least),
            time=figure(median_t, timed, least),
            reaction=figure(_reaction(yes, no), raters, least), ratings=yes + no,
            lessons=lessons, items=items, reaction_weeks=weekly.get(course.id, [])))

    out_paths = _paths(con, repo, base, since, least, paths)
    out_goals = _goals(con, repo, least) if not courses and not paths else []
    return Figures(least, since.isoformat() if since else None,
                   int(total[0]) if total else 0, int(counted[0]) if counted else 0,
                   out_courses, out_paths, out_goals)


def _course_items(course: Course, item_rows: dict[Any, tuple[Any, ...]],
                  disc_rows: dict[Any, tuple[Any, ...]], picks: dict[Any, tuple[Any, ...]],
                  definitions: dict[tuple[str, str, str, str], str], least: int
                  ) -> list[ItemFigures]:
    out: list[ItemFigures] = []
    by_question: dict[tuple[str, str], tuple[Any, Question]] = {
        (lesson.id, q.key): (lesson, q) for lesson in course.lessons for q in lesson.questions}
    order = {key: i for i, key in enumerate(by_question)}
    found = sorted(((k[1:], v) for k, v in item_rows.items() if k[0] == course.id),
                   key=lambda kv: (order.get((kv[0][0], kv[0][1]), 0),
                                   kv[0][2] != by_question[(kv[0][0], kv[0][1])][1].version,
                                   kv[0][2]))
    for (lesson_id, key, version), (n, facility) in found:
        lesson, question = by_question[(lesson_id, key)]
        ident = (course.id, lesson_id, key, version)
        current = version == question.version
        if current:
            choice_ids = [c.key for c in question.choices]
            correct = {c.key for c in question.choices if c.correct}
        else:
            parsed = _item_definition(definitions.get(ident))
            choice_ids, correct = parsed if parsed else ([], set())
        corr, paired = disc_rows.get(ident, (None, 0))
        distractors = {
            cid: figure(picks.get((*ident, cid), (0,))[0] / n, n, least)
            for cid in choice_ids if cid not in correct}
        out.append(ItemFigures(
            course=course.id, lesson=lesson_id, question=key, version=version, current=current,
            rel=lesson.rel, line=question.line, text=question.question, learners=n,
            facility=figure(facility, n, least),
            discrimination=figure(corr, paired, least, DISCRIMINATION_LEARNERS),
            distractors=distractors,
            choices={c.key: c.text for c in question.choices} if current else {}))
    return out


def _paths(con: duckdb.DuckDBPyConnection, repo: Repository, base: str,
           since: dt.datetime | None, least: int, wanted: list[str] | None) -> list[PathFigures]:
    rows = _by_key(con, f"""
        WITH ours AS (
            SELECT actor, verb, object, unnest(string_split(coalesce(grouping, ''), ' ')) AS g
            FROM statements
            WHERE (?::TIMESTAMPTZ IS NULL OR ts >= ?::TIMESTAMPTZ)
              AND id NOT IN (SELECT object FROM statements
                             WHERE verb = '{VERB_VOIDED}' AND object IS NOT NULL))
        SELECT c.path, count(DISTINCT o.actor),
               count(DISTINCT o.actor) FILTER (WHERE o.verb = '{VERB_COMPLETED}'
                                               AND o.object = c.iri)
        FROM ours o JOIN catalog c ON c.kind = 'path' AND (o.g = c.iri OR o.object = c.iri)
        GROUP BY c.path""", [since, since])
    out = []
    for path in repo.paths:
        if wanted and path.id not in wanted:
            continue
        learners, completed = rows.get(path.id, (0, 0))
        out.append(PathFigures(path.id, path.title, figure(float(learners), learners, least),
                               figure(completed / learners if learners else None, learners,
                                      least)))
    return out


def _goals(con: duckdb.DuckDBPyConnection, repo: Repository, least: int) -> list[GoalFigures]:
    declared = declared_goals(repo)
    if not declared:
        return []
    pairs: set[tuple[str, str]] = set()
    for course in repo.courses:
        pairs.update((g, course.id) for g in _goals_of(course))
    for path in repo.paths:
        for g in _goals_of(path):
            pairs.update((g, m.id) for m in path.courses if repo.course(m.id) is not None)
    con.execute("CREATE OR REPLACE TEMP TABLE goal_courses (goal VARCHAR, course VARCHAR)")
    if pairs:
        con.executemany("INSERT INTO goal_courses VALUES (?, ?)", sorted(pairs))
    rows = _by_key(con, f"""
        WITH enrol AS (
            SELECT g.goal, f.course, f.actor,
                   bool_or(f.verb = '{VERB_PASSED}' AND f.kind = 'course') AS passed,
                   sum(f.duration) FILTER (WHERE f.verb = '{VERB_EXPERIENCED}'
                                           AND f.kind = 'lesson') AS t
            FROM facts f JOIN goal_courses g USING (course)
            GROUP BY g.goal, f.course, f.actor)
        SELECT goal, count(DISTINCT actor), count(*), count(*) FILTER (WHERE passed),
               (SELECT median(s) FROM (SELECT sum(t) AS s FROM enrol e2
                                        WHERE e2.goal = e.goal AND t IS NOT NULL
                                        GROUP BY actor)),
               (SELECT count(DISTINCT actor) FROM enrol e3 WHERE e3.goal = e.goal
                                                           AND t IS NOT NULL)
        FROM enrol e GROUP BY goal""")
    out = []
    for goal_id, title, owner in declared:
        learners, enrolments, passed, median_t, timed = rows.get(goal_id, (0, 0, 0, None, 0))
        out.append(GoalFigures(
            goal_id, title, owner, tuple(sorted(c for g, c in pairs if g == goal_id)),
            learners=figure(float(learners), learners, least),
            pass_rate=figure(passed / enrolments if enrolments else None, learners, least),
            time=figure(median_t, timed, least)))
    return out
