// THE completion rule and the lesson-done rule (lmsctl/runtime/progress.js), against tables of
// cases. Run: node --test tests/js/
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  courseProgress, courseScore, courseState, grade, isCoursePassed, lessonState, pathProgress,
} from "../../lmsctl/runtime/progress.js";

const R = { result: "correct", choices: [0] };
const W = { result: "incorrect", choices: [1] };

function records(list) {
  const out = {};
  list.forEach((r, i) => { out["l" + (i % 2) + "/q" + i] = r; });
  return out;
}

// [name, records per question (null: never checked), pass mark, lessons {visited, total}, passed]
const completion = [
  ["no questions, no lesson visited", [], 80, { visited: 0, total: 2 }, false],
  ["no questions, some lessons visited", [], 80, { visited: 1, total: 2 }, false],
  ["no questions, every lesson visited", [], 80, { visited: 2, total: 2 }, true],
  ["no questions and no lessons is never passed", [], 0, { visited: 0, total: 0 }, false],
  ["pass mark 0: nothing answered passes", [null, null], 0, { visited: 0, total: 1 }, true],
  ["pass mark 0: a wrong answer passes", [W], 0, { visited: 0, total: 1 }, true],
  ["pass mark 100: all right", [R, R, R], 100, { visited: 0, total: 1 }, true],
  ["pass mark 100: one missing", [R, R, null], 100, { visited: 1, total: 1 }, false],
  ["pass mark 100: one wrong", [R, W, R], 100, { visited: 1, total: 1 }, false],
  ["pass mark 80: 4 of 5 is exactly 80", [R, R, R, R, W], 80, { visited: 1, total: 1 }, true],
  ["pass mark 80: 3 of 5 is below", [R, R, R, W, W], 80, { visited: 1, total: 1 }, false],
  // 2 of 3 is 66.67%, shown rounded as 67%: 67 does not pass it (no rounding at the boundary)
  ["pass mark 67: 2 of 3 (66.7%) is below", [R, R, W], 67, { visited: 1, total: 1 }, false],
  ["pass mark 66: 2 of 3 (66.7%) passes", [R, R, W], 66, { visited: 1, total: 1 }, true],
  ["pass mark 80: 7 of 9 (77.8%, shown 78%) is below", [R, R, R, R, R, R, R, W, W], 80,
   { visited: 1, total: 1 }, false],
  ["questions decide, not lessons visited", [W, W], 50, { visited: 3, total: 3 }, false],
  ["unanswered count as not right", [R, null, null, null], 25, { visited: 0, total: 2 }, true],
  // a kept answer regraded after the author changed the right choice is stored "incorrect"
  ["regraded answer counts with its new grade", [R, { result: "incorrect", choices: [0] }], 100,
   { visited: 1, total: 1 }, false],
  ["a record with another result is answered, not right", [{ result: "?" }], 1,
   { visited: 1, total: 1 }, false],
];

for (const [name, recs, passMark, lessons, expected] of completion) {
  test(`completion rule: ${name}`, () => {
    const byKey = records(recs);
    const score = courseScore(Object.keys(byKey), byKey);
    assert.equal(isCoursePassed(score, passMark, lessons), expected);
  });
}

test("course score: right, answered, total, percent (rounded) and scaled (exact)", () => {
  const byKey = records([R, R, W, null]);
  assert.deepEqual(courseScore(Object.keys(byKey), byKey),
    { right: 2, answered: 3, total: 4, percent: 50, scaled: 0.5 });
  const three = records([R, R, W]);
  const s = courseScore(Object.keys(three), three);
  assert.equal(s.percent, 67);
  assert.equal(s.scaled, 2 / 3);
  assert.deepEqual(courseScore([], {}), { right: 0, answered: 0, total: 0, percent: 0, scaled: 0 });
});

// [name, records of the lesson's questions, visited, state]
const lessons = [
  ["no question, not visited", [], false, "not-started"],
  ["no question, visited", [], true, "done"],
  ["questions, none answered, visited", [null, null], true, "started"],
  ["questions, none answered, not visited", [null, null], false, "not-started"],
  ["one of two right", [R, null], true, "started"],
  ["all answered, one wrong", [R, W], true, "started"],
  ["all right", [R, R], true, "done"],
  ["all right without a visit mark (another tab)", [R, R], false, "done"],
  ["answered wrong only, not visited", [W], false, "started"],
];
for (const [name, recs, visited, expected] of lessons) {
  test(`lesson-done rule: ${name}`, () => { assert.equal(lessonState(recs, visited), expected); });
}

test("grade compares sets of authored indexes, in any order", () => {
  assert.equal(grade([0], [0]), "correct");
  assert.equal(grade([2, 0], [0, 2]), "correct");
  assert.equal(grade([0], [0, 2]), "incorrect");
  assert.equal(grade([0, 1], [0]), "incorrect");
  assert.equal(grade([10, 2], [2, 10]), "correct");
  assert.equal(grade([1, 10], [10, 2]), "incorrect");
});

test("course progress reads the learner's state through the given readers", () => {
  const course = { id: "c", questions: ["a/q1", "a/q2", "b/q1"], lessons: ["a", "b"], passMark: 60 };
  const kept = { "a/q1": R, "a/q2": R, "b/q1": W };
  const p = courseProgress(course, (l, k) => kept[l + "/" + k] || null, (l) => l === "a");
  assert.deepEqual(p, { course: "c", total: 3, right: 2, answered: 3, visited: 1, pass: 60, score: 67,
                        scaled: 2 / 3, complete: true, state: "complete" });
  const none = courseProgress(course, () => null, () => false);
  assert.equal(none.state, "not-started");
  const visited = courseProgress(course, () => null, () => true);
  assert.equal(visited.state, "in-progress");
  assert.equal(visited.complete, false);
  const noQuestions = { id: "d", questions: [], lessons: ["a", "b"], passMark: 80 };
  assert.equal(courseProgress(noQuestions, () => null, () => true).state, "complete");
  assert.equal(courseProgress(noQuestions, () => null, (l) => l === "a").state, "in-progress");
});

test("course state", () => {
  const s = (answered) => ({ answered });
  assert.equal(courseState(s(0), true, 0), "complete");
  assert.equal(courseState(s(1), false, 0), "in-progress");
  assert.equal(courseState(s(0), false, 1), "in-progress");
  assert.equal(courseState(s(0), false, 0), "not-started");
});

test("path progress: complete when every required course is complete", () => {
  const p = (complete, state) => ({ complete, state });
  const by = { a: p(true, "complete"), b: p(false, "in-progress"), c: p(false, "not-started") };
  assert.deepEqual(pathProgress(["a", "b"], by), { done: 1, total: 2, complete: false, state: "in-progress" });
  assert.deepEqual(pathProgress(["a"], by), { done: 1, total: 1, complete: true, state: "complete" });
  assert.deepEqual(pathProgress(["c", "x"], by), { done: 0, total: 2, complete: false, state: "not-started" });
  assert.deepEqual(pathProgress([], by), { done: 0, total: 0, complete: false, state: "not-started" });
});
