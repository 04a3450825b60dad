// xAPI statements, field by field against the profile of DESIGN section 8
// (lmsctl/runtime/xapi/statements.js).
import { test } from "node:test";
import assert from "node:assert/strict";
import { buildStatement, isoDuration } from "../../lmsctl/runtime/xapi/statements.js";

const BASE = "https://learn.example.com/lmsctl/";
const ACTOR = { objectType: "Agent", account: { homePage: BASE, name: "0b3c8a4e-2f1d-4e5a-9b6c-7d8e9f0a1b2c" } };
const CTX = { id: "5d1c9c43-3f2a-4b8e-8d6f-2a1b3c4d5e6f", timestamp: "2026-12-02T10:00:00.000Z",
              actor: ACTOR, base: BASE, language: "en", paths: ["sales-onboarding"] };
const ADL = "http://adlnet.gov/expapi/";
const COURSE = { objectType: "Activity", id: BASE + "courses/sales-basics/",
                 definition: { type: ADL + "activities/course" } };
const LESSON = { objectType: "Activity", id: BASE + "courses/sales-basics/why-discovery/",
                 definition: { type: ADL + "activities/lesson" } };
const PATH = { objectType: "Activity", id: BASE + "paths/sales-onboarding/",
               definition: { type: BASE + "xapi/activities/path" } };
const VERSION = BASE + "xapi/ext/content-version";

test("experienced: the lesson, active time as an ISO 8601 duration, course parent, paths", () => {
  const s = buildStatement({ verb: "experienced", course: "sales-basics", lesson: "why-discovery",
                             durationMs: 61500, version: "a1b2c3d4e5f6" }, CTX);
  assert.deepEqual(s, {
    id: CTX.id, timestamp: CTX.timestamp, actor: ACTOR,
    verb: { id: ADL + "verbs/experienced", display: { "en-US": "experienced" } },
    object: LESSON,
    result: { duration: "PT1M1.5S" },
    context: { platform: "lmsctl", language: "en",
               contextActivities: { parent: [COURSE], grouping: [COURSE, PATH] },
               extensions: { [VERSION]: "a1b2c3d4e5f6" } },
  });
});

test("answered: a cmi.interaction choice question, response and pattern as ids joined by [,]", () => {
  const s = buildStatement({
    verb: "answered", course: "sales-basics", lesson: "why-discovery", question: "q2",
    version: "0f9e8d7c6b5a", text: "Which are open questions?",
    choices: [{ id: "c1", text: "What matters?" }, { id: "yes-no", text: "Is it OK?" },
              { id: "c3", text: "How do you decide?" }],
    correct: ["c1", "c3"], response: ["c3", "yes-no"], success: false, attempt: 2,
  }, CTX);
  assert.equal(s.verb.id, ADL + "verbs/answered");
  assert.deepEqual(s.verb.display, { "en-US": "answered" });
  assert.deepEqual(s.object, {
    objectType: "Activity", id: BASE + "courses/sales-basics/why-discovery/#q2",
    definition: {
      type: ADL + "activities/cmi.interaction", interactionType: "choice",
      description: { en: "Which are open questions?" },
      choices: [{ id: "c1", description: { en: "What matters?" } },
                { id: "yes-no", description: { en: "Is it OK?" } },
                { id: "c3", description: { en: "How do you decide?" } }],
      correctResponsesPattern: ["c1[,]c3"],
    },
  });
  assert.deepEqual(s.result, { success: false, response: "c3[,]yes-no",
                               extensions: { [BASE + "xapi/ext/attempt"]: 2 } });
  assert.deepEqual(s.context, {
    platform: "lmsctl", language: "en",
    contextActivities: { parent: [LESSON], grouping: [COURSE, PATH] },
    extensions: { [VERSION]: "0f9e8d7c6b5a" },
  });
});

test("passed: the course, score raw/min/max/scaled, success and completion", () => {
  const s = buildStatement({ verb: "passed", course: "sales-basics",
                             score: { raw: 4, min: 0, max: 5, scaled: 0.8 }, passMark: 80 }, CTX);
  assert.equal(s.verb.id, ADL + "verbs/passed");
  assert.deepEqual(s.object, COURSE);
  assert.deepEqual(s.result, { success: true, completion: true,
                               score: { raw: 4, min: 0, max: 5, scaled: 0.8 } });
  assert.deepEqual(s.context, { platform: "lmsctl", language: "en",
                                contextActivities: { grouping: [PATH] } });
  const noQuestions = buildStatement({ verb: "passed", course: "x", score: null, passMark: 80 }, CTX);
  assert.deepEqual(noQuestions.result, { success: true, completion: true });
});

test("completed: the path, completion", () => {
  const s = buildStatement({ verb: "completed", path: "sales-onboarding" }, CTX);
  assert.equal(s.verb.id, ADL + "verbs/completed");
  assert.deepEqual(s.object, PATH);
  assert.deepEqual(s.result, { completion: true });
  assert.deepEqual(s.context, { platform: "lmsctl", language: "en" });
});

test("rated: tincan rated, score raw 1 or -1 between -1 and 1", () => {
  for (const value of [1, -1]) {
    const s = buildStatement({ verb: "rated", course: "sales-basics", lesson: "why-discovery",
                               version: "a1b2c3d4e5f6", value }, CTX);
    assert.deepEqual(s.verb, { id: "http://id.tincanapi.com/verb/rated", display: { "en-US": "rated" } });
    assert.deepEqual(s.object, LESSON);
    assert.deepEqual(s.result, { score: { raw: value, min: -1, max: 1 } });
    assert.deepEqual(s.context.extensions, { [VERSION]: "a1b2c3d4e5f6" });
    assert.deepEqual(s.context.contextActivities, { parent: [COURSE], grouping: [COURSE, PATH] });
  }
});

test("flagged: Activity Streams flag-as-inappropriate with the reason outdated", () => {
  const s = buildStatement({ verb: "flagged", course: "sales-basics", lesson: "why-discovery",
                             version: "a1b2c3d4e5f6" }, CTX);
  assert.equal(s.verb.id, "http://activitystrea.ms/schema/1.0/flag-as-inappropriate");
  assert.deepEqual(s.object, LESSON);
  assert.equal(s.result, undefined);
  assert.deepEqual(s.context.extensions, { [BASE + "xapi/ext/flag-reason"]: "outdated",
                                           [VERSION]: "a1b2c3d4e5f6" });
});

test("registration from a launch, no language when the course has none, unknown verbs", () => {
  const s = buildStatement({ verb: "completed", path: "p" },
    Object.assign({}, CTX, { language: "", registration: "9f0e1d2c-3b4a-4c5d-8e6f-7a8b9c0d1e2f" }));
  assert.deepEqual(s.context, { platform: "lmsctl", registration: "9f0e1d2c-3b4a-4c5d-8e6f-7a8b9c0d1e2f" });
  assert.equal(buildStatement({ verb: "jumped" }, CTX), null);
});

test("durations", () => {
  assert.equal(isoDuration(0), "PT0S");
  assert.equal(isoDuration(1500), "PT1.5S");
  assert.equal(isoDuration(3723000), "PT1H2M3S");
});
