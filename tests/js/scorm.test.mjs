// Unit tests of the SCORM recorder (lmsctl/runtime/recorders/scorm.js) against scorm-again's
// real SCORM 1.2 and 2004 runtimes (npm, pinned). Run: node --test tests/js/
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  createScormRecorder, decodeState, encodeState, encodeWithin, findAPI, sessionTime12, sessionTime2004,
  SUSPEND_LIMIT_12,
} from "../../lmsctl/runtime/recorders/scorm.js";

/* scorm-again comes from node_modules (npm ci --ignore-scripts); without it the tests that
   need an LMS runtime are skipped, saying so (CI installs it: .ci/run). */
let Scorm12API = null;
let Scorm2004API = null;
try {
  ({ Scorm12API } = await import("scorm-again/scorm12"));
  ({ Scorm2004API } = await import("scorm-again/scorm2004"));
} catch (e) { /* not installed */ }
const needsLms = { skip: Scorm12API ? false : "scorm-again is not installed: npm ci --ignore-scripts" };
const settings = { autocommit: false, lmsCommitUrl: false, logLevel: 5 };
/* What the LMS would store (write-only elements included), as scorm-again serializes it. */
const cmi = (api) => JSON.parse(JSON.stringify(api.cmi));

/* A course of the sample's shape: n questions over lessons of 1..5 questions, 2..6 choices. */
export function makeCourse(n, seed = 1) {
  let s = seed;
  const rnd = (k) => { s = (s * 1103515245 + 12345) % 2147483648; return s % k; };
  const lessons = [];
  const questions = [];
  let q = 0;
  while (q < n) {
    const id = `lesson-number-${lessons.length + 1}-with-a-long-name`;
    lessons.push({ id, url: `courses/c/${id}/index.html` });
    const count = Math.min(n - q, 1 + rnd(5));
    for (let k = 0; k < count; k += 1) {
      const choices = Array.from({ length: 2 + rnd(5) }, (_, i) => `c${i + 1}`);
      questions.push({ key: `${id}/q${k + 1}`, lesson: id, question: `q${k + 1}`,
                       choices, correct: [choices[rnd(choices.length)]] });
      q += 1;
    }
  }
  return { course: "a-course-with-a-long-id", passMark: 80, lessons, questions };
}

function answerAll(course, wrongFirst) {
  const state = new Map();
  course.questions.forEach((q, i) => {
    const all = q.choices.map((_, c) => c);
    state.set(`quiz:${course.course}/${q.key}`, { choices: wrongFirst && i % 2 ? all : [0], result: i % 3 ? "correct" : "incorrect" });
    if (i % 40) { state.set(`attempts:${course.course}/${q.key}`, 1 + (i % 40)); } // 1 is the default
  });
  course.lessons.forEach((l, i) => {
    state.set(`visited:${course.course}/${l.id}`, true);
    if (i % 2) { state.set(`helpful:${course.course}/${l.id}`, i % 4 === 1 ? "yes" : "no"); }
  });
  return state;
}

test("suspend_data of a 100-question course stays under SCORM 1.2's 4,096 characters and round-trips", () => {
  const course = makeCourse(100);
  const state = answerAll(course, true);
  const text = encodeState(course, state);
  assert.ok(text.length < SUSPEND_LIMIT_12, `${text.length} characters`);
  assert.ok(text.length < 1200, `budget: ${text.length} characters for 100 questions`);
  assert.deepEqual(decodeState(course, text), state);
});

test("answers survive questions added and removed (matched by hash, not only position)", () => {
  const course = makeCourse(12, 7);
  const state = answerAll(course, false);
  const text = encodeState(course, state);
  const changed = { ...course, questions: [{ key: "new-lesson/q1", lesson: "new-lesson", question: "q1", choices: ["c1", "c2"], correct: ["c1"] }, ...course.questions.slice(2)] };
  const back = decodeState(changed, text);
  for (const q of course.questions.slice(2)) {
    assert.deepEqual(back.get(`quiz:${course.course}/${q.key}`), state.get(`quiz:${course.course}/${q.key}`));
  }
  assert.equal(back.get(`quiz:${course.course}/new-lesson/q1`), undefined);
});

test("garbage suspend_data gives an empty state, never an exception", () => {
  const course = makeCourse(5);
  for (const text of ["", "x", "1|", "1|zzz|", "1|abc123|%%%,,,", "2|whatever", null, "1|||||"]) {
    assert.ok(decodeState(course, text) instanceof Map);
  }
});

test("findAPI searches parents, then the opener and its parents", () => {
  const top = { API: { name: "12" }, API_1484_11: { name: "2004" } };
  top.parent = top;
  const middle = { parent: top };
  const frame = { parent: middle };
  assert.equal(findAPI(frame, "1.2").name, "12");
  assert.equal(findAPI(frame, "2004").name, "2004");
  const lonely = {};
  lonely.parent = lonely;
  const popup = { parent: null, opener: frame };
  popup.parent = popup;
  assert.equal(findAPI(popup, "1.2").name, "12");
  assert.equal(findAPI(lonely, "1.2"), null);
});

test("session time formats", () => {
  assert.equal(sessionTime12(3723450), "0001:02:03.45");
  assert.equal(sessionTime2004(3723450), "PT1H2M3.45S");
  assert.equal(sessionTime12(0), "0000:00:00.00");
});

test("SCORM 1.2: incomplete, failed, then passed with the score; finish writes time and suspends", needsLms, () => {
  const course = makeCourse(4);
  const api = new Scorm12API(settings);
  const rec = createScormRecorder({ api, course, version: "1.2" });
  assert.equal(api.cmi.core.lesson_status, "incomplete");
  const keys = course.questions.map((q) => `quiz:${course.course}/${q.key}`);
  rec.save(keys[0], { choices: [0], result: "incorrect" });
  assert.equal(api.cmi.core.lesson_status, "incomplete");
  keys.slice(1).forEach((k) => rec.save(k, { choices: [0], result: "correct" }));
  assert.equal(api.cmi.core.lesson_status, "failed"); // 3 of 4 = 75% < 80%
  assert.equal(Number(api.cmi.core.score.raw), 75);
  rec.save(keys[0], { choices: [1], result: "correct" });
  assert.equal(api.cmi.core.lesson_status, "passed");
  assert.equal(Number(api.cmi.core.score.raw), 100);
  assert.equal(Number(api.cmi.core.score.max), 100);
  rec.save(keys[1], { choices: [1], result: "incorrect" }); // going back over the quiz
  assert.equal(api.cmi.core.lesson_status, "passed", "a passed course stays passed");
  assert.equal(Number(api.cmi.core.score.raw), 100, "and keeps its best score");
  rec.save(keys[1], { choices: [0], result: "correct" });
  rec.save(`location:${course.course}`, course.lessons[0].id);
  assert.equal(api.cmi.core.lesson_location, course.lessons[0].id);
  rec.finish();
  assert.equal(cmi(api).core.exit, "suspend");
  assert.match(cmi(api).core.session_time, /^\d{2,4}:\d{2}:\d{2}/);
  const again = new Scorm12API(settings);
  again.loadFromJSON({ suspend_data: api.cmi.suspend_data, core: { lesson_location: course.lessons[0].id } }, "");
  const back = createScormRecorder({ api: again, course, version: "1.2" });
  assert.deepEqual(back.load(keys[0]), { choices: [1], result: "correct" });
  assert.equal(back.load(`location:${course.course}`), course.lessons[0].id);
});

test("SCORM 1.2: a score just under the pass mark is never rounded up to it", needsLms, () => {
  const course = makeCourse(3);
  course.passMark = 67; // 2 of 3 = 66.67%
  const api = new Scorm12API(settings);
  const rec = createScormRecorder({ api, course, version: "1.2" });
  course.questions.forEach((q, i) => rec.save(`quiz:${course.course}/${q.key}`, { choices: [0], result: i ? "correct" : "incorrect" }));
  assert.equal(api.cmi.core.lesson_status, "failed");
  assert.ok(Number(api.cmi.core.score.raw) < 67);
});

test("SCORM 2004: success and completion status, scaled score, one interaction per answer", needsLms, () => {
  const course = makeCourse(2);
  const api = new Scorm2004API(settings);
  const rec = createScormRecorder({ api, course, version: "2004", now: () => Date.UTC(2026, 0, 2, 3, 4, 5) });
  assert.equal(api.cmi.completion_status, "incomplete");
  const [a, b] = course.questions;
  rec.save(`quiz:${course.course}/${a.key}`, { choices: [0], result: "correct" });
  rec.record({ verb: "answered", course: course.course, lesson: a.lesson, question: a.question, correct: a.correct, response: ["c1"], success: true, attempt: 1 });
  assert.equal(api.cmi.success_status, "unknown");
  rec.save(`quiz:${course.course}/${b.key}`, { choices: [0], result: "incorrect" });
  rec.record({ verb: "answered", course: course.course, lesson: b.lesson, question: b.question, correct: b.correct, response: ["c1", "c2"], success: false, attempt: 1 });
  assert.equal(api.cmi.success_status, "failed");
  assert.equal(api.cmi.completion_status, "completed");
  assert.equal(Number(api.cmi.score.scaled), 0.5);
  assert.equal(api.cmi.interactions.childArray.length, 2);
  const second = api.cmi.interactions.childArray[1];
  assert.equal(second.type, "choice");
  assert.equal(second.learner_response, "c1[,]c2");
  assert.equal(second.result, "incorrect");
  assert.equal(second.id, `urn:lmsctl:${course.course}:${b.lesson}:${b.question}`);
  assert.equal(second.correct_responses.childArray[0].pattern, b.correct.join("[,]"));
  assert.equal(second.timestamp, "2026-01-02T03:04:05.00Z");
  rec.finish();
  assert.equal(cmi(api).exit, "suspend");
  assert.match(cmi(api).session_time, /^PT/);
  rec.save(`quiz:${course.course}/${a.key}`, { choices: [1], result: "incorrect" }); // after finish: ignored
});

test("no API: no recorder (the page keeps the localStorage one)", () => {
  const win = {};
  win.parent = win;
  assert.equal(createScormRecorder({ win, course: makeCourse(1), version: "1.2" }), null);
});

test("a throwing LMS API never breaks the page", () => {
  const api = { LMSInitialize: () => "true", LMSGetValue: () => { throw new Error("LMS down"); },
                LMSSetValue: () => { throw new Error("LMS down"); }, LMSCommit: () => { throw new Error("x"); },
                LMSFinish: () => { throw new Error("x"); } };
  const course = makeCourse(2);
  const rec = createScormRecorder({ api, course, version: "1.2" });
  rec.save(`quiz:${course.course}/${course.questions[0].key}`, { choices: [0], result: "correct" });
  rec.record({ verb: "answered", course: course.course, lesson: course.questions[0].lesson, question: "q1", success: true });
  rec.flush();
  rec.finish();
});

test("a course the LMS has as passed stays passed at the next launch, with its best score", needsLms, () => {
  const course = makeCourse(4);
  const api = new Scorm12API(settings);
  api.loadFromJSON({ core: { lesson_status: "passed", score: { raw: "100" } } }, "");
  const rec = createScormRecorder({ api, course, version: "1.2" });
  course.questions.forEach((q) => rec.save(`quiz:${course.course}/${q.key}`, { choices: [0], result: "incorrect" }));
  assert.equal(api.cmi.core.lesson_status, "passed");
  assert.equal(Number(api.cmi.core.score.raw), 100);
});

test("a course too large for 4,096 characters keeps what fits: answers before attempts", () => {
  const course = makeCourse(700, 3);
  const state = answerAll(course, true);
  const text = encodeWithin(course, state, SUSPEND_LIMIT_12);
  assert.ok(text.length <= SUSPEND_LIMIT_12, `${text.length}`);
  const back = decodeState(course, text);
  const kept = course.questions.filter((q) => back.has(`quiz:${course.course}/${q.key}`));
  assert.ok(kept.length > 400, `${kept.length} answers kept`);
  for (const q of kept) {
    assert.deepEqual(back.get(`quiz:${course.course}/${q.key}`), state.get(`quiz:${course.course}/${q.key}`));
  }
  assert.equal([...back.keys()].filter((k) => k.startsWith("attempts:")).length, 0);
  for (const l of course.lessons) { assert.equal(back.get(`visited:${course.course}/${l.id}`), true); }
  const small = makeCourse(10);
  const smallState = answerAll(small, false);
  assert.equal(encodeWithin(small, smallState, SUSPEND_LIMIT_12), encodeState(small, smallState));
});
