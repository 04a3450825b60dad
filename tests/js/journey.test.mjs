// The journey's rules (lmsctl/runtime/journey.js): the next course of a path, the path page's
// action, the recent list behind "Continue learning", the completion record behind the
// certificate. Run: node --test tests/js/
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  certificateFor, completionOf, inProgress, isoDay, nextCourse, pathAction, rememberRecent,
} from "../../lmsctl/runtime/journey.js";
import { certificateText, continueText, pathActionText, resultText } from "../../lmsctl/runtime/messages.js";

const done = { complete: true, state: "complete" };
const going = { complete: false, state: "in-progress" };
const fresh = { complete: false, state: "not-started" };

test("the next course of a path is the first unfinished one after the course just finished", () => {
  const req = ["a", "b", "c", "d"];
  assert.equal(nextCourse(req, { a: done, b: fresh, c: done, d: fresh }, "c"), "d");
  assert.equal(nextCourse(req, { a: done, b: fresh, c: done, d: done }, "c"), "b");  // wraps round
  assert.equal(nextCourse(req, { a: done, b: done, c: done, d: done }, "c"), null);
  assert.equal(nextCourse(req, {}, null), "a");
  assert.equal(nextCourse(req, { a: done }, "zz"), "b");  // a course outside the path
});

test("a path page offers Start, Continue (the next unfinished required course) or Review", () => {
  const req = ["a", "b"];
  assert.deepEqual(pathAction(req, {}), { kind: "start", course: "a" });
  assert.deepEqual(pathAction(req, { a: going }), { kind: "continue", course: "a" });
  assert.deepEqual(pathAction(req, { a: done, b: fresh }), { kind: "continue", course: "b" });
  assert.deepEqual(pathAction(req, { a: done, b: done }), { kind: "review", course: "a" });
  assert.equal(pathActionText("continue", "Pricing"), "Continue: Pricing");
  assert.equal(pathActionText("start", "Basics"), "Start: Basics");
});

test("the recent list keeps one entry per course, newest first, and is capped", () => {
  let list = null;
  for (let i = 0; i < 20; i += 1) {
    list = rememberRecent(list, { course: "c" + (i % 15), title: "T", at: i, state: "in-progress" }, 12);
  }
  assert.equal(list.length, 12);
  assert.equal(list[0].course, "c4");
  assert.equal(new Set(list.map((e) => e.course)).size, 12);
  assert.deepEqual(rememberRecent("junk", { course: "x" }, 3), [{ course: "x" }]);
});

test("Continue learning lists courses in progress only, most recent first; junk is ignored", () => {
  const list = [
    { course: "old", title: "Old", at: 1, state: "in-progress" },
    { course: "passed", title: "Passed", at: 9, state: "complete" },
    { course: "new", title: "New", at: 5, state: "in-progress" },
    { course: "../evil", title: "Evil", at: 7, state: "in-progress" },
    null, 42, { course: "notitle", at: 3, state: "in-progress" },
  ];
  assert.deepEqual(inProgress(list).map((e) => e.course), ["new", "old"]);
  assert.deepEqual(inProgress({}), []);
  assert.equal(continueText({ right: 1, total: 4, score: 25 }), "1 of 4 questions right (25%)");
});

test("a completion record exists only for a course passed by a learner who has been in it", () => {
  const p = { course: "a", complete: true, answered: 3, visited: 2, score: 75, right: 3, total: 4, pass: 70 };
  const first = completionOf(null, p, "Course A", "2026-03-01");
  assert.deepEqual(first, { course: "a", title: "Course A", date: "2026-03-01", score: 75, right: 3, total: 4, pass: 70 });
  // the date of the first pass is kept
  assert.equal(completionOf(first, p, "Course A", "2026-04-09").date, "2026-03-01");
  assert.equal(completionOf(null, { ...p, complete: false }, "A", "2026-03-01"), null);
  // a pass mark of 0 makes a course complete before anything is done: not a pass
  assert.equal(completionOf(null, { ...p, answered: 0, visited: 0 }, "A", "2026-03-01"), null);
  assert.equal(isoDay(new Date(2026, 0, 5)), "2026-01-05");
});

test("a certificate is shown only for the course asked for, from a well-formed record", () => {
  const r = { course: "a", title: "Course A", date: "2026-03-01", score: 75, right: 3, total: 4, pass: 70 };
  assert.equal(certificateFor(r, "a"), r);
  assert.equal(certificateFor(r, "b"), null);
  assert.equal(certificateFor(null, "a"), null);
  assert.equal(certificateFor({ ...r, date: "soon" }, "a"), null);
  assert.equal(certificateFor({ ...r, title: "" }, "a"), null);
  assert.equal(certificateFor({ ...r, course: "../x" }, "../x"), null);
  assert.equal(certificateText(r), "with a score of 75% (3 of 4 questions right; pass mark 70%)");
});

test("the result says the score and the pass mark, passed or not", () => {
  const p = { complete: false, right: 1, total: 2, score: 50, pass: 80 };
  assert.match(resultText(p), /^Not passed yet: 1 of 2 questions right \(50%\); the pass mark is 80%\./);
  assert.equal(resultText({ ...p, complete: true, right: 2, score: 100 }),
    "You passed: 2 of 2 questions right (100%); the pass mark is 80%.");
  assert.equal(resultText({ complete: true, total: 0 }), "You passed: you have read every lesson.");
});
