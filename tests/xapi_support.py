"""Statements shaped like the site's xAPI recorder sends them (DESIGN section 8), for tests.

    s = Statements(BASE)
    s.experienced("ann", "sales-basics", "discovery", seconds=300)
    s.answered("ann", "sales-basics", "discovery", "q1", version, ["c1"], True)
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path
from typing import Any

from lmsctl.core.ids import course_iri, lesson_iri, path_iri, question_iri

BASE = "https://example.org/learn/"
ADL = "http://adlnet.gov/expapi/verbs/"
RATED = "http://id.tincanapi.com/verb/rated"
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)  # a Monday


class Statements:
    def __init__(self, base: str = BASE) -> None:
        self.base = base
        self.items: list[dict[str, Any]] = []
        self.clock = START

    def actor(self, name: str) -> dict[str, Any]:
        return {"objectType": "Agent", "account": {"homePage": self.base, "name": name}}

    def _add(self, name: str, verb: str, object_id: str, *, result: dict[str, Any] | None = None,
             parent: str | None = None, grouping: list[str] | None = None,
             version: str | None = None, definition: dict[str, Any] | None = None,
             at: dt.datetime | None = None) -> dict[str, Any]:
        self.clock += dt.timedelta(seconds=1)
        when = at or self.clock
        context: dict[str, Any] = {"platform": "lmsctl", "language": "en",
                                   "contextActivities": {}}
        if parent:
            context["contextActivities"]["parent"] = [{"id": parent}]
        if grouping:
            context["contextActivities"]["grouping"] = [{"id": g} for g in grouping]
        if version:
            context["extensions"] = {f"{self.base}xapi/ext/content-version": version}
        obj: dict[str, Any] = {"objectType": "Activity", "id": object_id}
        if definition:
            obj["definition"] = definition
        statement: dict[str, Any] = {
            "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{len(self.items)}:{object_id}")),
            "actor": self.actor(name),
            "verb": {"id": verb, "display": {"en-US": verb.rsplit("/", 1)[-1]}},
            "object": obj, "context": context,
            "timestamp": when.isoformat().replace("+00:00", "Z"),
            "stored": when.isoformat().replace("+00:00", "Z"),
        }
        if result is not None:
            statement["result"] = result
        self.items.append(statement)
        return statement

    def experienced(self, name: str, course: str, lesson: str, seconds: float,
                    version: str = "lessonv1", **kw: Any) -> dict[str, Any]:
        return self._add(name, ADL + "experienced", lesson_iri(self.base, course, lesson),
                         result={"duration": f"PT{seconds:g}S"},
                         parent=course_iri(self.base, course),
                         grouping=[course_iri(self.base, course)], version=version, **kw)

    def answered(self, name: str, course: str, lesson: str, question: str, version: str,
                 response: list[str], success: bool, attempt: int = 1,
                 choices: list[str] | None = None, correct: list[str] | None = None,
                 **kw: Any) -> dict[str, Any]:
        definition = {"type": "http://adlnet.gov/expapi/activities/cmi.interaction",
                      "interactionType": "choice",
                      "choices": [{"id": c, "description": {"en": c}}
                                  for c in (choices or ["c1", "c2", "c3"])],
                      "correctResponsesPattern": ["[,]".join(correct or ["c1"])]}
        return self._add(
            name, ADL + "answered", question_iri(self.base, course, lesson, question),
            result={"success": success, "response": "[,]".join(response),
                    "extensions": {f"{self.base}xapi/ext/attempt": attempt}},
            parent=lesson_iri(self.base, course, lesson),
            grouping=[course_iri(self.base, course)], version=version, definition=definition,
            **kw)

    def passed(self, name: str, course: str, paths: list[str] | None = None,
               **kw: Any) -> dict[str, Any]:
        return self._add(name, ADL + "passed", course_iri(self.base, course),
                         result={"success": True, "completion": True,
                                 "score": {"raw": 1, "min": 0, "max": 1, "scaled": 1}},
                         grouping=[path_iri(self.base, p) for p in paths or []], **kw)

    def rated(self, name: str, course: str, lesson: str, value: int,
              **kw: Any) -> dict[str, Any]:
        return self._add(name, RATED, lesson_iri(self.base, course, lesson),
                         result={"score": {"raw": value, "min": -1, "max": 1}},
                         parent=course_iri(self.base, course), version="lessonv1", **kw)

    def completed(self, name: str, path: str, **kw: Any) -> dict[str, Any]:
        return self._add(name, ADL + "completed", path_iri(self.base, path), **kw)

    def visit(self, name: str, course: str, lesson: str, paths: list[str]) -> dict[str, Any]:
        """An experienced statement whose grouping names the paths holding the course."""
        return self._add(name, ADL + "experienced", lesson_iri(self.base, course, lesson),
                         result={"duration": "PT10S"},
                         grouping=[course_iri(self.base, course),
                                   *(path_iri(self.base, p) for p in paths)], version="v")

    def write_ndjson(self, path: Path) -> Path:
        path.write_text("".join(json.dumps(s) + "\n" for s in self.items), encoding="utf-8")
        return path

    def write_array(self, path: Path) -> Path:
        path.write_text(json.dumps(self.items, indent=1), encoding="utf-8")
        return path
